/**
 * The measuring instrument: runs a unit of work at a fixed concurrency for a fixed time (or a
 * fixed count), and records per-unit latency, this process's CPU time, peak RSS (sampled every
 * 100 ms) and the whole machine's CPU (from /proc/stat, so a saturated 2-core box shows).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { PgCpu } from './pg-cpu.js';

export interface RunOptions {
  concurrency: number;
  /** Stop starting new units after this many seconds… */
  seconds: number;
  /** …or after this many units, when set (BENCH_FLOWS). */
  count?: number;
  /** Units run before the measured window (JIT, caches, pool connections). */
  warmup?: number;
  /** Called just before the measured window opens and just after it closes (counter snapshots). */
  onWindow?: (edge: 'start' | 'end') => void;
  /** PostgreSQL backends to charge for the window (bench/pg-cpu.ts); none on PGlite. */
  dbCpu?: PgCpu;
}

export interface RunResult {
  concurrency: number;
  /** Measured windows merged into this result (rounds interleaved with the baseline's). */
  rounds: number;
  units: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** This process's user+system CPU per unit (ms). */
  cpuMsPerUnit: number;
  /** Of cpuMsPerUnit, the kernel's part (system calls: sending and receiving statements). */
  systemCpuMsPerUnit: number;
  /** The PostgreSQL backends' CPU per unit (ms); NaN on PGlite (its work is in cpuMsPerUnit). */
  dbCpuMsPerUnit: number;
  peakRssMb: number;
  /** Whole-machine CPU busy over the window, in % of all cores. */
  machineBusyPct: number;
}

/** A run's raw samples, so that interleaved rounds can be merged exactly. */
export interface RawRun {
  concurrency: number;
  latencies: number[];
  seconds: number;
  cpuMs: number;
  systemCpuMs: number;
  dbCpuMs: number;
  peakRssMb: number;
  machineBusyPct: number;
}

export async function runLoad(opts: RunOptions, unit: (n: number) => Promise<void>): Promise<RunResult> {
  return summarizeRuns([await runLoadRaw(opts, unit)]);
}

export async function runLoadRaw(opts: RunOptions, unit: (n: number) => Promise<void>): Promise<RawRun> {
  let next = 0;
  const warmup = opts.warmup ?? Math.max(5, opts.concurrency * 2);
  await pool(opts.concurrency, () => (next < warmup ? next++ : undefined), unit);

  const latencies: number[] = [];
  opts.onWindow?.('start');
  await opts.dbCpu?.start();
  const rss = sampleRss();
  const machine = machineCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + opts.seconds * 1000;
  let started = 0;
  // A window shorter than a few rounds of the workers would measure the ramp, not the rate.
  const minUnits = opts.concurrency * 4;
  await pool(opts.concurrency, () => {
    const done = opts.count !== undefined ? started >= opts.count : performance.now() >= deadline && started >= minUnits;
    if (done) return undefined;
    started++;
    return next++;
  }, async (n) => {
    const s = performance.now();
    await unit(n);
    latencies.push(performance.now() - s);
  });
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  opts.onWindow?.('end');
  const dbCpuMs = opts.dbCpu ? await opts.dbCpu.stop() : Number.NaN;
  return {
    concurrency: opts.concurrency,
    latencies,
    seconds: elapsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
    systemCpuMs: cpu.system / 1000,
    dbCpuMs,
    peakRssMb: rss.stop(),
    machineBusyPct: machine(),
  };
}

/** One result from several measured windows: sums, maxima, and percentiles over all samples. */
export function summarizeRuns(runs: RawRun[]): RunResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const cpuMs = runs.reduce((a, r) => a + r.cpuMs, 0);
  return {
    concurrency: runs[0]?.concurrency ?? 0,
    rounds: runs.length,
    units: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    cpuMsPerUnit: cpuMs / Math.max(1, latencies.length),
    systemCpuMsPerUnit: runs.reduce((a, r) => a + r.systemCpuMs, 0) / Math.max(1, latencies.length),
    dbCpuMsPerUnit: runs.reduce((a, r) => a + r.dbCpuMs, 0) / Math.max(1, latencies.length),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    machineBusyPct: runs.reduce((a, r) => a + r.machineBusyPct * r.seconds, 0) / seconds,
  };
}

/** `concurrency` workers, each taking the next unit number until `take` answers undefined. */
async function pool(concurrency: number, take: () => number | undefined, unit: (n: number) => Promise<void>): Promise<void> {
  const workers = Array.from({ length: concurrency }, async () => {
    for (let n = take(); n !== undefined; n = take()) await unit(n);
  });
  await Promise.all(workers);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

/** Samples this process's RSS every 100 ms; `stop()` returns the peak in MB. */
export function sampleRss(read: () => number = () => process.memoryUsage.rss()): { stop(): number } {
  let peak = read();
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, 100);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, read());
      return peak / 1024 / 1024;
    },
  };
}

/** Another process's resident set, from /proc (bytes; 0 once it is gone). */
export function procRss(pid: number): number {
  return procStatusKb(pid, 'VmRSS') * 1024;
}

/** Another process's peak resident set since it started (VmHWM, MB). */
export function procPeakRssMb(pid: number): number {
  return procStatusKb(pid, 'VmHWM') / 1024;
}

function procStatusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Another process's CPU time so far (user+system, ms), from /proc/<pid>/stat. */
export function procCpuMs(pid: number): number {
  const t = procCpuTimes(pid);
  return t.userMs + t.systemMs;
}

/** A process's user and system (kernel) CPU so far, ms; zeros when /proc cannot tell. */
export function procCpuTimes(pid: number): { userMs: number; systemMs: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3; utime and stime are fields 14 and 15 (1-based).
    // USER_HZ is 100 on Linux.
    return { userMs: Number(fields[11]) * 10, systemMs: Number(fields[12]) * 10 };
  } catch {
    return { userMs: 0, systemMs: 0 };
  }
}

/** Starts a whole-machine CPU window; the function returns busy % over it (NaN off Linux). */
export function machineCpu(): () => number {
  const read = (): [number, number] | undefined => {
    try {
      const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
      const v = line.trim().split(/\s+/).slice(1).map(Number);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      const total = v.reduce((a, b) => a + b, 0);
      return [idle, total];
    } catch {
      return undefined;
    }
  };
  const a = read();
  return () => {
    const b = read();
    if (!a || !b || b[1] === a[1]) return Number.NaN;
    return 100 * (1 - (b[0] - a[0]) / (b[1] - a[1]));
  };
}
