import oneentry from 'oneentry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTender, type TestTender } from '../support/tender.js';

const { defineOneEntry } = oneentry as unknown as { defineOneEntry: typeof import('oneentry').defineOneEntry };

const authData = {
  authData: [
    { marker: 'email_reg', value: 'your-user@email.com' },
    { marker: 'password_reg', value: '123456' },
  ],
};
const orderBody = {
  formIdentifier: 'order',
  paymentAccountIdentifier: 'cash',
  formData: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }],
  products: [{ productId: 1, quantity: 1 }],
};
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Runs a call and returns what it threw (the SDK throws the parsed error body with isShell:false). */
async function thrown(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to throw');
}

describe('the published oneentry@1.0.149 SDK, unmodified, against a listening Tender', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
  });
  afterAll(() => t?.close());

  it('runs the whole seed-002 scenario with strict validation, refunds included, then logout', async () => {
    const saved: string[] = [];
    const { AuthProvider, Orders, Payments } = defineOneEntry(t.url, {
      token: t.appToken,
      errors: { isShell: false },
      validation: { enabled: true, strictMode: true },
      auth: { saveFunction: (token: string) => saved.push(token) },
    } as never);

    const user = (await AuthProvider.auth('email', authData as never)) as unknown as Record<string, unknown>;
    expect(user).toEqual({
      userIdentifier: 'your-user@email.com',
      authProviderIdentifier: 'email',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(saved).toEqual([user.refreshToken]);

    const order = (await Orders.createOrder('orders', structuredClone(orderBody) as never)) as unknown as Record<string, unknown>;
    expect(order).toMatchObject({
      id: expect.any(Number),
      formIdentifier: 'order',
      paymentAccountIdentifier: 'cash',
      formData: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }],
      products: [{ productId: 1, quantity: 1 }],
      currency: 'USD',
      totalSum: 340,
    });
    expect(order.createdDate).toMatch(ISO);
    const orderId = order.id as number;

    const accounts = (await Payments.getAccounts()) as unknown as Record<string, unknown>[];
    const cash = accounts.find((a) => a.identifier === 'cash')!;
    expect(cash).toMatchObject({ id: expect.any(Number), identifier: 'cash', type: 'custom', isVisible: true, isUsed: true, testMode: false });
    expect(cash.settings).toEqual(expect.any(Object));
    expect(cash.localizeInfos).toEqual(expect.any(Object));
    expect(cash.updatedDate).toMatch(ISO);
    const byId = (await Payments.getAccountById(cash.id as number)) as unknown as Record<string, unknown>;
    expect(byId).toMatchObject({ id: cash.id, identifier: 'cash', type: 'custom' });

    const session = (await Payments.createSession(orderId, 'session')) as unknown as Record<string, unknown>;
    expect(session).toEqual({
      id: expect.any(Number),
      orderId,
      amount: 340,
      status: 'waiting',
      createdDate: expect.stringMatching(ISO),
      updatedDate: expect.stringMatching(ISO),
      type: 'session',
      paymentAccountId: cash.id,
      paymentUrl: null,
    });
    const byOrder = (await Payments.getSessionByOrderId(orderId)) as unknown as Record<string, unknown>;
    expect(byOrder).toMatchObject({ id: session.id, orderId, status: 'waiting', paymentUrl: null });
    const one = (await Payments.getSessionById(session.id as number)) as unknown as Record<string, unknown>;
    expect(one).toMatchObject({ id: session.id, orderId, status: 'waiting', type: 'session', paymentAccountId: cash.id, paymentUrl: null });
    expect(one).not.toHaveProperty('clientSecret');
    const page = (await Payments.getSessions(0, 30)) as unknown as { items: Record<string, unknown>[]; total: number };
    expect(page.total).toBe(1);
    expect(page.items.map((s) => s.id)).toEqual([session.id]);

    // Nothing is paid yet: a refund request is refused (and, quirk §7.1, the SDK's Orders base
    // URL stays swapped afterwards — Tender serves the storage routes there too).
    const early = await thrown(Orders.createRefundRequest(orderId, { products: { '1': { quantity: 1 } }, note: 'too early' } as never));
    expect(early).toMatchObject({ statusCode: 409, message: expect.any(String), pageData: null });
    expect(((await Orders.getOrderByMarkerAndId('orders', orderId)) as unknown as Record<string, unknown>).id).toBe(orderId);

    // The merchant records the cash payment.
    const received = await fetch(`${t.url}/api/admin/payments/sessions/${session.id as number}/receive`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: '{}',
    });
    expect(received.status).toBe(200);
    expect(((await Payments.getSessionById(session.id as number)) as unknown as Record<string, unknown>).status).toBe('completed');
    const paidOrder = (await Orders.getOrderByMarkerAndId('orders', orderId)) as unknown as Record<string, unknown>;
    expect(paidOrder).toMatchObject({ id: orderId, statusIdentifier: 'paid', totalSum: '340.00', currency: 'USD', paymentUrl: null });

    expect(await Orders.createRefundRequest(orderId, { products: { '1': { quantity: 1 } }, note: 'wrong size' } as never)).toBe(true);
    const refunds = (await Orders.getRefunds(orderId)) as unknown as Record<string, unknown>[];
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ id: expect.any(Number), status: 'pending', amount: 340, note: 'wrong size', orderId, products: { '1': { quantity: 1 } }, userId: expect.any(Number), orderStorageId: expect.any(Number) });
    expect(refunds[0]!.createdDate).toMatch(ISO);
    expect(await Orders.cancelRefundRequest(orderId)).toBe(true);
    expect(((await Orders.getRefunds(orderId)) as unknown as Record<string, unknown>[])[0]).toMatchObject({ status: 'canceled' });

    const oldRefresh = user.refreshToken as string;
    const refreshed = (await AuthProvider.refresh('email', oldRefresh)) as unknown as Record<string, unknown>;
    expect(refreshed).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect(refreshed.refreshToken).not.toBe(oldRefresh);
    expect(saved.at(-1)).toBe(refreshed.refreshToken);

    expect(await AuthProvider.logout('email', refreshed.refreshToken as string)).toBe(true);
    expect(saved.at(-1)).toBe('');
    const after = await thrown(Payments.getSessions(0, 30));
    expect(after).toMatchObject({ statusCode: 401, pageData: null });
    const reuse = await fetch(`${t.url}/api/content/users-auth-providers/marker/email/users/refresh`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-app-token': t.appToken }, body: JSON.stringify({ refreshToken: refreshed.refreshToken }),
    });
    expect(reuse.status).toBe(401);
  });

  it('resumes a session from a saved refresh token alone (401 → refresh → retry)', async () => {
    const first = defineOneEntry(t.url, { token: t.appToken, errors: { isShell: false } } as never);
    const login = (await first.AuthProvider.auth('email', authData as never)) as unknown as { refreshToken: string };
    const saved: string[] = [];
    const resumed = defineOneEntry(t.url, {
      token: t.appToken,
      errors: { isShell: false },
      validation: { enabled: true, strictMode: true },
      auth: { refreshToken: login.refreshToken, saveFunction: (x: string) => saved.push(x) },
    } as never);
    const page = (await resumed.Payments.getSessions(0, 30)) as unknown as { items: unknown[]; total: number };
    expect(page).toEqual({ items: expect.any(Array), total: expect.any(Number) });
    expect(saved).toHaveLength(1);
    expect(saved[0]).not.toBe(login.refreshToken);
  });

  it('refuses a wrong or missing app token with a 401 error body', async () => {
    for (const token of ['wrong', undefined]) {
      const { AuthProvider } = defineOneEntry(t.url, { token, errors: { isShell: false } } as never);
      const err = await thrown(AuthProvider.auth('email', authData as never));
      expect(err).toMatchObject({ statusCode: 401, pageData: null, message: expect.any(String) });
    }
  });
});
