import pg from 'pg';
import type { Db, DbStats, Queryable, QueryResult, TransactionOptions } from './db.js';
import { CHANGES_CHANNEL, CommitHooks, isRetryableTxError, isStalePlan, retryDelay } from './db.js';
import { createChangeFeed } from './change-feed.js';
import { ImplicitTransaction } from './pg-implicit-tx.js';
import { parseTimestamptz } from './timestamp-parser.js';

// int8 → bigint: amounts are bigint minor units and must never pass through a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => BigInt(v));
// numeric stays a string (exact); only used by reports.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => v);
// timestamptz: read by position (connections run in UTC, below); see timestamp-parser.ts.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, parseTimestamptz);

export interface PgDbOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** Named prepared statements (default true); see TenderConfig.dbPreparedStatements. */
  preparedStatements?: boolean;
  /** LISTEN for change notifications (default true); see TenderConfig.dbListen. */
  listen?: boolean;
}

/**
 * Parameterized statements run as named prepared statements: each connection parses and plans a
 * statement once and then only binds and executes it (the engine's statements are a fixed set;
 * docs/benchmarks-history.md measures what it saves on the server). Names come from the SQL text; past
 * a bound on distinct texts (dynamic SQL, e.g. multi-row INSERTs of rare sizes) statements run
 * unnamed, so no connection accumulates prepared statements without limit.
 */
const PREPARED_MAX = 2000;
const statementNames = new Map<string, string>();
function statementName(sql: string): string | undefined {
  const known = statementNames.get(sql);
  if (known !== undefined || statementNames.size >= PREPARED_MAX) return known;
  const name = `t${statementNames.size.toString(36)}`;
  statementNames.set(sql, name);
  return name;
}

function renameStatement(sql: string): void {
  statementNames.set(sql, `t${statementNames.size.toString(36)}_${Date.now().toString(36)}`);
}

/**
 * Checks a client out of the pool with an 'error' listener for as long as it is held. pg emits
 * 'error' on a client whose connection ends (a terminated backend, a server restart, a network
 * failure); a checked-out client has no other listener (the pool's is only on idle ones), so
 * without this one the process would die of an uncaught exception whenever the connection drops
 * between two statements of a transaction. The transaction fails anyway — its next statement
 * cannot be sent — and the client goes back to the pool marked broken, to be closed.
 */
async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; release(broken: boolean): void }> {
  const client = await pool.connect();
  let lost = false;
  const onError = () => {
    lost = true;
  };
  client.on('error', onError);
  return {
    client,
    release(broken) {
      client.removeListener('error', onError);
      client.release(broken || lost);
    },
  };
}

export function createPgDb(options: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'tender',
    idleTimeoutMillis: 30_000,
    // Timestamps are stored as instants; UTC output is the form parseTimestamptz reads fastest.
    // Generic plans: a prepared statement is planned once per connection. Left to itself,
    // PostgreSQL re-plans a statement on every execution when its plan for the actual values
    // looks cheaper than the generic one — e.g. `$3::int IS NULL OR …` folds away — which the
    // engine's statements (key lookups, all of them) never gain from; measured on the webhook
    // phase in docs/benchmarks-history.md (third round).
    // A status list a partial index depends on is written into the SQL, not bound
    // (OPEN_SESSION_STATUSES_SQL), so the planner can still prove the index's predicate.
    options: '-c TimeZone=UTC -c plan_cache_mode=force_generic_plan',
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next checkout simply gets a fresh connection.
  pool.on('error', () => {});
  const stats: DbStats = { statements: 0, commits: 0, rollbacks: 0 };
  const prepared = options.preparedStatements ?? true;

  /** Runs one statement on the pool, or inside `itx` (see pg-implicit-tx.ts). */
  async function run<R>(on: pg.Pool | ImplicitTransaction, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    stats.statements++;
    const name = prepared && params && params.length > 0 ? statementName(sql) : undefined;
    try {
      const res = on instanceof ImplicitTransaction
        ? await on.query(sql, params ?? [], name)
        : name
          ? await single(on, sql, params ?? [], name)
          : await on.query(sql, params as unknown[] | undefined);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    } catch (err) {
      if (name === undefined || !isStalePlan(err)) throw err;
      // A migration changed a table under a prepared statement (e.g. another process upgraded
      // the schema): every connection prepares it again under a new name. Outside a transaction
      // the statement is simply re-run; inside one the error aborted it, and Db.transaction
      // retries the whole transaction.
      renameStatement(sql);
      if (on instanceof pg.Pool) return run(on, sql, params);
      throw err;
    }
  }

  /** The transaction's last statement, sent with its commit (pg-implicit-tx.ts). */
  async function commitWith(itx: ImplicitTransaction, sql: string, params: readonly unknown[]): Promise<void> {
    stats.statements++;
    const name = prepared && params.length > 0 ? statementName(sql) : undefined;
    try {
      await itx.commitWith(sql, params, name);
    } catch (err) {
      // As in run(): prepared again under a new name when Db.transaction retries.
      if (name !== undefined && isStalePlan(err)) renameStatement(sql);
      throw err;
    }
  }

  /**
   * A named statement outside a transaction: pg's Query would send Describe every time; the
   * implicit transaction's single statement skips it once the connection knows the statement's
   * columns (pg-implicit-tx.ts), and commits with the same one round trip.
   */
  async function single(on: pg.Pool, sql: string, params: readonly unknown[], name: string) {
    const held = await checkout(on);
    const itx = new ImplicitTransaction();
    void held.client.query(itx as never);
    try {
      return await itx.single(sql, params, name);
    } finally {
      held.release(itx.connectionLost);
    }
  }

  // One connection outside the pool LISTENs for the changes other processes commit.
  const changes = createChangeFeed({
    disabled: options.listen === false,
    async connect(handlers) {
      const client = new pg.Client({ connectionString: options.connectionString, application_name: `${options.applicationName ?? 'tender'}:listen`, keepAlive: true });
      client.on('notification', (m) => handlers.notify(m.payload ?? ''));
      client.on('error', () => handlers.lost());
      client.on('end', () => handlers.lost());
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      }
      return { close: () => client.end() };
    },
    async ping(payload) {
      await pool.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
    },
  });

  return {
    kind: 'postgres',
    stats,
    changes,
    query: (sql, params) => run(pool, sql, params),
    transactionStatements: 0,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T> {
      const retries = opts?.retries ?? 5;
      for (let attempt = 0; ; attempt++) {
        const held = await checkout(pool);
        const client = held.client;
        // No BEGIN and no COMMIT: the statements run as one implicit transaction that the final
        // Sync commits (pg-implicit-tx.ts).
        const itx = new ImplicitTransaction();
        void client.query(itx as never);
        let broken = false;
        try {
          if (opts?.block) {
            stats.statements += 2; // BEGIN, and COMMIT
            await itx.begin();
          }
          const hooks = new CommitHooks();
          const tx: Queryable = { query: (sql, params) => run(itx, sql, params), beforeCommit: (k, f) => hooks.add(k, f) };
          const result = await fn(tx);
          // The hooks' last statement waits, to go with the commit (Queryable.commitWith).
          let last: { sql: string; params: readonly unknown[] } | undefined;
          const sendLast = async () => {
            if (!last) return;
            const { sql, params } = last;
            last = undefined;
            await run(itx, sql, params);
          };
          // The hooks get `tx` itself (what a transaction holds is keyed by it), from now on
          // with commitWith.
          tx.query = async <R>(sql: string, params?: readonly unknown[]) => {
            await sendLast();
            return run<R>(itx, sql, params);
          };
          tx.commitWith = async (sql, params) => {
            await sendLast();
            last = { sql, params };
          };
          await hooks.run(tx);
          if (last) await commitWith(itx, last.sql, last.params);
          else await itx.commit();
          stats.commits++;
          return result;
        } catch (err) {
          try {
            if (!itx.aborted) stats.statements += opts?.block ? 1 : 2; // (BEGIN and) ROLLBACK (pg-implicit-tx.ts)
            await itx.rollback();
            if (opts?.block && itx.aborted && !itx.connectionLost) {
              // An error leaves an explicit block open (and failed) past the Sync: end it here.
              stats.statements++;
              await client.query('ROLLBACK');
            }
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
          held.release(broken || itx.connectionLost);
        }
      }
    },
    async exec(sql) {
      stats.statements++;
      await pool.query(sql);
    },
    async close() {
      await changes.close();
      await pool.end();
    },
  };
}
