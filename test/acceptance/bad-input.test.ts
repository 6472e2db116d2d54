import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  code?: string;
  /** Skip the Bearer header (to test the auth layer itself). */
  anonymous?: boolean;
}

describe('bad input gets a clear 4xx in the contract error body, never a 5xx', () => {
  let t: TestTender;
  let token: string;
  let orderId: number;
  let paymentId: number;
  beforeAll(async () => {
    t = await startTender();
    const u = await signIn(t, 'bad-input@example.com');
    token = u.token;
    ({ orderId, paymentId } = await paidCashOrder(t, u.userId, u.token, 1, 1));
  });
  afterAll(() => t?.close());

  const C = '/api/content';
  const order = (o: Record<string, unknown>) => JSON.stringify({ formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: { en_US: [{ marker: 'name', type: 'string', value: 'X' }] }, products: [{ productId: 1, quantity: 1 }], ...o });
  const cases = (): Case[] => [
    { name: 'malformed JSON', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId": ', status: 400, code: 'invalid_json' },
    { name: 'JSON array instead of object', method: 'POST', path: `${C}/payments/sessions`, body: '[1,2]', status: 400, code: 'validation_failed' },
    { name: 'orderId as a string of letters', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":"abc","type":"session"}', status: 400, code: 'validation_failed' },
    { name: 'orderId fractional', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":1.5,"type":"session"}', status: 400, code: 'validation_failed' },
    { name: 'orderId negative', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":-3,"type":"session"}', status: 400, code: 'validation_failed' },
    { name: 'orderId huge', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":99999999999999999999,"type":"session"}', status: 400, code: 'validation_failed' },
    { name: 'unknown session type', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":1,"type":"cheque"}', status: 400, code: 'validation_failed' },
    { name: 'unknown order', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":999999,"type":"session"}', status: 404, code: 'order_not_found' },
    { name: 'empty body on createSession', method: 'POST', path: `${C}/payments/sessions`, body: '', status: 400, code: 'validation_failed' },
    { name: 'non-numeric session id', method: 'GET', path: `${C}/payments/sessions/abc`, status: 400, code: 'validation_failed' },
    { name: 'unknown session id', method: 'GET', path: `${C}/payments/sessions/987654`, status: 404, code: 'session_not_found' },
    { name: 'limit above 100', method: 'GET', path: `${C}/payments/sessions/?offset=0&limit=1000`, status: 400, code: 'validation_failed' },
    { name: 'negative offset', method: 'GET', path: `${C}/payments/sessions/?offset=-1&limit=10`, status: 400, code: 'validation_failed' },
    { name: 'unknown account', method: 'GET', path: `${C}/payments/accounts/424242`, status: 404, code: 'account_not_found' },
    { name: 'order without products', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ products: [] }), status: 400, code: 'validation_failed' },
    { name: 'negative quantity', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ products: [{ productId: 1, quantity: -1 }] }), status: 400, code: 'validation_failed' },
    { name: 'unknown product', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ products: [{ productId: 777, quantity: 1 }] }), status: 400 },
    { name: 'account not allowed by the storage', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ paymentAccountIdentifier: 'bitcoin' }), status: 400 },
    { name: 'missing formData', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: JSON.stringify({ formIdentifier: 'order', paymentAccountIdentifier: 'cash', products: [{ productId: 1, quantity: 1 }] }), status: 400 },
    { name: 'unknown storage marker', method: 'POST', path: `${C}/orders-storage/marker/nope/orders`, body: order({}), status: 404, code: 'storage_not_found' },
    { name: 'mixed currencies in one order', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ products: [{ productId: 1, quantity: 1 }, { productId: 3, quantity: 1 }] }), status: 400, code: 'currency_mismatch' },
    { name: 'quantity as a string', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ products: [{ productId: 1, quantity: 'many' }] }), status: 400, code: 'validation_failed' },
    { name: 'unknown order id (get)', method: 'GET', path: `${C}/orders-storage/marker/orders/orders/555555`, status: 404, code: 'order_not_found' },
    { name: 'refund request for an unknown product', method: 'POST', path: `${C}/orders/${orderId}/refund`, body: JSON.stringify({ products: { '2': { quantity: 1 } } }), status: 400 },
    { name: 'refund request quantity above ordered', method: 'POST', path: `${C}/orders/${orderId}/refund`, body: JSON.stringify({ products: { '1': { quantity: 5 } } }), status: 400 },
    { name: 'cancel a refund request that does not exist', method: 'DELETE', path: `${C}/orders/${orderId}/refund`, status: 404, code: 'refund_request_not_found' },
    { name: 'auth without authData', method: 'POST', path: `${C}/users-auth-providers/marker/email/users/auth`, body: '{}', status: 400, code: 'validation_failed', anonymous: true },
    { name: 'refresh with {}', method: 'POST', path: `${C}/users-auth-providers/marker/email/users/refresh`, body: '{}', status: 401, code: 'invalid_refresh_token', anonymous: true },
    { name: 'refresh with a garbage token', method: 'POST', path: `${C}/users-auth-providers/marker/email/users/refresh`, body: '{"refreshToken":"nope"}', status: 401, code: 'invalid_refresh_token', anonymous: true },
    { name: 'unknown auth provider', method: 'GET', path: `${C}/users-auth-providers/marker/ldap`, status: 404, code: 'provider_not_found' },
    { name: 'card number in a form field', method: 'POST', path: `${C}/orders-storage/marker/orders/orders`, body: order({ formData: { en_US: [{ marker: 'name', type: 'string', value: '4242 4242 4242 4242' }] } }), status: 400, code: 'card_data_rejected' },
    { name: 'card number in a query string', method: 'GET', path: `${C}/payments/sessions/?offset=0&limit=10&note=4000-0027-6000-3184`, status: 400, code: 'card_data_rejected' },
    { name: 'processPayment amount with too many decimals', method: 'POST', path: `${C}/payments/process`, body: JSON.stringify({ orderId, amount: 10.001, currency: 'USD', token: 'tok' }), status: 400 },
    { name: 'processPayment unknown currency', method: 'POST', path: `${C}/payments/process`, body: JSON.stringify({ orderId, currency: 'XYZ', token: 'tok' }), status: 400, code: 'unknown_currency' },
    { name: 'deeply nested body', method: 'POST', path: `${C}/payments/sessions`, body: '{"a":'.repeat(60) + '1' + '}'.repeat(60), status: 400 },
    { name: 'oversized body', method: 'POST', path: `${C}/payments/sessions`, body: JSON.stringify({ orderId: 1, type: 'session', pad: 'x'.repeat(400_000) }), status: 413, code: 'payload_too_large' },
    { name: 'wrong content type', method: 'POST', path: `${C}/payments/sessions`, body: 'orderId=1', headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type' },
    { name: '__proto__ key', method: 'POST', path: `${C}/payments/sessions`, body: '{"orderId":1,"type":"session","__proto__":{"x":1}}', status: 400 },
    { name: 'admin refund with a negative amount', method: 'POST', path: `/api/admin/payments/${paymentId}/refund`, body: '{"amount":-5}', status: 400, code: 'validation_failed' },
    { name: 'admin refund above what was captured', method: 'POST', path: `/api/admin/payments/${paymentId}/refund`, body: '{"amount":"340.01"}', status: 422, code: 'amount_exceeds_refundable' },
    { name: 'admin mapping to an unknown order status', method: 'PUT', path: '/api/admin/order-storages/orders/status-mappings', body: '{"mappings":{"completed":"shipped-to-mars"}}', status: 400, code: 'validation_failed' },
    { name: 'unknown route', method: 'GET', path: `${C}/nothing-here`, status: 404, code: 'route_not_found' },
  ];

  it('answers each of 40+ malformed requests with the right status and the error body', async () => {
    const list = cases();
    expect(list.length).toBeGreaterThanOrEqual(30);
    const failures: string[] = [];
    for (const c of list) {
      const admin = c.path.startsWith('/api/admin');
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(admin ? { authorization: `Bearer ${t.adminToken}` } : { 'x-app-token': t.appToken }),
        ...(!admin && !c.anonymous ? { authorization: `Bearer ${token}` } : {}),
        ...c.headers,
      };
      const res = await fetch(`${t.url}${c.path}`, { method: c.method, headers, body: c.body });
      const text = await res.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        failures.push(`${c.name}: non-JSON body ${text.slice(0, 80)}`);
        continue;
      }
      const shapeOk = body.statusCode === res.status && typeof body.message === 'string' && body.pageData === null && typeof body.timestamp === 'string' && typeof body.code === 'string';
      if (res.status !== c.status || (c.code && body.code !== c.code) || !shapeOk) {
        failures.push(`${c.name}: got ${res.status} ${String(body.code)} "${String(body.message)}"`);
      }
    }
    expect(failures).toEqual([]);
    // Nothing half-written: the only payment is the fixture's, untouched.
    const { rows } = await t.ctx.db.query<{ n: number; refunded: bigint }>('SELECT count(*)::int AS n, max(refunded_amount) AS refunded FROM payments');
    expect(rows[0]).toEqual({ n: 1, refunded: 0n });
    expect(t.logs.join('\n')).not.toMatch(/4242 4242 4242 4242|4000-0027-6000-3184/);
  });
});

describe('data PostgreSQL itself refuses', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('answers a NUL byte in a path or a body with 400, not 500', async () => {
    const page = await fetch(`${t.url}/test-gateway/checkout/%00`);
    expect(page.status).toBeLessThan(500);
    const u = await signIn(t, 'nul@example.com');
    const res = await fetch(`${t.url}/api/content/orders-storage/marker/orders/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-app-token': t.appToken, authorization: `Bearer ${u.token}` },
      body: JSON.stringify({ formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: { en_US: [{ marker: 'name', type: 'string', value: 'a\u0000b' }] }, products: [{ productId: 1, quantity: 1 }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { statusCode: number }).statusCode).toBe(400);
  });
});
