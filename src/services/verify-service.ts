import type { AppContext } from '../context.js';
import { deriveCollectionStatus, type CollectionStatus } from '../domain/collection-status.js';
import type { PaymentStatus } from '../domain/payment-status.js';
import type { SessionStatus } from '../domain/session-status.js';

export interface Violation {
  check: string;
  entity: string;
  id: number | string;
  message: string;
}

export interface VerifyReport {
  checked: Record<string, number>;
  violations: Violation[];
}

/**
 * Checks every money invariant over the whole database (none should ever fail):
 * - payments: captured ≤ authorized, refunded ≤ captured, and the sums equal their succeeded
 *   capture and refund rows;
 * - collections: status and sums equal what their sessions and payments give;
 * - orders: status matches the mapping of their collection's status (unless the mapping
 *   changed after the order last moved);
 * - history: per session, payment and collection, each transition starts where the previous
 *   ended and the last one ends at the current status (no gaps);
 * - at most one payable session per order, and at most one live payment per collection
 *   unless the merchant allowed a split;
 * - idempotency: no key with two results, no gateway operation recorded twice.
 * Read-only; runs as plain SELECTs so it can run next to live traffic.
 */
export async function verifyDatabase(ctx: AppContext): Promise<VerifyReport> {
  const violations: Violation[] = [];
  const checked: Record<string, number> = {};
  const add = (check: string, entity: string, id: number | string, message: string) => violations.push({ check, entity, id, message });
  const q = ctx.db;

  const payments = await q.query<{ id: number; authorized_amount: bigint; captured_amount: bigint; refunded_amount: bigint; captures: bigint; refunds: bigint; status: PaymentStatus }>(
    `SELECT p.id, p.authorized_amount, p.captured_amount, p.refunded_amount, p.status,
            COALESCE((SELECT sum(amount) FROM captures c WHERE c.payment_id = p.id AND c.status = 'succeeded'), 0)::bigint AS captures,
            COALESCE((SELECT sum(amount) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'succeeded'), 0)::bigint AS refunds
       FROM payments p`);
  checked.payments = payments.rows.length;
  for (const p of payments.rows) {
    if (p.captured_amount > p.authorized_amount) add('captured_le_authorized', 'payment', p.id, `captured ${p.captured_amount} > authorized ${p.authorized_amount}`);
    if (p.refunded_amount > p.captured_amount) add('refunded_le_captured', 'payment', p.id, `refunded ${p.refunded_amount} > captured ${p.captured_amount}`);
    if (p.captures !== p.captured_amount) add('captures_sum', 'payment', p.id, `captured ${p.captured_amount} but succeeded captures sum to ${p.captures}`);
    if (p.refunds !== p.refunded_amount) add('refunds_sum', 'payment', p.id, `refunded ${p.refunded_amount} but succeeded refunds sum to ${p.refunds}`);
  }

  const collections = await q.query<{
    id: number; amount: bigint; status: CollectionStatus; canceled: boolean; allow_split: boolean;
    authorized_amount: bigint; captured_amount: bigint; refunded_amount: bigint;
    sessions: { status: SessionStatus }[] | null;
    payments: { status: PaymentStatus; authorized: string; captured: string; refunded: string }[] | null;
  }>(
    `SELECT c.id, c.amount, c.status, c.canceled_at IS NOT NULL AS canceled, c.allow_split,
            c.authorized_amount, c.captured_amount, c.refunded_amount,
            (SELECT json_agg(json_build_object('status', s.status)) FROM payment_sessions s WHERE s.collection_id = c.id) AS sessions,
            (SELECT json_agg(json_build_object('status', p.status, 'authorized', p.authorized_amount::text,
                    'captured', p.captured_amount::text, 'refunded', p.refunded_amount::text))
               FROM payments p WHERE p.collection_id = c.id) AS payments
       FROM payment_collections c`);
  checked.collections = collections.rows.length;
  for (const c of collections.rows) {
    const pays = (c.payments ?? []).map((p) => ({ status: p.status, authorized: BigInt(p.authorized), captured: BigInt(p.captured), refunded: BigInt(p.refunded) }));
    const derived = deriveCollectionStatus({ amount: c.amount, canceled: c.canceled, sessions: c.sessions ?? [], payments: pays });
    if (derived !== c.status) add('collection_status', 'collection', c.id, `status ${c.status} but its payments give ${derived}`);
    const live = pays.filter((p) => p.status !== 'failed' && p.status !== 'canceled');
    const sum = (f: (p: (typeof live)[number]) => bigint) => live.reduce((a, p) => a + f(p), 0n);
    if (sum((p) => p.captured) !== c.captured_amount || sum((p) => p.refunded) !== c.refunded_amount || sum((p) => p.authorized) !== c.authorized_amount) {
      add('collection_sums', 'collection', c.id, 'stored sums differ from its payments');
    }
    const paid = live.filter((p) => p.authorized > 0n);
    if (paid.length > 1 && !c.allow_split) add('one_payment_per_collection', 'collection', c.id, `${paid.length} live payments without an allowed split`);
  }

  const orders = await q.query<{ id: number; status_identifier: string | null; mapped: string; payment_status: string }>(
    `SELECT o.id, o.status_identifier, m.order_status_identifier AS mapped, c.status AS payment_status
       FROM orders o JOIN payment_collections c ON c.order_id = o.id
       JOIN payment_status_mappings m ON m.storage_id = o.storage_id AND m.payment_status = c.status
      WHERE o.status_identifier IS DISTINCT FROM m.order_status_identifier
        AND m.updated_at <= o.updated_at`);
  checked.orders = (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]?.n ?? 0;
  for (const o of orders.rows) add('order_status_mapping', 'order', o.id, `status ${o.status_identifier} but payment status ${o.payment_status} maps to ${o.mapped}`);

  const history = await q.query<{ entity: string; entity_id: number; gap: boolean; last_ok: boolean }>(
    `WITH t AS (
       SELECT entity, entity_id, id, from_status, to_status,
              lag(to_status) OVER (PARTITION BY entity, entity_id ORDER BY id) AS prev,
              row_number() OVER (PARTITION BY entity, entity_id ORDER BY id DESC) AS rn
         FROM payment_events WHERE entity IN ('session', 'payment', 'collection') AND from_status IS DISTINCT FROM to_status
          AND action NOT IN ('late_authorization'))
     SELECT t.entity, t.entity_id,
            bool_or(t.prev IS NOT NULL AND t.from_status IS DISTINCT FROM t.prev) AS gap,
            bool_and(t.rn <> 1 OR t.to_status = CASE t.entity
               WHEN 'session' THEN (SELECT status FROM payment_sessions WHERE id = t.entity_id)
               WHEN 'payment' THEN (SELECT status FROM payments WHERE id = t.entity_id)
               ELSE (SELECT status FROM payment_collections WHERE id = t.entity_id) END) AS last_ok
       FROM t GROUP BY t.entity, t.entity_id`);
  checked.histories = history.rows.length;
  for (const h of history.rows) {
    if (h.gap) add('history_gap', h.entity, h.entity_id, 'a transition does not start where the previous one ended');
    if (!h.last_ok) add('history_current', h.entity, h.entity_id, 'the last transition does not end at the current status');
  }
  const unrecorded = await q.query<{ entity: string; id: number }>(
    `SELECT 'payment' AS entity, p.id FROM payments p WHERE NOT EXISTS (SELECT 1 FROM payment_events e WHERE e.entity = 'payment' AND e.entity_id = p.id)
     UNION ALL
     SELECT 'session', s.id FROM payment_sessions s WHERE NOT EXISTS (SELECT 1 FROM payment_events e WHERE e.entity = 'session' AND e.entity_id = s.id)`);
  for (const u of unrecorded.rows) add('history_missing', u.entity, u.id, 'no history row');

  const payable = await q.query<{ order_id: number; n: number }>(
    `SELECT order_id, count(*)::int AS n FROM payment_sessions WHERE order_id IS NOT NULL AND status IN ('pending', 'requires_more', 'requires_action')
      GROUP BY order_id HAVING count(*) > 1`);
  for (const r of payable.rows) add('one_payable_session', 'order', r.order_id, `${r.n} payable sessions`);

  const ops = await q.query<{ kind: string; payment_id: number; key: string; n: number }>(
    `SELECT 'capture' AS kind, payment_id, coalesce(gateway_ref, idempotency_key) AS key, count(*)::int AS n FROM captures
      WHERE coalesce(gateway_ref, idempotency_key) IS NOT NULL GROUP BY payment_id, coalesce(gateway_ref, idempotency_key) HAVING count(*) > 1
     UNION ALL
     SELECT 'refund', payment_id, coalesce(gateway_ref, idempotency_key), count(*)::int FROM refunds
      WHERE coalesce(gateway_ref, idempotency_key) IS NOT NULL GROUP BY payment_id, coalesce(gateway_ref, idempotency_key) HAVING count(*) > 1`);
  for (const o of ops.rows) add('operation_once', o.kind, o.payment_id, `${o.kind} ${o.key} recorded ${o.n} times`);
  const keys = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_keys WHERE status = 'completed' AND response_status IS NULL`);
  if ((keys.rows[0]?.n ?? 0) > 0) add('idempotency_result', 'idempotency_key', '*', `${keys.rows[0]!.n} completed keys without a stored result`);
  checked.idempotencyKeys = (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys')).rows[0]?.n ?? 0;

  return { checked, violations };
}
