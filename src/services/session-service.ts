import type { AppContext } from '../context.js';
import type { PaymentSession } from '../contract/payments.js';
import { assertSessionTransition, type SessionStatus } from '../domain/session-status.js';
import { DomainError } from '../domain/domain-error.js';
import { PaymentsError } from '../errors.js';
import type { GatewayAccount, OrderLine, SessionInput } from '../gateways/gateway.js';
import { gatewayFor } from '../gateways/registry.js';
import { getCachedEngineAccount, toGatewayAccount } from '../store/account-store.js';
import type { Queryable } from '../store/db.js';
import { appendHistory, type Actor } from '../store/history-store.js';
import {
  collectionForOrder,
  getSession,
  insertCollection,
  lockCollection,
  OPEN_SESSION_STATUSES,
  OPEN_SESSION_STATUSES_SQL,
  SESSION_SELECT,
  type CollectionRow,
  type SessionRow,
} from '../store/payment-store.js';
import { syncCollection } from './collection-sync.js';
import { COLLECTION_COLUMNS } from './engine/locks.js';
import { holdOrderStatus, noteSession, orderStatusColumn } from './collection-rows.js';
import { rememberRow } from './outbox.js';
import { SESSION_LIST_TIMES, SESSION_VIEW_COLUMNS, sessionView, type SessionViewRow } from './session-views.js';

const PAID_STATUSES = new Set(['authorized', 'partially_authorized', 'partially_captured', 'completed', 'partially_refunded', 'refunded']);

interface OrderForPayment {
  id: number;
  user_id: number;
  payment_account_id: number;
  currency: string;
  total: bigint;
  lines: { productId: number; quantity: number; priceMinor: string; title: string }[];
}

export interface CreateSessionInput {
  orderId: number;
  type: 'session' | 'intent';
  automaticTaxEnabled?: boolean;
  /** Pay through another account than the order's (must be one the order's storage allows). */
  accountId?: number;
}

/**
 * Creates the payment session for an order (and the order's payment collection on first use).
 * The order row is locked first, so concurrent calls for one order serialize: an open,
 * unexpired session of the same account and type is returned as is; any other open session is
 * canceled (or expired) in the same transaction — never two payable sessions for one order
 * (also enforced by the unique index payment_sessions_one_payable_per_order).
 */
export async function createSession(ctx: AppContext, userId: number, input: CreateSessionInput): Promise<PaymentSession> {
  const actor: Actor = { type: 'user', id: String(userId) };
  const now = ctx.now();
  const { session, account, fresh, lines } = await ctx.db.transaction(async (tx) => {
    const order = await lockOrder(tx, input.orderId, userId);
    if (input.accountId !== undefined && input.accountId !== order.payment_account_id) {
      const allowed = await tx.query(
        'SELECT 1 FROM order_storage_accounts sa JOIN orders o ON o.storage_id = sa.storage_id WHERE o.id = $1 AND sa.account_id = $2',
        [order.id, input.accountId]);
      if (allowed.rowCount === 0) throw new PaymentsError('bad_request', `Order ${order.id}'s storage does not allow that payment account`);
    }
    const accountRow = await getCachedEngineAccount(ctx, tx, input.accountId ?? order.payment_account_id);
    if (!accountRow) throw new PaymentsError('account_not_found', `Payment account of order ${order.id} no longer exists`);
    const account = toGatewayAccount(ctx, accountRow);
    const expiresAt = new Date(now.getTime() + account.sessionLifetimeSec * 1000);
    // created_at and expires_at from the same clock, so the lifetime is exact.
    const values = [order.id, userId, account.id, input.type, input.automaticTaxEnabled ?? false, account.successUrl, account.cancelUrl, expiresAt, now];
    const { collection, created, session: madeWithCollection } = await orderCollection(tx, order, userId, values);
    if (PAID_STATUSES.has(collection.status)) {
      throw new PaymentsError('order_locked', `Order ${order.id} is already paid (payment status ${collection.status})`);
    }
    if (collection.status === 'canceled') throw new PaymentsError('order_locked', `Payment of order ${order.id} was canceled`);

    // A collection made just now has no session yet (every session of the order is in it).
    const { rows: open } = created ? { rows: [] as SessionRow[] } : await tx.query<SessionRow>(
      `SELECT * FROM payment_sessions WHERE order_id = $1 AND status IN ${OPEN_SESSION_STATUSES_SQL} FOR UPDATE`,
      [order.id],
    );
    for (const s of open) {
      const expired = s.expires_at !== null && s.expires_at <= now;
      if (!expired && s.account_id === account.id && s.type === input.type && s.automatic_tax === (input.automaticTaxEnabled ?? false)) {
        // An open session whose gateway set-up never finished (a concurrent create still on its
        // way, or a process that died in between) is set up again: the provider call is
        // idempotent (key tender-session-<id>), so this never makes a second checkout.
        const unset = !gatewayFor(account.type).localInitiate && s.gateway_ref === null;
        return { session: { ...s, payment_status: null }, account, fresh: unset, lines: order.lines };
      }
      await moveSession(tx, s, expired ? 'expired' : 'canceled', actor, expired ? undefined : { reason: 'replaced by a new session' });
    }

    let session = madeWithCollection ?? (await tx.query<SessionRow>(
      `INSERT INTO payment_sessions (${SESSION_INSERT_COLUMNS}) VALUES ($10, ${SESSION_INSERT_VALUES}, $11, $12) RETURNING *`,
      [...values, collection.id, collection.amount, collection.currency],
    )).rows[0]!;
    noteSession(tx, session.collection_id, session.id, session.status);
    const gateway = gatewayFor(account.type);
    if (gateway.localInitiate) {
      // Provider idempotency keys are per account, so they are derived from our session id,
      // never taken from a client's Idempotency-Key (two users could send the same one).
      const result = await gateway.initiate(account, sessionInput(session, order), `tender-session-${session.id}`);
      session = await recordInitiate(tx, session.id, result);
    }
    // A new session has no payment: the outbox renders its created event from this row.
    rememberRow(tx, 'payment_session', session.id, { ...session, payment_status: null });
    await appendHistory(tx, {
      entity: 'session', entityId: session.id, action: 'created', to: 'pending', amount: session.amount,
      currency: session.currency, orderId: order.id, collectionId: collection.id, sessionId: session.id, actor,
      gatewayRef: session.gateway_ref, data: { type: input.type, accountId: account.id },
    });
    // In a collection made just now, this session is all there is: its status needs no read.
    await syncCollection(tx, collection, actor, created ? { sessions: [session], payments: [] } : undefined);
    return { session: { ...session, payment_status: null }, account, fresh: !gateway.localInitiate, lines: order.lines };
  });
  if (!fresh) return sessionView(session);
  return sessionView(await initiateRemote(ctx, session, account, actor, lines));
}

/** Calls a remote gateway outside any transaction, then records what it answered. */
async function initiateRemote(ctx: AppContext, session: SessionRow, account: GatewayAccount, actor: Actor, lines: OrderForPayment['lines']): Promise<SessionRow> {
  const gateway = gatewayFor(account.type);
  let result;
  try {
    result = await gateway.initiate(account, sessionInput(session, { id: session.order_id ?? 0, lines }), `tender-session-${session.id}`);
  } catch (err) {
    // A refusal the caller can act on (e.g. a currency the provider does not support) keeps its
    // own code and message; anything else is a retryable gateway failure.
    const actionable = toActionable(err);
    ctx.log[actionable ? 'warn' : 'error']({ err, sessionId: session.id }, 'gateway initiate failed');
    await ctx.db.transaction(async (tx) => {
      const collection = await lockCollection(tx, session.collection_id);
      const current = await getSession(tx, session.id, true);
      if (current && current.status === 'pending') {
        await moveSession(tx, current, 'failed', actor, { reason: 'gateway initiate failed' });
        await tx.query(`UPDATE payment_sessions SET last_error = $2 WHERE id = $1`, [session.id, { code: 'gateway_error', message: (err as Error).message }]);
        rememberRow(tx, 'payment_session', session.id, undefined);
      }
      if (collection) await syncCollection(tx, collection, actor);
    });
    throw actionable ?? new PaymentsError('gateway_error', `The ${account.type} gateway could not start the payment; try again`);
  }
  // One statement: atomic without a transaction around it.
  return recordInitiate(ctx.db, session.id, result);
}

function toActionable(err: unknown): PaymentsError | undefined {
  if (err instanceof PaymentsError && err.status < 500) return err;
  if (err instanceof DomainError) return new PaymentsError(err.code, err.message, err.details);
  return undefined;
}

async function recordInitiate(tx: Queryable, sessionId: number, result: Awaited<ReturnType<ReturnType<typeof gatewayFor>['initiate']>>): Promise<SessionRow> {
  const { rows } = await tx.query<SessionRow>(
    `UPDATE payment_sessions SET gateway_status = $2, gateway_ref = $3, payment_url = $4, client_secret = $5,
       data = data || $6::jsonb, updated_at = now() WHERE id = $1 RETURNING *`,
    [sessionId, result.gatewayStatus, result.gatewayRef, result.paymentUrl, result.clientSecret ?? null, result.data ?? {}],
  );
  return rows[0]!;
}

/** Moves a session along its transition table and records the history row. */
export async function moveSession(tx: Queryable, s: SessionRow, to: SessionStatus, actor: Actor, data?: Record<string, unknown>, gatewayStatus?: string, paymentId?: number): Promise<void> {
  const w = sessionMoveWrite(s, to, gatewayStatus, '$4::int')(1);
  await tx.query(w.sql, [...w.params, paymentId ?? null]);
  await sessionMoved(tx, s, to, actor, data, paymentId);
}

/**
 * moveSession's UPDATE, to run as part of another statement (then call {@link sessionMoved}):
 * checks the transition now, when it is made. `paymentId` is the payment to link: a number is
 * bound as the UPDATE's last parameter; a string is an SQL expression (null: keep the session's),
 * e.g. a placeholder the caller binds or a sub-select of the same statement.
 */
export function sessionMoveWrite(s: SessionRow, to: SessionStatus, gatewayStatus: string | undefined, paymentId: string | number): (n: number) => { sql: string; params: unknown[] } {
  assertSessionTransition(s.status, to);
  const id = s.id;
  const bound = typeof paymentId === 'number';
  return (n) => ({
    sql: `UPDATE payment_sessions SET status = $${n + 1}, gateway_status = COALESCE($${n + 2}, gateway_status),
            payment_id = COALESCE(${bound ? `$${n + 3}::int` : paymentId}, payment_id), updated_at = now()
          WHERE id = $${n}`,
    params: bound ? [id, to, gatewayStatus ?? null, paymentId] : [id, to, gatewayStatus ?? null],
  });
}

/** What follows a session's move once it is written: the history row and the transaction's copies. */
export async function sessionMoved(tx: Queryable, s: SessionRow, to: SessionStatus, actor: Actor, data?: Record<string, unknown>, paymentId?: number): Promise<void> {
  rememberRow(tx, 'payment_session', s.id, undefined);
  noteSession(tx, s.collection_id, s.id, to);
  if (paymentId !== undefined) s.payment_id = paymentId;
  await appendHistory(tx, {
    entity: 'session', entityId: s.id, action: 'status_changed', from: s.status, to, amount: s.amount, currency: s.currency,
    orderId: s.order_id, collectionId: s.collection_id, sessionId: s.id, actor, gatewayRef: s.gateway_ref, data: data ?? null,
  });
  s.status = to;
}

export function sessionInput(session: SessionRow, order: { id: number; lines: OrderForPayment['lines'] }): SessionInput {
  const lines: OrderLine[] = order.lines.map((l) => ({ productId: l.productId, title: l.title, quantity: l.quantity, unitAmount: BigInt(l.priceMinor) }));
  return {
    id: session.id,
    type: session.type,
    amount: { amount: session.amount, currency: session.currency },
    orderId: session.order_id,
    lines,
    automaticTax: session.automatic_tax,
    expiresAt: session.expires_at ?? new Date(),
    successUrl: session.success_url,
    cancelUrl: session.cancel_url,
  };
}

async function lockOrder(tx: Queryable, orderId: number, userId: number): Promise<OrderForPayment> {
  const { rows } = await tx.query<OrderForPayment & { lo__status?: unknown }>(
    `SELECT id, user_id, payment_account_id, currency, total, lines, ${orderStatusColumn('o')} AS lo__status
       FROM orders o WHERE id = $1 AND user_id = $2 FOR UPDATE`,
    [orderId, userId],
  );
  const order = rows[0];
  if (!order) throw new PaymentsError('order_not_found', `Order ${orderId} not found`);
  holdOrderStatus(tx, order.id, order.lo__status);
  delete order.lo__status;
  return order;
}

/** The order's collection (created on first use); its amount follows the order total until paid. */
/** A new session's columns and values; `$1`–`$9` are createSession's `values`, then the collection's id, amount and currency. */
const SESSION_INSERT_COLUMNS = `collection_id, order_id, user_id, account_id, type, status, automatic_tax, success_url, cancel_url, expires_at,
  created_at, updated_at, amount, currency`;
const SESSION_INSERT_VALUES = `$1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9, $9`;

/**
 * The order's collection: made now (with the new session in the same statement: a new
 * collection has no session to reuse or replace) or the existing one, its amount brought up to
 * the order's total while nothing was paid.
 */
async function orderCollection(tx: Queryable, order: OrderForPayment, userId: number, sessionValues: unknown[]): Promise<{ collection: CollectionRow; created: boolean; session?: SessionRow }> {
  // The order row is locked, so nobody else can create it in between.
  const { rows } = await tx.query<Record<string, unknown>>(
    `WITH c AS (
       INSERT INTO payment_collections (order_id, user_id, amount, currency) VALUES ($1, $2, $10, $11)
       ON CONFLICT (order_id) WHERE order_id IS NOT NULL DO NOTHING RETURNING *),
     s AS (
       INSERT INTO payment_sessions (${SESSION_INSERT_COLUMNS}) SELECT c.id, ${SESSION_INSERT_VALUES}, c.amount, c.currency FROM c RETURNING *)
     SELECT ${COLLECTION_COLUMNS.map((c) => `c.${c} AS lc__${c}`).join(', ')}, s.* FROM c JOIN s ON true`,
    [...sessionValues, order.total, order.currency],
  );
  const row = rows[0];
  if (row) {
    const collection = Object.fromEntries(COLLECTION_COLUMNS.map((c) => [c, row[`lc__${c}`]])) as unknown as CollectionRow;
    const session = Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('lc__'))) as unknown as SessionRow;
    return { collection, created: true, session };
  }
  const existing = (await collectionForOrder(tx, order.id, true))!;
  if (existing.captured_amount === 0n && existing.authorized_amount === 0n && (existing.amount !== order.total || existing.currency !== order.currency)) {
    await tx.query('UPDATE payment_collections SET amount = $2, currency = $3, updated_at = now() WHERE id = $1', [existing.id, order.total, order.currency]);
    existing.amount = order.total;
    existing.currency = order.currency;
  }
  return { collection: existing, created: false };
}

// The page's timestamps as PostgreSQL's text (the same bytes it sends for a timestamptz), turned
// into ISO strings by position: no Date per value (docs/benchmarks-history.md, fourth round).
const SESSION_LIST_COLUMNS = SESSION_VIEW_COLUMNS.map((c) => (SESSION_LIST_TIMES.has(c) ? `s.${c}::text AS ${c}` : `s.${c}`)).join(', ');

export async function listUserSessions(ctx: AppContext, userId: number, offset: number, limit: number): Promise<{ items: PaymentSession[]; total: number }> {
  // The count and the page in one statement; only the page's rows are joined to their payment
  // (a window count over the join would join every session of the user). A page past the end
  // is one row of nulls that still carries the total.
  const { rows } = await ctx.db.query<SessionViewRow & { total: number }>(
    `SELECT ${SESSION_LIST_COLUMNS}, p.status AS payment_status, t.total
       FROM (SELECT count(*)::int AS total FROM payment_sessions WHERE user_id = $1 AND order_id IS NOT NULL) t
       LEFT JOIN LATERAL (SELECT * FROM payment_sessions WHERE user_id = $1 AND order_id IS NOT NULL ORDER BY id DESC LIMIT $2 OFFSET $3) s ON true
       LEFT JOIN payments p ON p.id = s.payment_id
      ORDER BY s.id DESC`,
    [userId, limit, offset],
  );
  const total = rows[0]?.total ?? 0;
  return { items: rows.filter((r) => r.id !== null).map(sessionView), total };
}

export async function getUserSession(ctx: AppContext, userId: number, sessionId: number): Promise<PaymentSession> {
  const { rows } = await ctx.db.query<SessionRow>(`${SESSION_SELECT} WHERE s.id = $1 AND s.user_id = $2`, [sessionId, userId]);
  if (!rows[0]) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
  return sessionView(rows[0]);
}

/** The order's current session: the open one if any, else the most recent. */
export async function getUserSessionByOrder(ctx: AppContext, userId: number, orderId: number): Promise<PaymentSession> {
  const { rows } = await ctx.db.query<SessionRow & { owner: number }>(
    `SELECT o.user_id AS owner, x.* FROM orders o LEFT JOIN LATERAL (
        ${SESSION_SELECT} WHERE s.order_id = o.id
        ORDER BY (s.status = ANY($3::text[])) DESC, s.id DESC LIMIT 1) x ON true
      WHERE o.id = $1 AND o.user_id = $2`,
    [orderId, userId, OPEN_SESSION_STATUSES],
  );
  const row = rows[0];
  if (!row) throw new PaymentsError('order_not_found', `Order ${orderId} not found`);
  if (row.id === null) throw new PaymentsError('session_not_found', `Order ${orderId} has no payment session yet`);
  return sessionView(row);
}
