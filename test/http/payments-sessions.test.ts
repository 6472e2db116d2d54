import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../src/services/access-tokens.js';
import { startTender, type TestTender } from '../support/tender.js';

/** Signs a user in without going through the AuthProvider routes (tested on their own). */
async function tokenFor(t: TestTender, email: string): Promise<string> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO users (auth_provider_id, identifier, password_hash, is_active)
     SELECT id, $1, 'x', true FROM auth_providers WHERE identifier = 'email'
     ON CONFLICT (auth_provider_id, identifier) DO UPDATE SET is_active = true RETURNING id`,
    [email],
  );
  const userId = rows[0]!.id;
  const s = await t.ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [userId]);
  return issueAccessToken(t.ctx, { userId, sessionId: s.rows[0]!.id, ttlSec: 900 });
}

async function createOrder(t: TestTender, email: string, productId = 1, quantity = 1): Promise<number> {
  // Inserted directly: the Orders routes have their own tests; here the subject is payments.
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
     SELECT st.id, (SELECT u.id FROM users u WHERE u.identifier = $3), 'order', a.id, '[]',
            jsonb_build_array(jsonb_build_object('productId', p.id, 'quantity', $2::int, 'priceMinor', p.price::text, 'title', p.title, 'sku', p.sku)),
            p.currency, p.price * $2::int, 'inProgress'
       FROM order_storages st, payment_accounts a, products p
      WHERE st.identifier = 'orders' AND a.identifier = 'cash' AND p.id = $1 RETURNING id`,
    [productId, quantity, email],
  );
  return rows[0]!.id;
}

describe('payment sessions (custom cash account)', () => {
  let t: TestTender;
  let alice: string;
  beforeAll(async () => {
    t = await startTender();
    alice = await tokenFor(t, 'alice@example.com');
  });
  afterAll(() => t?.close());

  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', 'x-app-token': t.appToken, authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });

  it('creates a waiting session with a null paymentUrl, and returns the same open session on a second call', async () => {
    const orderId = await createOrder(t, 'alice@example.com');
    const res = await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session', automaticTaxEnabled: false }) });
    expect(res.status).toBe(200);
    const s = (await res.json()) as Record<string, unknown>;
    expect(s).toMatchObject({ orderId, type: 'session', status: 'waiting', paymentUrl: null, amount: 340, amountMinor: 34000, currency: 'USD' });
    expect(s).not.toHaveProperty('clientSecret');
    const again = (await (await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session', automaticTaxEnabled: false }) })).json()) as { id: number };
    expect(again.id).toBe(s.id);
    const { rows } = await t.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_sessions WHERE order_id = $1 AND status = 'pending'`, [orderId]);
    expect(rows[0]!.n).toBe(1);
  });

  it('replaces an open session of another type deliberately: the old one is canceled', async () => {
    const orderId = await createOrder(t, 'alice@example.com');
    const a = (await (await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session' }) })).json()) as { id: number };
    const b = (await (await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'intent' }) })).json()) as { id: number };
    expect(b.id).not.toBe(a.id);
    const old = (await (await call(`/api/content/payments/sessions/${a.id}`, alice)).json()) as { status: string };
    expect(old.status).toBe('canceled');
  });

  it('serializes 20 concurrent createSession calls for one order into one payable session', async () => {
    const orderId = await createOrder(t, 'alice@example.com');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session' }) })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const ids = new Set(await Promise.all(results.map(async (r) => ((await r.json()) as { id: number }).id)));
    expect(ids.size).toBe(1);
  });

  it('completes the session when the merchant records the cash, and moves the order to its mapped status in the same transaction', async () => {
    const orderId = await createOrder(t, 'alice@example.com');
    const s = (await (await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session' }) })).json()) as { id: number };
    const admin = await fetch(`${t.url}/api/admin/payments/sessions/${s.id}/receive`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: JSON.stringify({ reference: 'receipt-1' }),
    });
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { status: string }).status).toBe('completed');
    const byOrder = (await (await call(`/api/content/payments/sessions/order/${orderId}`, alice)).json()) as { id: number; status: string; paymentId: number };
    expect(byOrder).toMatchObject({ id: s.id, status: 'completed' });
    const { rows } = await t.ctx.db.query<{ status_identifier: string; captured: bigint; cstatus: string }>(
      `SELECT o.status_identifier, p.captured_amount AS captured, c.status AS cstatus FROM orders o
         JOIN payment_collections c ON c.order_id = o.id JOIN payments p ON p.collection_id = c.id WHERE o.id = $1`, [orderId]);
    expect(rows[0]).toEqual({ status_identifier: 'paid', captured: 34000n, cstatus: 'completed' });
    const again = await fetch(`${t.url}/api/admin/payments/sessions/${s.id}/receive`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: '{}',
    });
    expect(again.status).toBe(409);
    const paid = await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session' }) });
    expect(paid.status).toBe(409);
    const history = await t.ctx.db.query<{ entity: string; from_status: string | null; to_status: string | null }>(
      'SELECT entity, from_status, to_status FROM payment_events WHERE order_id = $1 ORDER BY id', [orderId]);
    expect(history.rows.map((r) => `${r.entity}:${r.from_status ?? ''}>${r.to_status ?? ''}`)).toEqual([
      'session:>pending', 'collection:not_paid>awaiting', 'session:pending>authorized', 'payment:>captured', 'capture:>succeeded', 'collection:awaiting>completed', 'order:inProgress>paid',
    ]);
  });

  it("answers 404 for another user's sessions and orders", async () => {
    const bob = await tokenFor(t, 'bob@example.com');
    const orderId = await createOrder(t, 'alice@example.com');
    const s = (await (await call('/api/content/payments/sessions', alice, { method: 'POST', body: JSON.stringify({ orderId, type: 'session' }) })).json()) as { id: number };
    expect((await call(`/api/content/payments/sessions/${s.id}`, bob)).status).toBe(404);
    expect((await call(`/api/content/payments/sessions/order/${orderId}`, bob)).status).toBe(404);
    expect((await call('/api/content/payments/sessions', bob, { method: 'POST', body: JSON.stringify({ orderId, type: 'session' }) })).status).toBe(404);
    const list = (await (await call('/api/content/payments/sessions/?offset=0&limit=30', bob)).json()) as { items: unknown[]; total: number };
    expect(list).toEqual({ items: [], total: 0 });
  });

  it('lists accounts without secrets and pages sessions with a total', async () => {
    const accounts = (await (await call('/api/content/payments/accounts', alice)).json()) as Record<string, unknown>[];
    expect(accounts.map((a) => a.identifier)).toContain('cash');
    const page = (await (await call('/api/content/payments/sessions/?offset=0&limit=2', alice)).json()) as { items: { id: number }[]; total: number };
    expect(page.items.length).toBe(2);
    expect(page.total).toBeGreaterThan(2);
    // The list (its own query and column list) and the single-session route answer the same
    // session identically, timestamps included (to the millisecond, from microsecond values).
    for (const item of page.items) {
      const one = await (await call(`/api/content/payments/sessions/${item.id}`, alice)).json();
      expect(item).toEqual(one);
    }
    const all = (await (await call(`/api/content/payments/sessions/?offset=0&limit=100`, alice)).json()) as { items: unknown[]; total: number };
    expect(all.items.length).toBe(all.total);
    const beyond = (await (await call(`/api/content/payments/sessions/?offset=${all.total + 5}&limit=10`, alice)).json()) as { items: unknown[]; total: number };
    expect(beyond).toEqual({ items: [], total: all.total });
  });
});

describe('admin lists', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('lists orders and sessions of all users with the admin token only', async () => {
    await tokenFor(t, 'carol@example.com');
    await tokenFor(t, 'dave@example.com');
    const o1 = await createOrder(t, 'carol@example.com');
    await createOrder(t, 'dave@example.com', 3, 2);
    const admin = (path: string, token = t.adminToken) => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const listed = await admin('/api/admin/orders?limit=10');
    const orders = (await listed.json()) as { items: Record<string, unknown>[]; total: number };
    expect(listed.status, JSON.stringify(orders)).toBe(200);
    expect(orders.total).toBe(2);
    expect(orders.items.map((o) => o.userIdentifier)).toEqual(['dave@example.com', 'carol@example.com']);
    expect(orders.items[0]).toMatchObject({ totalSum: '2000', currency: 'JPY', storageIdentifier: 'orders', paymentAccountIdentifier: 'cash' });
    const onlyCarol = (await (await admin(`/api/admin/orders?userId=${orders.items[1]!.userId as number}`)).json()) as { items: { id: number }[] };
    expect(onlyCarol.items.map((o) => o.id)).toEqual([o1]);
    expect((await admin('/api/admin/orders')).status).toBe(200);
    expect((await admin('/api/admin/orders', t.appToken)).status).toBe(401);
    expect((await fetch(`${t.url}/api/admin/orders`)).status).toBe(401);
    const sessions = await admin('/api/admin/payments/sessions');
    expect(sessions.status).toBe(200);
  });
});
