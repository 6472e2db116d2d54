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
