import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { AppContext } from '../context.js';
import type { JobConfig } from './job-config.js';
import { createJobQueue, DELIVERY_QUEUE, openBoss, registerJobQueue } from './queue.js';
import { startScheduler, type JobWrapper } from './scheduler.js';
import { fanOut } from './webhook-fanout.js';
import { deliver, type DeliveryJobData } from './webhook-worker.js';

export interface JobRunner {
  /** `host:pid:random`, recorded with each scheduled job run. */
  readonly id: string;
  /** Fans new events out now (the runner also does it every `fanoutIntervalMs`). */
  fanOutNow(): Promise<number>;
  /** Stops taking jobs, waits for running ones (up to 15 s), then leaves the database alone. */
  stop(): Promise<void>;
}

/**
 * Runs this process's share of the background work on the pg-boss queue: webhook fan-out and
 * delivery, and the scheduled jobs. Any number of processes may run it on one database.
 */
export async function startJobs(ctx: AppContext, config: JobConfig): Promise<JobRunner> {
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const boss = await openBoss(ctx, {
    supervise: true,
    pollingIntervalSeconds: config.pollingIntervalSeconds,
    maintenanceIntervalSeconds: config.maintenanceIntervalSeconds,
  });
  const workerIds: string[] = [];
  const queue = createJobQueue(boss, () => {
    for (const w of workerIds) boss.notifyWorker(w);
  });

  let stopping = false;
  let running = 0;
  // Jobs fetched after stop() began are failed at once; pg-boss retries them later (elsewhere).
  const wrap: JobWrapper = (handler) => async (jobs) => {
    if (stopping) throw new Error('job runner is shutting down');
    running++;
    try {
      return await handler(jobs);
    } finally {
      running--;
    }
  };

  for (let i = 0; i < config.webhooks.concurrency; i++) {
    workerIds.push(await boss.work<DeliveryJobData>(
      DELIVERY_QUEUE,
      { pollingIntervalSeconds: config.pollingIntervalSeconds, batchSize: 1 },
      wrap(async (jobs: PgBoss.Job<DeliveryJobData>[]) => {
        for (const job of jobs) await deliver(ctx, queue, config.webhooks, job);
      }),
    ));
  }
  registerJobQueue(ctx.db, queue);
  const scheduler = await startScheduler(ctx, boss, config, id, wrap);

  let fanning: Promise<number> | undefined;
  const fanOutNow = () => {
    fanning ??= fanOut(ctx, queue, config.webhooks.gapGraceMs).finally(() => (fanning = undefined));
    return fanning;
  };
  const fanTimer = setInterval(() => {
    if (!stopping && !fanning) fanOutNow().catch((err: unknown) => ctx.log.warn({ err }, 'webhook fan-out failed; will retry'));
  }, config.webhooks.fanoutIntervalMs);

  ctx.log.info({ runner: id }, 'job runner started');
  return {
    id,
    fanOutNow,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(fanTimer);
      scheduler.stop();
      await fanning?.catch(() => {});
      registerJobQueue(ctx.db, undefined);
      await boss.stop({ graceful: true, timeout: 15_000, wait: true });
      for (let waited = 0; running > 0 && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
