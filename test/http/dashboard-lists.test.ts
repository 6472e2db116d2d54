import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

/** The panel's tables: admin payment and session lists (filters, sorting, paging) and the mapping preview. */
describe('admin lists for the panel', () => {
  let t: TestTender;
  let ada: { orderId: number; paymentId: number; sessionId: number }[];
  let bob: { orderId: number; paymentId: number; sessionId: number };
  let eurAccount: number;
  beforeAll(async () => {
    t = await startTender();
    const a = await signIn(t, 'Ada.Lovelace@example.com');
    const b = await signIn(t, 'bob_smith@example.org');
    const eur = (await t.ctx.db.query<{ id: number }>("INSERT INTO products (sku, title, price, currency) VALUES ('e', 'Euro thing', 1999, 'EUR') RETURNING id")).rows[0]!.id;
    ada = [await paidCashOrder(t, a.userId, a.token, 1, 1), await paidCashOrder(t, a.userId, a.token, 1, 3)];
    bob = await paidCashOrder(t, b.userId, b.token, eur, 1);
    eurAccount = (await t.ctx.db.query<{ account_id: number }>('SELECT account_id FROM payments WHERE id = $1', [bob.paymentId])).rows[0]!.account_id;
    await t.ctx.db.query("UPDATE payments SET created_at = now() - interval '3 days' WHERE id = $1", [ada[0]!.paymentId]);
    await t.ctx.db.query("UPDATE payment_sessions SET created_at = now() - interval '3 days' WHERE id = $1", [ada[0]!.sessionId]);
  });
  afterAll(() => t?.close());

  const ids = async (path: string) => {
    const res = await api(t)('GET', path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { ids: (res.body.items as { id: number }[]).map((x) => x.id), total: res.body.total as number, items: res.body.items as Record<string, unknown>[] };
  };

  it('filters payments by customer e-mail (case-insensitive substring, wildcards literal), currency, account, order and status', async () => {
    const all = [bob.paymentId, ada[1]!.paymentId, ada[0]!.paymentId];
    expect((await ids('/api/admin/payments')).ids).toEqual(all);
    expect((await ids('/api/admin/payments?customerEmail=LOVELACE')).ids).toEqual([ada[1]!.paymentId, ada[0]!.paymentId]);
    expect((await ids('/api/admin/payments?customerEmail=bob_')).ids).toEqual([bob.paymentId]);
    expect((await ids('/api/admin/payments?customerEmail=%25')).ids).toEqual([]);
    expect((await ids('/api/admin/payments?customerEmail=b_b')).ids).toEqual([]);
    expect((await ids('/api/admin/payments?currency=EUR')).ids).toEqual([bob.paymentId]);
    expect((await ids(`/api/admin/payments?accountId=${eurAccount}&orderId=${bob.orderId}`)).ids).toEqual([bob.paymentId]);
    expect((await ids('/api/admin/payments?status=captured')).total).toBe(3);
    expect((await ids('/api/admin/payments?status=refunded')).total).toBe(0);
    const one = (await ids(`/api/admin/payments?orderId=${bob.orderId}`)).items[0]!;
    expect(one).toMatchObject({ customerEmail: 'bob_smith@example.org', accountIdentifier: 'cash', currency: 'EUR', amountMinor: 1999 });
  });

  it('filters by date range and sorts by creation or amount, paging without repeats', async () => {
    const since = new Date(Date.now() - 86_400_000).toISOString();
    expect((await ids(`/api/admin/payments?createdFrom=${encodeURIComponent(since)}`)).ids).toEqual([bob.paymentId, ada[1]!.paymentId]);
    expect((await ids(`/api/admin/payments?createdTo=${encodeURIComponent(since)}`)).ids).toEqual([ada[0]!.paymentId]);
    expect((await ids('/api/admin/payments?sort=created_asc')).ids).toEqual([ada[0]!.paymentId, ada[1]!.paymentId, bob.paymentId]);
    expect((await ids('/api/admin/payments?sort=amount_desc')).ids).toEqual([ada[1]!.paymentId, ada[0]!.paymentId, bob.paymentId]);
    expect((await ids('/api/admin/payments?sort=amount_asc')).ids).toEqual([bob.paymentId, ada[0]!.paymentId, ada[1]!.paymentId]);
    const p1 = await ids('/api/admin/payments?sort=amount_asc&limit=2');
    const p2 = await ids('/api/admin/payments?sort=amount_asc&limit=2&offset=2');
    expect([...p1.ids, ...p2.ids]).toEqual([bob.paymentId, ada[0]!.paymentId, ada[1]!.paymentId]);
    expect([p1.total, p2.total]).toEqual([3, 3]);
    expect((await api(t)('GET', '/api/admin/payments?sort=random')).status).toBe(400);
  });

  it('filters and sorts sessions the same way', async () => {
    expect((await ids('/api/admin/payments/sessions?customerEmail=lovelace&sort=created_asc')).ids).toEqual([ada[0]!.sessionId, ada[1]!.sessionId]);
    expect((await ids('/api/admin/payments/sessions?currency=EUR')).ids).toEqual([bob.sessionId]);
    expect((await ids(`/api/admin/payments/sessions?orderId=${ada[1]!.orderId}`)).items[0]).toMatchObject({ id: ada[1]!.sessionId, customerEmail: expect.stringMatching(/^ada\.lovelace@example\.com$/i), accountIdentifier: 'cash' });
    expect((await ids('/api/admin/payments/sessions?sort=amount_desc')).ids[0]).toBe(ada[1]!.sessionId);
    const since = new Date(Date.now() - 86_400_000).toISOString();
    expect((await ids(`/api/admin/payments/sessions?createdTo=${encodeURIComponent(since)}`)).ids).toEqual([ada[0]!.sessionId]);
  });

  it('lists order storages and previews which orders a mapping change concerns', async () => {
    const storages = await api(t)('GET', '/api/admin/order-storages');
    expect(storages.body.items).toContainEqual({ identifier: 'orders', title: 'Orders', orderStatuses: ['inProgress', 'paid', 'refunded', 'canceled'] });
    const preview = (q: string) => api(t)('GET', `/api/admin/order-storages/orders/status-mappings/affected-orders?mappings=${encodeURIComponent(q)}`);
    // The demo maps completed → paid, so the three paid orders show "paid".
    const moved = await preview('completed:refunded');
    expect(moved.status).toBe(200);
    expect(moved.body.total).toBe(3);
    expect(moved.body.items[0]).toMatchObject({ orderId: bob.orderId, paymentStatus: 'completed', orderStatus: 'paid', targetStatus: 'refunded', totalMinor: 1999, currency: 'EUR' });
    expect((await preview('completed:paid')).body.total).toBe(0);
    expect((await preview('completed:')).body).toMatchObject({ total: 3, items: [{ targetStatus: null }, {}, {}] });
    expect((await preview('refunded:inProgress')).body.total).toBe(0);
    expect((await preview('paid:refunded')).status).toBe(400);
    expect((await preview('completed:shipped')).status).toBe(400);
    // A preview changes nothing.
    expect((await api(t)('GET', '/api/admin/order-storages/orders/status-mappings')).body.mappings.completed).toBe('paid');
  });
});
