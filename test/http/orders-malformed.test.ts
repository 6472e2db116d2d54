import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, userClient, type UserClient } from '../support/login.js';
import { insertCapturedPayment } from '../support/order-payments.js';
import { startTender, type TestTender } from '../support/tender.js';

const BASE = '/api/content/orders-storage';
const ORDERS = `${BASE}/marker/orders/orders`;

const good = () => ({
  formIdentifier: 'order',
  paymentAccountIdentifier: 'cash',
  formData: { en_US: [{ marker: 'name', type: 'string', value: 'Ann' }] },
  products: [{ productId: 1, quantity: 1 }],
});

/** Every 4xx carries the one contract error body. */
function expectContractError(res: { status: number; body: Record<string, unknown> }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({
    statusCode: status,
    message: expect.any(String),
    pageData: null,
    timestamp: expect.stringMatching(/Z$/),
    code,
    requestId: expect.any(String),
    ...(res.body.details === undefined ? {} : { details: res.body.details }),
  });
}

describe('malformed orders and refund requests', () => {
  let t: TestTender;
  let a: UserClient;
  let paidOrderId: number;

  beforeAll(async () => {
    t = await startTender();
    a = userClient(t, (await login(t)).accessToken);
    const created = await a.post(ORDERS, good());
    paidOrderId = created.body.id;
    await insertCapturedPayment(t, paidOrderId);
  });
  afterAll(() => t?.close());

  const createCases: [string, unknown, number, string][] = [
    ['body that is not JSON', '{"formIdentifier": ', 400, 'invalid_json'],
    ['a JSON array instead of an object', [], 400, 'validation_failed'],
    ['no body at all', undefined, 400, 'validation_failed'],
    ['missing formData', { ...good(), formData: undefined }, 400, 'validation_failed'],
    ['formData as the SDK sends it when absent ({"en_US":[null]})', { ...good(), formData: { en_US: [null] } }, 400, 'validation_failed'],
    ['formData of the wrong type', { ...good(), formData: 'name=Ann' }, 400, 'validation_failed'],
    ['a formData value that is an object', { ...good(), formData: [{ marker: 'name', type: 'string', value: { first: 'Ann' } }] }, 400, 'validation_failed'],
    ['products of the wrong type', { ...good(), products: 'abc' }, 400, 'validation_failed'],
    ['no products', { ...good(), products: [] }, 400, 'validation_failed'],
    ['a negative quantity', { ...good(), products: [{ productId: 1, quantity: -1 }] }, 400, 'validation_failed'],
    ['a zero quantity', { ...good(), products: [{ productId: 1, quantity: 0 }] }, 400, 'validation_failed'],
    ['a fractional quantity', { ...good(), products: [{ productId: 1, quantity: 1.5 }] }, 400, 'validation_failed'],
    ['a huge quantity', { ...good(), products: [{ productId: 1, quantity: 1e12 }] }, 400, 'validation_failed'],
    ['a huge product id', { ...good(), products: [{ productId: 99999999999, quantity: 1 }] }, 400, 'validation_failed'],
    ['a non-numeric product id', { ...good(), products: [{ productId: 'tshirt', quantity: 1 }] }, 400, 'validation_failed'],
    ['an unknown product id', { ...good(), products: [{ productId: 424242, quantity: 1 }] }, 400, 'validation_failed'],
    ['an unknown top-level key', { ...good(), shipping: 'fast' }, 400, 'validation_failed'],
    ['a malformed bonusAmount', { ...good(), bonusAmount: 'lots' }, 400, 'validation_failed'],
    ['a missing payment account', { ...good(), paymentAccountIdentifier: undefined }, 400, 'validation_failed'],
    ['a payment account with forbidden characters', { ...good(), paymentAccountIdentifier: 'ca sh' }, 400, 'validation_failed'],
  ];

  for (const [name, body, status, code] of createCases) {
    it(`createOrder refuses ${name} (${status} ${code})`, async () => {
      expectContractError(await a.post(ORDERS, body), status, code);
    });
  }

  const urlCases: [string, 'get' | 'del', string, number, string][] = [
    ['a non-numeric order id', 'get', `${ORDERS}/abc`, 400, 'validation_failed'],
    ['order id 0', 'get', `${ORDERS}/0`, 400, 'validation_failed'],
    ['a negative order id', 'get', `${ORDERS}/-5`, 400, 'validation_failed'],
    ['an order id beyond integer range', 'get', `${ORDERS}/99999999999`, 400, 'validation_failed'],
    ['an unknown order id', 'get', `${ORDERS}/424242`, 404, 'order_not_found'],
    ['a limit above 100', 'get', `${ORDERS}?limit=1000`, 400, 'validation_failed'],
    ['a negative offset', 'get', `${ORDERS}?offset=-1`, 400, 'validation_failed'],
    ['a malformed langCode', 'get', `${ORDERS}?langCode=${'x'.repeat(40)}`, 400, 'validation_failed'],
    ['a storage marker with forbidden characters', 'get', `${BASE}/marker/bad$marker/orders`, 400, 'validation_failed'],
    ['a non-numeric refund order id', 'get', '/api/content/orders/abc/refund', 400, 'validation_failed'],
    ['refund requests of an unknown order', 'get', '/api/content/orders/424242/refund', 404, 'order_not_found'],
    ['canceling refunds of an unknown order', 'del', '/api/content/orders/424242/refund', 404, 'order_not_found'],
  ];

  for (const [name, method, path, status, code] of urlCases) {
    it(`refuses ${name} (${status} ${code})`, async () => {
      expectContractError(await a[method](path), status, code);
    });
  }

  const refundCases: [string, unknown, number, string][] = [
    ['a negative quantity', { products: { '1': { quantity: -1 } } }, 400, 'validation_failed'],
    ['a huge quantity', { products: { '1': { quantity: 1e12 } } }, 400, 'validation_failed'],
    ['a non-numeric product key', { products: { tshirt: { quantity: 1 } } }, 400, 'validation_failed'],
    ['products as an array', { products: [{ productId: 1, quantity: 1 }] }, 400, 'validation_failed'],
    ['missing products', { note: 'hi' }, 400, 'validation_failed'],
    ['a quantity of the wrong type', { products: { '1': { quantity: 'one' } } }, 400, 'validation_failed'],
    ['a note that is too long', { products: { '1': { quantity: 1 } }, note: 'x'.repeat(2001) }, 400, 'validation_failed'],
    ['an unknown product', { products: { '424242': { quantity: 1 } } }, 400, 'validation_failed'],
    ['more than was ordered', { products: { '1': { quantity: 2 } } }, 400, 'validation_failed'],
  ];

  for (const [name, body, status, code] of refundCases) {
    it(`createRefundRequest refuses ${name} (${status} ${code})`, async () => {
      expectContractError(await a.post(`/api/content/orders/${paidOrderId}/refund`, body), status, code);
    });
  }

  it('previewOrder refuses a malformed line (400)', async () => {
    expectContractError(await a.post(`${BASE}/orders/preview`, { products: [{ productId: 1, quantity: 'x' }] }), 400, 'validation_failed');
  });

  it('updateOrder refuses a malformed body (400)', async () => {
    expectContractError(await a.put(`${ORDERS}/${paidOrderId}`, { ...good(), products: [{ productId: 1 }] }), 400, 'validation_failed');
  });

  it('created nothing for any of the refused requests', async () => {
    const orders = await t.ctx.db.query<{ n: bigint }>('SELECT count(*) AS n FROM orders');
    expect(orders.rows[0]!.n).toBe(1n);
    const requests = await t.ctx.db.query<{ n: bigint }>('SELECT count(*) AS n FROM refund_requests');
    expect(requests.rows[0]!.n).toBe(0n);
  });
});
