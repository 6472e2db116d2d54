/**
 * What the Orders module reads and writes of an order's payment records (owned by the payment
 * engine): whether the order is locked by a payment, its open sessions, its collection amount,
 * and how much of it is refundable.
 */
import type { Queryable } from './db.js';
import { OPEN_SESSION_STATUSES_SQL, type SessionRow } from './payment-store.js';

/** A payment of the order that is not `failed`/`canceled`, if any. */
export async function findLivePayment(q: Queryable, orderId: number): Promise<{ id: number; status: string } | undefined> {
  const { rows } = await q.query<{ id: number; status: string }>(
    `SELECT id, status FROM payments WHERE order_id = $1 AND status NOT IN ('failed', 'canceled') ORDER BY id LIMIT 1`,
    [orderId],
  );
  return rows[0];
}

/** The order's open (payable) sessions, locked. */
export async function lockOpenSessions(q: Queryable, orderId: number): Promise<SessionRow[]> {
  const { rows } = await q.query<SessionRow>(
    `SELECT * FROM payment_sessions WHERE order_id = $1 AND status IN ${OPEN_SESSION_STATUSES_SQL} ORDER BY id FOR UPDATE`,
    [orderId],
  );
  return rows;
}

/** Sets what a collection owes (the caller holds its lock). */
export async function setCollectionAmount(q: Queryable, collectionId: number, amount: bigint, currency: string): Promise<void> {
  await q.query(`UPDATE payment_collections SET amount = $2::bigint, currency = $3, updated_at = now() WHERE id = $1`, [
    collectionId,
    amount.toString(),
    currency,
  ]);
}

/** Money of the order's payments in minor units of `currency`. */
export interface RefundableMoney {
  /** Σ captured over payments in captured / partially_captured / partially_refunded. */
  captured: bigint;
  /** Σ refunded over the same payments. */
  refunded: bigint;
  /** Σ refunds still in flight (pending / unknown) on any payment of the order. */
  refundsInFlight: bigint;
}

export async function refundableMoney(q: Queryable, orderId: number, currency: string): Promise<RefundableMoney> {
  const { rows } = await q.query<{ captured: bigint; refunded: bigint; in_flight: bigint }>(
    `SELECT COALESCE((SELECT SUM(captured_amount) FROM payments WHERE order_id = $1 AND currency = $2
                        AND status IN ('captured', 'partially_captured', 'partially_refunded')), 0)::bigint AS captured,
            COALESCE((SELECT SUM(refunded_amount) FROM payments WHERE order_id = $1 AND currency = $2
                        AND status IN ('captured', 'partially_captured', 'partially_refunded')), 0)::bigint AS refunded,
            COALESCE((SELECT SUM(r.amount) FROM refunds r JOIN payments p ON p.id = r.payment_id
                       WHERE p.order_id = $1 AND r.currency = $2 AND r.status IN ('pending', 'unknown')), 0)::bigint AS in_flight`,
    [orderId, currency],
  );
  const r = rows[0];
  return { captured: BigInt(r?.captured ?? 0n), refunded: BigInt(r?.refunded ?? 0n), refundsInFlight: BigInt(r?.in_flight ?? 0n) };
}
