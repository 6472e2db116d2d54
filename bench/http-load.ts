/**
 * One autocannon run against a server child, measured from both sides: requests/s and latency
 * (overall from autocannon's histogram, and per route from the time each request was built to
 * its response), the server's statements and commits per request (its db.stats over IPC), its
 * CPU per request and its peak RSS (VmRSS sampled every 100 ms from /proc).
 */
import autocannon, { type RequestSpec } from 'autocannon';
import { performance } from 'node:perf_hooks';
import { machineCpu, percentile, procCpuTimes, procRss, sampleRss } from './measure.js';
import type { PgCpu } from './pg-cpu.js';
import type { ServerProcess } from './server-process.js';

export interface RouteStats {
  count: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

export interface HttpResult {
  connections: number;
  /** Measured windows merged into this result (rounds interleaved with the baseline's). */
  rounds: number;
  seconds: number;
  requests: number;
  reqPerSec: number;
  /** req/s of each merged window, in order (a ratio per window pair shows the run's own spread). */
  windowReqPerSec: number[];
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  routes: Record<string, RouteStats>;
  statementsPerRequest: number;
  commitsPerRequest: number;
  serverCpuMsPerRequest: number;
  /** Of serverCpuMsPerRequest, the kernel's part (system calls). */
  serverSystemCpuMsPerRequest: number;
  /** PostgreSQL backends' CPU per request; NaN on PGlite (inside the server's own CPU). */
  dbCpuMsPerRequest: number;
  serverPeakRssMb: number;
  machineBusyPct: number;
  /** Response bodies' `result` fields, counted (webhooks: applied / duplicate / …). */
  results: Record<string, number>;
}

export interface Route<C> {
  name: string;
  /** Builds the request for this connection's context. */
  build(context: C): { method: string; path: string; headers?: Record<string, string>; body?: string };
  /** Reads what the next request needs from this response. */
  read?(status: number, body: string, context: C): void;
}

export interface LoadOptions<C> {
  server: ServerProcess;
  connections: number;
  /** Seconds; with `amount`, a fixed number of requests, stopped after `seconds` if not done. */
  seconds: number;
  amount?: number;
  routes: Route<C>[];
  initialContext: C;
  /** Count the JSON body's `result` field (webhook ingestion). */
  countResults?: boolean;
  /** The PostgreSQL backends serving this server's database (none on PGlite). */
  dbCpu?: PgCpu;
}

type Timed = { __t?: number };

/** One window's raw samples, so that interleaved rounds merge exactly. */
export interface RawHttp {
  connections: number;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  latencies: Map<string, number[]>;
  non2xxByRoute: Map<string, number>;
  statements: number;
  commits: number;
  serverCpuMs: number;
  serverSystemCpuMs: number;
  dbCpuMs: number;
  serverPeakRssMb: number;
  machineBusyPct: number;
  results: Record<string, number>;
}

export async function httpLoad<C extends object>(opts: LoadOptions<C>): Promise<HttpResult> {
  return summarizeHttp([await httpLoadRaw(opts)]);
}

export async function httpLoadRaw<C extends object>(opts: LoadOptions<C>): Promise<RawHttp> {
  const latencies = new Map<string, number[]>(opts.routes.map((r) => [r.name, []]));
  const non2xx = new Map<string, number>(opts.routes.map((r) => [r.name, 0]));
  const results: Record<string, number> = {};
  let lastResponse = 0;
  const requests: RequestSpec<C & Timed>[] = opts.routes.map((route) => ({
    setupRequest: (_req, context) => {
      const r = route.build(context);
      context.__t = performance.now();
      return { ...r, headers: r.headers ?? {} };
    },
    onResponse: (status, body, context) => {
      lastResponse = performance.now();
      if (context.__t !== undefined) latencies.get(route.name)!.push(performance.now() - context.__t);
      if (status < 200 || status > 299) non2xx.set(route.name, non2xx.get(route.name)! + 1);
      const text = String(body);
      if (opts.countResults) {
        const m = /"result":"([a-z_]+)"/.exec(text);
        const key = m ? m[1]! : `http_${status}`;
        results[key] = (results[key] ?? 0) + 1;
      }
      route.read?.(status, text, context);
    },
  }));

  const before = await opts.server.stats();
  await opts.dbCpu?.start();
  const cpu0 = procCpuTimes(opts.server.pid);
  const rss = sampleRss(() => procRss(opts.server.pid));
  const machine = machineCpu();
  const started = performance.now();
  const run = autocannon<C & Timed>({
    url: opts.server.ready.url,
    connections: opts.connections,
    ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.seconds }),
    timeout: 30,
    requests,
    initialContext: opts.initialContext as C & Timed,
  });
  const cap = opts.amount !== undefined ? setTimeout(() => run.stop(), opts.seconds * 1000) : undefined;
  const result = await run;
  clearTimeout(cap);
  // With a fixed `amount`, autocannon notices that the last request is done on its next
  // one-second tick, so its duration is rounded up to whole seconds (a run of 5.2 s of work
  // reported 6.01 s): the window ends at the last response instead.
  const seconds = opts.amount !== undefined && lastResponse > started ? (lastResponse - started) / 1000 : result.duration;
  const busy = machine();
  const peak = rss.stop();
  const cpu1 = procCpuTimes(opts.server.pid);
  const after = await opts.server.stats();
  const dbCpuMs = opts.dbCpu ? await opts.dbCpu.stop() : Number.NaN;

  return {
    connections: opts.connections,
    seconds,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latencies,
    non2xxByRoute: non2xx,
    statements: after.statements - before.statements,
    commits: after.commits - before.commits,
    serverCpuMs: cpu1.userMs + cpu1.systemMs - cpu0.userMs - cpu0.systemMs,
    serverSystemCpuMs: cpu1.systemMs - cpu0.systemMs,
    dbCpuMs,
    serverPeakRssMb: peak,
    machineBusyPct: busy,
    results,
  };
}

/**
 * One result from several windows. Latency percentiles come from this harness's own timing of
 * each request (built → answered), merged over every window; per request figures divide by the
 * requests answered.
 */
export function summarizeHttp(raws: RawHttp[]): HttpResult {
  const seconds = raws.reduce((a, r) => a + r.seconds, 0);
  const ok = raws.reduce((a, r) => a + r.ok, 0);
  const non2xxTotal = raws.reduce((a, r) => a + r.non2xx, 0);
  const total = Math.max(1, ok + non2xxTotal);
  const names = [...(raws[0]?.latencies.keys() ?? [])];
  const routes: Record<string, RouteStats> = {};
  const all: number[] = [];
  for (const name of names) {
    const l = raws.flatMap((r) => r.latencies.get(name) ?? []).sort((a, b) => a - b);
    all.push(...l);
    routes[name] = { count: l.length, p50Ms: percentile(l, 0.5), p99Ms: percentile(l, 0.99), non2xx: raws.reduce((a, r) => a + (r.non2xxByRoute.get(name) ?? 0), 0) };
  }
  all.sort((a, b) => a - b);
  const results: Record<string, number> = {};
  for (const r of raws) for (const [k, v] of Object.entries(r.results)) results[k] = (results[k] ?? 0) + v;
  return {
    connections: raws[0]?.connections ?? 0,
    rounds: raws.length,
    seconds,
    requests: ok + non2xxTotal,
    reqPerSec: ok / seconds,
    windowReqPerSec: raws.map((r) => r.ok / r.seconds),
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    non2xx: non2xxTotal,
    errors: raws.reduce((a, r) => a + r.errors, 0),
    routes,
    statementsPerRequest: raws.reduce((a, r) => a + r.statements, 0) / total,
    commitsPerRequest: raws.reduce((a, r) => a + r.commits, 0) / total,
    serverCpuMsPerRequest: raws.reduce((a, r) => a + r.serverCpuMs, 0) / total,
    serverSystemCpuMsPerRequest: raws.reduce((a, r) => a + r.serverSystemCpuMs, 0) / total,
    dbCpuMsPerRequest: raws.reduce((a, r) => a + r.dbCpuMs, 0) / total,
    serverPeakRssMb: Math.max(...raws.map((r) => r.serverPeakRssMb)),
    machineBusyPct: raws.reduce((a, r) => a + r.machineBusyPct * r.seconds, 0) / seconds,
    results,
  };
}
