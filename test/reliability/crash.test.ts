import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../support/database.js';
import { tender, verifyCli } from './support/cli.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { recordFigures } from './support/figures.js';
import { pool } from './support/http.js';
import { Stats } from './support/stats.js';
import { client, sleep, type Auth, type Client } from './support/storefront.js';

const JOURNEYS = Number(process.env.RELIABILITY_CRASH_JOURNEYS ?? 160);
const CONCURRENCY = 32;
const SKIP = 'crash: skipped — killing one of two Tender processes needs PostgreSQL (set DATABASE_URL)';

/** A request that got a 2xx: what it was and what it made. */
interface Acked {
  kind: 'order' | 'session' | 'authorize' | 'capture' | 'refund';
  key: string;
  id: number;
  amountMinor?: number;
}

describe.skipIf(!usePostgres)('crash: kill -9 a Tender process in the middle of the load', () => {
  let cluster: Cluster | undefined;
  afterAll(async () => {
    await cluster?.close();
  });

  it('keeps every acknowledged request exactly once and leaves no half-written payment', async () => {
    cluster = await startCluster({ processes: 2, users: 8, accounts: { 'card-manual': { capture: 'manual' }, card: { capture: 'automatic' } } });
    const cl = cluster;
    const stats = new Stats();
    const c: Client = client({ appToken: cl.appToken, adminToken: cl.adminToken }, () => cl.next(), stats);
    const acked: Acked[] = [];
    const failures: string[] = [];
    const deadline = Date.now() + 170_000;
    let started = 0;
    let netErrorsDuringCrash = 0;

    /** One POST with an Idempotency-Key, retried (same key, same body) until it gets a final answer. */
    async function post(kind: Acked['kind'], path: string, auth: Auth, json: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const key = randomUUID();
      const res = await c.call('POST', path, { auth, json, key, retryUntil: deadline, onNetError: () => netErrorsDuringCrash++ });
      if (res.status >= 200 && res.status < 300) {
        const body = res.body;
        const id = kind === 'authorize' ? body.payment?.id : kind === 'capture' || kind === 'refund' ? body.operation?.id : body.id;
        acked.push({ kind, key, id, amountMinor: body.operation?.amountMinor });
      }
      return { status: res.status, body: res.body };
    }

    async function journey(i: number): Promise<void> {
      started++;
      const u = cl.users[i % cl.users.length]!;
      const user: Auth = { kind: 'user', token: u.token };
      const manual = i % 4 !== 0;
      const account = manual ? 'card-manual' : 'card';
      const order = await post('order', '/api/content/orders-storage/marker/orders/orders', user, {
        formIdentifier: 'order', paymentAccountIdentifier: account, formData: [{ marker: 'name', type: 'string', value: `crash-${i}` }], products: [{ productId: 1, quantity: 1 }],
      });
      if (order.status >= 300) return void failures.push(`order ${i}: ${order.status} ${JSON.stringify(order.body)}`);
      const session = await post('session', '/api/content/payments/sessions', user, { orderId: order.body.id, type: 'intent' });
      if (session.status >= 300) return void failures.push(`session ${i}: ${session.status} ${JSON.stringify(session.body)}`);
      const tok = await c.call('POST', '/test-gateway/v1/tokens', {
        auth: { kind: 'none' }, json: { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }, retryUntil: deadline,
      });
      if (tok.status !== 200) return void failures.push(`token ${i}: ${tok.status}`);
      const auth = await post('authorize', `/api/content/payments/sessions/${session.body.id}/authorize`, user, { token: tok.body.id });
      if (auth.status >= 300 || !auth.body.payment) return void failures.push(`authorize ${i}: ${auth.status} ${JSON.stringify(auth.body)}`);
      const paymentId = auth.body.payment.id as number;
      const admin: Auth = { kind: 'admin' };
      if (manual) {
        for (let k = 0; k < 3; k++) {
          const cap = await post('capture', `/api/admin/payments/${paymentId}/capture`, admin, { amount: '1.00' });
          if (cap.status !== 200) failures.push(`capture ${i}.${k}: ${cap.status} ${JSON.stringify(cap.body)}`);
        }
      }
      for (let k = 0; k < 2; k++) {
        const ref = await post('refund', `/api/admin/payments/${paymentId}/refund`, admin, { amount: '0.50', reason: 'crash test' });
        if (ref.status !== 200) failures.push(`refund ${i}.${k}: ${ref.status} ${JSON.stringify(ref.body)}`);
      }
    }

    const t0 = performance.now();
    let killedAt = 0;
    let restartedAt = 0;
    const crash = (async () => {
      while (started < JOURNEYS * 0.35) await sleep(50);
      killedAt = (performance.now() - t0) / 1000;
      await cl.kill(0, 'SIGKILL');
      await cl.restart(0);
      restartedAt = (performance.now() - t0) / 1000;
    })();
    await Promise.all([pool(CONCURRENCY, JOURNEYS, journey), crash]);
    const loadSeconds = (performance.now() - t0) / 1000;

    // What an operator runs after a crash: ask the gateways about anything left unsettled.
    const reconcile = await tender(['reconcile'], cl.database.databaseUrl!);
    const violations: string[] = [];
    for (const a of acked) {
      if (a.kind === 'order') continue;
      const q: Record<Exclude<Acked['kind'], 'order'>, [string, unknown[]]> = {
        session: ['SELECT id FROM payment_sessions WHERE id = $1', [a.id]],
        authorize: ['SELECT id FROM payments WHERE session_id = (SELECT session_id FROM payments WHERE id = $1)', [a.id]],
        capture: [`SELECT id FROM captures WHERE idempotency_key = $1 AND status = 'succeeded'`, [a.key]],
        refund: [`SELECT id FROM refunds WHERE idempotency_key = $1 AND status = 'succeeded'`, [a.key]],
      };
      const [sql, params] = q[a.kind];
      const { rows } = await cl.db.query<{ id: number }>(sql, params);
      if (rows.length !== 1 || rows[0]!.id !== a.id) violations.push(`${a.kind} ${a.key}: acknowledged ${a.id}, database has [${rows.map((r) => r.id).join(', ')}]`);
    }
    // Orders: one per acknowledged key (the journey's name is unique), none created twice — not
    // even one whose key's record the kill left unfinished, re-run by the retry after its lease.
    const orders = await cl.db.query<{ name: string; n: number; ids: number[] }>(
      `SELECT f->>'value' AS name, count(*)::int AS n, array_agg(o.id) AS ids FROM orders o, jsonb_array_elements(o.form_data) f
        WHERE f->>'marker' = 'name' AND f->>'value' LIKE 'crash-%' GROUP BY 1`);
    const ackedOrders = new Set(acked.filter((a) => a.kind === 'order').map((a) => a.id));
    for (const o of orders.rows) if (o.n > 1) violations.push(`order ${o.name} exists ${o.n} times (${o.ids.join(', ')})`);
    for (const id of ackedOrders) if (!orders.rows.some((o) => o.ids.includes(id))) violations.push(`acknowledged order ${id} is missing`);
    // No half-written payment: nothing in flight, and Tender's books equal the gateway's.
    const half = await cl.db.query<{ what: string; id: number }>(
      `SELECT 'capture ' || status AS what, payment_id AS id FROM captures WHERE status IN ('pending', 'unknown')
       UNION ALL SELECT 'refund ' || status, payment_id FROM refunds WHERE status IN ('pending', 'unknown')
       UNION ALL SELECT 'payment without session link', p.id FROM payments p JOIN payment_sessions s ON s.id = p.session_id WHERE s.payment_id IS DISTINCT FROM p.id
       UNION ALL SELECT 'books differ from the gateway', p.id FROM payments p JOIN test_gateway_intents i ON i.id = p.gateway_ref
         WHERE p.captured_amount <> i.amount_captured OR p.refunded_amount <> i.amount_refunded`);
    for (const h of half.rows) violations.push(`payment ${h.id}: ${h.what}`);
    const verify = await verifyCli(cl.database.databaseUrl!);
    // Keys the killed process held, taken over by a retry once their 60 s lease ran out (the
    // lease is renewed on take-over), and the orders among them: the re-runs this test is about.
    const rerun = await cl.db.query<{ keys: number; orders: number }>(
      `SELECT count(*)::int AS keys, count(o.id)::int AS orders FROM idempotency_keys k
         LEFT JOIN orders o ON o.idempotency_scope = k.scope AND o.idempotency_key = k.key
        WHERE k.locked_until > k.created_at + interval '61 seconds'`);

    const counts = Object.fromEntries(['order', 'session', 'authorize', 'capture', 'refund'].map((k) => [k, acked.filter((a) => a.kind === k).length]));
    const figures = stats.figures('crash', verify.violations + violations.length, {
      journeys: JOURNEYS, acknowledged: counts, killedAtSec: Number(killedAt.toFixed(1)), restartedAtSec: Number(restartedAt.toFixed(1)),
      recoveredAtSec: Number(loadSeconds.toFixed(1)), netErrorsDuringCrash, reconcile: reconcile.stdout.trim().slice(0, 300), failures: failures.length,
      keysTakenOver: rerun.rows[0]!.keys, ordersReRun: rerun.rows[0]!.orders, statuses: stats.statuses(),
    });
    recordFigures(figures);
    console.log(`crash: ${JSON.stringify(figures)}`);
    expect(failures.slice(0, 20), cl.errors().slice(0, 10).join('\n')).toEqual([]);
    expect(violations.slice(0, 20)).toEqual([]);
    expect(verify.violations, verify.output).toBe(0);
    expect(reconcile.status, reconcile.stdout + reconcile.stderr).toBe(0);
  });
});

if (!usePostgres) {
  console.log(SKIP);
  recordFigures({ part: 'crash', requests: 0, s2xx: 0, s4xx: 0, s5xx: 0, p50Ms: 0, p99Ms: 0, violations: 0, seconds: 0, extra: { skipped: SKIP } });
}
