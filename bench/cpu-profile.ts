/**
 * CPU profiles without leaving the process (node:inspector, the same V8 profiler `--cpu-prof`
 * drives) and a summary of any .cpuprofile: self time per function and per area (a package in
 * node_modules, a folder of src/, Node internals, GC). `npx tsx bench/cpu-profile.ts FILE` prints
 * the summary of a profile written by `node --cpu-prof` (e.g. the HTTP server child's).
 */
import { readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Hot {
  name: string;
  where: string;
  selfMs: number;
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** The inspector's own work (left out of everything else). */
  profilerMs: number;
  functions: Hot[];
  areas: Hot[];
  /** For the heaviest native frames (no source): the JavaScript frames that called them. */
  nativeCallers: { native: string; selfMs: number; callers: Hot[] }[];
}

export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile as unknown as CpuProfile;
  };
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** Which part of the stack a frame belongs to. */
export function areaOf(functionName: string, url: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const u = shortUrl(url);
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm) return `npm: ${nm[1]}`;
  if (u.startsWith('node:')) return `node: ${u.slice(5).split('/')[0]}`;
  const src = /^(src|bench|test)\/(.*)$/.exec(u);
  if (src) {
    const dir = src[2]!.includes('/') ? src[2]!.slice(0, src[2]!.lastIndexOf('/')) : src[2]!;
    return `${src[1]}/${dir}`;
  }
  return u;
}

/** Self time per function and per area, idle excluded from the percentages. */
export function summarize(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Samples under startProfile are the inspector session's own message dispatch.
  const profiler = new Set<number>();
  const mark = (id: number) => {
    profiler.add(id);
    for (const c of byId.get(id)?.children ?? []) mark(c);
  };
  for (const n of profile.nodes) if (n.callFrame.functionName === 'startProfile') mark(n.id);
  let profilerMs = 0;
  const fn = new Map<string, Hot>();
  const area = new Map<string, Hot>();
  const natives = new Map<string, { selfMs: number; callers: Map<string, Hot> }>();
  let total = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    if (profiler.has(id)) {
      profilerMs += ms;
      continue;
    }
    total += ms;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const f = fn.get(key) ?? { name, where, selfMs: 0, pct: 0 };
    f.selfMs += ms;
    fn.set(key, f);
    const a = areaOf(functionName, url);
    const e = area.get(a) ?? { name: a, where: '', selfMs: 0, pct: 0 };
    e.selfMs += ms;
    area.set(a, e);
    if (!url && !functionName.startsWith('(')) {
      // The first caller with a source location (through other natives and Node internals).
      let up = parent.get(id);
      let caller: ProfileNode | undefined;
      while (up !== undefined) {
        const pn = byId.get(up);
        if (pn && pn.callFrame.url && !pn.callFrame.url.startsWith('node:')) {
          caller = pn;
          break;
        }
        up = parent.get(up);
      }
      const entry = natives.get(name) ?? { selfMs: 0, callers: new Map<string, Hot>() };
      entry.selfMs += ms;
      const cname = caller ? caller.callFrame.functionName || '(anonymous)' : '(no JS caller)';
      const cwhere = caller ? `${shortUrl(caller.callFrame.url)}:${caller.callFrame.lineNumber + 1}` : '';
      const ck = `${cname}@${cwhere}`;
      const c = entry.callers.get(ck) ?? { name: cname, where: cwhere, selfMs: 0, pct: 0 };
      c.selfMs += ms;
      entry.callers.set(ck, c);
      natives.set(name, entry);
    }
  }
  const rank = (m: Map<string, Hot>) => [...m.values()]
    .map((h) => ({ ...h, selfMs: round(h.selfMs), pct: round((100 * h.selfMs) / Math.max(total, 1e-9)) }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  const nativeCallers = [...natives.entries()]
    .sort((a, b) => b[1].selfMs - a[1].selfMs)
    .slice(0, 5)
    .map(([native, e]) => ({ native, selfMs: round(e.selfMs), callers: rank(e.callers).slice(0, 4) }));
  return { totalMs: round(total), profilerMs: round(profilerMs), functions: rank(fn), areas: rank(area), nativeCallers };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

export function formatSummary(title: string, s: ProfileSummary): string {
  const lines = [`${title} — ${s.totalMs} ms of CPU sampled (idle and ${s.profilerMs} ms of the profiler's own work excluded)`, '  by area (self time):'];
  for (const a of s.areas.slice(0, 12)) lines.push(`    ${a.pct.toFixed(1).padStart(5)}%  ${a.selfMs.toFixed(0).padStart(6)} ms  ${a.name}`);
  lines.push('  top functions (self time):');
  for (const f of s.functions) lines.push(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`);
  lines.push('  native frames by first JavaScript caller (outside Node internals):');
  for (const n of s.nativeCallers) {
    lines.push(`    ${n.native} (${n.selfMs.toFixed(0)} ms):`);
    for (const c of n.callers) lines.push(`      ${c.selfMs.toFixed(0).padStart(6)} ms  ${c.name}  ${c.where}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx bench/cpu-profile.ts FILE.cpuprofile');
    process.exit(2);
  }
  console.log(formatSummary(file, summarize(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, 25)));
}
