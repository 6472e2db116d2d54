import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, userClient, type UserClient } from '../support/login.js';
import { insertCapturedPayment, insertOpenSession } from '../support/order-payments.js';
import { startTender, type TestTender } from '../support/tender.js';

const BASE = '/api/content/orders-storage';
const ORDERS = `${BASE}/marker/orders/orders`;

function orderBody(products: { productId: number; quantity: number }[], extra: Record<string, unknown> = {}) {
  return {
    formIdentifier: 'order',
    paymentAccountIdentifier: 'cash',
    formData: { en_US: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }] },
    products,
    ...extra,
  };
}

function expectError(res: { status: number; body: Record<string, unknown> }, status: number, code: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ statusCode: status, code, pageData: null });
  expect(typeof res.body.message).toBe('string');
  expect(typeof res.body.timestamp).toBe('string');
  if (message) expect(res.body.message).toMatch(message);
}

describe('orders', () => {
  let t: TestTender;
  let a: UserClient;
  let b: UserClient;
  let userA: number;

  beforeAll(async () => {
    t = await startTender({ project: { users: [{ email: 'other@example.com', password: '123456', provider: 'email' }] } });
    const la = await login(t);
    userA = la.userId;
    a = userClient(t, la.accessToken);
    b = userClient(t, (await login(t, 'other@example.com')).accessToken);
  });
  afterAll(() => t?.close());

  describe('storages and statuses', () => {
    it('lists storages as a plain array with the allowed payment accounts', async () => {
      const res = await a.get(`${BASE}?langCode=en_US&limit=30&offset=0`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          id: expect.any(Number),
          localizeInfos: { title: 'Orders' },
          position: null,
          identifier: 'orders',
          formIdentifier: 'order',
          generalTypeId: null,
          paymentAccountIdentifiers: [{ identifier: 'cash' }],
        },
      ]);
    });

    it('gets one storage by marker, and 404 storage_not_found for an unknown one', async () => {
      const res = await a.get(`${BASE}/marker/orders?langCode=en_US`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ identifier: 'orders', formIdentifier: 'order', paymentAccountIdentifiers: [{ identifier: 'cash' }] });
      expectError(await a.get(`${BASE}/marker/nope?langCode=en_US`), 404, 'storage_not_found', /nope/);
    });

    it('requires a signed-in user (401, not 403)', async () => {
      const anon = userClient(t, undefined);
      expectError(await anon.get(`${BASE}?langCode=en_US`), 401, 'unauthorized');
      expectError(await anon.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }])), 401, 'unauthorized');
      expectError(await userClient(t, 'garbage').get(`${ORDERS}?langCode=en_US`), 401, 'unauthorized');
    });

    it('lists order statuses as a plain array with isDefault and isUsed', async () => {
      await a.post(ORDERS, orderBody([{ productId: 2, quantity: 1 }]));
      const res = await a.get(`${BASE}/marker/orders/order-statuses?langCode=en_US&offset=0&limit=30`);
      expect(res.status).toBe(200);
      expect(res.body.map((s: { identifier: string }) => s.identifier)).toEqual(['inProgress', 'paid', 'refunded', 'canceled']);
      expect(res.body[0]).toEqual({ id: expect.any(Number), localizeInfos: { title: 'In progress' }, identifier: 'inProgress', position: 1, isUsed: true, isDefault: true });
      expect(res.body[1]).toMatchObject({ identifier: 'paid', isUsed: false, isDefault: false });
      const page = await a.get(`${BASE}/marker/orders/order-statuses?langCode=en_US&offset=1&limit=2`);
      expect(page.body.map((s: { identifier: string }) => s.identifier)).toEqual(['paid', 'refunded']);
      expectError(await a.get(`${BASE}/marker/nope/order-statuses`), 404, 'storage_not_found');
    });
  });

  describe('createOrder', () => {
    it('prices the order from the catalog (USD): totalSum is a number, totalMinor an integer', async () => {
      const res = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }, { productId: 2, quantity: 3 }]));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        formIdentifier: 'order',
        paymentAccountIdentifier: 'cash',
        formData: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }],
        products: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 3 }],
        currency: 'USD',
        totalSum: 377.5,
        totalMinor: 37750,
        createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        statusIdentifier: 'inProgress',
      });
      const got = await a.get(`${ORDERS}/${res.body.id}?langCode=en_US`);
      expect(got.body.totalSum).toBe('377.50');
    });

    it('uses the currency exponent: JPY 1000 and KWD 1.234', async () => {
      const jpy = await a.post(ORDERS, orderBody([{ productId: 3, quantity: 1 }]));
      expect(jpy.body).toMatchObject({ currency: 'JPY', totalSum: 1000, totalMinor: 1000 });
      expect((await a.get(`${ORDERS}/${jpy.body.id}`)).body).toMatchObject({ totalSum: '1000', totalMinor: 1000, currency: 'JPY' });

      const kwd = await a.post(ORDERS, orderBody([{ productId: 4, quantity: 1 }]));
      expect(kwd.body).toMatchObject({ currency: 'KWD', totalSum: 1.234, totalMinor: 1234 });
      const kwdGot = (await a.get(`${ORDERS}/${kwd.body.id}`)).body;
      expect(kwdGot).toMatchObject({ totalSum: '1.234', currency: 'KWD' });
      expect(kwdGot.products[0]).toMatchObject({ id: 4, price: 1.234, quantity: 1 });

      const kwd3 = await a.post(ORDERS, orderBody([{ productId: 4, quantity: 3 }]));
      expect(kwd3.body).toMatchObject({ totalSum: 3.702, totalMinor: 3702 });
    });

    it('ignores a totalSum sent by the client', async () => {
      const res = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], { totalSum: 0.01 }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ totalSum: 340, totalMinor: 34000 });
      const { rows } = await t.ctx.db.query<{ total: bigint }>('SELECT total FROM orders WHERE id = $1', [res.body.id]);
      expect(rows[0]!.total).toBe(34000n);
    });

    it('accepts formData as a plain array and stores the array', async () => {
      const res = await a.post(ORDERS, orderBody([{ productId: 2, quantity: 1 }], {
        formData: [{ marker: 'name', type: 'string', value: 'Ann' }, { marker: 'phone', type: 'string', value: '+1 555' }],
      }));
      expect(res.status).toBe(201);
      expect(res.body.formData).toEqual([{ marker: 'name', type: 'string', value: 'Ann' }, { marker: 'phone', type: 'string', value: '+1 555' }]);
    });

    it('refuses products in different currencies with 400 currency_mismatch', async () => {
      const res = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }, { productId: 3, quantity: 1 }]));
      expectError(res, 400, 'currency_mismatch', /USD.*JPY/);
      const res2 = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], { currency: 'EUR' }));
      expectError(res2, 400, 'currency_mismatch', /EUR/);
      expect((await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], { currency: 'usd' }))).status).toBe(201);
    });

    it('refuses unknown, hidden and repeated products with a message naming the product', async () => {
      expectError(await a.post(ORDERS, orderBody([{ productId: 999, quantity: 1 }])), 400, 'validation_failed', /Product 999/);
      await t.ctx.db.query(`INSERT INTO products (id, title, price, currency, is_visible) VALUES (50, 'Hidden', 100, 'USD', false)`);
      expectError(await a.post(ORDERS, orderBody([{ productId: 50, quantity: 1 }])), 400, 'validation_failed', /Product 50/);
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }, { productId: 1, quantity: 2 }])),
        400,
        'validation_failed',
        /Product 1 appears more than once/,
      );
    });

    it('checks formData against the storage form', async () => {
      const wrap = (items: unknown[]) => ({ formData: { en_US: items } });
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], wrap([{ marker: 'name', type: 'string', value: 'A' }, { marker: 'shoe_size', type: 'string', value: '9' }]))),
        400, 'validation_failed', /Unknown form field 'shoe_size'/,
      );
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], wrap([{ marker: 'phone', type: 'string', value: '1' }]))),
        400, 'validation_failed', /Required form field missing or empty: 'name'/,
      );
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], wrap([{ marker: 'name', type: 'string', value: '  ' }]))),
        400, 'validation_failed', /'name'/,
      );
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], wrap([{ marker: 'name', type: 'integer', value: 1 }]))),
        400, 'validation_failed', /type 'string'/,
      );
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], { formData: { en_US: [{ marker: 'name', type: 'string', value: 'A' }], ru_RU: [] } })),
        400, 'validation_failed', /one language/,
      );
      expectError(
        await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], { formIdentifier: 'reg' })),
        400, 'validation_failed', /formIdentifier 'reg' is not the order form.*'order'/,
      );
    });

    it('refuses a payment account the storage does not allow, naming the allowed ones', async () => {
      const res = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }], { paymentAccountIdentifier: 'stripe' }));
      expectError(res, 400, 'validation_failed', /Payment account 'stripe' is not available in storage 'orders'; allowed: 'cash'/);
    });

    it('refuses discounts instead of ignoring them; empty discount fields are fine', async () => {
      const p = [{ productId: 1, quantity: 1 }];
      expectError(await a.post(ORDERS, orderBody(p, { couponCode: 'SALE10' })), 400, 'validation_failed', /Coupons are not supported/);
      expectError(await a.post(ORDERS, orderBody(p, { additionalDiscountsMarkers: ['vip'] })), 400, 'validation_failed', /Discounts are not supported/);
      expectError(await a.post(ORDERS, orderBody(p, { bonusAmount: 5 })), 400, 'validation_failed', /Bonuses are not supported/);
      const ok = await a.post(ORDERS, orderBody(p, { couponCode: '', additionalDiscountsMarkers: [], bonusAmount: 0 }));
      expect(ok.status).toBe(201);
      expect(ok.body.totalSum).toBe(340);
    });

    it('answers 404 storage_not_found for an unknown storage', async () => {
      expectError(await a.post('/api/content/orders-storage/marker/nope/orders', orderBody([{ productId: 1, quantity: 1 }])), 404, 'storage_not_found');
    });

    it('writes an order history row in the creating transaction', async () => {
      const res = await a.post(ORDERS, orderBody([{ productId: 2, quantity: 2 }]));
      const { rows } = await t.ctx.db.query<{ action: string; to_status: string; amount: bigint; currency: string; actor_type: string; actor_id: string }>(
        `SELECT action, to_status, amount, currency, actor_type, actor_id FROM payment_events WHERE entity = 'order' AND entity_id = $1`,
        [res.body.id],
      );
      expect(rows).toEqual([{ action: 'created', to_status: 'inProgress', amount: 2500n, currency: 'USD', actor_type: 'user', actor_id: String(userA) }]);
    });
  });

  describe('get and list', () => {
    it('returns the OneEntry order entity: optional keys left out, nullable keys present', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 2 }]));
      const res = await a.get(`${ORDERS}/${created.body.id}?langCode=en_US`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: created.body.id,
        storageId: expect.any(Number),
        createdDate: created.body.createdDate,
        statusIdentifier: 'inProgress',
        formIdentifier: 'order',
        formData: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }],
        totalSum: '680.00',
        totalMinor: 68000,
        currency: 'USD',
        paymentAccountIdentifier: 'cash',
        paymentAccountLocalizeInfos: { title: 'Cash on delivery' },
        paymentUrl: null,
        products: [{ id: 1, quantity: 2, title: 'Demo T-shirt', sku: 'TSHIRT-1', previewImage: null, price: 340, isGift: false }],
        isCompleted: null,
        statusLocalizeInfos: { title: 'In progress' },
      });
      expect('attributeSetIdentifier' in res.body).toBe(false);
    });

    it("shows the open session's payment URL", async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 2, quantity: 1 }]));
      await insertOpenSession(t, created.body.id, 'https://pay.example.test/s/abc');
      expect((await a.get(`${ORDERS}/${created.body.id}`)).body.paymentUrl).toBe('https://pay.example.test/s/abc');
    });

    it("lists only the caller's orders, newest first, as {items, total}", async () => {
      const own = await a.get(`${ORDERS}?langCode=en_US&limit=30&offset=0`);
      expect(own.status).toBe(200);
      expect(own.body.total).toBeGreaterThan(3);
      expect(own.body.items.length).toBe(Math.min(own.body.total, 30));
      const ids = own.body.items.map((o: { id: number }) => o.id);
      expect(ids).toEqual([...ids].sort((x: number, y: number) => y - x));
      const page = await a.get(`${ORDERS}?langCode=en_US&limit=2&offset=1`);
      expect(page.body.items.map((o: { id: number }) => o.id)).toEqual(ids.slice(1, 3));
      expect(page.body.total).toBe(own.body.total);

      const theirs = await b.get(`${ORDERS}?langCode=en_US&limit=30&offset=0`);
      expect(theirs.body).toEqual({ items: [], total: 0 });
    });
  });

  describe("another user's order", () => {
    it('cannot be read, updated or refunded by user B (404 order_not_found)', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      const id = created.body.id as number;
      await insertCapturedPayment(t, id);
      expectError(await b.get(`${ORDERS}/${id}?langCode=en_US`), 404, 'order_not_found');
      expectError(await b.put(`${ORDERS}/${id}?langCode=en_US`, orderBody([{ productId: 2, quantity: 1 }])), 404, 'order_not_found');
      expectError(await b.get(`/api/content/orders/${id}/refund`), 404, 'order_not_found');
      expectError(await b.post(`/api/content/orders/${id}/refund`, { products: {} }), 404, 'order_not_found');
      expectError(await b.del(`/api/content/orders/${id}/refund`), 404, 'order_not_found');
      // …while user A can.
      expect((await a.post(`/api/content/orders/${id}/refund`, { products: {} })).status).toBe(201);
    });

    it('is not found through another storage', async () => {
      await t.ctx.db.query(`INSERT INTO order_storages (identifier, form_identifier) VALUES ('other', 'order')`);
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      expectError(await a.get(`${BASE}/marker/other/orders/${created.body.id}`), 404, 'order_not_found');
    });
  });

  describe('updateOrder', () => {
    it('re-prices the order and answers the create shape', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      const res = await a.put(`${ORDERS}/${created.body.id}?langCode=en_US`, orderBody([{ productId: 2, quantity: 4 }], { currency: 'USD', totalSum: 1 }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.body.id, products: [{ productId: 2, quantity: 4 }], totalSum: 50, totalMinor: 5000, currency: 'USD', statusIdentifier: 'inProgress' });
      expect((await a.get(`${ORDERS}/${created.body.id}`)).body.totalSum).toBe('50.00');
    });

    it('cancels the open session and updates the collection when the products change', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      const id = created.body.id as number;
      const { sessionId, collectionId } = await insertOpenSession(t, id, 'https://pay.example.test/s/1');
      const res = await a.put(`${ORDERS}/${id}`, orderBody([{ productId: 1, quantity: 2 }]));
      expect(res.status).toBe(200);
      const s = await t.ctx.db.query<{ status: string }>('SELECT status FROM payment_sessions WHERE id = $1', [sessionId]);
      expect(s.rows[0]!.status).toBe('canceled');
      const c = await t.ctx.db.query<{ amount: bigint; status: string }>('SELECT amount, status FROM payment_collections WHERE id = $1', [collectionId]);
      expect(c.rows[0]).toEqual({ amount: 68000n, status: 'not_paid' });
      const h = await t.ctx.db.query<{ from_status: string; to_status: string; actor_type: string }>(
        `SELECT from_status, to_status, actor_type FROM payment_events WHERE entity = 'session' AND entity_id = $1 AND action = 'status_changed'`,
        [sessionId],
      );
      expect(h.rows).toEqual([{ from_status: 'pending', to_status: 'canceled', actor_type: 'user' }]);
      expect((await a.get(`${ORDERS}/${id}`)).body.paymentUrl).toBeNull();
    });

    it('keeps the open session when only the form data changes', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      const { sessionId } = await insertOpenSession(t, created.body.id, null);
      const res = await a.put(`${ORDERS}/${created.body.id}`, orderBody([{ productId: 1, quantity: 1 }], {
        formData: { en_US: [{ marker: 'name', type: 'string', value: 'New Name' }] },
      }));
      expect(res.status).toBe(200);
      expect(res.body.formData).toEqual([{ marker: 'name', type: 'string', value: 'New Name' }]);
      const s = await t.ctx.db.query<{ status: string }>('SELECT status FROM payment_sessions WHERE id = $1', [sessionId]);
      expect(s.rows[0]!.status).toBe('pending');
    });

    it('refuses with 409 order_locked once a payment is live, but not after a failed one', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      await insertCapturedPayment(t, created.body.id, { status: 'failed' });
      expect((await a.put(`${ORDERS}/${created.body.id}`, orderBody([{ productId: 2, quantity: 1 }]))).status).toBe(200);
      await insertCapturedPayment(t, created.body.id, { status: 'authorized', captured: 0n });
      expectError(await a.put(`${ORDERS}/${created.body.id}`, orderBody([{ productId: 1, quantity: 1 }])), 409, 'order_locked', /authorized/);
    });

    it('validates the body like createOrder', async () => {
      const created = await a.post(ORDERS, orderBody([{ productId: 1, quantity: 1 }]));
      expectError(await a.put(`${ORDERS}/${created.body.id}`, orderBody([{ productId: 1, quantity: 1 }, { productId: 4, quantity: 1 }])), 400, 'currency_mismatch');
      expectError(await a.put(`${ORDERS}/${created.body.id}`, orderBody([{ productId: 1, quantity: 1 }], { paymentAccountIdentifier: 'nope' })), 400, 'validation_failed');
      expectError(await a.put(`${ORDERS}/999999`, orderBody([{ productId: 1, quantity: 1 }])), 404, 'order_not_found');
    });
  });

  describe('previewOrder', () => {
    it('prices without saving and reports that no discounts apply', async () => {
      const before = await t.ctx.db.query<{ n: bigint }>('SELECT count(*) AS n FROM orders');
      const res = await a.post(`${BASE}/orders/preview?langCode=en_US`, { products: [{ productId: 1, quantity: 2 }, { productId: 2, quantity: 1 }] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        totalSum: 692.5,
        totalSumWithDiscount: 692.5,
        totalDue: 692.5,
        totalMinor: 69250,
        bonusApplied: 0,
        currency: 'USD',
        orderPreview: [
          { id: 1, price: 340, quantity: 2, discountPrice: null, isGift: false },
          { id: 2, price: 12.5, quantity: 1, discountPrice: null, isGift: false },
        ],
        discountConfig: {
          bonus: null,
          coupon: null,
          orderDiscounts: [],
          productDiscounts: [],
          settings: { allowGiftStacking: false, allowStacking: false, maxDiscountValue: null },
        },
      });
      const after = await t.ctx.db.query<{ n: bigint }>('SELECT count(*) AS n FROM orders');
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    });

    it('previews nothing as zero with an empty currency, and refuses coupons and mixed currencies', async () => {
      const empty = await a.post(`${BASE}/orders/preview?langCode=en_US`, {});
      expect(empty.body).toMatchObject({ totalSum: 0, totalDue: 0, currency: '', orderPreview: [] });
      expectError(await a.post(`${BASE}/orders/preview`, { products: [{ productId: 1, quantity: 1 }], couponCode: 'X' }), 400, 'validation_failed', /Coupons/);
      expectError(await a.post(`${BASE}/orders/preview`, { products: [{ productId: 1, quantity: 1 }, { productId: 3, quantity: 1 }] }), 400, 'currency_mismatch');
    });
  });

  describe('served under /api/content/orders too (SDK base-URL swap, contract §7.1)', () => {
    it('answers the misrouted storage, order, preview and status URLs', async () => {
      const alias = '/api/content/orders';
      expect((await a.get(`${alias}?langCode=en_US&limit=30&offset=0`)).body[0].identifier).toBe('orders');
      expect((await a.get(`${alias}/marker/orders?langCode=en_US`)).body.identifier).toBe('orders');
      const created = await a.post(`${alias}/marker/orders/orders`, orderBody([{ productId: 2, quantity: 1 }]));
      expect(created.status).toBe(201);
      expect((await a.get(`${alias}/marker/orders/orders/${created.body.id}?langCode=en_US`)).body.totalSum).toBe('12.50');
      expect((await a.get(`${alias}/marker/orders/orders?langCode=en_US&limit=30&offset=0`)).body.total).toBeGreaterThan(0);
      expect((await a.put(`${alias}/marker/orders/orders/${created.body.id}?langCode=en_US`, orderBody([{ productId: 2, quantity: 2 }]))).body.totalSum).toBe(25);
      expect((await a.post(`${alias}/orders/preview?langCode=en_US`, { products: [{ productId: 3, quantity: 2 }] })).body.totalSum).toBe(2000);
      expect((await a.get(`${alias}/marker/orders/order-statuses?langCode=en_US&offset=0&limit=30`)).body).toHaveLength(4);
    });

    it('keeps the alias out of the OpenAPI document', async () => {
      const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toContain('/api/content/orders-storage/marker/{marker}/orders');
      expect(Object.keys(doc.paths)).toContain('/api/content/orders/{orderId}/refund');
      expect(Object.keys(doc.paths)).not.toContain('/api/content/orders/marker/{marker}/orders');
    });
  });
});
