/**
 * PGlite runs statements on the server's own thread. Queued statements must not hold it for
 * longer than a slice: Node has to get back to its I/O (new connections, requests, responses)
 * while requests queue at the database (src/store/pglite-db.ts, `fairTurns`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDb } from '../../src/store/pglite-db.js';
import type { Db } from '../../src/store/db.js';

const SQL = 'SELECT count(*)::int AS n FROM generate_series(1, 20000)';

describe('PGlite: the event loop runs while statements queue', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createPgliteDb({});
    // Warm: the first statements pay for PGlite's own start.
    for (let i = 0; i < 5; i++) await db.query(SQL);
  });
  afterAll(() => db.close());

  /** How many of `n` runs had finished when a timer set as they were queued fired. */
  async function doneWhenTimerFires(n: number, run: () => Promise<unknown>): Promise<{ atTimer: number; total: number }> {
    let done = 0;
    const all = Promise.all(Array.from({ length: n }, () => run().then(() => done++)));
    const atTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(done), 0));
    await all;
    return { atTimer, total: done };
  }

  it('a timer fires while 200 standalone statements wait their turn, and every one still runs, in order', async () => {
    const { atTimer, total } = await doneWhenTimerFires(200, () => db.query(SQL));
    expect(total).toBe(200);
    expect(atTimer).toBeLessThan(200);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 50 }, (_, i) => db.query('SELECT $1::int AS i', [i]).then((r) => order.push((r.rows[0] as { i: number }).i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('a timer fires in the middle of one long transaction, which still commits as one', async () => {
    await db.query('CREATE TABLE fairness_t (i int)');
    let inserted = 0;
    let atTimer = -1;
    let timer: Promise<void> | undefined;
    await db.transaction(async (tx) => {
      for (let i = 0; i < 200; i++) {
        await tx.query(`INSERT INTO fairness_t SELECT $1 FROM (${SQL}) x`, [i]);
        inserted++;
        // Set once the transaction has run a statement: it fires between two of its statements.
        timer ??= new Promise<void>((resolve) => setTimeout(() => { atTimer = inserted; resolve(); }, 0));
      }
    });
    await timer;
    expect(atTimer).toBeGreaterThanOrEqual(1);
    expect(atTimer).toBeLessThan(200);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM fairness_t')).rows[0]!.n).toBe(200);
  });

  it('a transaction queued behind standalone statements waits its turn and is not interleaved', async () => {
    await db.query('CREATE TABLE fairness_u (i int)');
    const seen: string[] = [];
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => db.query(SQL).then(() => seen.push(`q${i}`))),
      db.transaction(async (tx) => {
        seen.push('tx-begin');
        for (let i = 0; i < 20; i++) await tx.query(`INSERT INTO fairness_u SELECT $1 FROM (${SQL}) x`, [i]);
        seen.push('tx-end');
      }),
      ...Array.from({ length: 20 }, (_, i) => db.query(SQL).then(() => seen.push(`r${i}`))),
    ]);
    // FIFO: the first twenty, then the whole transaction, then the rest.
    expect(seen.indexOf('tx-begin')).toBe(20);
    expect(seen.indexOf('tx-end')).toBe(21);
  });
});
