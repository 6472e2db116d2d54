import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, userClient, type ApiResult, type UserClient } from '../support/login.js';
import { insertCapturedPayment } from '../support/order-payments.js';
import { startTender, type TestTender } from '../support/tender.js';

const ORDERS = '/api/content/orders-storage/marker/orders/orders';
const refund = (orderId: number) => `/api/content/orders/${orderId}/refund`;

function expectError(res: { status: number; body: Record<string, unknown> }, status: number, code: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ statusCode: status, code, pageData: null, message: expect.any(String), timestamp: expect.any(String) });
  if (message) expect(res.body.message).toMatch(message);
}

describe('refund requests', () => {
  let t: TestTender;
  let a: UserClient;

  /** An order of 1 T-shirt (340.00) + 3 mugs (12.50): 377.50 USD. */
  async function order(products = [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 3 }]): Promise<number> {
    const res = await a.post(ORDERS, {
      formIdentifier: 'order',
      paymentAccountIdentifier: 'cash',
      formData: { en_US: [{ marker: 'name', type: 'string', value: 'Ann' }] },
      products,
    });
    expect(res.status).toBe(201);
    return res.body.id as number;
  }

  beforeAll(async () => {
    t = await startTender();
    a = userClient(t, (await login(t)).accessToken);
  });
  afterAll(() => t?.close());

  it('lists [] for an order without requests', async () => {
    const id = await order();
    expect(await a.get(refund(id))).toEqual({ status: 200, body: [] });
  });

  it('refuses an order without a completed payment: 409 payment_not_refundable', async () => {
    const id = await order();
    expectError(await a.post(refund(id), { products: { '2': { quantity: 1 } } }), 409, 'payment_not_refundable', /no completed payment/);
    await insertCapturedPayment(t, id, { status: 'authorized', captured: 0n });
    expectError(await a.post(refund(id), { products: {} }), 409, 'payment_not_refundable');
  });

  it('refuses a fully refunded payment: 409 payment_not_refundable', async () => {
    const id = await order();
    await insertCapturedPayment(t, id, { status: 'refunded', refunded: 37750n });
    expectError(await a.post(refund(id), { products: {} }), 409, 'payment_not_refundable');
  });

  it('creates a pending request priced from the order lines, answers true, and writes history', async () => {
    const id = await order();
    await insertCapturedPayment(t, id);
    const res = await a.post(refund(id), { products: { '2': { quantity: 2 } }, note: 'two arrived broken' });
    expect(res).toEqual({ status: 201, body: true });
    const list = await a.get(refund(id));
    expect(list.body).toEqual([
      {
        id: expect.any(Number),
        createdDate: expect.any(String),
        updatedDate: expect.any(String),
        status: 'pending',
        amount: 25,
        amountMinor: 2500,
        currency: 'USD',
        note: 'two arrived broken',
        products: { '2': { quantity: 2 } },
        orderId: id,
        orderStorageId: expect.any(Number),
        userId: expect.any(Number),
      },
    ]);
    const { rows } = await t.ctx.db.query<{ action: string; to_status: string; amount: bigint }>(
      `SELECT action, to_status, amount FROM payment_events WHERE entity = 'refund_request' AND entity_id = $1`,
      [list.body[0].id],
    );
    expect(rows).toEqual([{ action: 'created', to_status: 'pending', amount: 2500n }]);
  });

  it('allows one pending request per order: 409 refund_request_exists', async () => {
    const id = await order();
    await insertCapturedPayment(t, id);
    expect((await a.post(refund(id), { products: { '1': { quantity: 1 } } })).status).toBe(201);
    expectError(await a.post(refund(id), { products: { '2': { quantity: 1 } } }), 409, 'refund_request_exists', /already has a pending refund request/);
  });

  it('cancels the pending request (DELETE, no body) and then allows a new one', async () => {
    const id = await order();
    await insertCapturedPayment(t, id);
    await a.post(refund(id), { products: { '1': { quantity: 1 } } });
    expect(await a.del(refund(id))).toEqual({ status: 200, body: true });
    const [req] = (await a.get(refund(id))).body;
    expect(req.status).toBe('canceled');
    const { rows } = await t.ctx.db.query<{ from_status: string; to_status: string; actor_type: string }>(
      `SELECT from_status, to_status, actor_type FROM payment_events WHERE entity = 'refund_request' AND entity_id = $1 AND action = 'status_changed'`,
      [req.id],
    );
    expect(rows).toEqual([{ from_status: 'pending', to_status: 'canceled', actor_type: 'user' }]);
    expectError(await a.del(refund(id)), 404, 'refund_request_not_found', /no pending refund request/);
    expect((await a.post(refund(id), { products: { '2': { quantity: 3 } } })).status).toBe(201);
    expect((await a.get(refund(id))).body.map((r: { status: string }) => r.status)).toEqual(['canceled', 'pending']);
  });

  it('cannot be canceled once the merchant has started refunding it (409 conflict)', async () => {
    const id = await order();
    const { paymentId } = await insertCapturedPayment(t, id);
    await a.post(refund(id), { products: { '2': { quantity: 1 } } });
    const [req] = (await a.get(refund(id))).body;
    await t.ctx.db.query(
      `INSERT INTO refunds (payment_id, amount, currency, status, actor_type, refund_request_id) VALUES ($1, 1250, 'USD', 'pending', 'merchant', $2)`,
      [paymentId, req.id],
    );
    expectError(await a.del(refund(id)), 409, 'conflict', /already being refunded/);
    expect((await a.get(refund(id))).body[0].status).toBe('pending');
  });

  it('answers 404 refund_request_not_found when nothing is pending', async () => {
    const id = await order();
    expectError(await a.del(refund(id)), 404, 'refund_request_not_found');
  });

  it('refuses products not in the order and quantities above the ordered quantity (400)', async () => {
    const id = await order();
    await insertCapturedPayment(t, id);
    expectError(await a.post(refund(id), { products: { '3': { quantity: 1 } } }), 400, 'validation_failed', /Product 3 is not in order/);
    expectError(await a.post(refund(id), { products: { '2': { quantity: 4 } } }), 400, 'validation_failed', /4 requested for refund but order .* has 3/);
  });

  it('refuses more than captured − refunded: 422 amount_exceeds_refundable', async () => {
    const id = await order();
    await insertCapturedPayment(t, id, { status: 'partially_refunded', refunded: 34000n }); // 37.50 left
    const res = await a.post(refund(id), { products: { '1': { quantity: 1 } } });
    expectError(res, 422, 'amount_exceeds_refundable', /340\.00 USD exceeds the 37\.50 USD still refundable/);
    expect(res.body.details).toEqual({ requested: '340.00', refundable: '37.50', currency: 'USD' });
    expect((await a.post(refund(id), { products: { '2': { quantity: 3 } } })).status).toBe(201);
  });

  it('counts only what was captured: a partial capture bounds the refund', async () => {
    const id = await order();
    await insertCapturedPayment(t, id, { status: 'partially_captured', captured: 10000n });
    expectError(await a.post(refund(id), { products: { '1': { quantity: 1 } } }), 422, 'amount_exceeds_refundable');
    expect((await a.post(refund(id), { products: {} })).status).toBe(201);
    expect((await a.get(refund(id))).body[0]).toMatchObject({ amount: 100, amountMinor: 10000, products: {} });
  });

  it('reserves refunds still in flight', async () => {
    const id = await order();
    const { paymentId } = await insertCapturedPayment(t, id);
    await t.ctx.db.query(`INSERT INTO refunds (payment_id, amount, currency, status, actor_type) VALUES ($1, 30000, 'USD', 'pending', 'merchant')`, [paymentId]);
    expectError(await a.post(refund(id), { products: { '1': { quantity: 1 } } }), 422, 'amount_exceeds_refundable', /77\.50 USD still refundable/);
  });

  it('an empty products map requests everything still refundable', async () => {
    const id = await order();
    await insertCapturedPayment(t, id, { status: 'partially_refunded', refunded: 1250n });
    expect((await a.post(refund(id), { products: {}, note: 'all of it' })).status).toBe(201);
    expect((await a.get(refund(id))).body[0]).toMatchObject({ amount: 365, amountMinor: 36500, note: 'all of it', products: {} });
  });

  it('uses the currency exponent (KWD)', async () => {
    const id = await order([{ productId: 4, quantity: 2 }]);
    await insertCapturedPayment(t, id);
    expect((await a.post(refund(id), { products: { '4': { quantity: 1 } } })).status).toBe(201);
    expect((await a.get(refund(id))).body[0]).toMatchObject({ amount: 1.234, amountMinor: 1234, currency: 'KWD' });
  });

  it('lets exactly one of many concurrent requests through (order row lock)', async () => {
    const id = await order();
    await insertCapturedPayment(t, id);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => a.post(refund(id), { products: { '2': { quantity: 1 + (i % 3) } } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('refund_request_exists');
    const { rows } = await t.ctx.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM refund_requests WHERE order_id = $1`, [id]);
    expect(rows[0]!.n).toBe(1n);
  });

  it('checks the amount under the order row lock (SELECT … FOR UPDATE)', async () => {
    const id = await order();
    const { paymentId } = await insertCapturedPayment(t, id);
    let settled = false;
    let pendingRequest: Promise<ApiResult> | undefined;
    // Another writer (as the payment engine does) holds the order lock and starts a full refund.
    await t.ctx.db.transaction(async (tx) => {
      await tx.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [id]);
      pendingRequest = a.post(refund(id), { products: { '1': { quantity: 1 } } }).finally(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(settled).toBe(false);
      await tx.query(`INSERT INTO refunds (payment_id, amount, currency, status, actor_type) VALUES ($1, 37750, 'USD', 'pending', 'merchant')`, [paymentId]);
    });
    // The request waited for the lock, so it saw the committed in-flight refund.
    expectError(await pendingRequest!, 422, 'amount_exceeds_refundable');
  });

  it('never lets concurrent requests on different orders exceed their own payments', async () => {
    const ids = [await order(), await order()];
    for (const id of ids) await insertCapturedPayment(t, id, { status: 'partially_captured', captured: 2500n });
    const results = await Promise.all(ids.flatMap((id) => [
      a.post(refund(id), { products: { '2': { quantity: 2 } } }),
      a.post(refund(id), { products: { '2': { quantity: 2 } } }),
    ]));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
  });
});
