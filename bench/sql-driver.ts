/**
 * The raw drivers the baselines use — `pg.Pool` and a `PGlite` instance, with no Tender code in
 * between but the transaction framing (below) — behind the two calls the baselines need,
 * counting statements and commits the same way Tender's `db.stats` does (BEGIN and COMMIT are
 * statements where they are sent: on PGlite).
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ImplicitTransaction } from '../src/store/pg-implicit-tx.js';
import type { FreshDatabase } from './databases.js';

export type Run = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

export interface SqlDriver {
  /** One statement outside a transaction (autocommit). */
  run: Run;
  /** One transaction on one connection (BEGIN … COMMIT on PGlite; statements and a Sync on PostgreSQL). */
  tx<T>(fn: (run: Run) => Promise<T>): Promise<T>;
  readonly stats: { statements: number; commits: number; autocommitWrites: number };
  close(): Promise<void>;
}

const WRITE = /^\s*(INSERT|UPDATE|DELETE)\b|FOR UPDATE\s*$/i;

export async function openDriver(database: FreshDatabase, poolSize = 10): Promise<SqlDriver> {
  const stats = { statements: 0, commits: 0, autocommitWrites: 0 };
  const autocommit = (sql: string) => {
    stats.statements++;
    // A lone SELECT … FOR UPDATE takes a row lock, gets a transaction id and commits like a write.
    if (WRITE.test(sql)) stats.autocommitWrites++;
  };
  if (database.engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: poolSize, application_name: 'tender-bench-baseline' });
    pool.on('error', () => {});
    return {
      stats,
      async run<R>(sql: string, params?: unknown[]) {
        autocommit(sql);
        return (await pool.query(sql, params)).rows as R[];
      },
      async tx<T>(fn: (run: Run) => Promise<T>): Promise<T> {
        // The same transaction framing as Tender's on PostgreSQL: no BEGIN and no COMMIT, the
        // statements run as one implicit transaction that a Sync commits (src/store/pg-implicit-tx.ts)
        // — the cheapest framing PostgreSQL offers, so the floor stays a floor.
        const client = await pool.connect();
        const itx = new ImplicitTransaction();
        void client.query(itx as never);
        try {
          const out = await fn(async <R>(sql: string, params?: unknown[]) => {
            stats.statements++;
            return (await itx.query(sql, params ?? [])).rows as R[];
          });
          await itx.commit();
          stats.commits++;
          return out;
        } catch (err) {
          await itx.rollback().catch(() => undefined);
          throw err;
        } finally {
          client.release(itx.connectionLost);
        }
      },
      close: () => pool.end(),
    };
  }
  const pglite = new PGlite({ dataDir: database.dataDir });
  await pglite.waitReady;
  return {
    stats,
    async run<R>(sql: string, params?: unknown[]) {
      autocommit(sql);
      return (await pglite.query<R>(sql, params)).rows;
    },
    async tx<T>(fn: (run: Run) => Promise<T>): Promise<T> {
      stats.statements += 2;
      const out = await pglite.transaction((t) => fn(async <R>(sql: string, params?: unknown[]) => {
        stats.statements++;
        return (await t.query<R>(sql, params)).rows;
      }));
      stats.commits++;
      return out;
    },
    close: () => pglite.close(),
  };
}
