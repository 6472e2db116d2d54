/**
 * Turns the measurements into the printed tables — every figure beside its baseline and the
 * ratio, from the same run — and the PASS/MISS list against the issue's targets.
 */
import type { Engine } from './databases.js';
import type { HttpResult } from './http-load.js';
import type { HttpReport } from './http-part.js';
import type { LifecycleReport } from './lifecycle-part.js';

export interface Target {
  id: string;
  engine: Engine;
  what: string;
  measured: number;
  /** How the measured value is shown (unit, ratio). */
  shown: string;
  target: string;
  /** null: informational (no target applies to this engine). */
  pass: boolean | null;
  /**
   * The same figure for the target's floor, measured in the same run: what the least plain SQL
   * writing the same rows (or the same page) reaches. A floor that misses the target shows that
   * no implementation writing those rows meets it on this machine. Absent where no floor applies.
   */
  floor?: { measured: number; shown: string; meets: boolean };
}

/** PASS; MISS; or MISS where the floor misses too (the target cannot be met on this machine). */
export function verdict(t: Pick<Target, 'pass' | 'floor'>): 'PASS' | 'MISS' | 'MISS, floor too' | 'info' {
  if (t.pass === null) return 'info';
  if (t.pass) return 'PASS';
  return t.floor && !t.floor.meets ? 'MISS, floor too' : 'MISS';
}

export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

export function lifecycleTable(r: LifecycleReport): string {
  const t = r.tender;
  const b = r.baseline;
  const rows: (string | number)[][] = [
    ['Tender', 1, f1(t.c1.perSecond), f1(t.c1.p50Ms), f1(t.c1.p99Ms), `${f1(t.c1.tender.statements)} + ${f1(t.c1.gateway.statements)} gw`, `${f1(t.c1.tender.durableCommits)} + ${f1(t.c1.gateway.durableCommits)} gw`, f2(t.c1.cpuMsPerUnit), f2(t.c1.dbCpuMsPerUnit)],
    ['Tender', 16, f1(t.c16.perSecond), f1(t.c16.p50Ms), f1(t.c16.p99Ms), `${f1(t.c16.tender.statements)} + ${f1(t.c16.gateway.statements)} gw`, `${f1(t.c16.tender.durableCommits)} + ${f1(t.c16.gateway.durableCommits)} gw`, f2(t.c16.cpuMsPerUnit), f2(t.c16.dbCpuMsPerUnit)],
    ['plain SQL', 1, f1(b.c1.perSecond), f1(b.c1.p50Ms), f1(b.c1.p99Ms), f1(b.c1.perFlow.statements), f1(b.c1.perFlow.durableCommits), f2(b.c1.cpuMsPerUnit), f2(b.c1.dbCpuMsPerUnit)],
    ['plain SQL', 16, f1(b.c16.perSecond), f1(b.c16.p50Ms), f1(b.c16.p99Ms), f1(b.c16.perFlow.statements), f1(b.c16.perFlow.durableCommits), f2(b.c16.cpuMsPerUnit), f2(b.c16.dbCpuMsPerUnit)],
    ['Tender ÷ plain', 1, f2(ratio(t.c1.perSecond, b.c1.perSecond)), '', '', f2(ratio(t.c1.total.statements, b.c1.perFlow.statements)), '', f2(ratio(t.c1.cpuMsPerUnit, b.c1.cpuMsPerUnit)), f2(ratio(t.c1.dbCpuMsPerUnit, b.c1.dbCpuMsPerUnit))],
    ['Tender ÷ plain', 16, f2(ratio(t.c16.perSecond, b.c16.perSecond)), '', '', f2(ratio(t.c16.total.statements, b.c16.perFlow.statements)), '', f2(ratio(t.c16.cpuMsPerUnit, b.c16.cpuMsPerUnit)), f2(ratio(t.c16.dbCpuMsPerUnit, b.c16.dbCpuMsPerUnit))],
  ];
  const tc = t.c16.total.durableCommits;
  const bc = b.c16.perFlow.durableCommits;
  const warning = Math.abs(tc - bc) > 0.01
    ? `\nWARNING: the Tender flow now makes ${f1(tc)} commits and the baseline ${f1(bc)}: update bench/lifecycle-baseline.ts so the floor stays comparable.`
    : '';
  const split = `\nCPU at concurrency 1: ${f2(t.c1.cpuMsPerUnit)} ms/flow, of which ${f2(t.c1.gatewayCpuMsPerUnit)} ms inside test-gateway calls ` +
    `(the simulated provider and its ${f1(t.c1.gateway.statements)} statements) → Tender's own ≈ ${f2(t.c1.cpuMsPerUnit - t.c1.gatewayCpuMsPerUnit)} ms/flow` +
    `${r.engine === 'pglite' ? ' (PGlite: includes the WASM database\'s own work)' : ''}.`;
  const userSys = (x: { cpuMsPerUnit: number; systemCpuMsPerUnit: number }) => `${f2(x.cpuMsPerUnit - x.systemCpuMsPerUnit)} + ${f2(x.systemCpuMsPerUnit)}`;
  // The kernel's part covers the system calls that send and receive statements; a sampling
  // profile cannot tell it apart (it also counts time the process waited, descheduled, in a call).
  const kernel = `\nNode CPU per flow at c=16, user + system (the kernel: system calls): Tender ${userSys(t.c16)} ms, plain SQL ${userSys(b.c16)} ms.`;
  const u = r.unitCosts;
  const units = `\nUnit costs here (sequential, through Tender's Db): one statement ${f1(u.statementWallUs)} µs wall, ${f1(u.statementCpuUs)} µs Node CPU; ` +
    `one autocommitted INSERT ${f2(u.commitWallMs)} ms wall.`;
  return `Lifecycle in-process on ${r.engine} (collection → session → token → authorize → capture → refund part)\n` +
    table(['', 'conc', 'flows/s', 'p50 ms', 'p99 ms', 'SQL stmts/flow', 'commits/flow', 'Node CPU ms/flow', 'PG CPU ms/flow'], rows) + split + kernel + units + warning;
}

export function stepsTable(r: LifecycleReport): string {
  const rows: (string | number)[][] = r.steps.map((s) => [s.step, s.tenderStatements, s.tenderDurableCommits, s.gatewayStatements, s.gatewayDurableCommits]);
  const sum = (k: 'tenderStatements' | 'tenderDurableCommits' | 'gatewayStatements' | 'gatewayDurableCommits') => r.steps.reduce((a, s) => a + s[k], 0);
  rows.push(['total', sum('tenderStatements'), sum('tenderDurableCommits'), sum('gatewayStatements'), sum('gatewayDurableCommits')]);
  const tables = Object.entries(r.rowsPerFlow).map(([t, n]) => `${t} ${n}`).join(', ');
  return `SQL per step of one flow on ${r.engine} (counted; BEGIN/COMMIT included where sent — on PostgreSQL a Sync commits; commits = transactions + autocommitted writes)\n` +
    table(['step', 'Tender stmts', 'Tender commits', 'gateway stmts', 'gateway commits'], rows) +
    `\nRows one flow adds: ${tables}`;
}

export function httpTable(h: HttpReport): string {
  const row = (name: string, x: HttpResult) =>
    [name, f1(x.reqPerSec), f1(x.p50Ms), f1(x.p99Ms), f1(x.statementsPerRequest), f2(x.serverCpuMsPerRequest), f2(x.dbCpuMsPerRequest), f1(x.serverPeakRssMb), x.non2xx];
  const s = h.storefront;
  const rows: (string | number)[][] = [
    row('storefront (createOrder + createSession)', s),
    [`  = flows/s`, f1(s.flowsPerSec), '', '', f1(s.statementsPerRequest * 2), f2(s.serverCpuMsPerRequest * 2), f2(s.dbCpuMsPerRequest * 2), '', ''],
    ...Object.entries(s.routes).map(([n, r]) => [`  ${n}`, '', f1(r.p50Ms), f1(r.p99Ms), '', '', '', '', r.non2xx]),
    row('bare route: one INSERT', h.bareInsert),
    ['  storefront req/s ÷ INSERT req/s', f2(ratio(s.reqPerSec, h.bareInsert.reqPerSec)), '', '', '', '', '', '', ''],
    ['  storefront flows/s ÷ INSERT req/s', f2(ratio(s.flowsPerSec, h.bareInsert.reqPerSec)), '', '', '', '', '', '', ''],
    row('floor: the same rows by plain SQL', h.floorStorefront),
    ['  floor req/s ÷ INSERT req/s', f2(ratio(h.floorStorefront.reqPerSec, h.bareInsert.reqPerSec)), '', '', '', '', '', '', ''],
    ['  storefront req/s ÷ floor req/s', f2(ratio(s.reqPerSec, h.floorStorefront.reqPerSec)), '', '', '', '', '', '', ''],
    row('getSessions (30 rows)', h.getSessions),
    row('bare route: one SELECT (30 rows)', h.bareSelect),
    ['  getSessions ÷ SELECT', f2(ratio(h.getSessions.reqPerSec, h.bareSelect.reqPerSec)), '', '', '', '', '', '', ''],
    row('floor: the same page, plain route', h.floorGetSessions),
    ['  floor ÷ SELECT', f2(ratio(h.floorGetSessions.reqPerSec, h.bareSelect.reqPerSec)), '', '', '', '', '', '', ''],
    ['  getSessions ÷ floor', f2(ratio(h.getSessions.reqPerSec, h.floorGetSessions.reqPerSec)), '', '', '', '', '', '', ''],
    row(`webhooks ingested (${Object.entries(h.webhooks.results).map(([k, v]) => `${v} ${k}`).join(', ')})`, h.webhooks),
    row(`floor: the same rows by plain SQL (${Object.entries(h.floorWebhooks.results).map(([k, v]) => `${v} ${k}`).join(', ')})`, h.floorWebhooks),
    ['  webhooks ÷ floor', f2(ratio(h.webhooks.reqPerSec, h.floorWebhooks.reqPerSec)), '', '', '', '', '', '', ''],
    row('floor in 2 statements: read, then write', h.floorWebhooksRead),
    row('floor in 3 statements: lock, read, write', h.floorWebhooksLocked),
    ['  webhooks ÷ floor in 3 statements', f2(ratio(h.webhooks.reqPerSec, h.floorWebhooksLocked.reqPerSec)), '', '', '', '', '', '', ''],
  ];
  return `HTTP over loopback on ${h.engine}, ${s.connections} connections (server in a child process; RSS = its VmRSS sampled every 100 ms)\n` +
    table(['', 'req/s', 'p50 ms', 'p99 ms', 'SQL/req', 'srv CPU ms/req', 'PG CPU ms/req', 'peak RSS MB', 'non-2xx'], rows) +
    `\nServer CPU per request, user + system (the kernel: system calls), ms: ${userSystem([
      ['storefront', s], ['INSERT route', h.bareInsert], ['storefront floor', h.floorStorefront], ['getSessions', h.getSessions], ['SELECT route', h.bareSelect], ['getSessions floor', h.floorGetSessions], ['webhooks', h.webhooks], ['webhooks floor', h.floorWebhooks],
      ['webhooks floor, 2 statements', h.floorWebhooksRead], ['webhooks floor, 3 statements', h.floorWebhooksLocked],
    ])}` +
    `\nTender server peak RSS over its life (VmHWM): ${f1(h.tenderServerPeakRssMb)} MB; bare server: ${f1(h.bareServerPeakRssMb)} MB` +
    `\nTender server after a full GC (heap used / external / RSS, MB): ${h.retained.map((r) => `${r.after} ${f1(r.heapUsedMb)} / ${f1(r.externalMb)} / ${f1(r.rssMb)}`).join('; ')}`;
}

function userSystem(list: [string, HttpResult][]): string {
  return list.map(([name, x]) => `${name} ${f2(x.serverCpuMsPerRequest - x.serverSystemCpuMsPerRequest)} + ${f2(x.serverSystemCpuMsPerRequest)}`).join('; ');
}

export function probesTable(h: HttpReport): string {
  return `SQL per HTTP request on ${h.engine} (one request alone, counted; commits = COMMITs + autocommitted writes)\n` +
    table(['request', 'status', 'bytes', 'Tender stmts', 'Tender commits', 'gateway stmts', 'gateway commits'],
      h.probes.map((p) => [p.route, p.status, p.bytes, p.tenderStatements, p.tenderCommits, p.gatewayStatements, p.gatewayCommits]));
}

export function targets(lifecycle: LifecycleReport[], http: HttpReport[]): Target[] {
  const out: Target[] = [];
  for (const l of lifecycle) {
    const pg = l.engine === 'postgres';
    const r = ratio(l.tender.c16.perSecond, l.baseline.c16.perSecond);
    out.push({ id: 'lifecycle_ratio_c16', engine: l.engine, what: 'lifecycle c=16, Tender ÷ plain SQL', measured: r, shown: `${f2(r)}× (${f1(l.tender.c16.perSecond)} vs ${f1(l.baseline.c16.perSecond)} flows/s)`, target: '≥ 0.6×', pass: pg ? r >= 0.6 : null });
    const st = l.tender.c16.tender.statements;
    out.push({ id: 'statements_per_flow', engine: l.engine, what: 'SQL statements per flow (Tender\'s own)', measured: st, shown: `${f1(st)} (+ ${f1(l.tender.c16.gateway.statements)} by the test gateway)`, target: '≤ 20', pass: pg ? st <= 20 : null });
    const cpu = l.tender.c16.cpuMsPerUnit;
    const own = l.tender.c1.cpuMsPerUnit - l.tender.c1.gatewayCpuMsPerUnit;
    out.push({
      id: 'cpu_ms_per_flow', engine: l.engine, what: 'Node CPU per flow, c=16', measured: cpu,
      shown: `${f2(cpu)} ms (c=1: ${f2(own)} ms outside test-gateway calls)${pg ? '' : ', includes PGlite\'s WASM database'}`,
      target: '≤ 2 ms', pass: pg ? cpu <= 2 : null,
      floor: { measured: l.baseline.c16.cpuMsPerUnit, shown: `plain SQL ${f2(l.baseline.c16.cpuMsPerUnit)} ms`, meets: l.baseline.c16.cpuMsPerUnit <= 2 },
    });
  }
  for (const h of http) {
    const pg = h.engine === 'postgres';
    const s = h.storefront;
    const ri = ratio(s.reqPerSec, h.bareInsert.reqPerSec);
    // The ratio of each window pair (Tender's window and the bare route's next to it): the spread
    // within this run, beside the merged figure the target is judged on.
    const perWindow = (t: HttpResult, b: HttpResult) => (t.windowReqPerSec.length > 1 && t.windowReqPerSec.length === b.windowReqPerSec.length
      ? `; window pairs ${t.windowReqPerSec.map((x, i) => f2(ratio(x, b.windowReqPerSec[i]!))).join(', ')}` : '');
    out.push({ id: 'storefront_ratio', engine: h.engine, what: 'storefront createOrder + createSession ÷ one-INSERT route (req/s)', measured: ri, shown: `${f2(ri)}× (${f1(s.reqPerSec)} vs ${f1(h.bareInsert.reqPerSec)} req/s; flows/s ÷ INSERT = ${f2(ratio(s.flowsPerSec, h.bareInsert.reqPerSec))}×${perWindow(s, h.bareInsert)}; ` +
      `the same rows by the least plain SQL: ${f2(ratio(h.floorStorefront.reqPerSec, h.bareInsert.reqPerSec))}×${perWindow(h.floorStorefront, h.bareInsert)})`, target: '≥ 0.5×', pass: ri >= 0.5,
      floor: floorOf(ratio(h.floorStorefront.reqPerSec, h.bareInsert.reqPerSec), (x) => `${f2(x)}×`, (x) => x >= 0.5) });
    out.push({ id: 'storefront_p99', engine: h.engine, what: 'storefront p99 at 32 connections', measured: s.p99Ms, shown: `${f1(s.p99Ms)} ms`, target: '≤ 50 ms', pass: pg ? s.p99Ms <= 50 : null,
      floor: floorOf(h.floorStorefront.p99Ms, (x) => `${f1(x)} ms`, (x) => x <= 50) });
    const rs = ratio(h.getSessions.reqPerSec, h.bareSelect.reqPerSec);
    out.push({ id: 'get_sessions_ratio', engine: h.engine, what: 'getSessions (30 rows) ÷ one-SELECT route', measured: rs, shown: `${f2(rs)}× (${f1(h.getSessions.reqPerSec)} vs ${f1(h.bareSelect.reqPerSec)} req/s${perWindow(h.getSessions, h.bareSelect)}; ` +
      `the same page by a plain route: ${f2(ratio(h.floorGetSessions.reqPerSec, h.bareSelect.reqPerSec))}×${perWindow(h.floorGetSessions, h.bareSelect)})`, target: '≥ 0.7×', pass: pg ? rs >= 0.7 : null,
      floor: floorOf(ratio(h.floorGetSessions.reqPerSec, h.bareSelect.reqPerSec), (x) => `${f2(x)}×`, (x) => x >= 0.7) });
    out.push({ id: 'webhooks_per_sec', engine: h.engine, what: 'webhooks ingested (verify + dedupe + apply)', measured: h.webhooks.reqPerSec, shown: `${f1(h.webhooks.reqPerSec)} events/s (the same rows by the least plain SQL: ${f1(h.floorWebhooks.reqPerSec)} events/s in 1 statement` +
      `, ${f1(h.floorWebhooksRead.reqPerSec)} in 2 (read, write), ${f1(h.floorWebhooksLocked.reqPerSec)} in 3 (lock, read, write); ` +
      `Tender ÷ the 3-statement floor ${f2(ratio(h.webhooks.reqPerSec, h.floorWebhooksLocked.reqPerSec))}×${perWindow(h.webhooks, h.floorWebhooksLocked)})`, target: '≥ 1,000/s', pass: pg ? h.webhooks.reqPerSec >= 1000 : null,
      // The floor here is the one-statement variant: the least any implementation pays for these
      // rows. The lock-first (3-statement) variant is shown above for the design Tender has.
      floor: floorOf(h.floorWebhooks.reqPerSec, (x) => `${f1(x)}/s in 1 statement`, (x) => x >= 1000) });
    const rss = Math.max(s.serverPeakRssMb, h.getSessions.serverPeakRssMb, h.webhooks.serverPeakRssMb);
    out.push({ id: 'rss_under_load', engine: h.engine, what: 'Tender server peak RSS under load', measured: rss, shown: `${f1(rss)} MB`, target: '≤ 200 MB', pass: pg ? rss <= 200 : null });
  }
  return out;
}

function floorOf(measured: number, show: (x: number) => string, meets: (x: number) => boolean): NonNullable<Target['floor']> {
  return { measured, shown: show(measured), meets: meets(measured) };
}

export function targetsTable(list: Target[]): string {
  return 'Targets (2-core machine, PostgreSQL on the same machine; ratios from the same run). The issue sets them for\n' +
    'PostgreSQL, and for PGlite only the storefront ratio: other PGlite rows are shown for information. "floor" is the\n' +
    'same figure for the least plain SQL writing the same rows, in the same run; "MISS, floor too": it cannot be met here.\n' +
    table(['target', 'engine', 'measured', 'goal', 'floor', 'result'],
      list.map((t) => [t.what, t.engine, t.shown, t.target, t.floor ? `${t.floor.shown} (${t.floor.meets ? 'meets' : 'misses'})` : '—', verdict(t)]));
}
