import type { AppContext } from '../context.js';
import { COLLECTION_STATUSES, isCollectionStatus } from '../domain/collection-status.js';
import { PaymentsError } from '../errors.js';

export interface StatusMappingsView {
  storage: string;
  orderStatuses: string[];
  mappings: Record<string, string>;
}

/** The merchant's map from payment statuses to order statuses for one order storage. */
export async function getStatusMappings(ctx: AppContext, marker: string): Promise<StatusMappingsView> {
  const { rows } = await ctx.db.query<{ id: number }>('SELECT id FROM order_storages WHERE identifier = $1', [marker]);
  const storage = rows[0];
  if (!storage) throw new PaymentsError('storage_not_found', `Order storage "${marker}" not found`);
  const [statuses, maps] = await Promise.all([
    ctx.db.query<{ identifier: string }>('SELECT identifier FROM order_statuses WHERE storage_id = $1 ORDER BY position, id', [storage.id]),
    ctx.db.query<{ payment_status: string; order_status_identifier: string }>('SELECT payment_status, order_status_identifier FROM payment_status_mappings WHERE storage_id = $1', [storage.id]),
  ]);
  return {
    storage: marker,
    orderStatuses: statuses.rows.map((r) => r.identifier),
    mappings: Object.fromEntries(maps.rows.map((r) => [r.payment_status, r.order_status_identifier])),
  };
}

/** Sets (string) or removes (null) mappings; unknown payment or order statuses are refused. */
export async function putStatusMappings(ctx: AppContext, marker: string, mappings: Record<string, string | null>): Promise<StatusMappingsView> {
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>('SELECT id FROM order_storages WHERE identifier = $1 FOR UPDATE', [marker]);
    const storage = rows[0];
    if (!storage) throw new PaymentsError('storage_not_found', `Order storage "${marker}" not found`);
    const statuses = new Set((await tx.query<{ identifier: string }>('SELECT identifier FROM order_statuses WHERE storage_id = $1', [storage.id])).rows.map((r) => r.identifier));
    for (const [paymentStatus, orderStatus] of Object.entries(mappings)) {
      if (!isCollectionStatus(paymentStatus)) {
        throw new PaymentsError('validation_failed', `Unknown payment status "${paymentStatus}"; one of ${COLLECTION_STATUSES.join(', ')}`);
      }
      if (orderStatus === null) {
        await tx.query('DELETE FROM payment_status_mappings WHERE storage_id = $1 AND payment_status = $2', [storage.id, paymentStatus]);
        continue;
      }
      if (!statuses.has(orderStatus)) throw new PaymentsError('validation_failed', `Order storage "${marker}" has no status "${orderStatus}"`);
      await tx.query(
        `INSERT INTO payment_status_mappings (storage_id, payment_status, order_status_identifier) VALUES ($1, $2, $3)
         ON CONFLICT (storage_id, payment_status) DO UPDATE SET order_status_identifier = EXCLUDED.order_status_identifier, updated_at = now()`,
        [storage.id, paymentStatus, orderStatus]);
    }
  });
  return getStatusMappings(ctx, marker);
}

export interface AffectedOrderView {
  orderId: number;
  paymentStatus: string;
  orderStatus: string | null;
  targetStatus: string | null;
  totalMinor: number;
  currency: string;
  updatedAt: string;
}

/** Parses `completed:paid,refunded:` into payment status → order status (null removes). */
export function parseMappingChanges(text: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const pair of text.split(',')) {
    const i = pair.indexOf(':');
    const paymentStatus = pair.slice(0, i);
    if (!isCollectionStatus(paymentStatus)) {
      throw new PaymentsError('validation_failed', `Unknown payment status "${paymentStatus}"; one of ${COLLECTION_STATUSES.join(', ')}`);
    }
    out[paymentStatus] = pair.slice(i + 1) || null;
  }
  return out;
}

/**
 * Which orders a mapping change concerns: orders of the storage whose payment (collection)
 * status is one whose mapping would change, and whose order status differs from the new target.
 * A removed mapping concerns the orders that now show the status it mapped to (they keep it).
 * Newest first, at most 100 listed; `total` counts all.
 */
export async function affectedOrders(ctx: AppContext, marker: string, changes: Record<string, string | null>): Promise<{ items: AffectedOrderView[]; total: number }> {
  const current = await getStatusMappings(ctx, marker);
  const statuses: string[] = [];
  const targets: (string | null)[] = [];
  for (const [paymentStatus, target] of Object.entries(changes)) {
    if (target !== null && !current.orderStatuses.includes(target)) {
      throw new PaymentsError('validation_failed', `Order storage "${marker}" has no status "${target}"`);
    }
    const before = current.mappings[paymentStatus] ?? null;
    if (before === target) continue;
    statuses.push(paymentStatus);
    targets.push(target);
  }
  if (statuses.length === 0) return { items: [], total: 0 };
  const olds = statuses.map((s) => current.mappings[s] ?? null);
  const { rows } = await ctx.db.query<{ id: number; payment_status: string; status_identifier: string | null; target: string | null; total: bigint; currency: string; updated_at: Date; n: number }>(
    `WITH change AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) AS c(payment_status, target, old))
     SELECT o.id, ch.payment_status, o.status_identifier, ch.target, o.total, o.currency, o.updated_at, (count(*) OVER ())::int AS n
       FROM orders o
       JOIN order_storages st ON st.id = o.storage_id AND st.identifier = $1
       JOIN payment_collections c ON c.order_id = o.id
       JOIN change ch ON ch.payment_status = c.status
      WHERE (ch.target IS NOT NULL AND o.status_identifier IS DISTINCT FROM ch.target)
         OR (ch.target IS NULL AND o.status_identifier = ch.old)
      ORDER BY o.id DESC LIMIT 100`,
    [marker, statuses, targets, olds],
  );
  return {
    items: rows.map((r) => ({
      orderId: r.id, paymentStatus: r.payment_status, orderStatus: r.status_identifier, targetStatus: r.target,
      totalMinor: Number(r.total), currency: r.currency.trim(), updatedAt: r.updated_at.toISOString(),
    })),
    total: rows[0]?.n ?? 0,
  };
}

/** Order storages with their statuses, for the admin's storage picker. */
export async function listOrderStorages(ctx: AppContext): Promise<{ items: { identifier: string; title: string; orderStatuses: string[] }[] }> {
  const { rows } = await ctx.db.query<{ identifier: string; localize_infos: Record<string, { title?: string }> | null; statuses: string[] | null }>(
    `SELECT st.identifier, st.localize_infos,
            (SELECT array_agg(os.identifier ORDER BY os.position, os.id) FROM order_statuses os WHERE os.storage_id = st.id) AS statuses
       FROM order_storages st ORDER BY st.position NULLS LAST, st.id`,
  );
  return {
    items: rows.map((r) => {
      const infos = r.localize_infos ?? {};
      const title = (infos as { title?: string }).title ?? infos.en_US?.title ?? r.identifier;
      return { identifier: r.identifier, title: typeof title === 'string' ? title : r.identifier, orderStatuses: r.statuses ?? [] };
    }),
  };
}
