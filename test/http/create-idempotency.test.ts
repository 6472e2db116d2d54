import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder } from '../../src/services/order-service.js';
import type { IdempotencyLink } from '../../src/store/idempotency-link.js';
import { usePostgres } from '../support/database.js';
import { api, signIn } from '../support/fixtures.js';
import { insertCapturedPayment } from '../support/order-payments.js';
import { startTender, type TestTender } from '../support/tender.js';

const ORDERS = '/api/content/orders-storage/marker/orders/orders';
const refund = (orderId: number) => `/api/content/orders/${orderId}/refund`;

function orderBody(name: string) {
  return {
    formIdentifier: 'order',
    paymentAccountIdentifier: 'cash',
    formData: { en_US: [{ marker: 'name', type: 'string', value: name }] },
    products: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 3 }],
  };
}

/**
 * Orders and refund requests are not unique by themselves: only the Idempotency-Key they were
 * created under tells a re-run from a new request. These tests leave a key's record as a process
 * killed between the create's COMMIT and its answer leaves it (`in_progress`, never completed),
 * with its 60 s lease run out, and retry — the crash test's "order exists 2 times".
 */
describe('creates re-run under their Idempotency-Key (crash between COMMIT and answer)', () => {
  let t: TestTender;
  let userId: number;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    t = await startTender();
    const u = await signIn(t, 'idempotent-creates@example.com');
    userId = u.userId;
    call = api(t, u.token);
  });
  afterAll(() => t?.close());

  /** The key's record as kill -9 leaves it, once its lease has run out. */
  async function leaveUnfinished(key: string): Promise<void> {
    const { rowCount } = await t.ctx.db.query(
      `UPDATE idempotency_keys SET status = 'in_progress', response_status = NULL, response_body = NULL, completed_at = NULL,
              locked_until = now() - interval '1 second'
        WHERE scope = $1 AND key = $2`,
      [`user:${userId}`, key],
    );
    expect(rowCount).toBe(1);
  }

  async function ordersNamed(name: string): Promise<number[]> {
    const { rows } = await t.ctx.db.query<{ id: number }>(
      `SELECT o.id FROM orders o, jsonb_array_elements(o.form_data) f WHERE f->>'marker' = 'name' AND f->>'value' = $1 ORDER BY o.id`,
      [name],
    );
    return rows.map((r) => r.id);
  }

  it('answers the order made the first time, with the same status and body, and creates no second one', async () => {
    const key = randomUUID();
    const first = await call('POST', ORDERS, orderBody('crash-retry'), { 'idempotency-key': key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await leaveUnfinished(key);

    const retry = await call('POST', ORDERS, orderBody('crash-retry'), { 'idempotency-key': key });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull(); // it ran again, and found the order
    expect(retry.body).toEqual(first.body);
    expect(await ordersNamed('crash-retry')).toEqual([first.body.id]);
    const history = await t.ctx.db.query(`SELECT 1 FROM payment_events WHERE entity = 'order' AND entity_id = $1 AND action = 'created'`, [first.body.id]);
    expect(history.rows).toHaveLength(1);

    // The re-run completed the key's record: the next retry is a plain replay of that answer.
    const replay = await call('POST', ORDERS, orderBody('crash-retry'), { 'idempotency-key': key });
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body]).toEqual([201, 'true', first.body]);
  });

  it('finds the order even when the key record is gone (pruned), and refuses the key with another body', async () => {
    const key = randomUUID();
    const first = await call('POST', ORDERS, orderBody('pruned-retry'), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    await t.ctx.db.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
    const again = await call('POST', ORDERS, orderBody('pruned-retry'), { 'idempotency-key': key });
    expect([again.status, again.body]).toEqual([201, first.body]);

    await t.ctx.db.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
    const other = await call('POST', ORDERS, orderBody('pruned-other'), { 'idempotency-key': key });
    expect([other.status, other.body.code]).toEqual([409, 'idempotency_conflict']);
    expect(await ordersNamed('pruned-other')).toEqual([]);
    expect(await ordersNamed('pruned-retry')).toEqual([first.body.id]);
  });

  it('scopes the key to the user: another user with the same key gets an order of their own', async () => {
    const key = randomUUID();
    const mine = await call('POST', ORDERS, orderBody('scoped'), { 'idempotency-key': key });
    const other = await signIn(t, 'idempotent-creates-other@example.com');
    const theirs = await api(t, other.token)('POST', ORDERS, orderBody('scoped'), { 'idempotency-key': key });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await ordersNamed('scoped')).toHaveLength(2);
  });

  it('still creates a new order for every create without a key', async () => {
    const a = await call('POST', ORDERS, orderBody('no-key'));
    const b = await call('POST', ORDERS, orderBody('no-key'));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await ordersNamed('no-key')).toEqual([a.body.id, b.body.id]);
  });

  it('resolves concurrent runs of one key (two processes after a lease take-over) to one order', async () => {
    const link: IdempotencyLink = { scope: `user:${userId}`, key: randomUUID(), requestHash: 'h-concurrent' };
    const body = orderBody('concurrent-runs');
    const answers = await Promise.all(Array.from({ length: 6 }, () => createOrder(t.ctx, userId, 'orders', body, link)));
    const ids = await ordersNamed('concurrent-runs');
    expect(ids).toHaveLength(1);
    expect(answers.map((a) => a.id)).toEqual(Array(6).fill(ids[0]));
  });

  it.skipIf(!usePostgres)('answers the concurrent winner when its insert commits while this run waits on the key (no unique violation)', async () => {
    const link: IdempotencyLink = { scope: `user:${userId}`, key: randomUUID(), requestHash: 'h-race' };
    const body = orderBody('insert-race');
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let inserted: () => void = () => undefined;
    const insertedP = new Promise<void>((r) => (inserted = r));
    // The winner: an order with the key, inserted and not committed until released.
    const winner = t.ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total,
                             idempotency_scope, idempotency_key, idempotency_request_hash)
         SELECT st.id, $1, 'order', a.id, $2::jsonb, '[]', 'USD', 100, $3, $4, $5
           FROM order_storages st, payment_accounts a WHERE st.identifier = 'orders' AND a.identifier = 'cash' RETURNING id`,
        [userId, JSON.stringify([{ marker: 'name', type: 'string', value: 'insert-race' }]), link.scope, link.key, link.requestHash],
      );
      inserted();
      await held;
      return rows[0]!.id;
    });
    await insertedP;
    const loser = createOrder(t.ctx, userId, 'orders', body, link);
    try {
      // The loser passed its check (the winner is not committed) and now waits on the key's index entry.
      for (let i = 0; ; i++) {
        const { rows } = await t.ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO orders%'`);
        if (rows[0]!.n === 1) break;
        if (i > 500) throw new Error('the second run never waited on the key');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      release();
    }
    const winnerId = await winner;
    expect((await loser).id).toBe(winnerId);
    expect(await ordersNamed('insert-race')).toEqual([winnerId]);
  });

  it('answers true again for a refund request re-run, instead of 409 refund_request_exists or a second request', async () => {
    const order = await call('POST', ORDERS, orderBody('refund-retry'));
    await insertCapturedPayment(t, order.body.id);
    const key = randomUUID();
    const body = { products: { '2': { quantity: 1 } }, note: 'broken' };
    const first = await call('POST', refund(order.body.id), body, { 'idempotency-key': key });
    expect([first.status, first.body]).toEqual([201, true]);

    await leaveUnfinished(key);
    const retry = await call('POST', refund(order.body.id), body, { 'idempotency-key': key });
    expect([retry.status, retry.body]).toEqual([201, true]);

    // The merchant decided meanwhile: the one-pending-per-order rule no longer stops a second request.
    await t.ctx.db.query(`UPDATE refund_requests SET status = 'rejected' WHERE order_id = $1`, [order.body.id]);
    await leaveUnfinished(key);
    const late = await call('POST', refund(order.body.id), body, { 'idempotency-key': key });
    expect([late.status, late.body]).toEqual([201, true]);
    const { rows } = await t.ctx.db.query('SELECT id FROM refund_requests WHERE order_id = $1', [order.body.id]);
    expect(rows).toHaveLength(1);

    // The key with another request, once its record is gone, is refused.
    await t.ctx.db.query('DELETE FROM idempotency_keys WHERE key = $1', [key]);
    const other = await call('POST', refund(order.body.id), { products: { '2': { quantity: 2 } } }, { 'idempotency-key': key });
    expect([other.status, other.body.code]).toEqual([409, 'idempotency_conflict']);
  });
});
