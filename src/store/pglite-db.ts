import { PGlite, types } from '@electric-sql/pglite';
import type { Db, DbStats, Queryable, TransactionOptions } from './db.js';
import { CHANGES_CHANNEL, CommitHooks, isRetryableTxError, retryDelay } from './db.js';
import { createChangeFeed } from './change-feed.js';
import { parseTimestamptz } from './timestamp-parser.js';

export interface PgliteDbOptions {
  /** Directory for the data files; `undefined` keeps the database in memory. */
  dataDir?: string;
}

/**
 * Embedded PostgreSQL (WASM). PGlite runs one statement at a time per process and its own
 * `transaction()` holds an exclusive lock, so a standalone `query()` waits for an open
 * transaction instead of slipping into it: transactions are serialized, which gives the same
 * results as row locks on a real server.
 */
export async function createPgliteDb(options: PgliteDbOptions): Promise<Db> {
  const pglite = new PGlite({
    dataDir: options.dataDir,
    parsers: {
      [types.INT8]: (v: string) => BigInt(v),
      [types.NUMERIC]: (v: string) => v,
      [types.TIMESTAMPTZ]: parseTimestamptz,
    },
  });
  await pglite.waitReady;
  const stats: DbStats = { statements: 0, commits: 0, rollbacks: 0 };
  // PGlite has one writer, this process; the feed keeps the caches' code the same on both
  // engines, and the triggers of migration 0011 notify here as on a server.
  const changes = createChangeFeed({
    async connect(handlers) {
      const unsubscribe = await pglite.listen(CHANGES_CHANNEL, handlers.notify);
      return { close: () => unsubscribe() };
    },
    async ping(payload) {
      await pglite.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
    },
  });

  return {
    kind: 'pglite',
    stats,
    changes,
    async query(sql, params) {
      stats.statements++;
      const res = await pglite.query(sql, params as unknown[] | undefined);
      return { rows: res.rows as never[], rowCount: rowCountOf(res) };
    },
    transactionStatements: 2,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const retries = opts?.retries ?? 5;
      for (let attempt = 0; ; attempt++) {
        try {
          stats.statements += 2; // BEGIN, COMMIT
          const result = await pglite.transaction(async (t) => {
            const hooks = new CommitHooks();
            const tx: Queryable = {
              async query(sql, params) {
                stats.statements++;
                const res = await t.query(sql, params as unknown[] | undefined);
                return { rows: res.rows as never[], rowCount: rowCountOf(res) };
              },
              beforeCommit: (k, f) => hooks.add(k, f),
            };
            const out = await fn(tx);
            await hooks.run(tx);
            return out;
          });
          stats.commits++;
          return result;
        } catch (err) {
          stats.rollbacks++;
          if (attempt < retries && isRetryableTxError(err)) {
            await retryDelay(attempt);
            continue;
          }
          throw err;
        }
      }
    },
    async exec(sql) {
      stats.statements++;
      await pglite.exec(sql);
    },
    async close() {
      await changes.close();
      await pglite.close();
    },
  };
}

/**
 * PGlite reports `affectedRows: 0` for a SELECT; pg's `rowCount` is the number of rows a SELECT
 * returned. Rows returned (SELECT, or a write with RETURNING) count first, so both drivers agree.
 */
function rowCountOf(res: { rows: unknown[]; affectedRows?: number }): number {
  return res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0);
}
