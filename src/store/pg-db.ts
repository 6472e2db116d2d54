import pg from 'pg';
import type { Db, DbStats, Queryable, QueryResult, TransactionOptions } from './db.js';
import { CommitHooks, isRetryableTxError, retryDelay } from './db.js';

// int8 → bigint: amounts are bigint minor units and must never pass through a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => BigInt(v));
// numeric stays a string (exact); only used by reports.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => v);

export interface PgDbOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
}

export function createPgDb(options: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'tender',
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next checkout simply gets a fresh connection.
  pool.on('error', () => {});
  const stats: DbStats = { statements: 0, commits: 0, rollbacks: 0 };

  async function run<R>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    stats.statements++;
    const res = await client.query(sql, params as unknown[] | undefined);
    return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
  }

  return {
    kind: 'postgres',
    stats,
    query: (sql, params) => run(pool, sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const retries = opts?.retries ?? 5;
      for (let attempt = 0; ; attempt++) {
        const client = await pool.connect();
        let broken = false;
        try {
          await run(client, 'BEGIN');
          const hooks = new CommitHooks();
          const tx: Queryable = { query: (sql, params) => run(client, sql, params), beforeCommit: (k, f) => hooks.add(k, f) };
          const result = await fn(tx);
          await hooks.run(tx);
          await run(client, 'COMMIT');
          stats.commits++;
          return result;
        } catch (err) {
          try {
            await client.query('ROLLBACK');
            stats.rollbacks++;
          } catch {
            broken = true;
          }
          if (attempt < retries && isRetryableTxError(err)) {
            await retryDelay(attempt);
            continue;
          }
          throw err;
        } finally {
          client.release(broken);
        }
      }
    },
    async exec(sql) {
      stats.statements++;
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
