/**
 * The unmodified published `oneentry` SDK against a real Tender, with strict response
 * validation: a schema mismatch would come back as a `{statusCode: 422, …}` object (never
 * thrown), so every result is checked for exact values, which also proves it passed zod.
 */
import { defineOneEntry } from 'oneentry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMAIL, DEMO_PASSWORD, login } from '../support/login.js';
import { insertCapturedPayment, insertOpenSession } from '../support/order-payments.js';
import { startTender, type TestTender } from '../support/tender.js';

type Sdk = ReturnType<typeof defineOneEntry>;

function sdk(t: TestTender): Sdk {
  return defineOneEntry(t.url, { token: t.appToken, errors: { isShell: false }, validation: { enabled: true, strictMode: true, logErrors: true } });
}

/** A fresh body each call: the SDK mutates `formData` in place. */
function body(products: { productId: number; quantity: number }[]) {
  return {
    formIdentifier: 'order',
    paymentAccountIdentifier: 'cash',
    formData: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }],
    products,
  };
}

function noStatusCode(value: unknown) {
  expect(value !== null && typeof value === 'object' && 'statusCode' in value, JSON.stringify(value)).toBe(false);
}

describe('Orders with the published OneEntry SDK (strict validation)', () => {
  let t: TestTender;
  let one: Sdk;

  beforeAll(async () => {
    t = await startTender();
    one = sdk(t);
    const auth = await one.AuthProvider.auth('email', {
      authData: [{ marker: 'email_reg', value: DEMO_EMAIL }, { marker: 'password_reg', value: DEMO_PASSWORD }],
    }).catch((err: unknown) => err);
    // Until the AuthProvider module serves /users/auth, sign in through the test helper instead.
    if (!auth || typeof auth !== 'object' || !('accessToken' in auth)) one.Orders.setAccessToken((await login(t)).accessToken);
  });
  afterAll(() => t?.close());

  it('createOrder answers CreateOrderResponseSchema with totalSum a number', async () => {
    const created = await one.Orders.createOrder('orders', body([{ productId: 1, quantity: 1 }]) as never);
    noStatusCode(created);
    expect(created).toEqual({
      id: expect.any(Number),
      formIdentifier: 'order',
      paymentAccountIdentifier: 'cash',
      formData: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }],
      products: [{ productId: 1, quantity: 1 }],
      currency: 'USD',
      totalSum: 340,
      createdDate: expect.stringMatching(/Z$/),
      statusIdentifier: 'inProgress',
    });
  });

  it('getOrderByMarkerAndId answers OrderEntitySchema with every listed field', async () => {
    const created = (await one.Orders.createOrder('orders', body([{ productId: 2, quantity: 3 }]) as never)) as { id: number };
    await insertOpenSession(t, created.id, 'https://pay.example.test/s/sdk');
    const order = await one.Orders.getOrderByMarkerAndId('orders', created.id);
    noStatusCode(order);
    expect(order).toEqual({
      id: created.id,
      storageId: expect.any(Number),
      createdDate: expect.stringMatching(/Z$/),
      statusIdentifier: 'inProgress',
      formIdentifier: 'order',
      formData: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }],
      totalSum: '37.50',
      currency: 'USD',
      paymentAccountIdentifier: 'cash',
      paymentAccountLocalizeInfos: { title: 'Cash on delivery' },
      paymentUrl: 'https://pay.example.test/s/sdk',
      products: [{ id: 2, quantity: 3, title: 'Demo mug', sku: 'MUG-1', previewImage: null, price: 12.5, isGift: false }],
      isCompleted: null,
      statusLocalizeInfos: { title: 'In progress' },
    });
  });

  it('getAllOrdersByMarker answers OrdersResponseSchema; JPY and KWD totals keep their exponent', async () => {
    const jpy = (await one.Orders.createOrder('orders', body([{ productId: 3, quantity: 1 }]) as never)) as { id: number; totalSum: number };
    const kwd = (await one.Orders.createOrder('orders', body([{ productId: 4, quantity: 1 }]) as never)) as { id: number; totalSum: number };
    expect([jpy.totalSum, kwd.totalSum]).toEqual([1000, 1.234]);
    const list = (await one.Orders.getAllOrdersByMarker('orders')) as { items: { id: number; totalSum: string; currency: string; paymentUrl: unknown }[]; total: number };
    noStatusCode(list);
    expect(list.total).toBe(list.items.length);
    const byId = new Map(list.items.map((o) => [o.id, o]));
    expect(byId.get(jpy.id)).toMatchObject({ totalSum: '1000', currency: 'JPY', paymentUrl: null });
    expect(byId.get(kwd.id)).toMatchObject({ totalSum: '1.234', currency: 'KWD' });
  });

  it('updateOrderByMarkerAndId answers UpdateOrderResponseSchema', async () => {
    const created = (await one.Orders.createOrder('orders', body([{ productId: 1, quantity: 1 }]) as never)) as { id: number };
    const updated = await one.Orders.updateOrderByMarkerAndId('orders', created.id, { ...body([{ productId: 1, quantity: 2 }]), currency: 'USD' } as never);
    noStatusCode(updated);
    expect(updated).toMatchObject({ id: created.id, totalSum: 680, currency: 'USD', products: [{ productId: 1, quantity: 2 }] });
  });

  it('getAllOrdersStorage, getOrdersStorageByMarker and getAllStatusesByStorageMarker', async () => {
    const storages = await one.Orders.getAllOrdersStorage();
    expect(storages).toEqual([
      { id: expect.any(Number), localizeInfos: { title: 'Orders' }, position: null, identifier: 'orders', formIdentifier: 'order', generalTypeId: null, paymentAccountIdentifiers: [{ identifier: 'cash' }] },
    ]);
    expect(await one.Orders.getOrdersStorageByMarker('orders')).toMatchObject({ identifier: 'orders' });
    const statuses = (await one.Orders.getAllStatusesByStorageMarker('orders')) as { identifier: string; isDefault: boolean }[];
    expect(statuses.map((s) => [s.identifier, s.isDefault])).toEqual([['inProgress', true], ['paid', false], ['refunded', false], ['canceled', false]]);
  });

  it('previewOrder', async () => {
    const preview = await one.Orders.previewOrder({ products: [{ productId: 2, quantity: 2 }] } as never);
    expect(preview).toMatchObject({ totalSum: 25, totalSumWithDiscount: 25, totalDue: 25, bonusApplied: 0, currency: 'USD', orderPreview: [{ id: 2, price: 12.5, quantity: 2, discountPrice: null, isGift: false }] });
  });

  it('createRefundRequest, getRefunds and cancelRefundRequest answer true / a plain array', async () => {
    const created = (await one.Orders.createOrder('orders', body([{ productId: 1, quantity: 1 }, { productId: 2, quantity: 2 }]) as never)) as { id: number };
    expect(await one.Orders.getRefunds(created.id)).toEqual([]);
    await insertCapturedPayment(t, created.id);
    expect(await one.Orders.createRefundRequest(created.id, { products: { '2': { quantity: 1 } }, note: 'chipped' } as never)).toBe(true);
    const refunds: unknown = await one.Orders.getRefunds(created.id);
    expect(refunds).toEqual([
      {
        id: expect.any(Number),
        createdDate: expect.stringMatching(/Z$/),
        updatedDate: expect.stringMatching(/Z$/),
        status: 'pending',
        amount: 12.5,
        amountMinor: 1250,
        currency: 'USD',
        note: 'chipped',
        products: { '2': { quantity: 1 } },
        orderId: created.id,
        orderStorageId: expect.any(Number),
        userId: expect.any(Number),
      },
    ]);
    expect(await one.Orders.cancelRefundRequest(created.id)).toBe(true);
    expect(((await one.Orders.getRefunds(created.id)) as { status: string }[])[0]!.status).toBe('canceled');
  });

  it('keeps working after a failed refund call leaves the SDK pointed at /api/content/orders (contract §7.1)', async () => {
    const fresh = sdk(t);
    fresh.Orders.setAccessToken((await login(t)).accessToken);
    const created = (await fresh.Orders.createOrder('orders', body([{ productId: 2, quantity: 1 }]) as never)) as { id: number };
    // Unpaid order: the refund call throws, skipping the SDK's restore of its base URL.
    const thrown = await fresh.Orders.createRefundRequest(created.id, { products: {} } as never).catch((err: unknown) => err);
    expect(thrown).toMatchObject({ statusCode: 409, code: 'payment_not_refundable' });
    expect((fresh.Orders as unknown as { _url: string })._url).toBe(`${t.url}/api/content/orders`);

    const again = (await fresh.Orders.createOrder('orders', body([{ productId: 2, quantity: 2 }]) as never)) as { id: number; totalSum: number };
    expect(again.totalSum).toBe(25);
    expect(await fresh.Orders.getOrderByMarkerAndId('orders', again.id)).toMatchObject({ id: again.id, totalSum: '25.00' });
    expect(await fresh.Orders.getAllOrdersByMarker('orders')).toMatchObject({ total: expect.any(Number) });
    expect(await fresh.Orders.updateOrderByMarkerAndId('orders', again.id, body([{ productId: 2, quantity: 3 }]) as never)).toMatchObject({ totalSum: 37.5 });
    expect(await fresh.Orders.getAllOrdersStorage()).toHaveLength(1);
    expect(await fresh.Orders.getOrdersStorageByMarker('orders')).toMatchObject({ identifier: 'orders' });
    expect(await fresh.Orders.getAllStatusesByStorageMarker('orders')).toHaveLength(4);
    expect(await fresh.Orders.previewOrder({ products: [{ productId: 1, quantity: 1 }] } as never)).toMatchObject({ totalSum: 340 });
    expect(await fresh.Orders.getRefunds(created.id)).toEqual([]);
  });

  it('throws the contract error body for a 4xx', async () => {
    const err = await one.Orders.getOrderByMarkerAndId('orders', 999999).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 404, code: 'order_not_found', pageData: null, message: 'Order 999999 not found' });
  });
});
