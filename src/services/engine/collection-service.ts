import type { AppContext } from '../../context.js';
import { normalizeCurrency } from '../../domain/currencies.js';
import { toMajorNumber } from '../../domain/format-major.js';
import type { Money } from '../../domain/money.js';
import { PaymentsError } from '../../errors.js';
import { gatewayFor } from '../../gateways/registry.js';
import { toGatewayAccount, type AccountRow } from '../../store/account-store.js';
import { appendHistory } from '../../store/history-store.js';
import type { GatewayAccount } from '../../gateways/gateway.js';
import { ACCOUNT_SELECT, accountFrom } from './locks.js';
import { collectionForOrder, insertCollection, SESSION_SELECT, type CollectionRow, type PaymentRow, type SessionRow } from '../../store/payment-store.js';
import { syncCollection } from '../collection-sync.js';
import { childRowsColumns, holdChildRows, noteSession } from '../collection-rows.js';
import { rememberRow } from '../outbox.js';
import { createSession, sessionInput } from '../session-service.js';
import { sessionView } from '../session-views.js';
import { PAYMENT_SELECT, paymentView, type PaymentView } from './payment-views.js';

export interface CollectionView {
  id: number;
  orderId: number | null;
  amount: number;
  amountMinor: number;
  currency: string;
  status: string;
  authorizedAmount: number;
  capturedAmount: number;
  refundedAmount: number;
  sessions: ReturnType<typeof sessionView>[];
  payments: PaymentView[];
  createdAt: string;
  updatedAt: string;
}

/**
 * Seed 003 step 1: a payment collection — for an order (its total is the amount; one per order)
 * or on its own with an amount and currency.
 */
export async function createCollection(ctx: AppContext, userId: number, input: { orderId?: number; amount?: Money }): Promise<CollectionView> {
  if (input.orderId === undefined) {
    if (!input.amount || input.amount.amount <= 0n) throw new PaymentsError('validation_failed', 'A collection without an order needs a positive amount and a currency');
    // One statement, so no transaction around it; a new collection has no session or payment yet.
    const created = await insertCollection(ctx.db, { orderId: null, userId, amount: input.amount.amount, currency: input.amount.currency });
    return collectionView(created, [], []);
  }
  const id = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number; total: bigint; currency: string }>(
      'SELECT id, total, currency FROM orders WHERE id = $1 AND user_id = $2 FOR UPDATE', [input.orderId, userId]);
    const order = rows[0];
    if (!order) throw new PaymentsError('order_not_found', `Order ${input.orderId} not found`);
    if (input.amount && (input.amount.amount !== order.total || input.amount.currency !== order.currency.trim())) {
      throw new PaymentsError('amount_mismatch', `Order ${order.id} is due ${toMajorNumber({ amount: order.total, currency: order.currency.trim() })} ${order.currency}`);
    }
    const existing = await collectionForOrder(tx, order.id, true);
    return (existing ?? (await insertCollection(tx, { orderId: order.id, userId, amount: order.total, currency: order.currency.trim() }))).id;
  });
  return getCollection(ctx, id, userId);
}

/**
 * Seed 003 step 2: a session in the collection for one provider. For an order's collection the
 * order's one-payable-session rule applies (see createSession). A collection without an order
 * may hold one open session per provider; the first to authorize wins (the others are refused).
 */
export async function createCollectionSession(ctx: AppContext, userId: number, collectionId: number, accountIdentifier: string, type: 'session' | 'intent'): Promise<ReturnType<typeof sessionView>> {
  const actor = { type: 'user', id: String(userId) } as const;
  const now = ctx.now();
  let account: GatewayAccount | undefined;
  type Prepared = { kind: 'order'; orderId: number } | { kind: 'session'; row: SessionRow; fresh: boolean };
  const session = await ctx.db.transaction(async (tx): Promise<Prepared> => {
    // The account (configuration, not locked) comes beside the locked collection.
    const locked = await tx.query<CollectionRow & Record<string, unknown>>(
      `SELECT c.*, ${ACCOUNT_SELECT('a')} FROM payment_collections c LEFT JOIN payment_accounts a ON a.identifier = $3 AND a.is_visible
        WHERE c.id = $1 AND c.user_id = $2 FOR UPDATE OF c`,
      [collectionId, userId, accountIdentifier]);
    const c = locked.rows[0];
    if (!c) throw new PaymentsError('not_found', `Payment collection ${collectionId} not found`);
    const accountRow = accountFrom(c);
    account = accountRow ? toGatewayAccount(ctx, accountRow) : undefined;
    if (!account) throw new PaymentsError('account_not_found', `Payment account "${accountIdentifier}" not found`);
    // An order's collection follows the order's rules (createSession, which locks the order first).
    if (c.order_id !== null) return { kind: 'order', orderId: c.order_id };
    if (c.status !== 'not_paid' && c.status !== 'awaiting' && c.status !== 'requires_action' && c.status !== 'failed') {
      throw new PaymentsError('order_locked', `Payment collection ${collectionId} is ${c.status}`);
    }
    // The open session of this account, if any, or else a new one, in one statement after the
    // collection lock, which also reads the collection's sessions and payments (as they were
    // before the insert) for syncCollection (src/services/collection-rows.ts).
    const { rows } = await tx.query<SessionRow & { inserted: boolean } & Record<string, unknown>>(
      `WITH open AS (
         ${SESSION_SELECT} WHERE s.collection_id = $1 AND s.account_id = $2 AND s.type = $3
           AND s.status IN ('pending', 'requires_more', 'requires_action') AND s.expires_at > $4 LIMIT 1),
       ins AS (
         INSERT INTO payment_sessions (collection_id, order_id, user_id, account_id, type, status, amount, currency, success_url, cancel_url, expires_at)
         SELECT $1, NULL, $5, $2, $3, 'pending', $6, $7, $8, $9, $10 WHERE NOT EXISTS (SELECT 1 FROM open) RETURNING *)
       SELECT ${childRowsColumns('$1')}, x.*
         FROM (SELECT 1) one
         JOIN LATERAL (SELECT true AS inserted, ins.*, NULL::text AS payment_status FROM ins
                       UNION ALL SELECT false, open.* FROM open) x ON true`,
      [collectionId, account.id, type, now, userId, c.amount, c.currency, account.successUrl, account.cancelUrl,
        new Date(now.getTime() + account.sessionLifetimeSec * 1000)]);
    const { inserted, lk__sessions: _s, lk__payments: _p, ...row } = rows[0]!;
    if (!inserted) return { kind: 'session', row: row as SessionRow, fresh: false };
    holdChildRows(tx, collectionId, rows[0]!);
    const s = row as SessionRow;
    rememberRow(tx, 'payment_session', s.id, s);
    noteSession(tx, s.collection_id, s.id, s.status);
    await appendHistory(tx, { entity: 'session', entityId: s.id, action: 'created', to: 'pending', amount: s.amount, currency: s.currency, collectionId, sessionId: s.id, actor });
    await syncCollection(tx, c, actor);
    return { kind: 'session', row: s, fresh: true };
  });
  if (session.kind === 'order') return createSession(ctx, userId, { orderId: session.orderId, type, accountId: account!.id });
  if (!session.fresh) return sessionView(session.row);
  const result = await gatewayFor(account!.type).initiate(account!, sessionInput(session.row, { id: 0, lines: [] }), `session-${session.row.id}`);
  const { rows: updated } = await ctx.db.query<SessionRow>(
    `UPDATE payment_sessions SET gateway_status = $2, gateway_ref = $3, payment_url = $4, client_secret = $5, updated_at = now() WHERE id = $1 RETURNING *`,
    [session.row.id, result.gatewayStatus, result.gatewayRef, result.paymentUrl, result.clientSecret ?? null]);
  return sessionView(updated[0]!);
}

export async function getCollection(ctx: AppContext, id: number, userId?: number): Promise<CollectionView> {
  const { rows } = await ctx.db.query<CollectionRow>(
    `SELECT * FROM payment_collections WHERE id = $1 ${userId !== undefined ? 'AND user_id = $2' : ''}`,
    userId !== undefined ? [id, userId] : [id]);
  const c = rows[0];
  if (!c) throw new PaymentsError('not_found', `Payment collection ${id} not found`);
  const [sessions, payments] = await Promise.all([
    ctx.db.query<SessionRow>(`${SESSION_SELECT} WHERE s.collection_id = $1 ORDER BY s.id`, [id]),
    ctx.db.query<PaymentRow & { account_type: string }>(`${PAYMENT_SELECT} WHERE p.collection_id = $1 ORDER BY p.id`, [id]),
  ]);
  return collectionView(c, sessions.rows, payments.rows);
}

function collectionView(c: CollectionRow, sessions: SessionRow[], payments: (PaymentRow & { account_type: string })[]): CollectionView {
  const m = (amount: bigint) => toMajorNumber({ amount, currency: c.currency.trim() });
  return {
    id: c.id,
    orderId: c.order_id,
    amount: m(c.amount),
    amountMinor: Number(c.amount),
    currency: c.currency.trim(),
    status: c.status,
    authorizedAmount: m(c.authorized_amount),
    capturedAmount: m(c.captured_amount),
    refundedAmount: m(c.refunded_amount),
    sessions: sessions.map(sessionView),
    payments: payments.map(paymentView),
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export function parseCurrency(code: string): string {
  return normalizeCurrency(code);
}
