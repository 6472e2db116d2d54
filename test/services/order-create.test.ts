import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder } from '../../src/services/order-service.js';
import { eventsFor } from '../../src/services/outbox.js';
import { signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

const body = {
  formIdentifier: 'order',
  paymentAccountIdentifier: 'cash',
  formData: { en_US: [{ marker: 'name', type: 'string', value: 'Ada' }] },
  products: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }],
};

// createOrder runs without a transaction: one read of everything the body refers to, then the
// order and its history row in one INSERT statement.
describe('createOrder', () => {
  let t: TestTender;
  let userId: number;
  beforeAll(async () => {
    t = await startTender();
    userId = (await signIn(t, 'order-create@example.com')).userId;
  });
  afterAll(() => t.close());

  it('writes the order and its history row together, in two statements', async () => {
    const before = { ...t.ctx.db.stats };
    const order = await createOrder(t.ctx, userId, 'orders', body);
    expect(t.ctx.db.stats.statements - before.statements).toBe(2);
    const { rows } = await t.ctx.db.query<{ entity: string; entity_id: number; action: string; to_status: string; amount: bigint; currency: string; order_id: number; actor_type: string; actor_id: string }>(
      'SELECT entity, entity_id, action, to_status, amount, currency, order_id, actor_type, actor_id FROM payment_events WHERE order_id = $1',
      [order.id],
    );
    const { rows: o } = await t.ctx.db.query<{ total: bigint; currency: string; status_identifier: string }>('SELECT total, currency, status_identifier FROM orders WHERE id = $1', [order.id]);
    expect(rows).toEqual([{
      entity: 'order', entity_id: order.id, action: 'created', to_status: o[0]!.status_identifier, amount: o[0]!.total, currency: o[0]!.currency,
      order_id: order.id, actor_type: 'user', actor_id: String(userId),
    }]);
  });

  it('a history row of a created order implies no outbox event (the single statement relies on it)', () => {
    expect(eventsFor({ entity: 'order', entityId: 1, action: 'created', to: 'inProgress', amount: 100n, currency: 'USD', orderId: 1, actor: { type: 'user', id: '1' } })).toEqual([]);
  });

  it('writes nothing for a body it refuses', async () => {
    const count = async () => (await t.ctx.db.query<{ n: number }>('SELECT (SELECT count(*) FROM orders)::int + (SELECT count(*) FROM payment_events)::int AS n')).rows[0]!.n;
    const before = await count();
    await expect(createOrder(t.ctx, userId, 'orders', { ...body, paymentAccountIdentifier: 'nope' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(createOrder(t.ctx, userId, 'no-such-storage', body)).rejects.toMatchObject({ code: 'storage_not_found' });
    await expect(createOrder(t.ctx, userId, 'orders', { ...body, products: [{ productId: 999_999, quantity: 1 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await count()).toBe(before);
  });
});
