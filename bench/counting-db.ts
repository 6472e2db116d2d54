/**
 * A pass-through `Db` that classifies every statement as it goes by, so that statement and
 * commit counts per flow are counted rather than guessed. The wrapped database's own `stats`
 * stay the authority for totals (the wrapper exposes them unchanged); this adds what `stats`
 * cannot tell: which component ran a statement (Tender or the simulated provider behind the
 * test gateway), and which statements outside a transaction wrote data — each of those is a
 * commit of its own (autocommit), paid like a COMMIT, yet `stats.commits` does not see it.
 */
import type { Db, Queryable, QueryResult, TransactionOptions } from '../src/store/db.js';

export type Component = 'tender' | 'gateway';

export interface Tally {
  /** Every statement sent, BEGIN and COMMIT included where they are sent (PGlite), as `db.stats` counts them. */
  statements: number;
  /** Explicit transactions committed. */
  commits: number;
  /** INSERT/UPDATE/DELETE sent outside a transaction: each one commits on its own. */
  autocommitWrites: number;
  /** Read-only statements sent outside a transaction. */
  autocommitReads: number;
  rollbacks: number;
}

export interface TraceEntry {
  component: Component;
  /** The transaction number (per CountingDb), or null for a statement outside one. */
  tx: number | null;
  sql: string;
}

export function emptyTally(): Tally {
  return { statements: 0, commits: 0, autocommitWrites: 0, autocommitReads: 0, rollbacks: 0 };
}

export function addTally(a: Tally, b: Tally): Tally {
  return {
    statements: a.statements + b.statements,
    commits: a.commits + b.commits,
    autocommitWrites: a.autocommitWrites + b.autocommitWrites,
    autocommitReads: a.autocommitReads + b.autocommitReads,
    rollbacks: a.rollbacks + b.rollbacks,
  };
}

export function subTally(a: Tally, b: Tally): Tally {
  return {
    statements: a.statements - b.statements,
    commits: a.commits - b.commits,
    autocommitWrites: a.autocommitWrites - b.autocommitWrites,
    autocommitReads: a.autocommitReads - b.autocommitReads,
    rollbacks: a.rollbacks - b.rollbacks,
  };
}

/** Durable commits: explicit COMMITs plus autocommitted writes (each flushes the WAL once). */
export function durableCommits(t: Tally): number {
  return t.commits + t.autocommitWrites;
}

/** A data-changing statement (a CTE that writes counts; `SELECT … FOR UPDATE` does not). */
export function isWrite(sql: string): boolean {
  const s = sql.trimStart();
  if (/^(INSERT|UPDATE|DELETE)\b/i.test(s)) return true;
  return /^WITH\b/i.test(s) && /\b(INSERT\s+INTO|UPDATE\s+\w+\s+(\w+\s+)?SET|DELETE\s+FROM)\b/i.test(s);
}

export interface Counter {
  readonly tallies: Record<Component, Tally>;
  /** When set, every statement is appended here (for the per-step listing of one flow). */
  trace: TraceEntry[] | null;
}

export function createCounter(): Counter {
  return { tallies: { tender: emptyTally(), gateway: emptyTally() }, trace: null };
}

export function snapshot(c: Counter): Record<Component, Tally> {
  return { tender: { ...c.tallies.tender }, gateway: { ...c.tallies.gateway } };
}

let txSeq = 0;

/**
 * Wraps `inner` for one component. Several wrappers may share one Counter (Tender's context and
 * the test gateway's each get their own view of the same database).
 */
export function countingDb(inner: Db, counter: Counter, component: Component): Db {
  const tally = () => counter.tallies[component];
  function note(sql: string, tx: number | null): void {
    tally().statements++;
    if (tx === null) {
      if (isWrite(sql)) tally().autocommitWrites++;
      else tally().autocommitReads++;
    }
    counter.trace?.push({ component, tx, sql: oneLine(sql) });
  }
  return {
    kind: inner.kind,
    stats: inner.stats,
    changes: inner.changes,
    transactionStatements: inner.transactionStatements,
    async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      note(sql, null);
      return inner.query<R>(sql, params);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
      const id = ++txSeq;
      try {
        const out = await inner.transaction(async (tx) => {
          // BEGIN and COMMIT are statements too where the database sends them (db.stats counts
          // both); on PostgreSQL a transaction has none (src/store/pg-implicit-tx.ts).
          tally().statements += inner.transactionStatements;
          if (inner.transactionStatements > 0) counter.trace?.push({ component, tx: id, sql: 'BEGIN' });
          const wrapped: Queryable = {
            async query<R>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
              note(sql, id);
              return tx.query<R>(sql, params);
            },
          };
          // beforeCommit hooks receive the inner tx: route them through the wrapper instead, with
          // its commitWith where the database gives one (the last statement, sent with the commit).
          if (tx.beforeCommit) {
            const inner = tx.beforeCommit;
            wrapped.beforeCommit = (key, hook) => inner(key, (t) => {
              const commitWith = t.commitWith;
              wrapped.commitWith = commitWith && ((sql, params) => {
                note(sql, id);
                return commitWith(sql, params);
              });
              return hook(wrapped);
            });
          }
          return fn(wrapped);
        }, options);
        tally().commits++;
        counter.trace?.push({ component, tx: id, sql: inner.transactionStatements > 0 ? 'COMMIT' : '(Sync: commit)' });
        return out;
      } catch (err) {
        tally().rollbacks++;
        throw err;
      }
    },
    exec: (sql) => inner.exec(sql),
    close: () => inner.close(),
  };
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
