import type { CollectionStatus } from '../domain/collection-status.js';
import type { PaymentStatus } from '../domain/payment-status.js';
import type { SessionStatus } from '../domain/session-status.js';
import type { Queryable } from './db.js';

export interface CollectionRow {
  id: number;
  order_id: number | null;
  user_id: number | null;
  amount: bigint;
  currency: string;
  status: CollectionStatus;
  authorized_amount: bigint;
  captured_amount: bigint;
  refunded_amount: bigint;
  allow_split: boolean;
  canceled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface SessionRow {
  id: number;
  collection_id: number;
  order_id: number | null;
  user_id: number | null;
  account_id: number;
  type: 'session' | 'intent';
  status: SessionStatus;
  gateway_status: string | null;
  amount: bigint;
  currency: string;
  payment_url: string | null;
  client_secret: string | null;
  gateway_ref: string | null;
  automatic_tax: boolean;
  success_url: string | null;
  cancel_url: string | null;
  expires_at: Date | null;
  data: Record<string, unknown>;
  last_error: Record<string, unknown> | null;
  payment_id: number | null;
  created_at: Date;
  updated_at: Date;
  /** Joined: the payment's status when the session is authorized. */
  payment_status?: PaymentStatus | null;
}

export interface PaymentRow {
  id: number;
  collection_id: number;
  session_id: number;
  order_id: number | null;
  user_id: number | null;
  account_id: number;
  currency: string;
  amount: bigint;
  authorized_amount: bigint;
  captured_amount: bigint;
  refunded_amount: bigint;
  status: PaymentStatus;
  gateway_status: string | null;
  gateway_ref: string | null;
  payment_method: string | null;
  card_brand: string | null;
  card_last4: string | null;
  client_secret: string | null;
  next_action: Record<string, unknown> | null;
  disputed: boolean;
  created_at: Date;
  updated_at: Date;
}

export const OPEN_SESSION_STATUSES: readonly SessionStatus[] = ['pending', 'requires_more', 'requires_action'];

/**
 * The same list as SQL (`status IN OPEN_SESSION_STATUSES_SQL`), written into the statement rather
 * than bound: statements run with generic plans (src/store/pg-db.ts), and only a literal list
 * lets the planner use the partial indexes on open sessions (payment_sessions_one_payable_per_order).
 */
export const OPEN_SESSION_STATUSES_SQL = `(${OPEN_SESSION_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export const SESSION_SELECT = `SELECT s.*, p.status AS payment_status FROM payment_sessions s LEFT JOIN payments p ON p.id = s.payment_id`;

export async function lockCollection(q: Queryable, id: number): Promise<CollectionRow | undefined> {
  const { rows } = await q.query<CollectionRow>('SELECT * FROM payment_collections WHERE id = $1 FOR UPDATE', [id]);
  return rows[0];
}

export async function collectionForOrder(q: Queryable, orderId: number, lock: boolean): Promise<CollectionRow | undefined> {
  const { rows } = await q.query<CollectionRow>(
    `SELECT * FROM payment_collections WHERE order_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [orderId],
  );
  return rows[0];
}

export async function insertCollection(
  q: Queryable,
  input: { orderId: number | null; userId: number | null; amount: bigint; currency: string },
): Promise<CollectionRow> {
  const { rows } = await q.query<CollectionRow>(
    `INSERT INTO payment_collections (order_id, user_id, amount, currency) VALUES ($1, $2, $3, $4) RETURNING *`,
    [input.orderId, input.userId, input.amount, input.currency],
  );
  return rows[0]!;
}

export async function getSession(q: Queryable, id: number, lock = false): Promise<SessionRow | undefined> {
  const { rows } = lock
    ? await q.query<SessionRow>('SELECT * FROM payment_sessions WHERE id = $1 FOR UPDATE', [id])
    : await q.query<SessionRow>(`${SESSION_SELECT} WHERE s.id = $1`, [id]);
  return rows[0];
}
