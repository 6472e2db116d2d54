import PgBoss from 'pg-boss';
import type { AppContext } from '../context.js';
import type { Db, Queryable } from '../store/db.js';
import { splitStatements } from '../store/migrate.js';
import { SCHEDULED_JOB_NAMES, type ScheduledJobName } from './job-config.js';

/** One job per attempt of a webhook delivery (data: {deliveryId}). */
export const DELIVERY_QUEUE = 'tender-webhook-delivery';

export function scheduledQueue(name: ScheduledJobName): string {
  return `tender-${name}`;
}

/**
 * pg-boss settings of a delivery job. The HTTP retry schedule is ours (one job per attempt, see
 * webhook-worker.ts); pg-boss's own retries only cover a handler that threw or a process that
 * died mid-attempt (the job expires, pg-boss maintenance puts it back in the queue).
 */
const DELIVERY_JOB = { retryLimit: 20, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 } as const;

/**
 * pg-boss's `db` adapter over our Db, so the queue runs on the same connection pool on
 * PostgreSQL and in-process on PGlite. pg-boss sends two kinds of SQL: single statements (with
 * or without parameters) and, for schema creation and maintenance, parameterless scripts
 * wrapped in `BEGIN; … COMMIT;`. A script runs statement by statement inside our own
 * transaction: PGlite's query() takes one statement at a time, and a failed script must not
 * leave the one shared PGlite session inside an aborted transaction.
 */
export function bossDb(db: Db): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (!values || values.length === 0) {
        const statements = splitStatements(text);
        if (statements.length > 1) {
          const body = statements.filter((s) => !/^(BEGIN|COMMIT)$/i.test(s.trim()));
          // A block: the scripts start with SET LOCAL (lock and idle timeouts), which outside
          // one only warns (src/store/pg-implicit-tx.ts).
          await db.transaction(async (tx) => {
            for (const s of body) await tx.query(s);
          }, { retries: 0, block: true });
          return { rows: [] };
        }
      }
      return db.query(text, values);
    },
  };
}

/** The adapter for one of our transactions: jobs sent through it commit or roll back with it. */
export function bossTx(tx: Queryable): PgBoss.Db {
  return { executeSql: (text: string, values?: unknown[]) => tx.query(text, values) };
}

export interface QueueOptions {
  /** Run pg-boss maintenance (expire stuck jobs, archive) from this instance. */
  supervise: boolean;
  pollingIntervalSeconds?: number;
  maintenanceIntervalSeconds?: number;
}

/** Starts pg-boss on our database: creates its schema `pgboss` if needed, and our queues. */
// Duplicate schema/table/object, unique violation, deadlock and serialization failure: what two
// processes running pg-boss's migration at the same moment can see.
const START_RACE_CODES = new Set(['23505', '42P06', '42P07', '42710', '40P01', '40001']);

export async function openBoss(ctx: AppContext, options: QueueOptions): Promise<PgBoss> {
  // Several Tender processes starting together race pg-boss's CREATE SCHEMA / CREATE TABLE; the
  // loser sees a duplicate-object error and simply starts again (the schema then exists).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBoss(ctx, options);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 8 || !START_RACE_CODES.has(code ?? '')) throw err;
      ctx.log.warn({ attempt, code }, 'job queue start raced another process; retrying');
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 200));
    }
  }
}

async function startBoss(ctx: AppContext, options: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    db: bossDb(ctx.db),
    schedule: false, // our scheduled jobs use singleton slots (scheduler.ts), not pg-boss cron
    supervise: options.supervise,
    migrate: true,
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    archiveCompletedAfterSeconds: 12 * 3600,
    deleteAfterDays: 7,
  });
  boss.on('error', (err) => ctx.log.warn({ err }, 'job queue error'));
  await boss.start();
  await boss.createQueue(DELIVERY_QUEUE, { name: DELIVERY_QUEUE, policy: 'standard' });
  // 'singleton': at most one active job per queue across all processes, so a slow run of a
  // scheduled job is never overlapped by the next period's run.
  for (const name of SCHEDULED_JOB_NAMES) {
    await boss.createQueue(scheduledQueue(name), { name: scheduledQueue(name), policy: 'singleton' });
  }
  return boss;
}

/** Sends delivery jobs; what services use to (re)start deliveries. */
export interface JobQueue {
  boss: PgBoss;
  /** Queues one attempt per delivery, at `at` (default now), inside the caller's transaction. */
  enqueueDeliveries(tx: Queryable, items: { id: bigint | number; at?: Date }[]): Promise<void>;
  /** After COMMIT: lets this process's delivery workers look at the queue now, not at their next poll. */
  wake(): void;
  /** The same at a later time (within a minute; later ones are left to polling). */
  wakeAt(at: Date): void;
}

export function createJobQueue(boss: PgBoss, wake: () => void = () => {}): JobQueue {
  return {
    boss,
    wake,
    wakeAt(at) {
      const ms = at.getTime() - Date.now();
      // A few ms late: pg-boss only fetches jobs whose start_after has passed.
      if (ms < 60_000) setTimeout(wake, Math.max(0, ms) + 20).unref();
    },
    async enqueueDeliveries(tx, items) {
      if (items.length === 0) return;
      await boss.insert(
        items.map((i) => ({
          name: DELIVERY_QUEUE,
          data: { deliveryId: Number(i.id) },
          startAfter: (i.at ?? new Date()).toISOString(),
          ...DELIVERY_JOB,
        })),
        { db: bossTx(tx) },
      );
    },
  };
}

const queues = new WeakMap<Db, Promise<JobQueue>>();

/**
 * The job queue of this database. A process that runs jobs registers its runner's queue here;
 * any other process (e.g. `--no-jobs`) gets a send-only pg-boss that starts no workers.
 */
export function jobQueue(ctx: AppContext): Promise<JobQueue> {
  let q = queues.get(ctx.db);
  if (!q) {
    q = openBoss(ctx, { supervise: false }).then((boss) => createJobQueue(boss));
    q.catch(() => queues.delete(ctx.db));
    queues.set(ctx.db, q);
  }
  return q;
}

export function registerJobQueue(db: Db, queue: JobQueue | undefined): void {
  if (queue) queues.set(db, Promise.resolve(queue));
  else queues.delete(db);
}
