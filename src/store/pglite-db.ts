import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { Mutex } from 'async-mutex';
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
  const turns = fairTurns();
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
    query: (sql, params) => turns.run(async () => {
      stats.statements++;
      const res = await pglite.query(sql, params as unknown[] | undefined);
      return { rows: res.rows as never[], rowCount: rowCountOf(res) };
    }),
    transactionStatements: 2,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const retries = opts?.retries ?? 5;
      for (let attempt = 0; ; attempt++) {
        try {
          stats.statements += 2; // BEGIN, COMMIT
          // One turn for the whole transaction (an attempt): the retry's delay is outside it.
          const result = await turns.run(() => pglite.transaction(async (t) => {
            const hooks = new CommitHooks();
            const tx: Queryable = {
              async query(sql, params) {
                await turns.pause();
                stats.statements++;
                const res = await t.query(sql, params as unknown[] | undefined);
                return { rows: res.rows as never[], rowCount: rowCountOf(res) };
              },
              beforeCommit: (k, f) => hooks.add(k, f),
            };
            const out = await fn(tx);
            await hooks.run(tx);
            return out;
          }));
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
    exec: (sql) => turns.run(async () => {
      stats.statements++;
      await pglite.exec(sql);
    }),
    async close() {
      await changes.close();
      await pglite.close();
    },
  };
}

/** Uninterrupted database work after which the next statement first lets the event loop run. */
const SLICE_MS = 10;

/**
 * Turns at the database, first come first served, with the event loop given its share.
 *
 * PGlite runs each statement synchronously on this thread (WASM), and its own locks hand the
 * next waiting statement on in a microtask: under load one macrotask ran every waiting
 * request's statements back to back, 100–250 ms at 32 connections, and Node reached its I/O
 * phase only between such runs. Each visit there accepts one new connection (libuv), so a
 * client opening connections under load waited seconds for its first answer (up to 4.3 s;
 * docs/benchmarks-history.md, twelfth round). Here every standalone statement and every
 * transaction takes a turn in one FIFO queue (async-mutex), and a statement that would start
 * after SLICE_MS of database work without a break first yields to the event loop (I/O, timers)
 * while keeping its turn. PGlite serializes the same operations anyway, so the queue makes no
 * one wait who did not already, and a statement issued outside a transaction from inside one
 * deadlocks here exactly as it would in PGlite. No library schedules this (p-queue and the like
 * bound concurrency, not time on the thread).
 */
function fairTurns() {
  const queue = new Mutex();
  let sliceStart = 0;
  let inSlice = false;
  /** Starts a slice, or yields once the running one has lasted SLICE_MS. */
  const pause = async (): Promise<void> => {
    const now = performance.now();
    if (!inSlice) {
      inSlice = true;
      sliceStart = now;
      // The slice ends when the event loop next reaches its check phase: this runs before any
      // statement that yielded after it, so that statement starts a new slice.
      setImmediate(() => {
        inSlice = false;
      });
      return;
    }
    if (now - sliceStart >= SLICE_MS) await nextLoopTurn();
  };
  return {
    pause,
    run: <T>(fn: () => Promise<T>): Promise<T> => queue.runExclusive(async () => {
      await pause();
      return fn();
    }),
  };
}

/**
 * PGlite reports `affectedRows: 0` for a SELECT; pg's `rowCount` is the number of rows a SELECT
 * returned. Rows returned (SELECT, or a write with RETURNING) count first, so both drivers agree.
 */
function rowCountOf(res: { rows: unknown[]; affectedRows?: number }): number {
  return res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0);
}
