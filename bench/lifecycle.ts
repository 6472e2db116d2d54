/**
 * Part 1, the payment lifecycle in-process (no HTTP): create collection → create session on the
 * test gateway → the customer tokenizes 4242 at the gateway → authorize → capture in full →
 * refund part. The engine functions are called exactly as the HTTP routes call them.
 *
 * Webhooks: the test gateway normally POSTs a signed webhook for each state change to
 * `${publicUrl}/api/webhooks/:accountId` in the background. Here the account sets the test
 * gateway's own `simulateWebhookLoss` (NOTE.md), so the events are written as `dropped` and
 * never sent: the measured window contains the direct API path and nothing that runs after it.
 * Tender's cost of ingesting those webhooks is measured on its own in part 3.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../src/context.js';
import { createTestGateway, type TestGateway } from '../src/gateways/test/test-gateway.js';
import { registerGateway } from '../src/gateways/registry.js';
import { authorizeSession } from '../src/services/engine/authorize-service.js';
import { createCollection, createCollectionSession } from '../src/services/engine/collection-service.js';
import { runOperation } from '../src/services/engine/operations.js';
import { countingDb, createCounter, type Counter } from './counting-db.js';
import type { FreshDatabase } from './databases.js';
import { benchUsers, BENCH_ACCOUNT, openBenchContext, seedBench } from './tender-setup.js';

export const FLOW_AMOUNT = 5000n;
export const REFUND_AMOUNT = 1250n;
export const STEPS = ['collection', 'session', 'token', 'authorize', 'capture', 'refund'] as const;
export type Step = (typeof STEPS)[number];

export interface LifecycleEnv {
  ctx: AppContext;
  gateway: TestGateway;
  counter: Counter;
  /**
   * CPU (µs) spent while a test-gateway call was awaited. Exact at concurrency 1 (nothing else
   * runs meanwhile); at higher concurrency other flows' work lands in it too.
   */
  gatewayCpuUs: { value: number; enabled: boolean };
  userIds: number[];
  close(): Promise<void>;
}

export async function openLifecycle(database: FreshDatabase, secretKey: string, users: number): Promise<LifecycleEnv> {
  const raw = await database.open();
  const counter = createCounter();
  const ctx = await openBenchContext(countingDb(raw, counter, 'tender'), secretKey);
  await seedBench(ctx, { simulateWebhookLoss: true });
  const userIds = (await benchUsers(ctx, users)).map((u) => u.userId);
  // The simulated provider gets its own view of the database, so its statements are told apart
  // from Tender's (it stands for a remote provider: with Stripe they would be HTTP calls).
  const gatewayCpuUs = { value: 0, enabled: false };
  const gateway = timedGateway(createTestGateway({ ...ctx, db: countingDb(raw, counter, 'gateway') }), gatewayCpuUs);
  registerGateway(gateway);
  return {
    ctx, gateway, counter, gatewayCpuUs, userIds,
    async close() {
      await gateway.close();
      await raw.close();
    },
  };
}

/** Charges CPU used while a gateway call is awaited, when enabled (concurrency-1 windows only). */
function timedGateway(g: TestGateway, cpu: { value: number; enabled: boolean }): TestGateway {
  const timed = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    if (!cpu.enabled) return fn(...args);
    const c0 = process.cpuUsage();
    try {
      return await fn(...args);
    } finally {
      const d = process.cpuUsage(c0);
      cpu.value += d.user + d.system;
    }
  };
  return {
    ...g,
    initiate: timed(g.initiate),
    authorize: timed(g.authorize),
    capture: timed(g.capture),
    refund: timed(g.refund),
    cancel: timed(g.cancel),
    provider: { ...g.provider, tokenize: timed(g.provider.tokenize) },
  };
}

const CARD = { number: '4242 4242 4242 4242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };

/** One flow; `mark` is called before each step (the per-step statement breakdown uses it). */
export async function runFlow(env: LifecycleEnv, n: number, mark?: (step: Step) => void): Promise<void> {
  const { ctx } = env;
  const userId = env.userIds[n % env.userIds.length]!;
  const user = { type: 'user' as const, id: String(userId) };
  const merchant = { type: 'merchant' as const, id: 'bench' };

  mark?.('collection');
  const collection = await createCollection(ctx, userId, { amount: { amount: FLOW_AMOUNT, currency: 'USD' } });
  mark?.('session');
  const session = await createCollectionSession(ctx, userId, collection.id, BENCH_ACCOUNT, 'intent');
  mark?.('token');
  const token = await env.gateway.provider.tokenize(CARD);
  if (!token.ok) throw new Error(`tokenize failed: ${token.message}`);
  mark?.('authorize');
  const auth = await authorizeSession(ctx, session.id, { token: token.id }, user, randomUUID(), userId);
  if (auth.outcome !== 'authorized' || auth.paymentId === null) throw new Error(`authorize answered ${auth.outcome}`);
  mark?.('capture');
  const captured = await runOperation(ctx, 'capture', auth.paymentId, {}, merchant);
  if (captured.operation.status !== 'succeeded') throw new Error(`capture is ${captured.operation.status}`);
  mark?.('refund');
  const refunded = await runOperation(ctx, 'refund', auth.paymentId, { amount: { amount: REFUND_AMOUNT, currency: 'USD' }, reason: 'bench' }, merchant);
  if (refunded.payment.status !== 'partially_refunded') throw new Error(`payment is ${refunded.payment.status} after the refund`);
}
