import type { AppContext } from '../context.js';
import type { Static } from '@sinclair/typebox';
import type { HistoryEntry } from '../contract/engine.js';
import { toMajorNumber } from '../domain/format-major.js';

interface EventRow {
  id: bigint;
  entity: string;
  entity_id: number;
  action: string;
  from_status: string | null;
  to_status: string | null;
  amount: bigint | null;
  currency: string | null;
  actor_type: string;
  actor_id: string | null;
  gateway_ref: string | null;
  data: Record<string, unknown> | null;
  created_at: Date;
}

/** The append-only history of an order or of a payment, oldest first. */
export async function listHistory(ctx: AppContext, filter: { orderId: number } | { paymentId: number } | { collectionId: number }): Promise<Static<typeof HistoryEntry>[]> {
  const [column, value] = 'orderId' in filter ? ['order_id', filter.orderId] : 'paymentId' in filter ? ['payment_id', filter.paymentId] : ['collection_id', filter.collectionId];
  const { rows } = await ctx.db.query<EventRow>(`SELECT * FROM payment_events WHERE ${column} = $1 ORDER BY id`, [value]);
  return rows.map((r) => ({
    id: Number(r.id),
    entity: r.entity,
    entityId: r.entity_id,
    action: r.action,
    from: r.from_status,
    to: r.to_status,
    amount: r.amount !== null && r.currency ? toMajorNumber({ amount: r.amount, currency: r.currency.trim() }) : null,
    amountMinor: r.amount !== null ? Number(r.amount) : null,
    currency: r.currency?.trim() ?? null,
    actor: { type: r.actor_type, id: r.actor_id },
    gatewayRef: r.gateway_ref,
    data: r.data,
    createdAt: r.created_at.toISOString(),
  }));
}
