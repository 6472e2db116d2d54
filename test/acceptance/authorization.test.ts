import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTender } from '../../src/sdk/index.js';
import { startTender, type TestTender } from '../support/tender.js';

describe("authorization: one user never reaches another's orders, sessions, payments or refunds", () => {
  let t: TestTender;
  const responses: string[] = [];
  beforeAll(async () => {
    t = await startTender();
    // Record every response body both users receive, to search them for leaks afterwards.
    const original = globalThis.fetch;
    globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
      const res = await original(...args);
      responses.push(await res.clone().text());
      return res;
    }) as typeof fetch;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 404 to user B for everything of user A, and leaks no secret', async () => {
    const signUp = async (email: string) => {
      const c = defineTender(t.url, { token: t.appToken });
      await c.AuthProvider.signUp('email', {
        formIdentifier: 'reg',
        authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: 'correct horse' }],
        formData: [{ marker: 'name', type: 'string', value: email }],
        notificationData: { email, phonePush: [], phoneSMS: '' },
      } as never);
      const login = await c.AuthProvider.auth('email', { authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: 'correct horse' }] });
      return { c, login };
    };
    const a = await signUp('alice@example.com');
    const b = await signUp('bob@example.com');
    const order = await a.c.Orders.createOrder('orders', { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ marker: 'name', type: 'string', value: 'A' }], products: [{ productId: 1, quantity: 1 }] });
    const session = await a.c.Payments.createSession(order.id, 'session');
    const received = await fetch(`${t.url}/api/admin/payments/sessions/${session.id}/receive`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: '{}' });
    const paymentId = ((await received.json()) as { paymentId: number }).paymentId;

    const bob = (method: string, path: string, body?: unknown) =>
      fetch(`${t.url}${path}`, { method, headers: { 'content-type': 'application/json', 'x-app-token': t.appToken, authorization: `Bearer ${b.login.accessToken}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/content/orders-storage/marker/orders/orders/${order.id}`],
      ['PUT', `/api/content/orders-storage/marker/orders/orders/${order.id}`, { formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ marker: 'name', type: 'string', value: 'B' }], products: [{ productId: 1, quantity: 2 }] }],
      ['POST', '/api/content/payments/sessions', { orderId: order.id, type: 'session' }],
      ['GET', `/api/content/payments/sessions/${session.id}`],
      ['GET', `/api/content/payments/sessions/order/${order.id}`],
      ['GET', `/api/content/payments/payments/${paymentId}`],
      ['GET', `/api/content/payments/payments/${paymentId}/status`],
      ['GET', `/api/content/payments/orders/${order.id}/payments`],
      ['POST', '/api/content/payments/process', { orderId: order.id, currency: 'USD', token: 'tok_x' }],
      ['POST', `/api/content/payments/sessions/${session.id}/authorize`, { token: 'tok_x' }],
      ['POST', `/api/content/orders/${order.id}/refund`, { products: { '1': { quantity: 1 } } }],
      ['GET', `/api/content/orders/${order.id}/refund`],
      ['DELETE', `/api/content/orders/${order.id}/refund`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await bob(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }
    const bobsOrders = await b.c.Orders.getAllOrdersByMarker('orders');
    expect(bobsOrders).toMatchObject({ items: [], total: 0 });
    expect(await b.c.Payments.getSessions()).toEqual({ items: [], total: 0 });
    // Alice's order is untouched by Bob's attempts.
    expect(await a.c.Orders.getOrderByMarkerAndId('orders', order.id)).toMatchObject({ totalSum: '340.00' });
    expect(await a.c.Orders.getRefunds(order.id)).toEqual([]);

    // Leaks: no password hash, no account secret, and each refresh token only in its own answers.
    const all = responses.join('\n');
    expect(all).not.toMatch(/\$argon2/);
    const { rows } = await t.ctx.db.query<{ secrets: string | null }>('SELECT secrets FROM payment_accounts WHERE secrets IS NOT NULL');
    for (const r of rows) expect(all).not.toContain(r.secrets!);
    expect(responses.filter((r) => r.includes(a.login.refreshToken))).toHaveLength(1);
    expect(responses.filter((r) => r.includes(b.login.refreshToken))).toHaveLength(1);
  });

  it('answers 401 for a missing, malformed, expired or revoked access token, and for a bad app token', async () => {
    const c = defineTender(t.url, { token: t.appToken });
    const login = await c.AuthProvider.auth('email', { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] });
    const get = (headers: Record<string, string>) => fetch(`${t.url}/api/content/payments/sessions/`, { headers: { 'content-type': 'application/json', ...headers } });
    expect((await get({ 'x-app-token': t.appToken })).status).toBe(401);
    expect((await get({ 'x-app-token': t.appToken, authorization: 'Bearer not.a.jwt' })).status).toBe(401);
    expect((await get({ 'x-app-token': 'undefined', authorization: `Bearer ${login.accessToken}` })).status).toBe(401);
    expect((await get({ 'x-app-token': t.adminToken, authorization: `Bearer ${login.accessToken}` })).status).toBe(401);
    const realNow = t.ctx.now;
    t.ctx.now = () => new Date(Date.now() + 24 * 3600_000);
    const expired = await get({ 'x-app-token': t.appToken, authorization: `Bearer ${login.accessToken}` });
    t.ctx.now = realNow;
    expect([expired.status, ((await expired.json()) as { code: string }).code]).toEqual([401, 'token_expired']);
    await c.AuthProvider.logoutAll('email');
    const revoked = await get({ 'x-app-token': t.appToken, authorization: `Bearer ${login.accessToken}` });
    expect([revoked.status, ((await revoked.json()) as { code: string }).code]).toEqual([401, 'session_revoked']);
    // The admin API never takes an app token, and the storefront API never takes an admin token.
    expect((await fetch(`${t.url}/api/admin/payments`, { headers: { authorization: `Bearer ${t.appToken}` } })).status).toBe(401);
  });
});
