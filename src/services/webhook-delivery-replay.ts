import type { AppContext } from '../context.js';
import type { ReplayResult } from '../contract/webhooks.js';
import { PaymentsError } from '../errors.js';
import { jobQueue } from '../jobs/queue.js';
import { getEvent } from './events-service.js';

async function enabledEndpoint(ctx: AppContext, id: number): Promise<{ id: number }> {
  const { rows } = await ctx.db.query<{ id: number; enabled: boolean }>('SELECT id, enabled FROM webhook_endpoints WHERE id = $1', [id]);
  const row = rows[0];
  if (!row) throw new PaymentsError('not_found', `Webhook endpoint ${id} not found`);
  if (!row.enabled) throw new PaymentsError('conflict', `Webhook endpoint ${id} is disabled; enable it (PATCH enabled: true) before replaying`);
  return row;
}

// A replayed delivery restarts its retry schedule and is attempted now. It becomes unordered (it
// neither waits for nor holds back newer events of its payment) unless it is still pending.
const RESTART = `status = 'pending',
  ordered = CASE WHEN webhook_deliveries.status = 'pending' THEN webhook_deliveries.ordered ELSE false END,
  round_attempts = 0, round_started_at = now(), next_attempt_at = now(), completed_at = NULL, updated_at = now()`;

/**
 * Sends one event again — with its original event id and a fresh signature — to one endpoint,
 * or to every enabled endpoint subscribed to its type.
 */
export async function replayEvent(ctx: AppContext, eventRef: string, endpointId?: number): Promise<ReplayResult> {
  const event = await getEvent(ctx, eventRef);
  if (endpointId !== undefined) await enabledEndpoint(ctx, endpointId);
  const queue = await jobQueue(ctx);
  const ids = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: bigint }>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, ordering_key, ordered)
       SELECT w.id, $1, $2, false FROM webhook_endpoints w
        WHERE w.enabled AND ($4::int IS NULL AND ($3 = ANY(w.event_types) OR '*' = ANY(w.event_types)) OR w.id = $4)
       ORDER BY w.id
       ON CONFLICT (endpoint_id, event_id) DO UPDATE SET ${RESTART}
       RETURNING id`,
      [event.id, event.ordering_key, event.type, endpointId ?? null],
    );
    await queue.enqueueDeliveries(tx, rows.map((r) => ({ id: r.id })));
    return rows.map((r) => Number(r.id));
  });
  queue.wake();
  return { replayed: ids.length, deliveryIds: ids };
}

/** Sends again every delivery of this endpoint that failed at or after `since`. */
export async function replayFailed(ctx: AppContext, endpointId: number, since: Date): Promise<ReplayResult> {
  await enabledEndpoint(ctx, endpointId);
  const queue = await jobQueue(ctx);
  const ids = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: bigint }>(
      `UPDATE webhook_deliveries SET ${RESTART}
        WHERE endpoint_id = $1 AND status = 'failed' AND completed_at >= $2 RETURNING id`,
      [endpointId, since],
    );
    await queue.enqueueDeliveries(tx, rows.map((r) => ({ id: r.id })));
    return rows.map((r) => Number(r.id));
  });
  queue.wake();
  return { replayed: ids.length, deliveryIds: ids.sort((a, b) => a - b) };
}
