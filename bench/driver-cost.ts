/**
 * What one statement costs this process through `pg`, before any of Tender's work: a trivial
 * `SELECT $1` run 3,000 times, one at a time and 16 in flight, through a raw `pg.Pool` (unnamed
 * and named prepared statements) and through Tender's `Db`. Prints wall time and Node CPU
 * (user + system) per statement. docs/benchmarks-history.md uses it for the floor under the Node CPU
 * target. `npx tsx bench/driver-cost.ts` (DATABASE_URL as for `npm run bench`).
 */
import pg from 'pg';
import { createPgDb } from '../src/store/pg-db.js';
import { pgBaseUrl } from './databases.js';

const url = pgBaseUrl();
const N = 3000;

async function measure(label: string, fn: (i: number) => Promise<unknown>, concurrency: number): Promise<void> {
  for (let i = 0; i < 200; i++) await fn(i); // warm-up: connections, JIT, prepared statements
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < N) await fn(next++);
  }));
  const cpu = process.cpuUsage(cpu0);
  const wallUs = ((performance.now() - t0) * 1000) / N;
  console.log(`${label.padEnd(32)} c=${String(concurrency).padEnd(2)}  ${wallUs.toFixed(1).padStart(6)} µs wall, ` +
    `${((cpu.user + cpu.system) / N).toFixed(1).padStart(6)} µs CPU (user ${(cpu.user / N).toFixed(1)} + system ${(cpu.system / N).toFixed(1)}) per statement`);
}

const pool = new pg.Pool({ connectionString: url, max: 10 });
const db = createPgDb({ connectionString: url, max: 10, listen: false });
try {
  for (const concurrency of [1, 16]) {
    await measure('pg, unnamed statement', (i) => pool.query('SELECT $1::int AS x', [i]), concurrency);
    await measure('pg, named prepared statement', (i) => pool.query({ name: 'driver_cost', text: 'SELECT $1::int AS x', values: [i] }), concurrency);
    await measure("Tender's Db", (i) => db.query('SELECT $1::int AS x', [i]), concurrency);
  }
} finally {
  await pool.end();
  await db.close();
}
