import { describe, expect, it } from 'vitest';
import { appendHistory, deferWrite, dropDeferredWrite } from '../../src/store/history-store.js';
import { useTestDatabase } from '../support/database.js';

// Writes deferred to a transaction's last statement (src/store/history-store.ts): one statement
// must never update a row twice, so a keyed write replaces the earlier one under its key.
describe('deferred writes', () => {
  const { db } = useTestDatabase();
  const setAmount = (id: number, amount: bigint) => (n: number) => ({
    sql: `UPDATE payment_collections SET amount = $${n + 1} WHERE id = $${n}`,
    params: [id, amount],
  });
  const newCollection = async () =>
    (await db().query<{ id: number }>(`INSERT INTO payment_collections (amount, currency) VALUES (100, 'USD') RETURNING id`)).rows[0]!.id;
  const amountOf = async (id: number) =>
    (await db().query<{ amount: bigint }>('SELECT amount FROM payment_collections WHERE id = $1', [id])).rows[0]!.amount;
  const actor = { type: 'system' as const };

  it('a later write under the same key replaces the earlier one; the last value commits', async () => {
    const id = await newCollection();
    await db().transaction(async (tx) => {
      await deferWrite(tx, setAmount(id, 200n), `collection:${id}`);
      await deferWrite(tx, setAmount(id, 300n), `collection:${id}`);
      await appendHistory(tx, { entity: 'collection', entityId: id, action: 'test', collectionId: id, actor });
      // Nothing is written before the transaction's last statement.
      expect(await tx.query('SELECT amount FROM payment_collections WHERE id = $1', [id]).then((r) => r.rows[0])).toEqual({ amount: 100n });
    });
    expect(await amountOf(id)).toBe(300n);
  });

  it('a dropped write is not applied; writes under other keys still are', async () => {
    const a = await newCollection();
    const b = await newCollection();
    await db().transaction(async (tx) => {
      await deferWrite(tx, setAmount(a, 200n), `collection:${a}`);
      await deferWrite(tx, setAmount(b, 400n), `collection:${b}`);
      dropDeferredWrite(tx, `collection:${a}`);
    });
    expect(await amountOf(a)).toBe(100n);
    expect(await amountOf(b)).toBe(400n);
  });

  it('a transaction that rolls back applies none of its deferred writes', async () => {
    const id = await newCollection();
    await expect(db().transaction(async (tx) => {
      await deferWrite(tx, setAmount(id, 500n), `collection:${id}`);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(await amountOf(id)).toBe(100n);
  });
});
