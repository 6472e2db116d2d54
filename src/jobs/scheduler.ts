import type PgBoss from 'pg-boss';
import type { AppContext } from '../context.js';
import { SCHEDULED_JOB_NAMES, type JobConfig, type ScheduledJobName } from './job-config.js';
import { scheduledQueue } from './queue.js';
import { SCHEDULED_JOBS } from './scheduled-jobs.js';

/** Wraps every job handler of a runner (shutdown and in-flight accounting). */
export type JobWrapper = <J>(handler: (jobs: J[]) => Promise<unknown>) => (jobs: J[]) => Promise<unknown>;

/**
 * Scheduled jobs, once per period across all processes, on the pg-boss queue.
 *
 * Why not pg-boss cron (`schedule()`): its granularity is one minute, and periods here are
 * configurable down to one second (the two-process test counts firings over several short
 * periods). The mechanism is the one pg-boss cron itself uses underneath: every process sends
 * the job for the current period with `singletonKey` + `singletonSeconds = period`; pg-boss
 * derives the slot from the database clock and a unique index admits one job per slot, so
 * all but one send are no-ops. Each process sends three times per period, so a slot is never
 * missed while one process is up. The queue policy 'singleton' keeps runs from overlapping.
 */
export async function startScheduler(
  ctx: AppContext,
  boss: PgBoss,
  config: JobConfig,
  runner: string,
  wrap: JobWrapper,
): Promise<{ stop(): void }> {
  const timers: NodeJS.Timeout[] = [];
  for (const name of SCHEDULED_JOB_NAMES) {
    const periodSec = config.schedules[name];
    const queue = scheduledQueue(name);
    const workerId = await boss.work(
      queue,
      { includeMetadata: true, pollingIntervalSeconds: Math.max(0.5, Math.min(periodSec / 2, config.pollingIntervalSeconds)) },
      wrap(async ([job]: PgBoss.JobWithMetadata[]) => (job ? runScheduled(ctx, config, name, job, runner) : undefined)),
    );
    const send = async () => {
      try {
        const id = await boss.send(queue, {}, { singletonKey: name, singletonSeconds: periodSec, retryLimit: 0, expireInSeconds: 900 });
        if (id) boss.notifyWorker(workerId);
      } catch (err) {
        ctx.log.warn({ err, job: name }, 'could not queue a scheduled job');
      }
    };
    void send();
    timers.push(setInterval(() => void send(), Math.max(250, (periodSec * 1000) / 3)));
  }
  return {
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}

async function runScheduled(ctx: AppContext, config: JobConfig, name: ScheduledJobName, job: PgBoss.JobWithMetadata, runner: string): Promise<unknown> {
  const slot = slotStart(job.singletonOn);
  const { rows } = await ctx.db.query<{ id: bigint }>(
    'INSERT INTO scheduled_job_runs (job, slot_start, runner) VALUES ($1, $2, $3) RETURNING id',
    [name, slot, runner],
  );
  const runId = rows[0]!.id;
  try {
    const result = await SCHEDULED_JOBS[name](ctx, config);
    await ctx.db.query('UPDATE scheduled_job_runs SET finished_at = now(), ok = true, result = $2 WHERE id = $1', [runId, result]);
    return result;
  } catch (err) {
    ctx.log.warn({ err, job: name }, 'scheduled job failed');
    await ctx.db.query('UPDATE scheduled_job_runs SET finished_at = now(), ok = false, result = $2 WHERE id = $1', [runId, { error: (err as Error).message }]);
    throw err;
  }
}

/**
 * pg-boss's `singleton_on` is a `timestamp without time zone` holding UTC; both drivers read
 * such values as local time, so the offset is added back.
 */
function slotStart(singletonOn: Date | null): Date {
  if (!singletonOn) return new Date();
  return new Date(singletonOn.getTime() - singletonOn.getTimezoneOffset() * 60_000);
}
