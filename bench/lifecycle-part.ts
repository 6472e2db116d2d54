/**
 * Parts 1 and 2 on one engine: the Tender lifecycle in-process at concurrency 1 and 16, its
 * per-step statement breakdown (db statements snapshotted between steps of one traced flow),
 * the rows one flow writes per table, and the plain-SQL baseline on its own fresh database.
 * Tender's and the baseline's windows alternate (rounds), so that a change in the machine's
 * background load during the run hits both alike.
 */
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../src/context.js';
import { addTally, durableCommits, emptyTally, snapshot, subTally, type Tally } from './counting-db.js';
import { formatSummary, startProfile, summarize, type ProfileSummary } from './cpu-profile.js';
import { freshDatabase, type Engine, type FreshDatabase } from './databases.js';
import { baselineFlow, collectSamples, type Samples } from './lifecycle-baseline.js';
import { openLifecycle, runFlow, STEPS, type LifecycleEnv, type Step } from './lifecycle.js';
import { runLoad, runLoadRaw, summarizeRuns, type RawRun, type RunResult } from './measure.js';
import { openPgCpu, type PgCpu } from './pg-cpu.js';
import { openDriver, type SqlDriver } from './sql-driver.js';
import { benchUsers, openBenchContext, seedBench } from './tender-setup.js';

export interface PerFlow {
  /** Every statement per flow (BEGIN/COMMIT included where sent: PGlite), as db.stats counts them. */
  statements: number;
  /** Explicit COMMITs per flow. */
  commits: number;
  /** COMMITs plus autocommitted writes: what pays a WAL flush. */
  durableCommits: number;
}

export interface LifecycleRun extends RunResult {
  /** Tender's own statements and commits per flow (the test gateway's counted apart). */
  tender: PerFlow;
  gateway: PerFlow;
  total: PerFlow;
  /** db.stats delta per flow (must equal `total.statements`: the cross-check). */
  dbStatsStatements: number;
  /**
   * Of `cpuMsPerUnit`, the CPU spent inside test-gateway calls (the simulated provider and its
   * SQL). Measured at concurrency 1 only (at 16 other flows' work runs during those awaits): 0 there.
   */
  gatewayCpuMsPerUnit: number;
}

export interface StepCount {
  step: Step;
  tenderStatements: number;
  tenderDurableCommits: number;
  gatewayStatements: number;
  gatewayDurableCommits: number;
}

/** What one statement and one commit cost on this machine (sequential, through Tender's Db). */
export interface UnitCosts {
  /** Node CPU per `SELECT $1` round trip, µs (driver, socket or WASM). */
  statementCpuUs: number;
  statementWallUs: number;
  /** Wall time of one autocommitted single-row INSERT (a WAL flush on PostgreSQL), ms. */
  commitWallMs: number;
}

export interface LifecycleReport {
  engine: Engine;
  unitCosts: UnitCosts;
  tender: { c1: LifecycleRun; c16: LifecycleRun };
  baseline: { c1: RunResult & { perFlow: PerFlow }; c16: RunResult & { perFlow: PerFlow } };
  steps: StepCount[];
  rowsPerFlow: Record<string, number>;
  /** Every statement of one traced flow: `step | component | tx | sql`. */
  trace: string[];
  profile?: ProfileSummary;
}

export interface LifecycleOptions {
  seconds: number;
  flows?: number;
  /** Tender and baseline windows alternate this many times, so both see the same machine. */
  rounds: number;
  secretKey: string;
  profile: boolean;
  log: (line: string) => void;
}

interface Baseline {
  dbCpu?: PgCpu;
  driver: SqlDriver;
  userIds: number[];
  accountId: number;
}

export async function lifecyclePart(engine: Engine, opts: LifecycleOptions): Promise<LifecycleReport> {
  const tenderDatabase = await freshDatabase(engine, 'lifecycle');
  const baselineDatabase = await freshDatabase(engine, 'baseline');
  let env: LifecycleEnv | undefined;
  let baseline: Baseline | undefined;
  let tenderCpu: PgCpu | undefined;
  try {
    env = await openLifecycle(tenderDatabase, opts.secretKey, 16);
    const e = env;
    await runFlow(e, 0);
    const { steps, trace, rowsPerFlow } = await traceOneFlow(e);
    const samples = await collectSamples(e.ctx);
    const unitCosts = await measureUnitCosts(e);
    baseline = await openBaseline(baselineDatabase, opts.secretKey);
    const b = baseline;
    tenderCpu = tenderDatabase.url ? await openPgCpu(tenderDatabase.url) : undefined;
    opts.log(`  ${engine}: one flow = ${steps.reduce((a, x) => a + x.tenderStatements, 0)} Tender statements; measuring…`);

    const measure = async (concurrency: number) => {
      const tender: TenderWindow[] = [];
      const plain: BaselineWindow[] = [];
      for (let round = 0; round < opts.rounds; round++) {
        const window = {
          concurrency, seconds: opts.seconds / opts.rounds, warmup: round === 0 ? concurrency : 0,
          count: opts.flows === undefined ? undefined : Math.ceil(opts.flows / opts.rounds),
        };
        // Gateway CPU is only attributable when one flow runs at a time.
        e.gatewayCpuUs.enabled = concurrency === 1;
        tender.push(await tenderWindow(e, { ...window, dbCpu: tenderCpu }));
        e.gatewayCpuUs.enabled = false;
        plain.push(await baselineWindow(b, samples, { ...window, dbCpu: b.dbCpu }));
      }
      const t = mergeTender(tender);
      const p = mergeBaseline(plain);
      opts.log(`  ${engine} c=${concurrency}: Tender ${t.perSecond.toFixed(1)} flows/s, plain SQL ${p.perSecond.toFixed(1)} flows/s`);
      return { t, p };
    };
    const c1 = await measure(1);
    const c16 = await measure(16);

    let profile: ProfileSummary | undefined;
    if (opts.profile) {
      // An extra pass, so the profiler's overhead is in no figure above.
      const stop = await startProfile();
      await runLoad({ concurrency: 16, seconds: opts.seconds, count: opts.flows, warmup: 0 }, (n) => runFlow(e, n));
      profile = summarize(await stop(), 25);
      opts.log(formatSummary(`CPU profile, in-process lifecycle on ${engine}, concurrency 16`, profile));
    }
    return { engine, unitCosts, tender: { c1: c1.t, c16: c16.t }, baseline: { c1: c1.p, c16: c16.p }, steps, rowsPerFlow, trace, profile };
  } finally {
    await env?.close().catch(() => undefined);
    await baseline?.driver.close().catch(() => undefined);
    await baseline?.dbCpu?.close().catch(() => undefined);
    await tenderCpu?.close().catch(() => undefined);
    await tenderDatabase.drop().catch(() => undefined);
    await baselineDatabase.drop().catch(() => undefined);
  }
}

function perFlow(t: Tally, flows: number): PerFlow {
  return { statements: t.statements / flows, commits: t.commits / flows, durableCommits: durableCommits(t) / flows };
}

type Window = { concurrency: number; seconds: number; warmup: number; count?: number; dbCpu?: PgCpu };
type TenderWindow = { run: RawRun; tender: Tally; gateway: Tally; dbStatements: number; gatewayCpuUs: number };
type BaselineWindow = { run: RawRun; statements: number; commits: number; durableCommits: number };

async function tenderWindow(env: LifecycleEnv, w: Window): Promise<TenderWindow> {
  let before = snapshot(env.counter);
  let after = before;
  let stats0 = env.ctx.db.stats.statements;
  let stats1 = stats0;
  let gw0 = env.gatewayCpuUs.value;
  let gw1 = gw0;
  const run = await runLoadRaw({
    ...w,
    onWindow: (edge) => {
      if (edge === 'start') {
        before = snapshot(env.counter);
        stats0 = env.ctx.db.stats.statements;
        gw0 = env.gatewayCpuUs.value;
      } else {
        after = snapshot(env.counter);
        stats1 = env.ctx.db.stats.statements;
        gw1 = env.gatewayCpuUs.value;
      }
    },
  }, (n) => runFlow(env, n));
  return {
    run, tender: subTally(after.tender, before.tender), gateway: subTally(after.gateway, before.gateway),
    dbStatements: stats1 - stats0, gatewayCpuUs: gw1 - gw0,
  };
}

function mergeTender(windows: TenderWindow[]): LifecycleRun {
  const r = summarizeRuns(windows.map((w) => w.run));
  const tender = windows.reduce((a, w) => addTally(a, w.tender), emptyTally());
  const gateway = windows.reduce((a, w) => addTally(a, w.gateway), emptyTally());
  return {
    ...r,
    tender: perFlow(tender, r.units),
    gateway: perFlow(gateway, r.units),
    total: perFlow(addTally(tender, gateway), r.units),
    dbStatsStatements: windows.reduce((a, w) => a + w.dbStatements, 0) / r.units,
    gatewayCpuMsPerUnit: windows.reduce((a, w) => a + w.gatewayCpuUs, 0) / 1000 / r.units,
  };
}

async function openBaseline(database: FreshDatabase, secretKey: string): Promise<Baseline> {
  // Parent rows (users, the test account) the way part 1 has them; then only the raw driver.
  const setupDb = await database.open(2);
  const ctx = await openBenchContext(setupDb, secretKey);
  const accountId = await seedBench(ctx, { simulateWebhookLoss: true });
  const userIds = (await benchUsers(ctx, 16)).map((u) => u.userId);
  await setupDb.close();
  return { driver: await openDriver(database), userIds, accountId, dbCpu: database.url ? await openPgCpu(database.url) : undefined };
}

async function baselineWindow(b: Baseline, samples: Samples, w: Window): Promise<BaselineWindow> {
  let s0 = { ...b.driver.stats };
  let s1 = s0;
  const run = await runLoadRaw({
    ...w,
    onWindow: (edge) => {
      if (edge === 'start') s0 = { ...b.driver.stats };
      else s1 = { ...b.driver.stats };
    },
  }, (n) => baselineFlow(b.driver, samples, b.userIds[n % b.userIds.length]!, b.accountId));
  return {
    run,
    statements: s1.statements - s0.statements,
    commits: s1.commits - s0.commits,
    durableCommits: s1.commits - s0.commits + s1.autocommitWrites - s0.autocommitWrites,
  };
}

function mergeBaseline(windows: BaselineWindow[]): RunResult & { perFlow: PerFlow } {
  const r = summarizeRuns(windows.map((w) => w.run));
  const sum = (k: 'statements' | 'commits' | 'durableCommits') => windows.reduce((a, w) => a + w[k], 0) / r.units;
  return { ...r, perFlow: { statements: sum('statements'), commits: sum('commits'), durableCommits: sum('durableCommits') } };
}

async function measureUnitCosts(env: LifecycleEnv): Promise<UnitCosts> {
  const db = env.ctx.db;
  for (let i = 0; i < 200; i++) await db.query('SELECT $1::int AS x', [i]);
  const n = 2000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await db.query('SELECT $1::int AS x', [i]);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await db.query('CREATE TABLE IF NOT EXISTS bench_commit_probe (id serial PRIMARY KEY, v int NOT NULL)');
  const commits = 200;
  const c0 = performance.now();
  for (let i = 0; i < commits; i++) await db.query('INSERT INTO bench_commit_probe (v) VALUES ($1)', [i]);
  return { statementCpuUs: (cpu.user + cpu.system) / n, statementWallUs: (wall * 1000) / n, commitWallMs: (performance.now() - c0) / commits };
}

/** One flow with the counters snapshotted before each step, and the rows it added per table. */
async function traceOneFlow(env: LifecycleEnv): Promise<{ steps: StepCount[]; trace: string[]; rowsPerFlow: Record<string, number> }> {
  const before = await rowCounts(env.ctx);
  const marks: { step: Step; at: ReturnType<typeof snapshot>; traceAt: number }[] = [];
  env.counter.trace = [];
  await runFlow(env, 1, (step) => marks.push({ step, at: snapshot(env.counter), traceAt: env.counter.trace!.length }));
  const end = snapshot(env.counter);
  const entries = env.counter.trace;
  env.counter.trace = null;
  const after = await rowCounts(env.ctx);

  const steps: StepCount[] = marks.map((m, i) => {
    const next = marks[i + 1]?.at ?? end;
    const t = subTally(next.tender, m.at.tender);
    const g = subTally(next.gateway, m.at.gateway);
    return { step: m.step, tenderStatements: t.statements, tenderDurableCommits: durableCommits(t), gatewayStatements: g.statements, gatewayDurableCommits: durableCommits(g) };
  });
  const trace: string[] = [];
  entries.forEach((e, i) => {
    const step = [...marks].reverse().find((m) => m.traceAt <= i)?.step ?? STEPS[0];
    trace.push(`${step.padEnd(9)} | ${e.component.padEnd(7)} | ${e.tx === null ? 'auto' : `tx${e.tx}`} | ${e.sql.slice(0, 160)}`);
  });
  const rowsPerFlow: Record<string, number> = {};
  for (const [table, n] of Object.entries(after)) if (n !== before[table]) rowsPerFlow[table] = n - (before[table] ?? 0);
  return { steps, trace, rowsPerFlow };
}

async function rowCounts(ctx: AppContext): Promise<Record<string, number>> {
  const tables = (await ctx.db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows;
  const out: Record<string, number> = {};
  for (const { t } of tables) out[t] = Number((await ctx.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t}`)).rows[0]!.n);
  return out;
}
