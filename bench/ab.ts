/**
 * A/B of two builds of Tender's HTTP server, for changes too small for `npm run bench` to show:
 * the machine's own speed drifts by 15–40 % between runs minutes apart (docs/benchmarks-history.md), so a
 * few per cent of CPU per request is lost in the spread of whole runs. Here both servers run at
 * once, each on its own fresh PostgreSQL database seeded the same way, and short windows of the
 * same load alternate between them (A B B A A B …); what is compared is the server's CPU per
 * request (user + system, from its own `process.cpuUsage()`) window by window, as the ratio of
 * each B window to the A windows beside it — a drift of the machine moves both sides of a pair.
 *
 *   BENCH_AB_BASE=/path/to/other/checkout npx tsx bench/ab.ts
 *
 * Its resolution, measured by an A/A run (the same code on both sides, 2026-11-21 17:35, 2 vCPUs):
 * medians of 0.976 (storefront) and 0.957 (getSessions), single windows from 0.77 to 1.22. So one
 * run tells apart a change of about 10 % or more; below that, repeat it or call it noise.
 *
 * A is the checkout at BENCH_AB_BASE (e.g. `git worktree add /tmp/base HEAD~1` and `npm ci` or a
 * node_modules link there), B is this one. Variables: BENCH_AB_PHASES (storefront,getSessions;
 * also webhooks: each window sends BENCH_AB_WEBHOOK_SESSIONS sessions' three signed events, 150),
 * BENCH_AB_WINDOWS (12 per side and phase), BENCH_AB_SECONDS (2 per window),
 * BENCH_CONNECTIONS (32), BENCH_AB_ENGINE (postgres: DATABASE_URL, default as in `npm run bench`;
 * or pglite, where the server's CPU includes the database's).
 */
import { randomBytes } from 'node:crypto';
import { compileTree, type CompiledTree } from './compile.js';
import { freshDatabase, type Engine, type FreshDatabase } from './databases.js';
import { getSessionsLoad, serverEnv, storefrontLoad, webhooksLoad } from './http-part.js';
import { httpLoad, httpLoadRaw, summarizeHttp, type LoadOptions, type RawHttp } from './http-load.js';
import { openPgCpu } from './pg-cpu.js';
import { startServer, type ServerProcess } from './server-process.js';

const base = process.env.BENCH_AB_BASE;
if (!base) {
  console.error('set BENCH_AB_BASE to the checkout to compare with (A); this checkout is B');
  process.exit(2);
}
const phases = (process.env.BENCH_AB_PHASES ?? 'storefront,getSessions').split(',');
const windows = Number(process.env.BENCH_AB_WINDOWS ?? 12);
const seconds = Number(process.env.BENCH_AB_SECONDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const secretKey = randomBytes(32).toString('hex');
const engine = (process.env.BENCH_AB_ENGINE ?? 'postgres') as Engine;

interface Side {
  name: 'A' | 'B';
  tree: CompiledTree;
  db: FreshDatabase;
  server: ServerProcess;
  /** The PostgreSQL backends' CPU (none on PGlite: the database runs in the server). */
  cpu?: Awaited<ReturnType<typeof openPgCpu>>;
  pages?: Map<number, number>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const perRequest = (r: RawHttp) => (r.serverCpuMs / Math.max(1, r.ok + r.non2xx));
const dbPerRequest = (r: RawHttp) => (r.dbCpuMs / Math.max(1, r.ok + r.non2xx));

async function side(name: 'A' | 'B', tree: CompiledTree): Promise<Side> {
  const db = await freshDatabase(engine, `ab_${name.toLowerCase()}`);
  let server: ServerProcess | undefined;
  try {
    server = await startServer(serverEnv(engine, db, 'tender', secretKey), tree.path('bench/server.ts'));
    return { name, tree, db, server, ...(db.url ? { cpu: await openPgCpu(db.url) } : {}) };
  } catch (err) {
    // Nothing of a side that did not start is left behind (its database included).
    await server?.stop();
    await db.drop();
    throw err;
  }
}

/** Sessions whose three webhooks one window of the webhooks phase sends. */
const webhookSessions = Number(process.env.BENCH_AB_WEBHOOK_SESSIONS ?? 150);

async function load(s: Side, phase: string, secs: number): Promise<LoadOptions<object>> {
  if (phase === 'storefront') return storefrontLoad(s.server, connections, secs) as LoadOptions<object>;
  if (phase === 'getSessions') return getSessionsLoad(s.server, connections, secs, s.pages!) as LoadOptions<object>;
  if (phase === 'webhooks') return (await webhooksLoad(s.server, connections, 30, secretKey, webhookSessions)) as LoadOptions<object>;
  throw new Error(`unknown phase ${phase}`);
}

/** Storefront flows until the side has sessions enough for every webhooks window (and its warm-up). */
async function sessionsForWebhooks(s: Side): Promise<void> {
  const wanted = (windows + 1) * webhookSessions + connections;
  while ((await s.server.call<unknown[]>('sessions', { limit: wanted })).length < wanted) await httpLoad(storefrontLoad(s.server, 8, 2));
}

const { compileTree: compileBase } = (await import(`${base}/bench/compile.ts`)) as { compileTree: typeof compileTree };
const trees = [await compileBase(), await compileTree()];
const sides: Side[] = [];
try {
  sides.push(await side('A', trees[0]!), await side('B', trees[1]!));
  // The same warm-up and the same data on both sides: storefront flows, then 100 sessions per user.
  for (const s of sides) await httpLoad(storefrontLoad(s.server, 8, 2));
  for (const s of sides) {
    const counts = await s.server.call<{ user_id: number; n: number }[]>('seed-sessions', { perUser: 100 });
    s.pages = new Map(counts.map((x) => [x.user_id, Math.min(x.n, 100)]));
  }
  console.log(`A = ${base}, B = this checkout; ${windows} windows of ${seconds} s per side and phase, ${connections} connections, ${engine}`);
  if (phases.includes('webhooks')) for (const s of sides) await sessionsForWebhooks(s);
  for (const phase of phases) {
    for (const s of sides) await httpLoad(await load(s, phase, 1));
    const raws: Record<'A' | 'B', RawHttp[]> = { A: [], B: [] };
    for (let i = 0; i < windows; i++) {
      // A B, then B A: neither side always runs right after the other's window.
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) raws[s.name].push(await httpLoadRaw({ ...(await load(s, phase, seconds)), dbCpu: s.cpu }));
    }
    const ratios = raws.B.map((b, i) => perRequest(b) / perRequest(raws.A[i]!));
    const dbRatios = raws.B.map((b, i) => dbPerRequest(b) / dbPerRequest(raws.A[i]!));
    const rate = (rs: RawHttp[]) => median(rs.map((r) => r.ok / r.seconds));
    const line = (n: 'A' | 'B') =>
      `  ${n}: server CPU per request ${median(raws[n].map(perRequest)).toFixed(3)} ms (median of ${windows} windows; range ${Math.min(...raws[n].map(perRequest)).toFixed(3)}–${Math.max(...raws[n].map(perRequest)).toFixed(3)}), ` +
      `PostgreSQL ${median(raws[n].map(dbPerRequest)).toFixed(3)} ms, ${rate(raws[n]).toFixed(1)} req/s, ` +
      `p50 / p99 ${summarizeHttp(raws[n]).p50Ms.toFixed(1)} / ${summarizeHttp(raws[n]).p99Ms.toFixed(1)} ms over all windows, non-2xx ${raws[n].reduce((x, r) => x + r.non2xx, 0)}`;
    console.log(`${phase}:`);
    console.log(line('A'));
    console.log(line('B'));
    const below = ratios.filter((r) => r < 1).length;
    console.log(`  B ÷ A, server CPU per request, window by window: median ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}; B cheaper in ${below} of ${windows}); PostgreSQL CPU ${median(dbRatios).toFixed(3)}`);
  }
} finally {
  for (const s of sides) {
    await s.server.stop();
    await s.cpu?.close();
    await s.db.drop();
  }
  for (const t of trees) await t.remove();
}
