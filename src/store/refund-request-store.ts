import type { RefundRequestStatus } from '../domain/refund-request-status.js';
import type { Queryable } from './db.js';
import type { IdempotencyLink } from './idempotency-link.js';

/** `{"<productId>": {quantity}}`, as OneEntry carries refund request products. */
export type RefundProducts = Record<string, { quantity: number }>;

export interface RefundRequestRecord {
  id: number;
  orderId: number;
  userId: number;
  storageId: number;
  /** Minor units. */
  amount: bigint;
  currency: string;
  products: RefundProducts;
  note: string;
  status: RefundRequestStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewRefundRequest {
  orderId: number;
  userId: number;
  storageId: number;
  amount: bigint;
  currency: string;
  products: RefundProducts;
  note: string;
  status: RefundRequestStatus;
  /** The Idempotency-Key of the create, if it had one (unique per scope). */
  idempotency?: IdempotencyLink;
}

interface RefundRequestDbRow {
  id: number;
  order_id: number;
  user_id: number;
  storage_id: number;
  amount: bigint;
  currency: string;
  products: RefundProducts;
  note: string;
  status: RefundRequestStatus;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, order_id, user_id, storage_id, amount, currency, products, note, status, created_at, updated_at';

function toRecord(r: RefundRequestDbRow): RefundRequestRecord {
  return {
    id: r.id,
    orderId: r.order_id,
    userId: r.user_id,
    storageId: r.storage_id,
    amount: BigInt(r.amount),
    currency: r.currency.trim(),
    products: r.products ?? {},
    note: r.note,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The partial unique index that allows one pending request per order. */
export const ONE_OPEN_PER_ORDER = 'refund_requests_one_open_per_order';

/**
 * Inserts the request; `undefined` when a request with the same Idempotency-Key already exists
 * (a concurrent run of the same create committed it first).
 */
export async function insertRefundRequest(q: Queryable, r: NewRefundRequest): Promise<RefundRequestRecord | undefined> {
  const { rows } = await q.query<RefundRequestDbRow>(
    `INSERT INTO refund_requests (order_id, user_id, storage_id, amount, currency, products, note, status,
                                  idempotency_scope, idempotency_key, idempotency_request_hash)
     VALUES ($1, $2, $3, $4::bigint, $5, $6::jsonb, $7, $8, $9, $10, $11)
     ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [r.orderId, r.userId, r.storageId, r.amount.toString(), r.currency, JSON.stringify(r.products), r.note, r.status,
      r.idempotency?.scope ?? null, r.idempotency?.key ?? null, r.idempotency?.requestHash ?? null],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listOrderRefundRequests(q: Queryable, orderId: number): Promise<RefundRequestRecord[]> {
  const { rows } = await q.query<RefundRequestDbRow>(`SELECT ${COLUMNS} FROM refund_requests WHERE order_id = $1 ORDER BY id`, [orderId]);
  return rows.map(toRecord);
}

/** Requests of the order in any of these statuses. */
export async function findOrderRefundRequests(
  q: Queryable,
  orderId: number,
  statuses: readonly RefundRequestStatus[],
): Promise<RefundRequestRecord[]> {
  const { rows } = await q.query<RefundRequestDbRow>(
    `SELECT ${COLUMNS} FROM refund_requests WHERE order_id = $1 AND status = ANY($2::text[]) ORDER BY id`,
    [orderId, statuses],
  );
  return rows.map(toRecord);
}

export async function setRefundRequestStatus(q: Queryable, id: number, status: RefundRequestStatus): Promise<void> {
  await q.query('UPDATE refund_requests SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
}

/** A refund operation (not failed) the merchant started for this request, if any. */
export async function findRefundOfRequest(q: Queryable, requestId: number): Promise<{ id: number; status: string } | undefined> {
  const { rows } = await q.query<{ id: number; status: string }>(
    `SELECT id, status FROM refunds WHERE refund_request_id = $1 AND status <> 'failed' ORDER BY id LIMIT 1`,
    [requestId],
  );
  return rows[0];
}

export async function findRefundRequestById(q: Queryable, id: number): Promise<RefundRequestRecord | undefined> {
  const { rows } = await q.query<RefundRequestDbRow>(`SELECT ${COLUMNS} FROM refund_requests WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}
