import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JOB_CONFIG, withOverrides } from '../../src/jobs/job-config.js';
import { startJobs } from '../../src/jobs/runner.js';
import { SCHEDULED_JOBS } from '../../src/jobs/scheduled-jobs.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';
import { assertOncePerSlot, type RunRow } from './job-runs.js';
import { eventually, startReceiver } from './receiver.js';

const EVERY_SECOND = { schedules: { reconcile: 1, 'idempotency-prune': 1, 'webhook-sweep': 1, 'webhook-log-prune': 1 }, pollingIntervalSeconds: 0.5 };
const CONFIG = withOverrides(DEFAULT_JOB_CONFIG, EVERY_SECOND);

describe('scheduled jobs', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender({ jobs: EVERY_SECOND });
  });
  afterAll(() => t?.close());

  it('run once per period with two runners on one database, and expire overdue sessions', async () => {
    // A session past its lifetime, untouched for 2 minutes: the reconcile job expires it.
    const user = await signIn(t, 'sched@example.com');
    const orderId = await insertOrder(t, user.userId, 1, 1);
    const s = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
    await t.ctx.db.query("UPDATE payment_sessions SET expires_at = now() - interval '1 minute', updated_at = now() - interval '2 minutes' WHERE id = $1", [s.body.id]);

    const second = await startJobs(t.ctx, withOverrides(DEFAULT_JOB_CONFIG, EVERY_SECOND));
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 4_500));
    await second.stop();
    const { rows } = await t.ctx.db.query<RunRow>('SELECT job, slot_start, runner, ok FROM scheduled_job_runs WHERE started_at >= $1::timestamptz - interval \'1 second\' ORDER BY id', [new Date(started)]);
    const counts = assertOncePerSlot(rows, 1_000);
    for (const job of Object.keys(SCHEDULED_JOBS)) expect(counts[job], job).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.ok !== false)).toBe(true);
    expect(new Set(rows.map((r) => r.runner)).size).toBeGreaterThanOrEqual(1);

    const session = await eventually(async () => {
      const r = await t.ctx.db.query<{ status: string }>('SELECT status FROM payment_sessions WHERE id = $1', [s.body.id]);
      return r.rows[0]?.status === 'expired' ? r.rows[0] : undefined;
    }, 5_000, 'session expired');
    expect(session.status).toBe('expired');
  });

  it('prunes idempotency keys older than 24 hours', async () => {
    await t.ctx.db.query(
      `INSERT INTO idempotency_keys (scope, key, method, path, request_hash, status, locked_until, created_at) VALUES
         ('admin:1', 'old', 'POST', '/x', 'h', 'completed', now(), now() - interval '25 hours'),
         ('admin:1', 'new', 'POST', '/x', 'h', 'completed', now(), now() - interval '23 hours')`);
    const keys = () => t.ctx.db.query<{ key: string }>("SELECT key FROM idempotency_keys WHERE scope = 'admin:1' ORDER BY key");
    await eventually(async () => (await keys()).rows.length === 1, 5_000, 'old key pruned');
    expect((await keys()).rows.map((r) => r.key)).toEqual(['new']);
    expect(await SCHEDULED_JOBS['idempotency-prune'](t.ctx, CONFIG)).toMatchObject({ idempotencyKeys: 0 });
  });

  it('sweeps up a due delivery whose job was lost', async () => {
    const rx = await startReceiver();
    try {
      const ep = (await api(t)('POST', '/api/admin/webhook-endpoints', { url: rx.url, eventTypes: ['*'] })).body.endpoint;
      // A delivery row with no job behind it, overdue by 20 minutes.
      await t.ctx.db.query(
        `INSERT INTO webhook_deliveries (endpoint_id, event_id, ordering_key, next_attempt_at)
         SELECT $1, id, ordering_key, now() - interval '20 minutes' FROM events ORDER BY id LIMIT 1`, [ep.id]);
      await rx.waitFor((r) => r.length === 1, 10_000);
      const items = await eventually(async () => {
        const list = (await api(t)('GET', `/api/admin/webhook-endpoints/${ep.id}/deliveries`)).body.items;
        return list[0]?.status === 'succeeded' ? list : undefined;
      }, 5_000, 'swept delivery succeeded');
      expect(items).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('deletes settled deliveries past the retention with their attempts, and keeps pending, recent and replayed ones', async () => {
    // Five events of the log, then an endpoint (which gets no history: fan-out leaves it these
    // events), then one delivery of each to it, written here with no job behind them.
    const { rows: events } = await t.ctx.db.query<{ id: string }>(
      `INSERT INTO events (public_id, type, object_type, object_id, ordering_key, data)
       SELECT 'evt_retention_' || g, 'payment.captured', 'payment', g, 'payment:' || g, '{}' FROM generate_series(1, 5) g RETURNING id`);
    const ep = (await api(t)('POST', '/api/admin/webhook-endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['*'] })).body.endpoint;
    const delivery = async (eventId: string, status: string, settledDaysAgo: number | null) => (await t.ctx.db.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, ordering_key, status, attempts, completed_at, next_attempt_at)
       VALUES ($1, $2, 'k', $3, 1, now() - make_interval(days => $4::int), now() + interval '1 day') RETURNING id`,
      [ep.id, eventId, status, settledDaysAgo])).rows[0]!.id;
    const oldOk = await delivery(events[0]!.id, 'succeeded', 31);
    const oldFailed = await delivery(events[1]!.id, 'failed', 45);
    const recent = await delivery(events[2]!.id, 'succeeded', 29);
    const pending = await delivery(events[3]!.id, 'pending', 90);
    const replayed = await delivery(events[4]!.id, 'failed', 60);
    for (const id of [oldOk, oldFailed, recent, pending, replayed]) {
      await t.ctx.db.query(`INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code) VALUES ($1, 1, now(), 5, 500)`, [id]);
    }
    // A replay makes the old failed delivery pending again before the job runs.
    expect((await api(t)('POST', `/api/admin/events/${events[4]!.id}/replay`, { endpointId: ep.id })).status).toBe(200);
    const ids = [oldOk, oldFailed, recent, pending, replayed];
    const left = async () => (await t.ctx.db.query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE id = ANY($1::bigint[]) ORDER BY id', [ids])).rows.map((r) => r.id);
    // The scheduled runs (every second here) do it; a direct run then finds nothing more.
    await eventually(async () => (await left()).length === 3, 5_000, 'old settled deliveries pruned');
    expect(await left()).toEqual([recent, pending, replayed]);
    // (The replayed delivery has a second attempt by now: the worker tried it at once.)
    const attempts = await t.ctx.db.query<{ delivery_id: string }>('SELECT DISTINCT delivery_id FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id', [ids]);
    expect(attempts.rows.map((r) => r.delivery_id)).toEqual([recent, pending, replayed]);
    expect(await SCHEDULED_JOBS['webhook-log-prune'](t.ctx, CONFIG)).toEqual({ deliveries: 0, retentionDays: 30 });
    // The events stay (the merchant's event list), and a shorter retention prunes the recent one.
    expect((await t.ctx.db.query('SELECT 1 FROM events WHERE id = ANY($1::bigint[])', [events.map((e) => e.id)])).rowCount).toBe(5);
    const week = withOverrides(CONFIG, { webhooks: { logRetentionDays: 7 } });
    expect(await SCHEDULED_JOBS['webhook-log-prune'](t.ctx, week)).toEqual({ deliveries: 1, retentionDays: 7 });
    expect(await left()).toEqual([pending, replayed]);
  });
});
