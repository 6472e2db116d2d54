import type { AppContext } from '../context.js';
import { reconcile } from '../services/engine/reconcile.js';
import type { JobConfig, ScheduledJobName } from './job-config.js';
import { jobQueue } from './queue.js';

/** What each scheduled job does; each returns a small JSON report for scheduled_job_runs. */
export const SCHEDULED_JOBS: Record<ScheduledJobName, (ctx: AppContext, config: JobConfig) => Promise<Record<string, unknown>>> = {
  /** Session expiry and reconciliation of unsettled operations (src/services/engine/reconcile.ts). */
  reconcile: async (ctx) => ({ ...(await reconcile(ctx)) }),

  /** Idempotency keys are kept 24 h (src/http/plugins/idempotency.ts); job runs 7 days. */
  'idempotency-prune': async (ctx) => {
    const keys = await ctx.db.query("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
    const runs = await ctx.db.query("DELETE FROM scheduled_job_runs WHERE started_at < now() - interval '7 days'");
    return { idempotencyKeys: keys.rowCount, jobRuns: runs.rowCount };
  },

  /**
   * Safety net: queues a job again for lane heads that are overdue by 10 minutes and not leased
   * (their job was lost, e.g. pg-boss gave up after repeated handler errors). A spare job is
   * harmless: claiming it finds the delivery done, leased or not due.
   */
  'webhook-sweep': async (ctx) => {
    const { rows } = await ctx.db.query<{ id: bigint }>(
      `SELECT d.id FROM webhook_deliveries d
        WHERE d.status = 'pending' AND d.next_attempt_at < now() - interval '10 minutes'
          AND (d.locked_until IS NULL OR d.locked_until < now())
          AND (NOT d.ordered OR NOT EXISTS (
                SELECT 1 FROM webhook_deliveries p
                 WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
                   AND p.status = 'pending' AND p.ordered AND p.event_id < d.event_id))
        ORDER BY d.next_attempt_at LIMIT 500`,
    );
    if (rows.length > 0) {
      const queue = await jobQueue(ctx);
      await ctx.db.transaction((tx) => queue.enqueueDeliveries(tx, rows.map((r) => ({ id: r.id }))));
      queue.wake();
    }
    return { requeued: rows.length };
  },

  /**
   * The delivery log's retention: deliveries that settled (succeeded, or failed for good) more
   * than `logRetentionDays` ago are deleted with their attempts (ON DELETE CASCADE). Pending
   * deliveries are never touched — a replay makes a delivery pending again, and the DELETE
   * re-checks the status of a row a replay changed while it waited. The events themselves
   * (`events`, the merchant's event list) and the payment history are kept. Deleted in batches
   * of 1,000 so that a first run over a large log holds no long transaction; at most 100
   * batches per run, the next run goes on.
   */
  'webhook-log-prune': async (ctx, config) => {
    let deliveries = 0;
    for (let batch = 0; batch < 100; batch++) {
      const { rowCount } = await ctx.db.query(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries
            WHERE status <> 'pending' AND completed_at < now() - make_interval(days => $1)
            ORDER BY completed_at LIMIT 1000)
           AND status <> 'pending'`,
        [config.webhooks.logRetentionDays],
      );
      deliveries += rowCount;
      if (rowCount < 1000) break;
    }
    return { deliveries, retentionDays: config.webhooks.logRetentionDays };
  },
};
