import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTender, TenderApiError } from '../../src/sdk/index.js';
import { startTender, type TestTender } from '../support/tender.js';

const authData = { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }, { marker: 'password_reg', value: '123456' }] };

async function rejection(p: Promise<unknown>): Promise<TenderApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TenderApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe("Tender's own SDK runs the same scenario", () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('auth → order → session → accounts → refunds → refresh → logout, typed end to end', async () => {
    const saved: string[] = [];
    const { AuthProvider, Orders, Payments } = defineTender(t.url, { token: t.appToken, auth: { saveFunction: (x) => void saved.push(x) } });
    const user = await AuthProvider.auth('email', authData);
    expect(user.userIdentifier).toBe('your-user@email.com');
    const order = await Orders.createOrder('orders', {
      formIdentifier: 'order', paymentAccountIdentifier: 'cash',
      formData: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }], products: [{ productId: 1, quantity: 2 }],
    });
    expect(order).toMatchObject({ totalSum: 680, totalMinor: 68000, currency: 'USD' });
    const session = await Payments.createSession(order.id, 'session');
    expect(session).toMatchObject({ orderId: order.id, status: 'waiting', paymentUrl: null, amountMinor: 68000 });
    expect((await Payments.getSessionByOrderId(order.id)) as { id: number }).toMatchObject({ id: session.id });
    expect(await Payments.getSessionById(session.id)).toMatchObject({ id: session.id });
    expect((await Payments.getSessions(0, 30)).total).toBe(1);
    const accounts = await Payments.getAccounts();
    const cash = accounts.find((a) => a.identifier === 'cash')!;
    expect(await Payments.getAccountById(cash.id)).toMatchObject({ identifier: 'cash' });

    const early = await rejection(Orders.createRefundRequest(order.id, { products: { '1': { quantity: 1 } } }));
    expect([early.statusCode, early.code]).toEqual([409, 'payment_not_refundable']);

    const r = await fetch(`${t.url}/api/admin/payments/sessions/${session.id}/receive`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: '{}',
    });
    expect(r.status).toBe(200);

    expect(await Orders.createRefundRequest(order.id, { products: { '1': { quantity: 1 } }, note: 'one was enough' })).toBe(true);
    const refunds = await Orders.getRefunds(order.id);
    expect(refunds[0]).toMatchObject({ amount: 340, amountMinor: 34000, status: 'pending' });
    const dup = await rejection(Orders.createRefundRequest(order.id, { products: { '1': { quantity: 1 } } }));
    expect(dup.code).toBe('refund_request_exists');
    expect(await Orders.cancelRefundRequest(order.id)).toBe(true);

    const refreshed = await AuthProvider.refresh('email', user.refreshToken);
    expect(refreshed.refreshToken).not.toBe(user.refreshToken);
    expect(await AuthProvider.logout('email', refreshed.refreshToken)).toBe(true);
    expect(saved.at(-1)).toBe('');
    const after = await rejection(Payments.getSessions());
    expect(after.statusCode).toBe(401);
  });

  it('resumes from a saved refresh token on the first protected call', async () => {
    const login = await defineTender(t.url, { token: t.appToken }).AuthProvider.auth('email', authData);
    const saved: string[] = [];
    const { Payments } = defineTender(t.url, { token: t.appToken, auth: { refreshToken: login.refreshToken, saveFunction: (x) => void saved.push(x) } });
    await expect(Payments.getSessions()).resolves.toMatchObject({ total: expect.any(Number) });
    expect(saved).toHaveLength(1);
  });
});
