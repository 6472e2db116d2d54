/**
 * Starts the benchmark server as a child process and talks to it over IPC: the compiled
 * JavaScript when given (bench/compile.ts — what the benchmark uses, for an honest RSS), else
 * bench/server.ts through tsx (as test/support/process.ts starts Tender).
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

export async function startServer(env: Record<string, string>, compiled?: string, timeoutMs = 120_000): Promise<ServerProcess> {
  // --expose-gc only lets the harness ask for a full GC between phases (retained-memory checks).
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...(compiled ? [compiled] : ['--import', 'tsx', SERVER])], {
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
