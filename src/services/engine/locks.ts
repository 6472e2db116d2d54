import { PaymentsError } from '../../errors.js';
import type { Queryable } from '../../store/db.js';
import type { AccountRow } from '../../store/account-store.js';
import type { CollectionRow, PaymentRow, SessionRow } from '../../store/payment-store.js';
import { childRowsColumns, holdChildRows, holdOrderStatus, orderStatusColumn } from '../collection-rows.js';

/**
 * Lock order, everywhere in Tender: the order row (when the collection belongs to an order),
 * then the collection row, then the collection's session / payment / operation rows. Every
 * writer of a collection's sessions, payments, captures and refunds holds the first two, so
 * they serialize per order and cannot deadlock among themselves.
 *
 * Each lock helper takes all three in one statement (docs/benchmarks.md):
 *
 *   SELECT (SELECT 1 FROM orders WHERE id = t.order_id FOR UPDATE), c.…, t.…
 *     FROM payment_collections c JOIN <target> t … FOR UPDATE OF c, t
 *
 * The sub-select in the target list is evaluated while the joined tuple is formed, below the
 * plan's LockRows node, so the order row is locked first; LockRows then locks the tuple's rows
 * in the order the OF list names them (collection, then target). Should a plan ever take them
 * in another order, the worst case is a deadlock, which PostgreSQL detects and `Db.transaction`
 * retries (40P01) — never a lost update, since every write happens under these row locks.
 * Only the rows a statement locks are re-read at their latest version after it waited (READ
 * COMMITTED); anything else must be read by a later statement.
 */

/** Every column of payment_collections and payments (test/store/lock-columns.test.ts keeps them complete). */
export const COLLECTION_COLUMNS = ['id', 'order_id', 'user_id', 'amount', 'currency', 'status', 'authorized_amount', 'captured_amount',
  'refunded_amount', 'allow_split', 'canceled_at', 'created_at', 'updated_at'] as const;
export const PAYMENT_COLUMNS = ['id', 'collection_id', 'session_id', 'order_id', 'user_id', 'account_id', 'currency', 'amount',
  'authorized_amount', 'captured_amount', 'refunded_amount', 'status', 'gateway_status', 'gateway_ref', 'payment_method', 'card_brand',
  'card_last4', 'client_secret', 'next_action', 'disputed', 'idempotency_key', 'created_at', 'updated_at'] as const;

const OPERATION_BASE = ['id', 'payment_id', 'amount', 'currency', 'status', 'gateway_ref', 'actor_type', 'actor_id', 'error', 'idempotency_key',
  'created_at', 'updated_at'] as const;
/** Every column of captures and refunds. */
export const OPERATION_COLUMNS = { captures: OPERATION_BASE, refunds: [...OPERATION_BASE, 'reason', 'refund_request_id'] } as const;

export const ACCOUNT_COLUMNS = ['id', 'identifier', 'type', 'localize_infos', 'is_visible', 'test_mode', 'settings', 'test_settings', 'secrets',
  'test_secrets', 'success_url', 'cancel_url', 'session_lifetime_sec', 'capture_method', 'created_at', 'updated_at'] as const;

/** The columns of an account row selected beside other rows (prefix `la__`); see `accountFrom`. */
export const ACCOUNT_SELECT = (alias: string) => ACCOUNT_COLUMNS.map((c) => `${alias}.${c} AS la__${c}`).join(', ');

/** The account row out of a row selected with ACCOUNT_SELECT; undefined when the join found none. */
export function accountFrom(row: Record<string, unknown>): AccountRow | undefined {
  if (row.la__id === null || row.la__id === undefined) return undefined;
  return { ...unprefix<AccountRow>(row, ACCOUNT_COLUMNS, 'la__'), is_used: false };
}

const without = (row: Record<string, unknown>, prefixes: string[]) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!prefixes.some((p) => k.startsWith(p))) out[k] = v;
  return out;
};

const prefixed = (alias: string, columns: readonly string[], prefix: string) => columns.map((c) => `${alias}.${c} AS ${prefix}${c}`).join(', ');

function unprefix<T>(row: Record<string, unknown>, columns: readonly string[], prefix: string): T {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = row[`${prefix}${c}`];
  return out as T;
}

/**
 * The sub-select that locks the order row of the target (alias `t`) before its other rows; its
 * value is the locked row's status and mapping (collection-rows.ts, holdOrderStatus).
 */
const ORDER_LOCK = (t: string) => `(SELECT ${orderStatusColumn('o')} FROM orders o WHERE o.id = ${t}.order_id FOR UPDATE) AS lo__locked`;

export interface LockedSession {
  collection: CollectionRow;
  session: SessionRow;
  /** The session's live payment (requires_action or later), if any. */
  payment: PaymentRow | undefined;
}

/** A column expression for the statement after the locks, its placeholders numbered from `firstParam`. */
export type ReadAfterLock = (firstParam: number) => { sql: string; params: unknown[] };

export async function lockSession(tx: Queryable, sessionId: number): Promise<LockedSession> {
  const locked = await lockSessionRows(tx, sessionId, null);
  if (!locked) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
  return locked;
}

/**
 * lockSession for a session of this payment account, undefined when there is none; `reads` are
 * column expressions (over the live payment `p`, null when there is none) evaluated in the
 * statement after the locks, their values returned in order as `read`.
 */
export async function lockAccountSession(
  tx: Queryable, sessionId: number, accountId: number, reads: ReadAfterLock[] = [],
): Promise<(LockedSession & { read: unknown[] }) | undefined> {
  return lockSessionRows(tx, sessionId, accountId, reads);
}

async function lockSessionRows(
  tx: Queryable, sessionId: number, accountId: number | null, reads: ReadAfterLock[] = [],
): Promise<(LockedSession & { read: unknown[] }) | undefined> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT ${ORDER_LOCK('s')}, ${prefixed('c', COLLECTION_COLUMNS, 'lc__')}, s.*
       FROM payment_collections c JOIN payment_sessions s ON s.collection_id = c.id
      WHERE s.id = $1 AND ($2::int IS NULL OR s.account_id = $2)
        FOR UPDATE OF c, s`,
    [sessionId, accountId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const collection = unprefix<CollectionRow>(row, COLLECTION_COLUMNS, 'lc__');
  if (collection.order_id !== null) holdOrderStatus(tx, collection.order_id, row.lo__locked);
  const session = without(row, ['lc__', 'lo__']) as unknown as SessionRow;
  // Read in its own statement, after the locks are held: rows of a table the locking statement
  // does not lock come from that statement's snapshot, taken before it waited — a payment that
  // the previous lock holder inserted would be missing. The same statement reads the
  // collection's sessions and payments for syncCollection (src/services/collection-rows.ts).
  const params: unknown[] = [sessionId, collection.id];
  const columns = reads.map((read, i) => {
    const x = read(params.length + 1);
    params.push(...x.params);
    return `${x.sql} AS lr__${i}`;
  });
  const { rows: out } = await tx.query<Record<string, unknown>>(
    `SELECT ${columns.map((c) => `${c}, `).join('')}${childRowsColumns('$2')}, p.*
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (SELECT * FROM payments WHERE session_id = $1 AND status <> 'failed' ORDER BY id DESC LIMIT 1) p ON true`,
    params,
  );
  const r = out[0]!;
  holdChildRows(tx, collection.id, r);
  const payment = r.id === null ? undefined : (without(r, ['lk__', 'lr__']) as unknown as PaymentRow);
  return { collection, session, payment, read: reads.map((_, i) => r[`lr__${i}`] ?? undefined) };
}

export interface LockedPayment {
  collection: CollectionRow;
  payment: PaymentRow;
}

export interface LockedPaymentWithAccount extends LockedPayment {
  /** The payment's account (configuration, read beside the locked rows, not locked). */
  account: AccountRow | undefined;
  /** The gateway's reference of the payment's session. */
  sessionRef: string | null;
}

export async function lockPayment(tx: Queryable, paymentId: number): Promise<LockedPayment> {
  return (await lockPaymentRows(tx, paymentId, false))!;
}

/** lockPayment, with the payment's account and session reference in the same statement. */
export async function lockPaymentWithAccount(tx: Queryable, paymentId: number): Promise<LockedPaymentWithAccount> {
  return lockPaymentRows(tx, paymentId, true) as Promise<LockedPaymentWithAccount>;
}

/**
 * lockPayment, with one of its capture or refund rows locked too (its latest version, read in
 * the same statement); undefined when the payment has no such operation.
 */
export async function lockPaymentOperation<T>(tx: Queryable, paymentId: number, table: 'captures' | 'refunds', operationId: number): Promise<(LockedPayment & { operation: T }) | undefined> {
  const locked = await lockPaymentRows(tx, paymentId, false, { table, id: operationId });
  return locked as (LockedPayment & { operation: T }) | undefined;
}

async function lockPaymentRows(tx: Queryable, paymentId: number, withAccount: boolean, op?: { table: 'captures' | 'refunds'; id: number }): Promise<LockedPayment | LockedPaymentWithAccount | undefined> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT ${ORDER_LOCK('p')}, ${prefixed('c', COLLECTION_COLUMNS, 'lc__')},
            ${withAccount ? `${ACCOUNT_SELECT('a')}, (SELECT s.gateway_ref FROM payment_sessions s WHERE s.id = p.session_id) AS ls__gateway_ref,` : ''}
            ${op ? `${prefixed('op', OPERATION_COLUMNS[op.table], 'lp__')},` : ''} p.*
       FROM payment_collections c JOIN payments p ON p.collection_id = c.id
       ${withAccount ? 'LEFT JOIN payment_accounts a ON a.id = p.account_id' : ''}
       ${op ? `JOIN ${op.table} op ON op.id = $2 AND op.payment_id = p.id` : ''}
      WHERE p.id = $1
        FOR UPDATE OF c, p${op ? ', op' : ''}`,
    op ? [paymentId, op.id] : [paymentId],
  );
  const row = rows[0];
  if (!row) {
    if (op) return undefined;
    throw new PaymentsError('payment_not_found', `Payment ${paymentId} not found`);
  }
  const collection = unprefix<CollectionRow>(row, COLLECTION_COLUMNS, 'lc__');
  if (collection.order_id !== null) holdOrderStatus(tx, collection.order_id, row.lo__locked);
  const payment = without(row, ['lc__', 'la__', 'ls__', 'lo__', 'lp__']) as unknown as PaymentRow;
  if (op) return { collection, payment, operation: unprefix(row, OPERATION_COLUMNS[op.table], 'lp__') } as LockedPayment & { operation: unknown };
  if (!withAccount) return { collection, payment };
  return { collection, payment, account: accountFrom(row), sessionRef: (row.ls__gateway_ref as string | null) ?? null };
}
