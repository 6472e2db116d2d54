import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../src/store/db.js';
import { createPgDb } from '../../src/store/pg-db.js';
import { ImplicitTransaction } from '../../src/store/pg-implicit-tx.js';
import { createTestDatabase, usePostgres, type TestDatabase } from '../support/database.js';

// On PostgreSQL a transaction is its statements and one Sync, without BEGIN and COMMIT
// (src/store/pg-implicit-tx.ts). These check that it is still a transaction in every respect the
// engine relies on: atomic, isolated until commit, locks held to the end, rolled back on any
// failure, retried on deadlock, and the connection fit for reuse afterwards.
describe.skipIf(!usePostgres)('transactions without BEGIN and COMMIT on PostgreSQL (skipped: needs DATABASE_URL)', () => {
  let database: TestDatabase;
  /** One connection: every transaction reuses the one before it's connection. */
  let one: Db;
  /** Another process's view. */
  let other: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    one = createPgDb({ connectionString: database.databaseUrl!, max: 1 });
    other = createPgDb({ connectionString: database.databaseUrl!, max: 4 });
    await other.exec(`CREATE TABLE itx (id int PRIMARY KEY, v text NOT NULL);
      CREATE TABLE itx_deferred (id int, CONSTRAINT itx_deferred_unique UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)`);
  });
  afterAll(async () => {
    await one?.close();
    await other?.close();
    await database?.drop();
  });

  const count = async (db: Db, table = 'itx') => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const reset = () => other.exec('TRUNCATE itx, itx_deferred');
  /** A client of its own whose notices (the server's WARNINGs) are collected. */
  const withNotices = async (fn: (client: pg.Client, notices: string[]) => Promise<void>) => {
    const client = new pg.Client({ connectionString: database.databaseUrl! });
    await client.connect();
    const notices: string[] = [];
    client.on('notice', (n) => notices.push(n.message ?? ''));
    try {
      await fn(client, notices);
    } finally {
      await client.end();
    }
  };

  it('sends no BEGIN or COMMIT: a transaction of three statements is three statements and one commit', async () => {
    await reset();
    const before = { ...one.stats };
    await one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [2, 'b']);
      await tx.query('SELECT * FROM itx WHERE id = $1', [1]);
    });
    expect(one.stats.statements - before.statements).toBe(3);
    expect(one.stats.commits - before.commits).toBe(1);
    expect(one.transactionStatements).toBe(0);
    expect(await count(other)).toBe(2);
  });

  it('is invisible to other connections until it commits, and sees what others commit meanwhile (READ COMMITTED)', async () => {
    await reset();
    await one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'mine']);
      expect(await count(other)).toBe(0);
      await other.query('INSERT INTO itx VALUES ($1, $2)', [2, 'theirs']);
      // A later statement takes a new snapshot; now() stays the transaction's start.
      const { rows } = await tx.query<{ n: number; t0: Date; t1: Date }>(
        'SELECT count(*)::int AS n, now() AS t0, statement_timestamp() AS t1 FROM itx WHERE v <> $1', ['']);
      expect(rows[0]!.n).toBe(2);
      const again = await tx.query<{ t0: Date }>('SELECT now() AS t0 WHERE $1::int = 1', [1]);
      expect(again.rows[0]!.t0.getTime()).toBe(rows[0]!.t0.getTime());
      expect(await count(other)).toBe(1);
    });
    expect(await count(other)).toBe(2);
  });

  it('holds its row locks from the statement that took them until it commits', async () => {
    await reset();
    await other.query('INSERT INTO itx VALUES ($1, $2)', [1, 'x']);
    await one.transaction(async (tx) => {
      await tx.query('SELECT * FROM itx WHERE id = $1 FOR UPDATE', [1]);
      await expect(other.query('SELECT * FROM itx WHERE id = $1 FOR UPDATE NOWAIT', [1])).rejects.toMatchObject({ code: '55P03' });
      await tx.query('UPDATE itx SET v = $2 WHERE id = $1', [1, 'y']);
      await expect(other.query('SELECT * FROM itx WHERE id = $1 FOR UPDATE NOWAIT', [1])).rejects.toMatchObject({ code: '55P03' });
    });
    const { rows } = await other.query<{ v: string }>('SELECT v FROM itx WHERE id = $1 FOR UPDATE NOWAIT', [1]);
    expect(rows[0]!.v).toBe('y');
  });

  it('rolls back everything when the callback throws, and the connection serves the next transaction', async () => {
    await reset();
    const before = { ...one.stats };
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      await tx.query('SELECT * FROM itx WHERE id = $1 FOR UPDATE', [1]);
      throw new Error('refused by the domain');
    })).rejects.toThrow('refused by the domain');
    expect(await count(other)).toBe(0);
    // Its lock went with it.
    await other.query('INSERT INTO itx VALUES ($1, $2)', [1, 'b']);
    await other.query('SELECT * FROM itx WHERE id = $1 FOR UPDATE NOWAIT', [1]);
    expect(one.stats.rollbacks - before.rollbacks).toBe(1);
    expect(one.stats.statements - before.statements).toBe(4); // two, then BEGIN and ROLLBACK
    await one.transaction((tx) => tx.query('INSERT INTO itx VALUES ($1, $2)', [2, 'c']));
    expect(await count(other)).toBe(2);
  });

  it('after a failed statement refuses every later one, and never commits, even when the callback swallowed the error', async () => {
    await reset();
    let later: unknown;
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      await tx.query('SELECT 1 / $1::int', [0]).catch(() => {});
      later = await tx.query('INSERT INTO itx VALUES ($1, $2)', [2, 'b']).catch((err: unknown) => err);
      return 'the callback carried on';
    }, { retries: 0 })).rejects.toMatchObject({ code: '22012' });
    expect(later).toMatchObject({ code: '25P02' });
    expect(await count(other)).toBe(0);
    // The connection is ready again: the Sync after the error ended the aborted transaction.
    await one.transaction((tx) => tx.query('INSERT INTO itx VALUES ($1, $2)', [3, 'c']));
    expect(await count(other)).toBe(1);
  });

  it('reports an error found at commit (a deferred constraint) and commits nothing', async () => {
    await reset();
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      await tx.query('INSERT INTO itx_deferred VALUES ($1)', [7]);
      await tx.query('INSERT INTO itx_deferred VALUES ($1)', [7]);
    })).rejects.toMatchObject({ code: '23505', constraint: 'itx_deferred_unique' });
    expect(await count(other)).toBe(0);
    expect(await count(other, 'itx_deferred')).toBe(0);
    await one.transaction((tx) => tx.query('INSERT INTO itx VALUES ($1, $2)', [2, 'b']));
    expect(await count(other)).toBe(1);
  });

  it('fails only the statement whose parameter pg cannot send; the transaction goes on', async () => {
    await reset();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      await expect(tx.query('INSERT INTO itx VALUES ($1, $2)', [2, circular])).rejects.toThrow();
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [3, 'c']);
    });
    expect((await other.query<{ id: number }>('SELECT id FROM itx ORDER BY id')).rows.map((r) => r.id)).toEqual([1, 3]);
  });

  it('runs statements issued together one after another, in call order', async () => {
    await reset();
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    const results = await one.transaction((tx) => Promise.all(ids.map((id) =>
      tx.query<{ n: number }>('WITH i AS (INSERT INTO itx VALUES ($1, $2)) SELECT count(*)::int AS n FROM itx', [id, 'p']))));
    // Each statement saw every row inserted before it, and none after.
    expect(results.map((r) => r.rows[0]!.n)).toEqual(ids.map((id) => id - 1));
    expect(await count(other)).toBe(20);
  });

  it('retries a transaction that lost a deadlock, and both complete', async () => {
    await reset();
    await other.query('INSERT INTO itx VALUES (1, $1), (2, $1)', ['x']);
    const two = createPgDb({ connectionString: database.databaseUrl!, max: 2 });
    try {
      let attempts = 0;
      const gate = { a: false, b: false };
      const waitFor = async (k: 'a' | 'b') => {
        for (let i = 0; i < 200 && !gate[k]; i++) await new Promise((r) => setTimeout(r, 5));
      };
      const lockBoth = (first: number, second: number, mine: 'a' | 'b', theirs: 'a' | 'b') => two.transaction(async (tx) => {
        attempts++;
        await tx.query('UPDATE itx SET v = v || $2 WHERE id = $1', [first, mine]);
        gate[mine] = true;
        await waitFor(theirs);
        await tx.query('UPDATE itx SET v = v || $2 WHERE id = $1', [second, mine]);
      });
      await Promise.all([lockBoth(1, 2, 'a', 'b'), lockBoth(2, 1, 'b', 'a')]);
      expect(attempts).toBe(3);
      const { rows } = await other.query<{ v: string }>('SELECT v FROM itx ORDER BY id');
      for (const r of rows) expect([...r.v].sort().join('')).toBe('abx');
    } finally {
      await two.close();
    }
  });

  /** Ends the connection `q` runs on, from another connection. */
  const terminate = async (q: Queryable) => {
    const { rows } = await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid WHERE $1::int = 1', [1]);
    await other.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
  };
  /** A transaction whose connection is terminated after its first statement, `pauseMs` before its second. */
  const killedMidTransaction = (pauseMs: number) => expect(one.transaction(async (tx) => {
    await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
    await terminate(tx);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await tx.query('INSERT INTO itx VALUES ($1, $2)', [2, 'b']);
  }, { retries: 0 })).rejects.toThrow();

  it('rolls back when its connection dies mid-transaction, and the pool hands out a working one next', async () => {
    await reset();
    await killedMidTransaction(0);
    expect(await count(other)).toBe(0);
    await one.transaction((tx) => tx.query('INSERT INTO itx VALUES ($1, $2)', [3, 'c']));
    expect(await count(other)).toBe(1);
  });

  it('survives its connection ending between two statements: the transaction fails, the process does not (no uncaught error)', async () => {
    await reset();
    // No statement in flight while the server closes the connection: pg emits 'error' on the
    // client, which only the Db's own listener catches (an uncaught error fails this run).
    await killedMidTransaction(300);
    expect(await count(other)).toBe(0);
    // The same outside a transaction: the pool's idle client died; the next statement gets a live one.
    await terminate(one);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await one.transaction((tx) => tx.query('INSERT INTO itx VALUES ($1, $2)', [3, 'c']));
    expect(await count(other)).toBe(1);
  });

  it('rolls back without a WARNING in the server log (BEGIN, then ROLLBACK), where a bare ROLLBACK leaves one', async () => {
    await reset();
    await withNotices(async (client, notices) => {
      const itx = new ImplicitTransaction();
      void client.query(itx as never);
      await itx.query('INSERT INTO itx VALUES ($1, $2)', [9, 'z']);
      await itx.rollback();
      expect(notices).toEqual([]);
      expect(await count(other)).toBe(0);
      // What BEGIN avoids: ROLLBACK alone in such a transaction warns (and still rolls back).
      await client.query('INSERT INTO itx VALUES ($1, $2)', [9, 'z']);
      const bare = new ImplicitTransaction();
      void client.query(bare as never);
      await bare.query('INSERT INTO itx VALUES ($1, $2)', [10, 'z']);
      await bare.query('ROLLBACK', []);
      await bare.commit();
      expect(notices).toEqual(['there is no transaction in progress']);
      expect((await other.query<{ id: number }>('SELECT id FROM itx')).rows).toEqual([{ id: 9 }]);
      // An empty transaction commits, and the client is free again afterwards.
      const empty = new ImplicitTransaction();
      void client.query(empty as never);
      await empty.commit();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  });

  it('runs as an explicit block when asked (SET LOCAL works there, and only there, without a WARNING)', async () => {
    await reset();
    const setting = "SELECT current_setting('lock_timeout') AS v WHERE $1::int = 1";
    const inBlock = await one.transaction(async (tx) => {
      await tx.query("SET LOCAL lock_timeout = '1234ms'");
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      return (await tx.query<{ v: string }>(setting, [1])).rows[0]!.v;
    }, { block: true });
    expect(inBlock).toBe('1234ms');
    expect((await one.transaction((tx) => tx.query<{ v: string }>(setting, [1]))).rows[0]!.v).toBe('0');
    expect(await count(other)).toBe(1);

    await withNotices(async (client, notices) => {
      const block = new ImplicitTransaction();
      void client.query(block as never);
      await block.begin();
      await block.query("SET LOCAL lock_timeout = '2s'", []);
      await block.commit();
      expect(notices).toEqual([]);
      const implicit = new ImplicitTransaction();
      void client.query(implicit as never);
      await implicit.query("SET LOCAL lock_timeout = '2s'", []);
      await implicit.commit();
      expect(notices).toEqual(['SET LOCAL can only be used in transaction blocks']);
    });
  });

  it('rolls an explicit block back after a failed statement or a throw, and the connection is not left inside it', async () => {
    await reset();
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      await tx.query('SELECT 1 / $1::int', [0]);
    }, { block: true, retries: 0 })).rejects.toMatchObject({ code: '22012' });
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [2, 'b']);
      throw new Error('refused');
    }, { block: true })).rejects.toThrow('refused');
    expect(await count(other)).toBe(0);
    // The one connection is outside any transaction again: an implicit transaction commits.
    await one.transaction((tx) => tx.query('INSERT INTO itx VALUES ($1, $2)', [3, 'c']));
    expect(await count(other)).toBe(1);
    const { rows } = await one.query<{ s: string }>("SELECT state AS s FROM pg_stat_activity WHERE pid = pg_backend_pid() AND $1::int = 1", [1]);
    expect(rows[0]!.s).toBe('active');
  });

  it('gives commit hooks the transaction itself, not a copy (the engine keys what a transaction holds by it)', async () => {
    let same: boolean | undefined;
    await one.transaction(async (tx) => {
      tx.beforeCommit!('identity', async (t) => { same = t === tx; });
    });
    expect(same).toBe(true);
  });

  it("writes the last statement and the commit together: one round trip where a statement and a bare Sync take two", async () => {
    await reset();
    await withNotices(async (client) => {
      // Every uncork of pg's connection is one write to the socket: count those.
      const stream = (client as unknown as { connection: { stream: { _writev?: unknown; _write: unknown } } }).connection.stream;
      let writes = 0;
      for (const m of ['_writev', '_write'] as const) {
        const original = stream[m] as ((...a: unknown[]) => unknown) | undefined;
        if (original) stream[m] = function (this: unknown, ...a: unknown[]) { writes++; return original.apply(this, a); };
      }
      const run = async (finish: (itx: ImplicitTransaction, id: number) => Promise<unknown>, id: number) => {
        const itx = new ImplicitTransaction();
        void client.query(itx as never);
        await itx.query('INSERT INTO itx VALUES ($1, $2)', [id, 'first']);
        const before = writes;
        await finish(itx, id + 1);
        return writes - before;
      };
      expect(await run(async (itx, id) => { await itx.query('INSERT INTO itx VALUES ($1, $2)', [id, 'last']); await itx.commit(); }, 1)).toBe(2);
      expect(await run((itx, id) => itx.commitWith('INSERT INTO itx VALUES ($1, $2)', [id, 'last']), 3)).toBe(1);
    });
    expect((await other.query<{ id: number }>('SELECT id FROM itx ORDER BY id')).rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
  });

  it("commits a hook's last statement with the transaction, sends it first when another statement follows, and rolls all back when it fails", async () => {
    await reset();
    const before = { ...one.stats };
    await one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
      tx.beforeCommit!('last', async (t) => {
        expect(t.commitWith).toBeDefined();
        await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [2, 'b']);
      });
    });
    expect(one.stats.statements - before.statements).toBe(2);
    expect(one.stats.commits - before.commits).toBe(1);
    expect(await count(other)).toBe(2);

    // A statement after it: the waiting one runs first, in order, inside the transaction.
    const seen = await one.transaction(async (tx) => {
      let n = -1;
      tx.beforeCommit!('first', async (t) => { await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [3, 'c']); });
      tx.beforeCommit!('second', async (t) => {
        n = (await t.query<{ n: number }>('SELECT count(*)::int AS n FROM itx WHERE id > $1', [0])).rows[0]!.n;
        await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [4, 'd']);
      });
      return () => n;
    });
    expect(seen()).toBe(3);
    expect(await count(other)).toBe(4);

    // The last statement fails (a duplicate key): nothing of the transaction commits.
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [5, 'e']);
      tx.beforeCommit!('last', async (t) => { await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [1, 'again']); });
    })).rejects.toMatchObject({ code: '23505' });
    // Or pg cannot send its value: refused before it reaches the server, the same.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx VALUES ($1, $2)', [6, 'f']);
      tx.beforeCommit!('last', async (t) => { await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [7, circular]); });
    })).rejects.toThrow();
    // An error found at commit (a deferred constraint) with the last statement: the same.
    await expect(one.transaction(async (tx) => {
      await tx.query('INSERT INTO itx_deferred VALUES ($1)', [8]);
      tx.beforeCommit!('last', async (t) => { await t.commitWith!('INSERT INTO itx_deferred VALUES ($1)', [8]); });
    })).rejects.toMatchObject({ code: '23505', constraint: 'itx_deferred_unique' });
    expect(await count(other)).toBe(4);
    expect(await count(other, 'itx_deferred')).toBe(0);
    // The one connection serves the next transaction.
    await one.transaction(async (tx) => {
      tx.beforeCommit!('last', async (t) => { await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [9, 'i']); });
    });
    expect(await count(other)).toBe(5);

    // In an explicit block: the statement, then COMMIT.
    await one.transaction(async (tx) => {
      await tx.query("SET LOCAL lock_timeout = '1s'");
      tx.beforeCommit!('last', async (t) => { await t.commitWith!('INSERT INTO itx VALUES ($1, $2)', [10, 'j']); });
    }, { block: true });
    expect(await count(other)).toBe(6);
    const { rows } = await one.query<{ s: string }>("SELECT state AS s FROM pg_stat_activity WHERE pid = pg_backend_pid() AND $1::int = 1", [1]);
    expect(rows[0]!.s).toBe('active');
  });

  it('prepares a statement once per connection across transactions', async () => {
    await reset();
    const sql = 'SELECT count(*)::int AS n FROM itx WHERE id > $1';
    for (let i = 0; i < 3; i++) await one.transaction((tx) => tx.query(sql, [0]));
    const { rows } = await one.transaction((tx) => tx.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1', [sql]));
    expect(rows[0]!.n).toBe(1);
  });

  it("asks for a statement's columns once per connection: later runs skip Describe and still read typed rows", async () => {
    await reset();
    await other.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
    await withNotices(async (client) => {
      let descriptions = 0;
      (client as unknown as { connection: { on(e: string, f: () => void): void } }).connection.on('rowDescription', () => { descriptions++; });
      const sql = "SELECT id, v, 9007199254740993::int8 AS big, '2026-01-02 03:04:05.678+00'::timestamptz AS at, NULL::text AS nothing FROM itx WHERE id = $1";
      const read = async () => {
        const itx = new ImplicitTransaction();
        void client.query(itx as never);
        const r = await itx.query(sql, [1], 'itx_described');
        await itx.commit();
        return r;
      };
      const first = await read();
      const second = await read();
      // The same statement outside a transaction (one round trip, statement and Sync together).
      const single = new ImplicitTransaction();
      void client.query(single as never);
      const third = await single.single(sql, [1], 'itx_described');
      expect(descriptions).toBe(1);
      for (const r of [first, second, third]) {
        expect(r.rows).toEqual([{ id: 1, v: 'a', big: 9007199254740993n, at: new Date('2026-01-02T03:04:05.678Z'), nothing: null }]);
      }
      // A statement that returns no rows (NoData) is remembered too, and still counts its rows.
      const insert = async (id: number) => {
        const itx = new ImplicitTransaction();
        void client.query(itx as never);
        const r = await itx.single('INSERT INTO itx VALUES ($1, $2)', [id, 'x'], 'itx_insert');
        return r.rowCount;
      };
      expect([await insert(2), await insert(3)]).toEqual([1, 1]);
      expect(descriptions).toBe(1);
    });
  });

  it('runs a statement outside a transaction in one round trip; an error or an unsendable value fails it alone', async () => {
    await reset();
    const before = { ...one.stats };
    await one.query('INSERT INTO itx VALUES ($1, $2)', [1, 'a']);
    // The pool has one connection: a query left unfinished on it would hang every later one.
    await expect(one.query('INSERT INTO itx VALUES ($1, $2)', [1, 'again'])).rejects.toMatchObject({ code: '23505' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(one.query('INSERT INTO itx VALUES ($1, $2)', [2, circular])).rejects.toThrow();
    expect((await one.query<{ id: number; v: string }>('SELECT id, v FROM itx WHERE id > $1 ORDER BY id', [0])).rows).toEqual([{ id: 1, v: 'a' }]);
    expect(one.stats.statements - before.statements).toBe(4);
    expect(await count(other)).toBe(1);
  });

  it('fails a statement outside a transaction whose row a type parser refuses, and the connection answers the next ones in order', async () => {
    // pg's type parsers are global; one that throws, on a type Tender never reads (circle).
    const CIRCLE = pg.types.builtins.CIRCLE;
    const original = pg.types.getTypeParser(CIRCLE, 'text');
    pg.types.setTypeParser(CIRCLE, () => { throw new Error('refused by the parser'); });
    try {
      await expect(one.query('SELECT $1::circle AS c', ['<(1,2),3>'])).rejects.toThrow('refused by the parser');
    } finally {
      pg.types.setTypeParser(CIRCLE, original);
    }
    // The pool has one connection: a stray Sync answer would hand a later query an early, empty
    // result, or leave it waiting.
    for (let i = 1; i <= 3; i++) {
      expect((await one.query<{ n: number }>('SELECT $1::int AS n', [i])).rows).toEqual([{ n: i }]);
    }
  });
});
