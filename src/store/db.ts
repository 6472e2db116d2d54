/**
 * The one small database interface Tender's store modules use, implemented for embedded PGlite
 * and for a real PostgreSQL pool. Store modules write plain parameterized SQL against it.
 *
 * Why plain SQL rather than a query builder: every money transition needs exact control over
 * `SELECT … FOR UPDATE`, statement count per request (see docs/benchmarks.md) and identical
 * behaviour on both engines; a thin interface over `pg` and PGlite gives that with no dialect
 * layer in between (kysely-pglite was measured to lose updates under concurrent transactions).
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * Inside a transaction: runs `fn` after the transaction's callback returns and before COMMIT,
   * in the same transaction (e.g. to write outbox rows once per transaction). Undefined outside
   * a transaction.
   */
  beforeCommit?: (key: string, fn: (tx: Queryable) => Promise<void>) => void;
  /**
   * Given to `beforeCommit` hooks where the Db can do it: makes `sql` the transaction's last
   * statement, written together with the commit, so that the two cost one round trip instead of
   * two (pg-implicit-tx.ts, `commitWith`). Its rows are not returned, and its error, if any, is
   * the commit's. A statement run after it sends it first, as an ordinary statement.
   */
  commitWith?: (sql: string, params: readonly unknown[]) => Promise<void>;
}

/** Collects `beforeCommit` hooks of one transaction (one per key, in registration order). */
export class CommitHooks {
  private readonly hooks = new Map<string, (tx: Queryable) => Promise<void>>();
  add(key: string, fn: (tx: Queryable) => Promise<void>): void {
    if (!this.hooks.has(key)) this.hooks.set(key, fn);
  }
  async run(tx: Queryable): Promise<void> {
    for (const fn of this.hooks.values()) await fn(tx);
  }
}

export type DbKind = 'pglite' | 'postgres';

export interface DbStats {
  statements: number;
  commits: number;
  rollbacks: number;
}

export interface TransactionOptions {
  /** Retries on serialization failure / deadlock (SQLSTATE 40001, 40P01). Default 5. */
  retries?: number;
  /**
   * Run as an explicit transaction block (BEGIN … COMMIT), for statements that need one — `SET
   * LOCAL`, `LOCK TABLE`, `SAVEPOINT`. On PostgreSQL transactions are otherwise implicit
   * (pg-implicit-tx.ts); PGlite's always are blocks.
   */
  block?: boolean;
}

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** Counters for benchmarks and tests; cheap enough to keep always on. */
  readonly stats: DbStats;
  /**
   * Runs `fn` in one transaction on one connection. The callback must use `tx`, never the `Db`
   * itself: on PGlite a standalone query waits for the open transaction, so using the outer
   * handle inside would deadlock; on PostgreSQL it would silently run outside the transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Statements a committed transaction costs beyond its own: BEGIN and COMMIT (2) on PGlite; 0 on
   * PostgreSQL, where a transaction is its statements and the Sync that ends them (pg-implicit-tx.ts).
   */
  readonly transactionStatements: number;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Notifications of changes other processes made (see change-feed.ts); starts on first use. */
  readonly changes: ChangeFeed;
  close(): Promise<void>;
}

/** The channel the triggers of migration 0011 notify on. */
export const CHANGES_CHANNEL = 'tender_changes';

/**
 * What triggers in the database announce (payloads such as `session:12`, `user:3`,
 * `app_token:5`; see migration 0011). Caches of rows that decide access (a login session still
 * live, an app token not revoked) serve an entry only while the feed is `live`, and drop
 * everything when it stops being live, since notifications may then have been missed.
 */
export interface ChangeFeed {
  /** True while a notification committed by any process reaches this one. */
  readonly live: boolean;
  /** Incremented by every notification and every loss of the feed: a value read from the
   *  database while it changed may be stale and is not cached. */
  readonly generation: number;
  /** Starts listening if not started yet; never rejects (a failed start retries in the background). */
  start(): void;
  /** `payload` is null when the feed was lost (every cached entry is suspect). */
  subscribe(fn: (payload: string | null) => void): () => void;
  /**
   * Tells this process's subscribers now about a change this process just committed (its own
   * notification arrives a moment later): the request after a logout already sees it.
   */
  announce(payload: string): void;
  /**
   * Resolves once every change committed before the call has been heard (a ping sent now came
   * back; notifications arrive in commit order), or at once when the feed is not live (nothing
   * is cached then). For code that changes such rows by hand and reads them back at once.
   */
  caughtUp(): Promise<void>;
}

const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableTxError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && RETRYABLE.has(code)) || isStalePlan(err);
}

/** A prepared statement whose tables changed shape since it was prepared (see pg-db.ts). */
export function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  if (e?.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint;
}

/** Small jittered pause between transaction retries so racing writers spread out. */
export function retryDelay(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
