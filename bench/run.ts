/**
 * `npm run bench`: starts everything it needs, measures, prints the tables with PASS/MISS and,
 * last, one `BENCH_JSON {...}` line with every figure. Progress goes to stderr.
 *
 * Runs on PGlite always and on PostgreSQL when DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/test) answers; each part gets a fresh database.
 * docs/benchmarks.md explains every number.
 *
 * Environment:
 *   BENCH_SECONDS       measured window of each in-process lifecycle run (default 5)
 *   BENCH_FLOWS         a fixed number of flows per lifecycle run instead of a time window
 *   BENCH_HTTP_SECONDS  each HTTP phase (default 10)
 *   BENCH_CONNECTIONS   HTTP connections (default 32)
 *   BENCH_ROUNDS        Tender and its baseline alternate this many windows each (default 2)
 *   BENCH_ENGINES       e.g. "pglite" or "postgres,pglite" (default: both, PostgreSQL if reachable)
 *   BENCH_PARTS         "lifecycle", "http" or both (default)
 *   BENCH_PROFILE=1     also CPU-profile (extra passes, after the measured ones) and print top lists
 *   BENCH_TRACE=1       also print every SQL statement of one traced lifecycle flow
 *   BENCH_OUT=FILE      also write the JSON (with the trace and profiles) to FILE
 *   BENCH_TSX=1         run the HTTP server child through tsx instead of compiled JavaScript
 *   BENCH_WEBHOOK_DIRECT=1  also post the webhooks to ingestWebhook behind a bare Fastify (what Tender's app adds)
 *   BENCH_WEBHOOK_BATCHED=1 also the webhooks' floor with several events per transaction (BENCH_WEBHOOK_BATCH_LANES at once, 2)
 *   BENCH_WARMUP_SECONDS    each storefront and getSessions load's unmeasured warm-up (default 5)
 *   BENCH_WEBHOOK_WARMUP    sessions whose events each webhook load ingests unmeasured first (default 1000)
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { KeyRing } from '../src/crypto.js';
import { compileTree, type CompiledTree } from './compile.js';
import { pgBaseUrl, pgServerVersion, pgUnreachable, type Engine } from './databases.js';
import { httpPart, type HttpReport } from './http-part.js';
import { lifecyclePart, type LifecycleReport } from './lifecycle-part.js';
import { httpTable, lifecycleTable, probesTable, stepsTable, targets, targetsTable, verdict } from './report.js';

const env = process.env;
const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
const settings = {
  seconds: num('BENCH_SECONDS', 5),
  flows: env.BENCH_FLOWS ? Number(env.BENCH_FLOWS) : undefined,
  httpSeconds: num('BENCH_HTTP_SECONDS', 10),
  connections: num('BENCH_CONNECTIONS', 32),
  rounds: num('BENCH_ROUNDS', 2),
  parts: (env.BENCH_PARTS ?? 'lifecycle,http').split(',').map((p) => p.trim()),
  profile: env.BENCH_PROFILE === '1',
  trace: env.BENCH_TRACE === '1',
};
const log = (line: string) => process.stderr.write(`${line}\n`);

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const started = new Date();
const pgUrl = pgBaseUrl();
const requested = env.BENCH_ENGINES?.split(',').map((e) => e.trim() as Engine);
const pgProblem = requested && !requested.includes('postgres') ? 'not requested' : await pgUnreachable(pgUrl);
const engines: Engine[] = (requested ?? ['postgres', 'pglite']).filter((e) => e !== 'postgres' || pgProblem === null);
const redactedPg = pgUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
log(`PostgreSQL at ${redactedPg}: ${pgProblem === null ? 'reachable, benchmarked' : `not benchmarked (${pgProblem})`}`);
log(`engines: ${engines.join(', ')}; parts: ${settings.parts.join(', ')}`);

const meta = {
  date: started.toISOString(),
  node: process.version,
  os: `${process.platform} ${release()}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  freeMemoryGbAtStart: Math.round((freemem() / 1024 ** 3) * 10) / 10,
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  postgres: pgProblem === null ? await pgServerVersion(pgUrl) : null,
  postgresSkipped: pgProblem,
  pglite: version('@electric-sql/pglite'),
  pg: version('pg'),
  fastify: version('fastify'),
  autocannon: version('autocannon'),
  settings,
};

const secretKey = KeyRing.generate();
const lifecycle: LifecycleReport[] = [];
const http: HttpReport[] = [];
let tree: CompiledTree | undefined;
try {
  if (settings.parts.includes('http') && env.BENCH_TSX !== '1') {
    log('compiling src/ and bench/ to JavaScript for the server child…');
    tree = await compileTree();
  }
  for (const engine of engines) {
    if (settings.parts.includes('lifecycle')) {
      log(`[${engine}] parts 1–2: lifecycle in-process and its plain-SQL baseline`);
      lifecycle.push(await lifecyclePart(engine, {
        seconds: settings.seconds, flows: settings.flows, rounds: settings.rounds, secretKey, profile: settings.profile, log,
      }));
    }
    if (settings.parts.includes('http')) {
      log(`[${engine}] parts 3–4: HTTP storefront, getSessions, webhooks, and the bare routes`);
      http.push(await httpPart(engine, {
        serverScript: tree?.path('bench/server.ts'), seconds: settings.httpSeconds, connections: settings.connections, rounds: settings.rounds,
        secretKey, profile: settings.profile, log,
      }));
    }
  }
} finally {
  await tree?.remove();
}

const list = targets(lifecycle, http);
const busy = [
  ...lifecycle.flatMap((l) => [l.tender.c1, l.tender.c16, l.baseline.c1, l.baseline.c16].map((r) => r.machineBusyPct)),
  ...http.flatMap((h) => [h.storefront, h.getSessions, h.webhooks, h.bareInsert, h.bareSelect].map((r) => r.machineBusyPct)),
].filter((b) => Number.isFinite(b));
const machineBusyPct = busy.length ? Math.round(busy.reduce((a, b) => a + b, 0) / busy.length) : null;
const out: string[] = [
  `Tender benchmark — ${meta.date} — Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, ${meta.memoryGb} GB, ` +
    `PostgreSQL ${meta.postgres ?? `not run (${meta.postgresSkipped})`}, PGlite ${meta.pglite}`,
  `Machine: load average ${meta.loadAverageAtStart.join(' ')} at start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at end; ` +
    `CPU busy ${machineBusyPct ?? 'n/a'}% on average during the measured windows (every process on the machine, this benchmark included)`,
  '',
];
for (const l of lifecycle) out.push(lifecycleTable(l), '');
const firstSteps = lifecycle[0];
if (firstSteps) out.push(stepsTable(firstSteps), '');
if (settings.trace && firstSteps) out.push(`Every statement of one flow on ${firstSteps.engine}:`, ...firstSteps.trace, '');
for (const h of http) out.push(httpTable(h), '');
const firstProbes = http[0];
if (firstProbes) out.push(probesTable(firstProbes), '');
if (settings.trace && firstProbes) for (const p of firstProbes.probes) out.push(`Every statement of one ${p.route} request on ${firstProbes.engine}:`, ...p.sql, '');
out.push(targetsTable(list), '');
const missed = list.filter((t) => t.pass === false).length;
const floorMissed = list.filter((t) => verdict(t) === 'MISS, floor too').length;
out.push(`${list.filter((t) => t.pass === true).length} PASS, ${missed} MISS (${floorMissed} of them missed by the floor too), ${list.filter((t) => t.pass === null).length} info`);
console.log(out.join('\n'));

const json = {
  meta: { ...meta, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100), machineBusyPct, seconds: Math.round((Date.now() - started.getTime()) / 1000) },
  lifecycle: lifecycle.map(({ trace: _trace, profile: _profile, ...rest }) => rest),
  http: http.map(({ profiles: _profiles, probes, ...rest }) => ({ ...rest, probes: probes.map(({ sql: _sql, ...p }) => p) })),
  targets: list,
};
if (env.BENCH_OUT) {
  await writeFile(env.BENCH_OUT, JSON.stringify({ ...json, lifecycle, http }, null, 2));
  log(`wrote ${env.BENCH_OUT}`);
}
console.log(`BENCH_JSON ${JSON.stringify(json)}`);
