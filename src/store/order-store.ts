import type { Queryable } from './db.js';
import { orderCreatedHistory, type Actor } from './history-store.js';
import type { IdempotencyLink } from './idempotency-link.js';

/** One filled form field as stored in `orders.form_data`. */
export interface StoredFormField {
  marker: string;
  type: string;
  value: unknown;
}

/** One line of `orders.lines`: a snapshot of the catalog at order time. */
export interface OrderLine {
  productId: number;
  quantity: number;
  /** Unit price in minor units, as a decimal string (JSON has no bigint). */
  priceMinor: string;
  title: string;
  sku: string | null;
}

/** An order with what its wire views need (account, status texts, open session's URL). */
export interface OrderRecord {
  id: number;
  storageId: number;
  userId: number;
  formIdentifier: string;
  paymentAccountId: number;
  paymentAccountIdentifier: string;
  paymentAccountLocalizeInfos: Record<string, unknown>;
  formData: StoredFormField[];
  lines: OrderLine[];
  currency: string;
  /** Minor units. */
  total: bigint;
  statusIdentifier: string | null;
  statusLocalizeInfos: Record<string, unknown> | null;
  isCompleted: boolean | null;
  createdAt: Date;
  updatedAt: Date;
  /** Checkout URL of the order's open (pending / requires_more / requires_action) session. */
  paymentUrl: string | null;
}

export interface NewOrder {
  storageId: number;
  userId: number;
  formIdentifier: string;
  paymentAccountId: number;
  formData: StoredFormField[];
  lines: OrderLine[];
  currency: string;
  total: bigint;
  statusIdentifier: string | null;
  /** The Idempotency-Key of the create, if it had one (unique per scope). */
  idempotency?: IdempotencyLink;
}

export type OrderChanges = Omit<NewOrder, 'storageId' | 'userId' | 'statusIdentifier' | 'idempotency'>;

interface OrderDbRow {
  id: number;
  storage_id: number;
  user_id: number;
  form_identifier: string;
  payment_account_id: number;
  account_identifier: string;
  account_localize_infos: Record<string, unknown>;
  form_data: StoredFormField[];
  lines: OrderLine[];
  currency: string;
  total: bigint;
  status_identifier: string | null;
  status_localize_infos: Record<string, unknown> | null;
  is_completed: boolean | null;
  created_at: Date;
  updated_at: Date;
  payment_url: string | null;
}

const ORDER_SELECT = `
  SELECT o.id, o.storage_id, o.user_id, o.form_identifier, o.payment_account_id,
         a.identifier AS account_identifier, a.localize_infos AS account_localize_infos,
         o.form_data, o.lines, o.currency, o.total, o.status_identifier, st.localize_infos AS status_localize_infos,
         o.is_completed, o.created_at, o.updated_at,
         (SELECT ps.payment_url FROM payment_sessions ps
           WHERE ps.order_id = o.id AND ps.status IN ('pending', 'requires_more', 'requires_action')
           ORDER BY ps.id DESC LIMIT 1) AS payment_url
    FROM orders o
    JOIN payment_accounts a ON a.id = o.payment_account_id
    LEFT JOIN order_statuses st ON st.storage_id = o.storage_id AND st.identifier = o.status_identifier`;

/**
 * ORDER_SELECT's columns as the RETURNING list of an `UPDATE orders o …`: the updated row with
 * the same joined values, taken by sub-selects over the new row (its new status's texts).
 */
export const ORDER_RETURNING = `
  o.id, o.storage_id, o.user_id, o.form_identifier, o.payment_account_id,
  (SELECT a.identifier FROM payment_accounts a WHERE a.id = o.payment_account_id) AS account_identifier,
  (SELECT a.localize_infos FROM payment_accounts a WHERE a.id = o.payment_account_id) AS account_localize_infos,
  o.form_data, o.lines, o.currency, o.total, o.status_identifier,
  (SELECT st.localize_infos FROM order_statuses st WHERE st.storage_id = o.storage_id AND st.identifier = o.status_identifier) AS status_localize_infos,
  o.is_completed, o.created_at, o.updated_at,
  (SELECT ps.payment_url FROM payment_sessions ps
    WHERE ps.order_id = o.id AND ps.status IN ('pending', 'requires_more', 'requires_action')
    ORDER BY ps.id DESC LIMIT 1) AS payment_url`;

/** An order out of a row with ORDER_SELECT's or ORDER_RETURNING's columns. */
export function orderRecordOf(row: Record<string, unknown>): OrderRecord {
  return toRecord(row as unknown as OrderDbRow);
}

function toRecord(r: OrderDbRow): OrderRecord {
  return {
    id: r.id,
    storageId: r.storage_id,
    userId: r.user_id,
    formIdentifier: r.form_identifier,
    paymentAccountId: r.payment_account_id,
    paymentAccountIdentifier: r.account_identifier,
    paymentAccountLocalizeInfos: r.account_localize_infos,
    formData: Array.isArray(r.form_data) ? r.form_data : [],
    lines: r.lines,
    currency: r.currency.trim(),
    total: BigInt(r.total),
    statusIdentifier: r.status_identifier,
    statusLocalizeInfos: r.status_localize_infos,
    isCompleted: r.is_completed,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    paymentUrl: r.payment_url,
  };
}

/** The user's order in that storage; another user's or another storage's order is absent. */
export async function findUserOrder(q: Queryable, userId: number, storageId: number, orderId: number): Promise<OrderRecord | undefined> {
  const { rows } = await q.query<OrderDbRow>(`${ORDER_SELECT} WHERE o.id = $1 AND o.user_id = $2 AND o.storage_id = $3`, [
    orderId,
    userId,
    storageId,
  ]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listUserOrders(
  q: Queryable,
  userId: number,
  storageId: number,
  offset: number,
  limit: number,
): Promise<{ items: OrderRecord[]; total: number }> {
  const [page, count] = await Promise.all([
    q.query<OrderDbRow>(`${ORDER_SELECT} WHERE o.user_id = $1 AND o.storage_id = $2 ORDER BY o.id DESC OFFSET $3 LIMIT $4`, [
      userId,
      storageId,
      offset,
      limit,
    ]),
    q.query<{ n: bigint }>('SELECT count(*) AS n FROM orders WHERE user_id = $1 AND storage_id = $2', [userId, storageId]),
  ]);
  return { items: page.rows.map(toRecord), total: Number(count.rows[0]?.n ?? 0n) };
}

/**
 * Locks the user's order row (`FOR UPDATE`) for the rest of the transaction, so that updates,
 * refund requests and payment operations on one order are serialized. `storageId` narrows the
 * match when the caller addressed the order through a storage.
 */
export async function lockUserOrder(q: Queryable, userId: number, orderId: number, storageId?: number): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT id FROM orders WHERE id = $1 AND user_id = $2 AND ($3::int IS NULL OR storage_id = $3) FOR UPDATE`,
    [orderId, userId, storageId ?? null],
  );
  return rows.length === 1;
}

/** The order by id with no ownership check; callers must have checked ownership (e.g. via {@link lockUserOrder}). */
export async function findOrderById(q: Queryable, orderId: number): Promise<OrderRecord | undefined> {
  const { rows } = await q.query<OrderDbRow>(`${ORDER_SELECT} WHERE o.id = $1`, [orderId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/**
 * Inserts the order and its `created` history row in one statement (atomic without a
 * transaction) and returns the order, or `undefined` when an order with the same
 * Idempotency-Key already exists: a concurrent run of the same create committed it first
 * (`ON CONFLICT` waits for that transaction), so there is no unique violation to surface.
 */
export async function insertOrder(q: Queryable, o: NewOrder, actor: Actor): Promise<OrderRecord | undefined> {
  const history = orderCreatedHistory('inserted', actor, 13);
  // The new order comes back as findOrderById reads it (a new order has no session: no payment_url).
  const { rows } = await q.query<OrderDbRow>(
    `WITH inserted AS (INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier,
                         idempotency_scope, idempotency_key, idempotency_request_hash)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8::bigint, $9, $10, $11, $12)
     ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING *),
     history AS (${history.sql})
     ${ORDER_SELECT.replace('FROM orders o', 'FROM inserted o')}`,
    [
      o.storageId,
      o.userId,
      o.formIdentifier,
      o.paymentAccountId,
      JSON.stringify(o.formData),
      JSON.stringify(o.lines),
      o.currency,
      o.total.toString(),
      o.statusIdentifier,
      o.idempotency?.scope ?? null,
      o.idempotency?.key ?? null,
      o.idempotency?.requestHash ?? null,
      ...history.params,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function updateOrder(q: Queryable, orderId: number, c: OrderChanges): Promise<void> {
  await q.query(
    `UPDATE orders SET form_identifier = $2, payment_account_id = $3, form_data = $4::jsonb, lines = $5::jsonb, currency = $6,
            total = $7::bigint, version = version + 1, updated_at = now()
      WHERE id = $1`,
    [orderId, c.formIdentifier, c.paymentAccountId, JSON.stringify(c.formData), JSON.stringify(c.lines), c.currency, c.total.toString()],
  );
}

export interface AdminOrderRecord extends OrderRecord {
  userIdentifier: string;
  storageIdentifier: string;
}

/** Every user's orders, newest first, for the admin API. */
export async function listAllOrders(
  q: Queryable,
  filter: { userId?: number; status?: string },
  offset: number,
  limit: number,
): Promise<{ items: AdminOrderRecord[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.userId !== undefined) {
    params.push(filter.userId);
    where.push(`o.user_id = $${params.length}`);
  }
  if (filter.status !== undefined) {
    params.push(filter.status);
    where.push(`o.status_identifier = $${params.length}`);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const select = ORDER_SELECT.replace('SELECT o.id,', 'SELECT u.identifier AS user_identifier, so.identifier AS storage_identifier, o.id,')
    + ' JOIN users u ON u.id = o.user_id JOIN order_storages so ON so.id = o.storage_id';
  const [page, count] = await Promise.all([
    q.query<OrderDbRow & { user_identifier: string; storage_identifier: string }>(
      `${select} ${w} ORDER BY o.id DESC OFFSET $${params.length + 1} LIMIT $${params.length + 2}`, [...params, offset, limit]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders o ${w}`, params),
  ]);
  return {
    items: page.rows.map((r) => ({ ...toRecord(r), userIdentifier: r.user_identifier, storageIdentifier: r.storage_identifier })),
    total: count.rows[0]?.n ?? 0,
  };
}
