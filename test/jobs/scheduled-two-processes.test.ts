import { describe, expect, it } from 'vitest';
import { createPgDb } from '../../src/store/pg-db.js';
import { createTestDatabase, usePostgres } from '../support/database.js';
import { spawnTender, type TenderProcess } from '../support/process.js';
import { TEST_SECRET_KEY } from '../support/tender.js';
import { assertOncePerSlot, type RunRow } from './job-runs.js';

const PERIOD_SEC = 2;

describe.skipIf(!usePostgres)('scheduled jobs with two Tender processes on one PostgreSQL (PGlite is one process by design)', () => {
  it('fire each job once per period, counted over several periods', async () => {
    const database = await createTestDatabase();
    const children: TenderProcess[] = [];
    try {
      const env = {
        DATABASE_URL: database.databaseUrl!, TENDER_SECRET_KEY: TEST_SECRET_KEY, TENDER_DEMO: '0', PORT: '0',
        TENDER_JOB_RECONCILE_SEC: String(PERIOD_SEC), TENDER_JOB_IDEMPOTENCY_PRUNE_SEC: String(PERIOD_SEC), TENDER_JOB_WEBHOOK_SWEEP_SEC: String(PERIOD_SEC),
        TENDER_JOBS_POLL_SEC: '0.5',
      };
      children.push(...(await Promise.all([spawnTender(env), spawnTender(env)])));
      const from = new Date();
      await new Promise((r) => setTimeout(r, 5 * PERIOD_SEC * 1000));
      const to = new Date();
      await Promise.all(children.map((c) => c.kill()));

      const db = createPgDb({ connectionString: database.databaseUrl!, max: 1 });
      try {
        const { rows } = await db.query<RunRow>(
          'SELECT job, slot_start, runner, ok FROM scheduled_job_runs WHERE slot_start >= $1 AND slot_start < $2 ORDER BY id', [from, to]);
        const counts = assertOncePerSlot(rows, PERIOD_SEC * 1000);
        expect(Object.keys(counts).sort()).toEqual(['idempotency-prune', 'reconcile', 'webhook-sweep']);
        // Five periods watched; the first and last may fall at the edges of the window.
        for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(4);
        expect(rows.every((r) => r.ok !== false)).toBe(true);
        // Runs came from these two processes (runner ids start with host:pid); which one runs a
        // slot is up to whoever queues and fetches it first.
        const pids = children.map((c) => String(c.child.pid));
        for (const r of rows) expect(pids).toContain(r.runner.split(':')[1]);
      } finally {
        await db.close();
      }
    } finally {
      for (const c of children) await c.kill();
      await database.drop();
    }
  }, 120_000);
});
