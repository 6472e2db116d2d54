import type { AppContext } from '../context.js';
import { settleEvents } from '../services/events-watermark.js';
import type { JobQueue } from './queue.js';

const BATCH = 500n;

/**
 * Turns settled events into one delivery per subscribed endpoint, and queues a job per new
 * delivery — all in one transaction with the cursor (`event_watermark.fanned_id`), which is
 * row-locked, so processes running this at the same time take turns and nothing is fanned out
 * twice. An endpoint only gets events newer than itself (`after_event_id`). Returns the number
 * of deliveries created.
 */
export async function fanOut(ctx: AppContext, queue: JobQueue, gapGraceMs: number): Promise<number> {
  const pre = await ctx.db.query<{ behind: boolean }>(
    'SELECT COALESCE((SELECT max(id) FROM events), 0) > fanned_id AS behind FROM event_watermark',
  );
  if (!pre.rows[0]?.behind) return 0;
  const created = await ctx.db.transaction(async (tx) => {
    const w = await settleEvents(tx, gapGraceMs, ctx.log);
    if (w.settledId <= w.fannedId) return 0;
    const upTo = w.settledId < w.fannedId + BATCH ? w.settledId : w.fannedId + BATCH;
    // A disabled endpoint gets its deliveries recorded as failed (no attempt), so that after it
    // is enabled again "replay everything that failed since …" covers the time it was off.
    const { rows } = await tx.query<{ id: bigint; status: string }>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, ordering_key, status, completed_at, last_error)
       SELECT w.id, e.id, e.ordering_key,
              CASE WHEN w.enabled THEN 'pending' ELSE 'failed' END,
              CASE WHEN w.enabled THEN NULL ELSE now() END,
              CASE WHEN w.enabled THEN NULL ELSE 'endpoint disabled' END
         FROM events e JOIN webhook_endpoints w
           ON e.id > w.after_event_id AND (e.type = ANY(w.event_types) OR '*' = ANY(w.event_types))
        WHERE e.id > $1 AND e.id <= $2
        ORDER BY e.id, w.id
       ON CONFLICT (endpoint_id, event_id) DO NOTHING
       RETURNING id, status`,
      [w.fannedId, upTo],
    );
    // Every new pending delivery gets a job; one whose lane is busy just waits for its predecessor.
    const pending = rows.filter((r) => r.status === 'pending');
    await queue.enqueueDeliveries(tx, pending.map((r) => ({ id: r.id })));
    await tx.query('UPDATE event_watermark SET fanned_id = $1, updated_at = now()', [upTo]);
    return pending.length;
  });
  if (created > 0) queue.wake();
  return created;
}
