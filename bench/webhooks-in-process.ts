/**
 * Webhook ingestion without HTTP: `ingestWebhook` — the function Tender's webhook route calls —
 * run in this process for the storefront's sessions (orders made by `createOrder` and
 * `createSession`, as the HTTP storefront makes them), each session's three signed events in
 * order (authorized, captured, part refunded), `C` sessions in flight. Prints events/s, this
 * process's CPU and the PostgreSQL backends' CPU per event, and statements per event, per round.
 * It splits what the HTTP benchmark's webhook phase measures into the engine's share and the
 * rest (HTTP, Fastify, the benchmark's statement counting); docs/benchmarks-history.md, eighth round.
 *
 * `npx tsx bench/webhooks-in-process.ts` (DATABASE_URL as for `npm run bench`; PostgreSQL only).
 * N sessions per round (default 1000), ROUNDS (3), C in flight (32), POOL connections (10, as
 * Tender's default and the benchmark's server).
 */
import { KeyRing } from '../src/crypto.js';
import { createTestGateway } from '../src/gateways/test/test-gateway.js';
import { registerGateway } from '../src/gateways/registry.js';
import { ingestWebhook } from '../src/services/engine/gateway-events.js';
import { createOrder } from '../src/services/order-service.js';
import { createSession } from '../src/services/session-service.js';
import { freshPgDatabase, pgBaseUrl } from './databases.js';
import { openPgCpu } from './pg-cpu.js';
import type { SessionForWebhook } from './server.js';
import { benchUsers, openBenchContext, seedBench } from './tender-setup.js';
import { sessionEvents } from './webhook-events.js';

const N = Number(process.env.N ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const C = Number(process.env.C ?? 32);
const POOL = Number(process.env.POOL ?? 10);
const ORDER = {
  formIdentifier: 'order', paymentAccountIdentifier: 'bench-card',
  formData: { en_US: [{ marker: 'name', type: 'string', value: 'Bench Buyer' }] }, products: [{ productId: 1, quantity: 1 }],
};

const secretKey = KeyRing.generate();
const database = await freshPgDatabase(pgBaseUrl(), 'webhooks_in_process');
const db = await database.open(POOL);
const ctx = await openBenchContext(db, secretKey);
// The gateway's own webhooks are dropped: only the events posted here are ingested.
await seedBench(ctx, { simulateWebhookLoss: true });
const gateway = createTestGateway(ctx);
registerGateway(gateway);
const users = (await benchUsers(ctx, 32)).map((u) => u.userId);

const wanted = N * ROUNDS;
let made = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (made < wanted) {
    const userId = users[made++ % users.length]!;
    const order = await createOrder(ctx, userId, 'orders', ORDER as Parameters<typeof createOrder>[3]);
    await createSession(ctx, userId, { orderId: order.id, type: 'intent' } as Parameters<typeof createSession>[2]);
  }
}));
const { rows: sessions } = await db.query<SessionForWebhook>(
  `SELECT s.id, s.gateway_ref, s.amount::text AS amount, s.currency, s.account_id, extract(epoch FROM s.created_at)::int AS created
     FROM payment_sessions s WHERE s.status = 'pending' AND s.gateway_ref LIKE 'tgpi\\_%' ORDER BY s.id`, []);

const pgCpu = await openPgCpu(database.url!);
const results: Record<string, number> = {};
console.log(`webhooks in process on PostgreSQL: ${N} sessions (${N * 3} events) per round, ${C} in flight, pool of ${POOL}`);
for (let round = 0; round < ROUNDS; round++) {
  const batch = sessions.slice(round * N, (round + 1) * N).map((s) => sessionEvents(secretKey, s));
  let next = 0;
  const statements0 = db.stats.statements;
  await pgCpu.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < batch.length) {
      for (const e of batch[next++]!) {
        const out = await ingestWebhook(ctx, Number(e.path.split('/').pop()), e.body, e.headers);
        results[out.result] = (results[out.result] ?? 0) + 1;
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgMs = await pgCpu.stop();
  const events = batch.length * 3;
  console.log(`round ${round + 1}: ${(events / seconds).toFixed(1)} events/s; Node CPU ${((cpu.user + cpu.system) / 1000 / events).toFixed(3)} ms/event ` +
    `(${(cpu.user / 1000 / events).toFixed(3)} user + ${(cpu.system / 1000 / events).toFixed(3)} system); PostgreSQL CPU ${(pgMs / events).toFixed(3)} ms/event; ` +
    `${((db.stats.statements - statements0) / events).toFixed(2)} statements/event`);
}
console.log(`results: ${JSON.stringify(results)}`);
await pgCpu.close();
await gateway.close();
await db.close();
await database.drop();
