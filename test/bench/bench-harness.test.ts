/**
 * The benchmark harness (bench/, `npm run bench`) with tiny numbers: it runs, its counts agree
 * with the database's own counters, its baseline commits as often as Tender does, and the
 * webhooks it generates are ones the test gateway accepts. The benchmark itself is not part of
 * `npm test`.
 */
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/crypto.js';
import { SIGNATURE_HEADER, verifySignature, webhookSecret } from '../../src/gateways/test/test-webhook-signature.js';
import { lifecyclePart } from '../../bench/lifecycle-part.js';
import { lifecycleTable, stepsTable, targets, targetsTable, verdict } from '../../bench/report.js';
import { sessionEvents } from '../../bench/webhook-events.js';
import { startScriptNodeFlags } from '../../bench/server-process.js';
import { readFileSync } from 'node:fs';
import { usePostgres } from '../support/database.js';
import { freshDatabase, type Engine } from '../../bench/databases.js';
import { seedFloor, serverEnv } from '../../bench/http-part.js';
import type { SessionForWebhook } from '../../bench/server.js';
import { startServer, type ServerProcess } from '../../bench/server-process.js';

describe('benchmark harness', () => {
  it("runs Tender's server with the Node flags of `npm start`, the same as the `tender` bin's", () => {
    const flags = startScriptNodeFlags();
    expect(flags).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=50']);
    const shebang = readFileSync(new URL('../../src/cli.ts', import.meta.url), 'utf8').split('\n')[0]!;
    expect(shebang).toBe(`#!/usr/bin/env -S node ${flags.join(' ')}`);
  });

  it('runs the lifecycle and its plain-SQL baseline on PGlite, counting what db.stats counts', async () => {
    const r = await lifecyclePart('pglite', { seconds: 0.1, flows: 2, rounds: 1, secretKey: KeyRing.generate(), profile: false, log: () => {} });
    for (const run of [r.tender.c1, r.tender.c16]) {
      expect(run.units).toBe(2);
      // The counting view sees every statement the database counted, no more, no less.
      expect(run.total.statements).toBe(run.dbStatsStatements);
      expect(run.tender.statements).toBeGreaterThan(0);
    }
    // The baseline's definition: the same number of commits as the Tender flow.
    expect(r.baseline.c16.perFlow.durableCommits).toBe(r.tender.c16.total.durableCommits);
    expect(r.steps.map((s) => s.step)).toEqual(['collection', 'session', 'token', 'authorize', 'capture', 'refund']);
    expect(r.steps.reduce((a, s) => a + s.tenderStatements, 0)).toBe(r.tender.c1.tender.statements);
    expect(lifecycleTable(r)).toContain('Tender ÷ plain');
    expect(stepsTable(r)).toContain('authorize');
    const list = targets([r], []);
    expect(list.map((t) => t.id)).toEqual(['lifecycle_ratio_c16', 'statements_per_flow', 'cpu_ms_per_flow']);
    // Node CPU is judged beside the plain-SQL baseline's own CPU per flow, from the same run.
    const cpu = list.find((t) => t.id === 'cpu_ms_per_flow')!;
    expect(cpu.floor?.measured).toBe(r.baseline.c16.cpuMsPerUnit);
    expect(cpu.floor?.meets).toBe(r.baseline.c16.cpuMsPerUnit <= 2);
  });

  it('says a missed target cannot be met here only when its floor misses it too', () => {
    expect(verdict({ pass: true, floor: { measured: 0.4, shown: '0.40×', meets: false } })).toBe('PASS');
    expect(verdict({ pass: false, floor: { measured: 0.6, shown: '0.60×', meets: true } })).toBe('MISS');
    expect(verdict({ pass: false, floor: { measured: 0.4, shown: '0.40×', meets: false } })).toBe('MISS, floor too');
    expect(verdict({ pass: false })).toBe('MISS');
    expect(verdict({ pass: null, floor: { measured: 0.4, shown: '0.40×', meets: false } })).toBe('info');
    expect(targetsTable([{ id: 'x', engine: 'postgres', what: 'w', measured: 1, shown: '1', target: '≥ 2', pass: false, floor: { measured: 1.5, shown: '1.5', meets: false } }]))
      .toContain('1.5 (misses)');
  });

  it.skipIf(!usePostgres)('on PostgreSQL, one lifecycle flow is at most 20 of Tender\'s statements, counted as db.stats counts (skipped: needs DATABASE_URL)', async () => {
    const r = await lifecyclePart('postgres', { seconds: 0.1, flows: 2, rounds: 1, secretKey: KeyRing.generate(), profile: false, log: () => {} });
    for (const run of [r.tender.c1, r.tender.c16]) expect(run.total.statements).toBe(run.dbStatsStatements);
    // Transactions without BEGIN/COMMIT, commits with the last statement, rows in hand for the
    // outbox: a change that loses any of them shows here as more statements per flow. The traced
    // flow's Tender statements, less the reads the suite's self-check (TENDER_SELF_CHECK=1) adds.
    const tender = r.trace.filter((line) => line.split(' | ')[1]!.trim() === 'tender' && !line.includes('(Sync: commit)'));
    const selfCheck = tender.filter((line) => line.includes("SELECT 's' AS kind")).length;
    expect(tender.length).toBe(r.steps.reduce((a, s) => a + s.tenderStatements, 0));
    expect(tender.length - selfCheck).toBeLessThanOrEqual(20);
  });

  it('signs webhooks exactly as the test gateway does', () => {
    const secretKey = KeyRing.generate();
    const events = sessionEvents(secretKey, { id: 7, gateway_ref: 'tgpi_x', amount: '34000', currency: 'USD', account_id: 3, created: 1 });
    expect(events.map((e) => (JSON.parse(e.body) as { type: string }).type)).toEqual(['payment_intent.amount_capturable_updated', 'charge.captured', 'charge.refunded']);
    const secret = webhookSecret(KeyRing.fromString(secretKey), 3);
    for (const e of events) {
      expect(() => verifySignature(secret, e.body, e.headers[SIGNATURE_HEADER], Math.floor(Date.now() / 1000))).not.toThrow();
    }
  });

  // On PostgreSQL too when DATABASE_URL is set: there the floors run prepared statements with
  // generic plans, as in the benchmark.
  for (const engine of ['pglite', 'postgres'] as Engine[]) {
    it.skipIf(engine === 'postgres' && !usePostgres)(`the floors add the same rows as Tender does: per storefront flow, per webhook (${engine}${engine === 'postgres' ? '; skipped: needs DATABASE_URL' : ''})`, async () => {
      const secretKey = KeyRing.generate();
      const order = {
        formIdentifier: 'order', paymentAccountIdentifier: 'bench-card',
        formData: { en_US: [{ marker: 'name', type: 'string', value: 'Bench Buyer' }] }, products: [{ productId: 1, quantity: 1 }],
      };
      const post = async (s: ServerProcess, path: string, body: unknown, headers: Record<string, string> = {}) => {
        const res = await fetch(`${s.ready.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        expect(res.status).toBeLessThan(300);
        return (await res.json()) as { id: number };
      };
      /** What one flow adds, per table and per history/outbox kind. */
      const delta = async (s: ServerProcess, flow: () => Promise<void>) => {
        const before = await s.call<Record<string, number>>('row-counts');
        await flow();
        const after = await s.call<Record<string, number>>('row-counts');
        return Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)]).filter(([, n]) => n !== 0));
      };
      const tenderDb = await freshDatabase(engine, 'rows_tender');
      const floorDb = await freshDatabase(engine, 'rows_floor');
      const servers: ServerProcess[] = [];
      try {
        await seedFloor(floorDb, secretKey);
        const tender = await startServer(serverEnv(engine, tenderDb, 'tender', secretKey));
        servers.push(tender);
        // One batch at a time, so that events posted together share a transaction (below).
        const floor = await startServer({ ...serverEnv(engine, floorDb, 'floor', secretKey), BENCH_WEBHOOK_BATCH_LANES: '1' });
        servers.push(floor);
        const user = tender.ready.users![0]!;
        const auth = { 'x-app-token': tender.ready.appToken!, authorization: `Bearer ${user.accessToken}` };
        const viaTender = await delta(tender, async () => {
          const o = await post(tender, '/api/content/orders-storage/marker/orders/orders', order, auth);
          await post(tender, '/api/content/payments/sessions', { orderId: o.id, type: 'intent' }, auth);
        });
        const floorUser = floor.ready.users![0]!.userId;
        const viaFloor = await delta(floor, async () => {
          const o = await post(floor, '/floor/orders', { ...order, userId: floorUser, paymentAccountId: floor.ready.accountId });
          await post(floor, '/floor/sessions', { userId: floorUser, orderId: o.id, type: 'intent' });
        });
        expect(viaTender).toEqual({
          orders: 1, payment_collections: 1, payment_sessions: 1, test_gateway_intents: 1,
          'history order.created': 1, 'history session.created': 1, 'history collection.status_changed': 1, 'outbox payment_session.created': 1,
        });
        expect(viaFloor).toEqual(viaTender);

        // The session's three webhooks (authorized, captured, part refunded), signed alike.
        // `statements`: the floor's variants in 2 and 3 statements (bench/floor-routes.ts).
        const webhooks = async (s: ServerProcess, statements?: number | 'batch') => {
          const [session] = await s.call<SessionForWebhook[]>('sessions', { limit: 1 });
          const out: Record<string, number>[] = [];
          for (const e of sessionEvents(secretKey, session!)) {
            const before = (await s.call<{ statements: number }>('stats')).statements;
            out.push(await delta(s, async () => {
              const res = await fetch(`${s.ready.url}${e.path}${statements ? `?statements=${statements}` : ''}`, { method: 'POST', headers: e.headers, body: e.body });
              expect(res.status).toBe(200);
              expect(await res.json()).toMatchObject({ result: 'applied' });
            }));
            if (statements) {
              // The two row counts around the event cost 11 statements each; PGlite adds BEGIN and COMMIT.
              const spent = (await s.call<{ statements: number }>('stats')).statements - before - 22;
              // One event alone is a batch of one: lock all, read all, its write.
              expect(spent).toBe((statements === 'batch' ? 3 : statements) + (engine === 'pglite' ? 2 : 0));
            }
          }
          return out;
        };
        const tenderEvents = await webhooks(tender);
        expect(tenderEvents[1]).toMatchObject({ captures: 1, 'history order.status_changed': 1, 'outbox order.status_changed': 1 });
        expect(await webhooks(floor)).toEqual(tenderEvents);
        const floorSession = async () => {
          const o = await post(floor, '/floor/orders', { ...order, userId: floorUser, paymentAccountId: floor.ready.accountId });
          await post(floor, '/floor/sessions', { userId: floorUser, orderId: o.id, type: 'intent' });
        };
        for (const statements of [2, 3, 'batch'] as const) {
          await floorSession();
          expect(await webhooks(floor, statements)).toEqual(tenderEvents);
        }
        // Several events in one batch (BENCH_WEBHOOK_BATCHED): six sessions' events of each kind
        // posted at once, so that they queue behind the first and share transactions.
        for (let i = 0; i < 6; i++) await floorSession();
        const six = (await floor.call<SessionForWebhook[]>('sessions', { limit: 6 })).map((x) => sessionEvents(secretKey, x));
        for (const [kind, expected] of tenderEvents.entries()) {
          const commitsBefore = (await floor.call<{ commits: number }>('stats')).commits;
          const added = await delta(floor, async () => {
            await Promise.all(six.map(async (events) => {
              const e = events[kind]!;
              const res = await fetch(`${floor.ready.url}${e.path}?statements=batch`, { method: 'POST', headers: e.headers, body: e.body });
              expect(res.status).toBe(200);
              expect(await res.json()).toMatchObject({ result: 'applied' });
            }));
          });
          expect(added).toEqual(Object.fromEntries(Object.entries(expected).map(([k, n]) => [k, n * 6])));
          // On PGlite a batch is done before the next request is read (the benchmark batches on
          // PostgreSQL only); there the six share fewer than six commits.
          if (engine === 'postgres') expect((await floor.call<{ commits: number }>('stats')).commits - commitsBefore).toBeLessThan(6);
        }
      } finally {
        for (const s of servers) await s.stop().catch(() => undefined);
        await tenderDb.drop().catch(() => undefined);
        await floorDb.drop().catch(() => undefined);
      }
    }, 120_000);
  }
});
