/**
 * Starts the benchmark server as a child process and talks to it over IPC: the compiled
 * JavaScript when given (bench/compile.ts — what the benchmark uses, for an honest RSS), else
 * bench/server.ts through tsx (as test/support/process.ts starts Tender).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerReady, ServerStats } from './server.js';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ServerProcess {
  ready: ServerReady;
  pid: number;
  call<T>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

/**
 * The Node flags `npm start` runs Tender with (package.json `scripts.start`, e.g. the young
 * generation's size): the benchmark's Tender server runs with the same, the bare server without.
 */
export function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json start script does not start with node: ${pkg.scripts.start}`);
  return words.slice(1).filter((w) => w.startsWith('--'));
}

export async function startServer(env: Record<string, string>, compiled?: string, timeoutMs = 120_000): Promise<ServerProcess> {
  const tenderFlags = env.BENCH_SERVER === 'tender' ? startScriptNodeFlags() : [];
  // --expose-gc only lets the harness ask for a full GC between phases (retained-memory checks).
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...tenderFlags, ...(compiled ? [compiled] : ['--import', 'tsx', SERVER])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench server did not start in ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before it was ready`)));
    child.on('message', (raw) => {
      const m = raw as { ready?: ServerReady; id?: number; ok?: boolean; value?: unknown; error?: string };
      if (m.ready) {
        clearTimeout(timer);
        resolve(m.ready);
        return;
      }
      const p = m.id === undefined ? undefined : pending.get(m.id);
      if (!p) return;
      pending.delete(m.id!);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error ?? 'bench server command failed'));
    });
  });
  const call = <T>(cmd: string, args?: Record<string, unknown>) => new Promise<T>((resolve, reject) => {
    const id = ++seq;
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    child.send({ id, cmd, args });
  });
  return {
    ready,
    pid: child.pid!,
    call,
    stats: () => call<ServerStats>('stats'),
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
