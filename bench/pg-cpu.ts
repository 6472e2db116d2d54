/**
 * CPU used by the PostgreSQL backends serving one database over a window, read from
 * /proc/<pid>/stat of each backend listed in pg_stat_activity (the server runs on this machine).
 * It shows where a 2-core machine's CPU goes: Node's share is measured by the harness itself.
 * Backends that exit during the window are not counted (pools keep theirs for 30 s).
 */
import pg from 'pg';
import { procCpuMs } from './measure.js';

export interface PgCpu {
  start(): Promise<void>;
  /** Backend CPU (ms) since start(). */
  stop(): Promise<number>;
  close(): Promise<void>;
}

export async function openPgCpu(url: string): Promise<PgCpu> {
  const client = new pg.Client({ connectionString: url, application_name: 'tender-bench-probe' });
  await client.connect();
  const pids = async () =>
    (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
  let before = new Map<number, number>();
  return {
    async start() {
      before = new Map((await pids()).map((p) => [p, procCpuMs(p)]));
    },
    async stop() {
      let total = 0;
      for (const p of await pids()) total += procCpuMs(p) - (before.get(p) ?? 0);
      return total;
    },
    close: () => client.end(),
  };
}
