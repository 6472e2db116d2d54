/**
 * Parts 3 and 4 on one engine, over loopback with 32 connections:
 * - Tender (child process, fresh database): the storefront flow — authenticated createOrder,
 *   then createSession for that order on the test gateway — then getSessions pages of 30 rows,
 *   then signed test-gateway webhooks ingested (verify + dedupe + apply);
 * - the floor (another child, another fresh database): a bare Fastify route doing one INSERT and
 *   one doing one SELECT of 30 rows, through the raw driver;
 * - the storefront's own floor (a third child, on a database migrated and seeded as Tender's):
 *   the same rows a storefront flow leaves, written by the least plain SQL (bench/floor-routes.ts).
 */
import { formatSummary, type ProfileSummary } from './cpu-profile.js';
import { freshDatabase, type Engine, type FreshDatabase } from './databases.js';
import { durableCommits, subTally, type Component, type Tally, type TraceEntry } from './counting-db.js';
import { httpLoad, httpLoadRaw, summarizeHttp, type HttpResult, type LoadOptions, type RawHttp } from './http-load.js';
import { procPeakRssMb } from './measure.js';
import { openPgCpu, type PgCpu } from './pg-cpu.js';
import type { SessionForWebhook } from './server.js';
import { startServer, type ServerProcess } from './server-process.js';
import { benchUsers, openBenchContext, seedBench } from './tender-setup.js';
import { sessionEvents, type SignedEvent } from './webhook-events.js';

export interface RouteProbe {
  route: string;
  status: number;
  /** Response body size. */
  bytes: number;
  tenderStatements: number;
  tenderCommits: number;
  gatewayStatements: number;
  gatewayCommits: number;
  /** Every statement of this one request: `component | tx | sql`. */
  sql: string[];
}

export interface HttpReport {
  engine: Engine;
  storefront: HttpResult & { flowsPerSec: number };
  getSessions: HttpResult;
  webhooks: HttpResult & { events: number };
  /** The same events' rows written by the least plain SQL, one statement per event (bench/floor-routes.ts). */
  floorWebhooks: HttpResult & { events: number };
  /** The webhooks' floor in two statements (read, write) and in three (lock, read, write), one transaction each. */
  floorWebhooksRead: HttpResult & { events: number };
  floorWebhooksLocked: HttpResult & { events: number };
  /** Tender's page statement, its rows written out under OneEntry's keys (bench/floor-routes.ts). */
  floorGetSessions: HttpResult;
  bareInsert: HttpResult;
  bareSelect: HttpResult;
  /** The storefront flow's rows written by the least plain SQL (bench/floor-routes.ts). */
  floorStorefront: HttpResult & { flowsPerSec: number };
  /** One request of each kind, alone, with its statements counted and listed. */
  probes: RouteProbe[];
  /** VmHWM of the Tender server over its whole life (startup and every phase). */
  tenderServerPeakRssMb: number;
  /** The Tender server's memory after a forced full GC, after start and after each phase. */
  retained: { after: string; heapUsedMb: number; externalMb: number; rssMb: number }[];
  bareServerPeakRssMb: number;
  profiles: Record<string, ProfileSummary>;
}

export interface HttpOptions {
  /** The compiled bench/server.js (bench/compile.ts); undefined runs it through tsx. */
  serverScript?: string;
  seconds: number;
  connections: number;
  /** Tender and bare-route windows alternate this many times, so both see the same machine. */
  rounds: number;
  secretKey: string;
  profile: boolean;
  log: (line: string) => void;
}

const ORDER_BODY = JSON.stringify({
  formIdentifier: 'order',
  paymentAccountIdentifier: 'bench-card',
  formData: { en_US: [{ marker: 'name', type: 'string', value: 'Bench Buyer' }] },
  products: [{ productId: 1, quantity: 1 }],
});

export async function httpPart(engine: Engine, opts: HttpOptions): Promise<HttpReport> {
  const tenderDb = await freshDatabase(engine, 'http');
  // PGlite: a copy of the migrated template opens in 0.2 s (initialising an empty one takes ~6 s).
  const bareDb = await freshDatabase(engine, 'bare', engine === 'pglite');
  const floorDb = await freshDatabase(engine, 'floor');
  let tender: ServerProcess | undefined;
  let bare: ServerProcess | undefined;
  let floor: ServerProcess | undefined;
  const tenderCpu = tenderDb.url ? await openPgCpu(tenderDb.url) : undefined;
  const bareCpu = bareDb.url ? await openPgCpu(bareDb.url) : undefined;
  const floorCpu = floorDb.url ? await openPgCpu(floorDb.url) : undefined;
  try {
    await seedFloor(floorDb, opts.secretKey);
    // Both servers stay up for the whole part (the idle one costs nothing) so that their
    // windows can alternate.
    tender = await startServer(serverEnv(engine, tenderDb, 'tender', opts.secretKey), opts.serverScript);
    bare = await startServer(serverEnv(engine, bareDb, 'bare', opts.secretKey), opts.serverScript);
    floor = await startServer(serverEnv(engine, floorDb, 'floor', opts.secretKey), opts.serverScript);
    const t = tender;
    const b = bare;
    const f = floor;
    const c = opts.connections;
    const window = opts.seconds / opts.rounds;
    /** Windows of each load in turn, `rounds` times, so that all see the same machine. */
    const alternateAll = async (loads: { load: () => LoadOptions<object>; dbCpu?: PgCpu }[]) => {
      const raw: RawHttp[][] = loads.map(() => []);
      for (let round = 0; round < opts.rounds; round++) {
        for (const [i, l] of loads.entries()) raw[i]!.push(await httpLoadRaw({ ...l.load(), dbCpu: l.dbCpu }));
      }
      return raw.map(summarizeHttp);
    };

    const retained: HttpReport['retained'] = [];
    const checkpoint = async (after: string) => retained.push({ after, ...(await t.call<Omit<HttpReport['retained'][number], 'after'>>('gc')) });
    await checkpoint('start');
    const probes = await probeRoutes(t, opts.secretKey);
    // Warm-up (JIT, pools, caches), not measured: each load for WARMUP_SECONDS at the measured
    // connections (see WARMUP_SECONDS).
    await httpLoad(storefrontLoad(t, c, WARMUP_SECONDS));
    await httpLoad(insertLoad(b, c, WARMUP_SECONDS));
    await httpLoad(storefrontLoad(f, c, WARMUP_SECONDS, true));

    const [storefront, bareInsert, floorStorefront] = (await alternateAll([
      { load: () => storefrontLoad(t, c, window), dbCpu: tenderCpu },
      { load: () => insertLoad(b, c, window), dbCpu: bareCpu },
      { load: () => storefrontLoad(f, c, window, true), dbCpu: floorCpu },
    ])) as [HttpResult, HttpResult, HttpResult];
    await checkpoint('storefront');
    opts.log(`  ${engine} storefront: ${(storefront.reqPerSec / 2).toFixed(1)} flows/s (${storefront.reqPerSec.toFixed(1)} req/s), p99 ${storefront.p99Ms.toFixed(0)} ms; ` +
      `bare INSERT route ${bareInsert.reqPerSec.toFixed(1)} req/s; the same rows by plain SQL ${floorStorefront.reqPerSec.toFixed(1)} req/s`);

    const pagesOf = async (s: ServerProcess) => {
      const counts = await s.call<{ user_id: number; n: number }[]>('seed-sessions', { perUser: 100 });
      return new Map(counts.map((x) => [x.user_id, Math.min(x.n, 100)]));
    };
    const pages = await pagesOf(t);
    const floorPages = await pagesOf(f);
    await httpLoad(getSessionsLoad(t, c, WARMUP_SECONDS, pages));
    await httpLoad(selectLoad(b, c, WARMUP_SECONDS));
    await httpLoad(getSessionsLoad(f, c, WARMUP_SECONDS, floorPages));
    const [getSessions, bareSelect, floorGetSessions] = (await alternateAll([
      { load: () => getSessionsLoad(t, c, window, pages), dbCpu: tenderCpu },
      { load: () => selectLoad(b, c, window), dbCpu: bareCpu },
      { load: () => getSessionsLoad(f, c, window, floorPages), dbCpu: floorCpu },
    ])) as [HttpResult, HttpResult, HttpResult];
    await checkpoint('getSessions');
    opts.log(`  ${engine} getSessions: ${getSessions.reqPerSec.toFixed(1)} req/s; bare SELECT route ${bareSelect.reqPerSec.toFixed(1)} req/s; the same page by a plain route ${floorGetSessions.reqPerSec.toFixed(1)} req/s`);

    // Tender's webhooks and the floor's three variants (bench/floor-routes.ts), in alternating
    // windows; each window sends its own sessions' events, once.
    const webhookLoads: [ServerProcess, PgCpu | undefined, (2 | 3 | 'batch')?][] = [[t, tenderCpu], [f, floorCpu], [f, floorCpu, 2], [f, floorCpu, 3]];
    if (t.ready.directUrl) webhookLoads.push([{ ...t, ready: { ...t.ready, url: t.ready.directUrl } } as ServerProcess, tenderCpu]);
    const batchedIndex = webhookLoads.length;
    if (BATCHED && engine === 'postgres') webhookLoads.push([f, floorCpu, 'batch']);
    const webhookRounds = 3;
    // Warm-up, not measured, as for the phases above: each load first ingests WEBHOOK_WARMUP
    // sessions' events (JIT of the webhook path, statements prepared on the pool's connections).
    // Without it the first measured window paid for it: in four runs on 2026-11-22 Tender's first
    // window did 0.71–0.83 of the mean of its later two, the 3-statement floor's 0.81–0.99; after
    // 200 sessions Tender's windows still rose (docs/benchmarks-history.md, eleventh round).
    for (const [server, , statements] of webhookLoads) await httpLoad(await webhooksLoad(server, c, 2, opts.secretKey, WEBHOOK_WARMUP, statements));
    const perWindow = Math.floor(Math.min(
      Number(process.env.BENCH_WEBHOOK_SESSIONS ?? 1500),
      (await t.call<SessionForWebhook[]>('sessions', { limit: 100_000 })).length / (t.ready.directUrl ? 2 : 1),
      (await f.call<SessionForWebhook[]>('sessions', { limit: 100_000 })).length / (webhookLoads.length - (t.ready.directUrl ? 2 : 1)),
    ) / webhookRounds);
    const webhookRaw: RawHttp[][] = webhookLoads.map(() => []);
    for (let round = 0; round < webhookRounds; round++) {
      for (const [i, [server, dbCpu, statements]] of webhookLoads.entries()) {
        webhookRaw[i]!.push(await httpLoadRaw(await webhooksLoad(server, c, opts.seconds, opts.secretKey, perWindow, statements, dbCpu)));
      }
    }
    const summaries = webhookRaw.map((raws) => {
      const r = summarizeHttp(raws);
      return { ...r, events: r.requests };
    });
    const [webhooks, floorWebhooks, floorWebhooksRead, floorWebhooksLocked] = summaries as [HttpResult & { events: number }, HttpResult & { events: number }, HttpResult & { events: number }, HttpResult & { events: number }];
    const direct = t.ready.directUrl ? summaries[4] : undefined;
    if (direct) {
      opts.log(`  ${engine} webhooks through a bare Fastify route calling ingestWebhook (BENCH_WEBHOOK_DIRECT): ${direct.reqPerSec.toFixed(1)} events/s, ` +
        `server CPU ${direct.serverCpuMsPerRequest.toFixed(2)} ms/event, PostgreSQL CPU ${direct.dbCpuMsPerRequest.toFixed(2)}; through Tender's app: ` +
        `${webhooks.reqPerSec.toFixed(1)} events/s, ${webhooks.serverCpuMsPerRequest.toFixed(2)} and ${webhooks.dbCpuMsPerRequest.toFixed(2)} ms/event`);
    }
    const batchedFloor = summaries[batchedIndex];
    if (batchedFloor) {
      opts.log(`  ${engine} webhooks' floor with several events per transaction (BENCH_WEBHOOK_BATCHED): ${batchedFloor.reqPerSec.toFixed(1)} events/s, ` +
        `${batchedFloor.statementsPerRequest.toFixed(2)} statements and ${batchedFloor.commitsPerRequest.toFixed(2)} commits per event, p50 / p99 ${batchedFloor.p50Ms.toFixed(1)} / ${batchedFloor.p99Ms.toFixed(1)} ms, ` +
        `server CPU ${batchedFloor.serverCpuMsPerRequest.toFixed(2)} ms/event, PostgreSQL CPU ${batchedFloor.dbCpuMsPerRequest.toFixed(2)}; windows ${batchedFloor.windowReqPerSec.map((x) => x.toFixed(0)).join(', ')}`);
    }
    await checkpoint('webhooks');
    opts.log(`  ${engine} webhooks: ${webhooks.reqPerSec.toFixed(1)} events/s ${JSON.stringify(webhooks.results)}; the same rows by plain SQL in 1 statement ` +
      `${floorWebhooks.reqPerSec.toFixed(1)} events/s, in 2 (read, write) ${floorWebhooksRead.reqPerSec.toFixed(1)}, in 3 (lock, read, write) ${floorWebhooksLocked.reqPerSec.toFixed(1)}`);
    const tenderServerPeakRssMb = procPeakRssMb(t.pid);
    const bareServerPeakRssMb = procPeakRssMb(b.pid);

    // Profiles come from extra passes, so the profiler's overhead is in no figure above.
    const profiles: Record<string, ProfileSummary> = {};
    if (opts.profile) {
      const profiled = async (name: string, run: () => Promise<unknown>) => {
        await t.call('profile-start');
        await run();
        profiles[name] = await t.call<ProfileSummary>('profile-stop', { name });
        opts.log(formatSummary(`CPU profile, Tender server on ${engine}, ${name} (${c} connections)`, profiles[name]!));
      };
      await profiled('storefront', () => httpLoad(storefrontLoad(t, c, window)));
      await profiled('getSessions', () => httpLoad(getSessionsLoad(t, c, window, pages)));
      await profiled('webhooks', async () => httpLoad(await webhooksLoad(t, c, window, opts.secretKey, perWindow)));
    }
    return {
      engine,
      storefront: { ...storefront, flowsPerSec: storefront.reqPerSec / 2 },
      getSessions,
      webhooks,
      floorWebhooks,
      floorWebhooksRead,
      floorWebhooksLocked,
      floorGetSessions,
      bareInsert,
      bareSelect,
      floorStorefront: { ...floorStorefront, flowsPerSec: floorStorefront.reqPerSec / 2 },
      probes,
      tenderServerPeakRssMb,
      retained,
      bareServerPeakRssMb,
      profiles,
    };
  } finally {
    await tender?.stop().catch(() => undefined);
    await bare?.stop().catch(() => undefined);
    await floor?.stop().catch(() => undefined);
    await tenderCpu?.close().catch(() => undefined);
    await bareCpu?.close().catch(() => undefined);
    await floorCpu?.close().catch(() => undefined);
    await tenderDb.drop().catch(() => undefined);
    await bareDb.drop().catch(() => undefined);
    await floorDb.drop().catch(() => undefined);
  }
}

/** createOrder, createSession, getSessions and one session's three webhooks, one at a time, traced. */
async function probeRoutes(s: ServerProcess, secretKey: string): Promise<RouteProbe[]> {
  const user = s.ready.users![0]!;
  const auth = { 'x-app-token': s.ready.appToken!, authorization: `Bearer ${user.accessToken}` };
  const json = { 'content-type': 'application/json' };
  const out: RouteProbe[] = [];
  const probe = async (route: string, path: string, init: RequestInit): Promise<string> => {
    const before = await s.call<{ tallies: Record<Component, Tally> }>('trace', { action: 'start' });
    const res = await fetch(`${s.ready.url}${path}`, init);
    const body = await res.text();
    const after = await s.call<{ tallies: Record<Component, Tally>; trace: TraceEntry[] }>('trace', { action: 'stop' });
    const t = subTally(after.tallies.tender, before.tallies.tender);
    const g = subTally(after.tallies.gateway, before.tallies.gateway);
    out.push({
      route, status: res.status, bytes: Buffer.byteLength(body),
      tenderStatements: t.statements, tenderCommits: durableCommits(t), gatewayStatements: g.statements, gatewayCommits: durableCommits(g),
      sql: after.trace.map((e) => `${e.component.padEnd(7)} | ${e.tx === null ? 'auto' : `tx${e.tx}`} | ${e.sql.slice(0, 160)}`),
    });
    return body;
  };
  const order = JSON.parse(await probe('createOrder', '/api/content/orders-storage/marker/orders/orders', { method: 'POST', headers: { ...auth, ...json }, body: ORDER_BODY })) as { id: number };
  await probe('createSession', '/api/content/payments/sessions', { method: 'POST', headers: { ...auth, ...json }, body: JSON.stringify({ orderId: order.id, type: 'intent' }) });
  await probe('getSessions', '/api/content/payments/sessions?offset=0&limit=30', { method: 'GET', headers: auth });
  const [session] = await s.call<SessionForWebhook[]>('sessions', { limit: 1 });
  if (session) {
    const events = sessionEvents(secretKey, session);
    for (const [i, name] of ['webhook authorized', 'webhook captured', 'webhook refunded'].entries()) {
      const e = events[i]!;
      await probe(name, e.path, { method: 'POST', headers: e.headers, body: e.body });
    }
  }
  return out;
}

type StorefrontContext = { u?: number; orderId?: number };

/**
 * createOrder (one product, the test-gateway account), then createSession for that order — on
 * Tender's routes as a signed-in user, or (`floor`) on the floor's, which log nobody in: the
 * user's id goes in the body instead.
 */
export function storefrontLoad(s: ServerProcess, connections: number, seconds: number, floor = false) {
  let user = 0;
  const users = s.ready.users!;
  const order = JSON.parse(ORDER_BODY) as Record<string, unknown>;
  const headers = (u: number): Record<string, string> => (floor
    ? { 'content-type': 'application/json' }
    : { 'content-type': 'application/json', 'x-app-token': s.ready.appToken!, authorization: `Bearer ${users[u]!.accessToken}` });
  const paths = floor
    ? { order: '/floor/orders', session: '/floor/sessions' }
    : { order: '/api/content/orders-storage/marker/orders/orders', session: '/api/content/payments/sessions' };
  const identity = (u: number) => (floor ? { userId: users[u]!.userId } : {});
  return {
    server: s, connections, seconds, initialContext: {} as StorefrontContext,
    routes: [
      {
        name: 'createOrder',
        build: (ctx: StorefrontContext) => {
          ctx.u = user++ % users.length;
          ctx.orderId = undefined;
          const body = floor ? JSON.stringify({ ...order, ...identity(ctx.u), paymentAccountId: s.ready.accountId }) : ORDER_BODY;
          return { method: 'POST', path: paths.order, body, headers: headers(ctx.u) };
        },
        read: (status: number, body: string, ctx: StorefrontContext) => {
          if (status === 201) ctx.orderId = (JSON.parse(body) as { id: number }).id;
        },
      },
      {
        name: 'createSession',
        build: (ctx: StorefrontContext) => ({
          method: 'POST', path: paths.session, headers: headers(ctx.u ?? 0),
          body: JSON.stringify({ ...identity(ctx.u ?? 0), orderId: ctx.orderId ?? 0, type: 'intent' }),
        }),
      },
    ],
  };
}

/** The demo project, the benchmark's account and its users, as the Tender server seeds its own. */
export async function seedFloor(db: FreshDatabase, secretKey: string): Promise<void> {
  const handle = await db.open(2);
  try {
    const ctx = await openBenchContext(handle, secretKey);
    await seedBench(ctx, { simulateWebhookLoss: true });
    await benchUsers(ctx, BENCH_USERS);
    await benchUsers(ctx, BENCH_USERS, 'page');
  } finally {
    await handle.close();
  }
}

/** Storefront users, each with a live login (Tender) or just an id (the floor). */
const BENCH_USERS = 32;
/**
 * Sessions (three events each) every webhook load ingests before its measured windows
 * (BENCH_WEBHOOK_WARMUP). 200 left Tender's server still getting cheaper per event through the
 * measured windows (0.80 ms of CPU per event after 200, 0.68 after 1,000; the floors' flat):
 * V8 was still optimizing the engine's webhook path (docs/benchmarks-history.md, eleventh round).
 */
const WEBHOOK_WARMUP = Number(process.env.BENCH_WEBHOOK_WARMUP ?? 1000);
/** BENCH_WEBHOOK_BATCHED=1: also the webhooks' floor with several events per transaction (floor-routes.ts; PostgreSQL). */
const BATCHED = process.env.BENCH_WEBHOOK_BATCHED === '1';
/**
 * Seconds each storefront and getSessions load runs unmeasured first, at the measured connections
 * (BENCH_WARMUP_SECONDS). It was 2 s at 8 connections, and none for Tender's getSessions.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);

/** Pages of 30 of a page user's sessions (100 each), at a random offset that still has 30 rows. */
export function getSessionsLoad(s: ServerProcess, connections: number, seconds: number, pages: Map<number, number>) {
  let next = 0;
  const users = s.ready.pageUsers!;
  return {
    server: s, connections, seconds, initialContext: {},
    routes: [{
      name: 'getSessions',
      build: () => {
        const u = users[next++ % users.length]!;
        const offset = Math.floor(Math.random() * Math.max(1, (pages.get(u.userId) ?? 30) - 29));
        return {
          method: 'GET', path: `/api/content/payments/sessions?offset=${offset}&limit=30`,
          headers: { 'x-app-token': s.ready.appToken!, authorization: `Bearer ${u.accessToken}` },
        };
      },
    }],
  };
}

/**
 * Each connection takes whole sessions and posts their three events in order (authorized,
 * captured, refunded); a few sessions are left spare so no connection runs out mid-session.
 */
export async function webhooksLoad(s: ServerProcess, connections: number, seconds: number, secretKey: string, sessionCount: number, floorStatements?: 2 | 3 | 'batch', dbCpu?: PgCpu): Promise<LoadOptions<{ s?: number }>> {
  const sessions = await s.call<SessionForWebhook[]>('sessions', { limit: sessionCount + connections });
  const signed: SignedEvent[][] = sessions.map((x) => sessionEvents(secretKey, x));
  const usable = Math.max(0, signed.length - connections);
  if (usable === 0) throw new Error(`only ${signed.length} sessions to send webhooks for; the storefront phase made too few`);
  let next = 0;
  return {
    server: s, connections, seconds, amount: usable * 3, initialContext: {}, countResults: true, dbCpu,
    routes: [0, 1, 2].map((i) => ({
      name: ['authorized', 'captured', 'refunded'][i]!,
      build: (ctx: { s?: number }) => {
        if (i === 0) ctx.s = next++ % signed.length;
        const e = signed[ctx.s ?? 0]![i]!;
        return { method: 'POST', path: floorStatements ? `${e.path}?statements=${floorStatements}` : e.path, headers: e.headers, body: e.body };
      },
    })),
  };
}

function insertLoad(s: ServerProcess, connections: number, seconds: number): LoadOptions<object> {
  let n = 0;
  return {
    server: s, connections, seconds, initialContext: {},
    routes: [{
      name: 'insert',
      build: () => ({ method: 'POST', path: '/insert', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: (n++ % 32) + 1, amount: 34000 }) }),
    }],
  };
}

function selectLoad(s: ServerProcess, connections: number, seconds: number): LoadOptions<object> {
  let n = 0;
  return {
    server: s, connections, seconds, initialContext: {},
    routes: [{ name: 'select', build: () => ({ method: 'GET', path: `/select?user=${(n++ % 32) + 1}&offset=${Math.floor(Math.random() * 71)}` }) }],
  };
}

export function serverEnv(engine: Engine, db: FreshDatabase, mode: 'tender' | 'bare' | 'floor', secretKey: string): Record<string, string> {
  return {
    BENCH_SERVER: mode,
    BENCH_ENGINE: engine,
    ...(db.url ? { BENCH_DB_URL: db.url } : {}),
    ...(db.dataDir ? { BENCH_DATA_DIR: db.dataDir } : {}),
    TENDER_SECRET_KEY: secretKey,
    BENCH_USERS: String(BENCH_USERS),
  };
}
