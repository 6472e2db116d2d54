import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

describe('payment lifecycle rules', () => {
  let t: TestTender;
  let user: { userId: number; token: string };
  beforeAll(async () => {
    t = await startTender();
    user = await signIn(t, 'rules@example.com');
  });
  afterAll(() => t?.close());

  const state = async (orderId: number) => {
    const { rows } = await t.ctx.db.query<{ order_status: string; collection: string; sessions: string; payments: number }>(
      `SELECT o.status_identifier AS order_status, c.status AS collection,
              (SELECT string_agg(status, ',' ORDER BY id) FROM payment_sessions WHERE order_id = o.id) AS sessions,
              (SELECT count(*)::int FROM payments WHERE order_id = o.id) AS payments
         FROM orders o LEFT JOIN payment_collections c ON c.order_id = o.id WHERE o.id = $1`, [orderId]);
    return rows[0]!;
  };

  it('moves the order to its mapped status in the same transaction; a failed transaction leaves both unchanged', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1);
    const s = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
    // Make the order update fail inside the transaction that records the payment.
    await t.ctx.db.exec(`
      CREATE FUNCTION refuse_paid() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.status_identifier = 'paid' THEN RAISE EXCEPTION 'test: refusing paid'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_paid BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION refuse_paid();`);
    const before = await state(orderId);
    const failed = await api(t)('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {});
    expect(failed.status).toBe(500);
    expect(await state(orderId)).toEqual(before);
    expect(before).toEqual({ order_status: 'inProgress', collection: 'awaiting', sessions: 'pending', payments: 0 });
    await t.ctx.db.exec('DROP TRIGGER refuse_paid ON orders; DROP FUNCTION refuse_paid();');
    const ok = await api(t)('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {});
    expect(ok.status).toBe(200);
    expect(await state(orderId)).toEqual({ order_status: 'paid', collection: 'completed', sessions: 'authorized', payments: 1 });
  });

  it('follows the merchant mapping as it is changed through the admin API', async () => {
    const admin = api(t);
    const put = await admin('PUT', '/api/admin/order-storages/orders/status-mappings', { mappings: { completed: 'refunded', awaiting: 'canceled' } });
    expect(put.body.mappings).toMatchObject({ completed: 'refunded', awaiting: 'canceled' });
    const orderId = await insertOrder(t, user.userId, 2, 1);
    const s = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
    expect((await state(orderId)).order_status).toBe('canceled');
    await admin('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {});
    expect((await state(orderId)).order_status).toBe('refunded');
    await admin('PUT', '/api/admin/order-storages/orders/status-mappings', { mappings: { completed: 'paid', awaiting: null } });
    const get = await admin('GET', '/api/admin/order-storages/orders/status-mappings');
    expect(get.body.mappings.awaiting).toBeUndefined();
    expect(get.body.orderStatuses).toEqual(['inProgress', 'paid', 'refunded', 'canceled']);
  });

  it('expires a session after its lifetime: it cannot be paid, and a new session replaces it', async () => {
    await t.ctx.db.query(`UPDATE payment_accounts SET session_lifetime_sec = 600 WHERE identifier = 'cash'`);
    await t.ctx.db.changes.caughtUp(); // the process's cached account row is dropped
    try {
      const orderId = await insertOrder(t, user.userId, 1, 1);
      const call = api(t, user.token);
      const first = await call('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
      expect(Date.parse(first.body.expiresAt) - Date.parse(first.body.createdDate)).toBe(600_000);
      const realNow = t.ctx.now;
      t.ctx.now = () => new Date(Date.now() + 601_000);
      try {
        const late = await api(t)('POST', `/api/admin/payments/sessions/${first.body.id}/receive`, {});
        expect([late.status, late.body.code]).toEqual([409, 'session_expired']);
        const second = await call('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
        expect(second.body.id).not.toBe(first.body.id);
        expect((await call('GET', `/api/content/payments/sessions/${first.body.id}`)).body.status).toBe('expired');
        expect((await state(orderId)).sessions).toBe('expired,pending');
      } finally {
        t.ctx.now = realNow;
      }
    } finally {
      await t.ctx.db.query(`UPDATE payment_accounts SET session_lifetime_sec = 2592000 WHERE identifier = 'cash'`);
      await t.ctx.db.changes.caughtUp();
    }
  });

  it('refuses a processPayment amount that differs from what is due, and a currency that differs', async () => {
    await t.ctx.db.query(`INSERT INTO payment_accounts (identifier, type, localize_infos, test_mode) VALUES ('card', 'test', '{"en_US":{"title":"Card"}}', true)`);
    await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT s.id, a.id FROM order_storages s, payment_accounts a WHERE s.identifier = 'orders' AND a.identifier = 'card'`);
    const orderId = await insertOrder(t, user.userId, 1, 1, 'card');
    const call = api(t, user.token);
    const above = await call('POST', '/api/content/payments/process', { orderId, amount: 340.01, currency: 'USD', token: 'tok_test_x' });
    expect([above.status, above.body.code, above.body.details]).toEqual([422, 'amount_mismatch', { due: '340.00', given: '340.01' }]);
    const currency = await call('POST', '/api/content/payments/process', { orderId, amount: 340, currency: 'EUR', token: 'tok_test_x' });
    expect([currency.status, currency.body.code]).toEqual([400, 'currency_mismatch']);
    const { rows } = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_sessions WHERE order_id = $1', [orderId]);
    expect(rows[0]!.n).toBe(0);
  });

  it('keeps a readable history per order and per payment', async () => {
    const orderId = await insertOrder(t, user.userId, 2, 2);
    const s = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
    const r = await api(t)('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {});
    await api(t)('POST', `/api/admin/payments/${r.body.paymentId}/refund`, { amount: '5.00', reason: 'scratch' });
    const order = await api(t)('GET', `/api/admin/orders/${orderId}/history`);
    expect(order.body.map((e: { entity: string; action: string; to: string | null }) => `${e.entity}.${e.action}>${e.to}`)).toEqual([
      'session.created>pending', 'collection.status_changed>awaiting', 'session.status_changed>authorized', 'payment.created>captured',
      'capture.created>succeeded', 'collection.status_changed>completed', 'order.status_changed>paid', 'refund.created>pending', 'refund.status_changed>succeeded',
      'payment.refunded>partially_refunded', 'collection.status_changed>partially_refunded',
    ]);
    const mine = await api(t, user.token)('GET', `/api/content/payments/payments/${r.body.paymentId}/history`);
    expect(mine.body.every((e: { actor: { type: string } }) => ['user', 'merchant', 'gateway'].includes(e.actor.type))).toBe(true);
    expect(mine.body.find((e: { action: string }) => e.action === 'refunded')).toMatchObject({ amount: 5, amountMinor: 500, currency: 'USD', from: 'captured', to: 'partially_refunded' });
  });
});

describe('admin refund-request queue', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('lists requests by status, approves one (refunding through the gateway) and rejects another', async () => {
    const { paidCashOrder } = await import('../support/fixtures.js');
    const u = await signIn(t, 'queue@example.com');
    const a = await paidCashOrder(t, u.userId, u.token, 2, 2);
    const b = await paidCashOrder(t, u.userId, u.token, 2, 1);
    const call = api(t, u.token);
    await call('POST', `/api/content/orders/${a.orderId}/refund`, { products: { '2': { quantity: 2 } }, note: 'both broken' });
    await call('POST', `/api/content/orders/${b.orderId}/refund`, { products: {}, note: 'changed my mind' });
    const admin = api(t);
    const queue = await admin('GET', '/api/admin/refund-requests?status=pending');
    expect(queue.body.total).toBe(2);
    expect(queue.body.items.map((r: { orderId: number }) => r.orderId)).toEqual([b.orderId, a.orderId]);
    const first = queue.body.items[1];
    expect(first).toMatchObject({ userIdentifier: 'queue@example.com', amount: 25, amountMinor: 2500, currency: 'USD', note: 'both broken' });
    const approved = await admin('POST', `/api/admin/refund-requests/${first.id}/approve`, { amount: '20.00', note: 'keep 5 for shipping' });
    expect(approved.body).toMatchObject({ status: 'approved', refund: { amountMinor: 2000, status: 'succeeded' } });
    const rejected = await admin('POST', `/api/admin/refund-requests/${queue.body.items[0].id}/reject`, { note: 'outside the return window' });
    expect(rejected.body.status).toBe('rejected');
    expect((await admin('GET', `/api/admin/payments/${a.paymentId}`)).body).toMatchObject({ refundedMinor: 2000, status: 'partially_refunded' });
    const again = await admin('POST', `/api/admin/refund-requests/${first.id}/approve`, {});
    expect([again.status, again.body.code]).toEqual([409, 'invalid_transition']);
    const all = await admin('GET', '/api/admin/refund-requests');
    expect(all.body.items.map((r: { status: string; merchantNote: string | null }) => [r.status, r.merchantNote])).toEqual([
      ['rejected', 'outside the return window'], ['approved', 'keep 5 for shipping'],
    ]);
    const seen = (await call('GET', `/api/content/orders/${a.orderId}/refund`)).body;
    expect(seen[0]).toMatchObject({ status: 'approved' });
  });
});
