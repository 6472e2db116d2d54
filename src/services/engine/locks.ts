import { PaymentsError } from '../../errors.js';
import type { Queryable } from '../../store/db.js';
import type { CollectionRow, PaymentRow, SessionRow } from '../../store/payment-store.js';

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

const prefixed = (alias: string, columns: readonly string[], prefix: string) => columns.map((c) => `${alias}.${c} AS ${prefix}${c}`).join(', ');

function unprefix<T>(row: Record<string, unknown>, columns: readonly string[], prefix: string): T {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = row[`${prefix}${c}`];
  return out as T;
}

/** The sub-select that locks the order row of the target (alias `t`) before its other rows. */
const ORDER_LOCK = (t: string) => `(SELECT 1 FROM orders o WHERE o.id = ${t}.order_id FOR UPDATE) AS lo__locked`;

export interface LockedSession {
  collection: CollectionRow;
  session: SessionRow;
  /** The session's live payment (requires_action or later), if any. */
  payment: PaymentRow | undefined;
}

export async function lockSession(tx: Queryable, sessionId: number): Promise<LockedSession> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT ${ORDER_LOCK('s')}, ${prefixed('c', COLLECTION_COLUMNS, 'lc__')}, s.*
       FROM payment_collections c JOIN payment_sessions s ON s.collection_id = c.id
      WHERE s.id = $1
        FOR UPDATE OF c, s`,
    [sessionId],
  );
  const row = rows[0];
  if (!row) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
  const collection = unprefix<CollectionRow>(row, COLLECTION_COLUMNS, 'lc__');
  const session = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('lc__') && k !== 'lo__locked') session[k] = v;
  // Read in its own statement, after the locks are held: rows of a table the locking statement
  // does not lock come from that statement's snapshot, taken before it waited — a payment that
  // the previous lock holder inserted would be missing.
  const live = await tx.query<PaymentRow>(
    `SELECT * FROM payments WHERE session_id = $1 AND status <> 'failed' ORDER BY id DESC LIMIT 1`, [sessionId]);
  return { collection, session: session as unknown as SessionRow, payment: live.rows[0] };
}

export interface LockedPayment {
  collection: CollectionRow;
  payment: PaymentRow;
}

export async function lockPayment(tx: Queryable, paymentId: number): Promise<LockedPayment> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT ${ORDER_LOCK('p')}, ${prefixed('c', COLLECTION_COLUMNS, 'lc__')}, p.*
       FROM payment_collections c JOIN payments p ON p.collection_id = c.id
      WHERE p.id = $1
        FOR UPDATE OF c, p`,
    [paymentId],
  );
  const row = rows[0];
  if (!row) throw new PaymentsError('payment_not_found', `Payment ${paymentId} not found`);
  const collection = unprefix<CollectionRow>(row, COLLECTION_COLUMNS, 'lc__');
  const payment = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('lc__') && k !== 'lo__locked') payment[k] = v;
  return { collection, payment: payment as unknown as PaymentRow };
}

