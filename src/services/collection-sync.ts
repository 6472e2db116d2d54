import { assertCollectionTransition, deriveCollectionStatus, type CollectionStatus } from '../domain/collection-status.js';
import type { Queryable } from '../store/db.js';
import { appendHistory, deferWrite, dropDeferredWrite, takeDeferredWrites, type Actor } from '../store/history-store.js';
import type { PaymentStatus } from '../domain/payment-status.js';
import type { SessionStatus } from '../domain/session-status.js';
import type { CollectionRow } from '../store/payment-store.js';
import { ORDER_RETURNING, orderRecordOf } from '../store/order-store.js';
import { rememberRow } from './outbox.js';
import { heldChildRows, heldOrderStatus, selfCheck, type HeldOrderStatus } from './collection-rows.js';

const LIVE = new Set(['requires_action', 'authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded']);

/**
 * Recomputes a collection's status and sums from its sessions and payments and, when the
 * status moved, writes the history row and moves the order to the status the merchant mapped
 * for it — all inside the caller's transaction, which must hold the collection's lock. So an
 * order's status can never disagree with its payment's: both commit or neither does.
 */
export async function syncCollection(tx: Queryable, collection: CollectionRow, actor: Actor, known?: KnownRows): Promise<CollectionStatus> {
  const { sessions, payments } = known ?? (await heldRows(tx, collection.id)) ?? (await readRows(tx, collection.id));
  const status = deriveCollectionStatus({
    amount: collection.amount,
    canceled: collection.canceled_at !== null,
    sessions: sessions.map((s) => ({ status: s.status })),
    payments: payments.map((p) => ({
      status: p.status,
      authorized: p.authorized_amount,
      captured: p.captured_amount,
      refunded: p.refunded_amount,
    })),
  });
  let authorized = 0n;
  let captured = 0n;
  let refunded = 0n;
  for (const p of payments) {
    if (!LIVE.has(p.status)) continue;
    authorized += p.authorized_amount;
    captured += p.captured_amount;
    refunded += p.refunded_amount;
  }
  const moved = status !== collection.status;
  if (moved) assertCollectionTransition(collection.status, status);
  const sums = [collection.id, status, authorized, captured, refunded];
  // A status that moved also moves the order (mapped status): both rows in one statement.
  const mapsOrder = moved && collection.order_id !== null;
  const changed = moved || authorized !== collection.authorized_amount || captured !== collection.captured_amount || refunded !== collection.refunded_amount;
  // Nothing in a transaction reads a collection row after syncing it (the outbox renders
  // payments, sessions, orders and refund requests), so its write joins the transaction's last
  // statement; keyed, so a second sync of the collection in the same transaction replaces it.
  const key = `collection:${collection.id}`;
  const orderKey = `order:${collection.order_id}`;
  // The order's status as of its lock, when this transaction holds it: if the mapped status for
  // the collection's new one is the order's own, the order's write (is_completed, version)
  // changes no status, writes no history row and implies no event — nothing reads it before
  // COMMIT, so it joins the last statement too.
  const order = mapsOrder ? await heldOrder(tx, collection.order_id!) : undefined;
  const orderStays = order !== undefined && !order.written && (order.mapping[status] ?? order.status) === order.status;
  if ((!mapsOrder || orderStays) && changed) {
    await deferWrite(tx, (n) => ({
      sql: `UPDATE payment_collections SET ${COLLECTION_SET.replace(/\$(\d)/g, (_, d: string) => `$${n + Number(d) - 1}`)} WHERE id = $${n}`,
      params: sums,
    }), key);
  }
  if (orderStays) {
    await deferWrite(tx, (n) => ({
      sql: `UPDATE orders SET is_completed = $${n + 1}, version = version + 1, updated_at = now() WHERE id = $${n}`,
      params: [collection.order_id, COMPLETED.has(status)],
    }), orderKey);
  } else if (mapsOrder) {
    dropDeferredWrite(tx, key);
    dropDeferredWrite(tx, orderKey);
  }
  collection.authorized_amount = authorized;
  collection.captured_amount = captured;
  collection.refunded_amount = refunded;
  if (!moved) return status;
  await appendHistory(tx, {
    entity: 'collection',
    entityId: collection.id,
    action: 'status_changed',
    from: collection.status,
    to: status,
    amount: collection.amount,
    currency: collection.currency,
    orderId: collection.order_id,
    collectionId: collection.id,
    actor,
  });
  collection.status = status;
  if (mapsOrder && !orderStays) {
    await updateCollectionAndOrder(tx, sums, collection.order_id!, status, actor);
    if (order) order.written = true;
  }
  return status;
}

const COMPLETED = new Set<CollectionStatus>(['completed', 'partially_refunded', 'refunded']);

/**
 * The order's status this transaction holds (collection-rows.ts), checked against the database
 * when the self-check is on; undefined when it holds none.
 */
async function heldOrder(tx: Queryable, orderId: number): Promise<HeldOrderStatus | undefined> {
  const held = heldOrderStatus(tx, orderId);
  if (!held || !selfCheck || held.written) return held;
  const { rows } = await tx.query<{ status: string; mapping: Record<string, string> | null }>(
    `SELECT o.status_identifier AS status, (SELECT json_object_agg(m.payment_status, m.order_status_identifier)
              FROM payment_status_mappings m WHERE m.storage_id = o.storage_id) AS mapping
       FROM orders o WHERE o.id = $1`, [orderId]);
  const key = (status: string | undefined, mapping: Record<string, string>) => JSON.stringify([status, Object.entries(mapping).sort()]);
  const stored = key(rows[0]?.status, rows[0]?.mapping ?? {});
  const copy = key(held.status, held.mapping);
  if (stored !== copy) throw new Error(`self-check: the held status of order ${orderId} differs from the database: held ${copy}, stored ${stored}`);
  return held;
}

const COLLECTION_SET = 'status = $2, authorized_amount = $3, captured_amount = $4, refunded_amount = $5, updated_at = now()';

/**
 * Every session and payment of a collection, when the caller holds them all (e.g. in a
 * collection created in the same transaction); otherwise syncCollection reads them.
 */
export interface KnownRows {
  sessions: { status: SessionStatus }[];
  payments: { status: PaymentStatus; authorized_amount: bigint; captured_amount: bigint; refunded_amount: bigint }[];
}

/**
 * The rows this transaction holds for the collection (src/services/collection-rows.ts), checked
 * against the database when the self-check is on; undefined when it holds none.
 */
async function heldRows(tx: Queryable, collectionId: number): Promise<KnownRows | undefined> {
  const rows = heldChildRows(tx, collectionId);
  if (!rows || !selfCheck) return rows;
  const read = await readRows(tx, collectionId);
  const key = (k: KnownRows) => JSON.stringify({
    s: k.sessions.map((s) => s.status).sort(),
    p: k.payments.map((p) => `${p.status}/${p.authorized_amount}/${p.captured_amount}/${p.refunded_amount}`).sort(),
  });
  if (key(rows) !== key(read)) {
    throw new Error(`self-check: the held rows of collection ${collectionId} differ from the database: held ${key(rows)}, stored ${key(read)}`);
  }
  return rows;
}

/** Sessions and payments of the collection in one round trip (docs/benchmarks-history.md). */
async function readRows(tx: Queryable, collectionId: number): Promise<KnownRows> {
  const { rows } = await tx.query<{ kind: 's' | 'p'; status: string; authorized: bigint; captured: bigint; refunded: bigint }>(
    `SELECT 's' AS kind, id, status, 0::bigint AS authorized, 0::bigint AS captured, 0::bigint AS refunded
       FROM payment_sessions WHERE collection_id = $1
     UNION ALL
     SELECT 'p', id, status, authorized_amount, captured_amount, refunded_amount FROM payments WHERE collection_id = $1
     ORDER BY kind, id`,
    [collectionId],
  );
  return {
    sessions: rows.filter((r) => r.kind === 's').map((r) => ({ status: r.status as SessionStatus })),
    payments: rows.filter((r) => r.kind === 'p').map((r) => ({
      status: r.status as PaymentStatus, authorized_amount: r.authorized, captured_amount: r.captured, refunded_amount: r.refunded,
    })),
  };
}

/**
 * Writes the collection's new status and sums ($1–$5) and moves its order to the status the
 * merchant mapped for the new payment status, in one statement (two data-modifying parts; the
 * order's part reads nothing the collection's part writes).
 */
async function updateCollectionAndOrder(tx: Queryable, sums: unknown[], orderId: number, paymentStatus: CollectionStatus, actor: Actor): Promise<void> {
  const completed = COMPLETED.has(paymentStatus);
  const collectionId = sums[0] as number;
  // The updated order comes back as findOrderById reads it: the order.status_changed event
  // renders it from this row instead of reading it again (outbox.ts, rememberRow).
  // The payment's writes waiting for the last statement (savePayment, insertPayment) run now: as
  // parts of this statement when the order's answer reads none of their rows (payments, captures,
  // refunds); first, in a statement of their own, when one moves a session (the order's payment
  // URL is its open session's).
  const deferred = takeDeferredWrites(tx, (key) => typeof key === 'string' && /^(payment|captures|refunds|session):/.test(key));
  const params: unknown[] = [...sums, orderId, completed];
  const parts: string[] = [];
  const merge = (into: unknown[], writes: typeof deferred) => writes.map(({ write }, i) => {
    const w = write(into.length + 1);
    into.push(...w.params);
    return `deferred${i} AS (${w.sql})`;
  });
  if (deferred.some(({ key }) => (key as string).startsWith('session:'))) {
    const first: unknown[] = [];
    await tx.query(`WITH ${merge(first, deferred).join(', ')} SELECT 1`, first);
  } else {
    parts.push(...merge(params, deferred).map((part) => `${part}, `));
  }
  const { rows } = await tx.query<{ from_status: string | null; changed: boolean } & Record<string, unknown>>(
    `WITH ${parts.join('')}collection AS (UPDATE payment_collections SET ${COLLECTION_SET} WHERE id = $1),
          prev AS (SELECT status_identifier FROM orders WHERE id = $6),
          target AS (SELECT m.order_status_identifier FROM orders o
                       JOIN payment_status_mappings m ON m.storage_id = o.storage_id AND m.payment_status = $2
                      WHERE o.id = $6)
     UPDATE orders o SET
         status_identifier = COALESCE((SELECT order_status_identifier FROM target), o.status_identifier),
         is_completed = $7, version = o.version + 1, updated_at = now()
      WHERE o.id = $6
      RETURNING (SELECT status_identifier FROM prev) AS from_status,
                o.status_identifier IS DISTINCT FROM (SELECT status_identifier FROM prev) AS changed, ${ORDER_RETURNING}`,
    params,
  );
  const row = rows[0];
  if (!row) return;
  rememberRow(tx, 'order', orderId, orderRecordOf(row));
  if (!row.changed) return;
  await appendHistory(tx, {
    entity: 'order',
    entityId: orderId,
    action: 'status_changed',
    from: row.from_status,
    to: row.status_identifier as string | null,
    orderId,
    collectionId,
    actor,
    data: { paymentStatus },
  });
}
