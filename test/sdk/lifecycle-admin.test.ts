/**
 * The SDK's `Admin` module (and the merchant operations on `Payments`) against a real Tender:
 * every admin route, the admin token kept apart from the user's session, writes idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken } from '../../src/services/tokens.js';
import {
  defineTender,
  TenderApiError,
  type AdminPaymentsFilter,
  type Payment,
  type TenderAdminClient,
} from '../../src/sdk/index.js';
import { insertOrder } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';
import { addProduct, addTestAccount, CARDS, demoUserId, signedInSdk, tokenize } from '../seeds/seed-support.js';

let t: TestTender;
let sdk: TenderAdminClient;
let userId: number;
let productId: number;

beforeAll(async () => {
  t = await startTender();
  await addTestAccount(t, 'card-manual', 'manual');
  await addTestAccount(t, 'card', 'automatic');
  productId = await addProduct(t, 'Admin item', 4000);
  ({ sdk } = await signedInSdk(t));
  userId = await demoUserId(t);
});
afterAll(() => t?.close());

/** An order of `quantity` × 40.00 USD paid with a good test card on `account`. */
async function paidOrder(account: 'card' | 'card-manual', quantity = 1): Promise<{ orderId: number; payment: Payment }> {
  const orderId = await insertOrder(t, userId, productId, quantity, account);
  const payment = await sdk.Payments.processPayment({ orderId, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });
  return { orderId, payment };
}

describe('Admin', () => {
  it('exists only with an adminToken, which a user login on the same client never replaces', async () => {
    expect('Admin' in defineTender(t.url, { token: t.appToken })).toBe(false);
    expect(() => defineTender(t.url, { token: t.appToken, adminToken: '' })).toThrow(TypeError);
    // `sdk` is signed in as a user; admin calls still authenticate with the admin token.
    const page = await sdk.Admin.listPayments({ limit: 1 });
    expect(page.items.length).toBeLessThanOrEqual(1);
    const wrong = defineTender(t.url, { token: t.appToken, adminToken: 'not-an-admin-token' });
    await expect(wrong.Admin.listPayments()).rejects.toMatchObject({ statusCode: 401, code: 'unauthorized' });
  });

  it('lists payments with filters, and reads one payment and its history', async () => {
    const { orderId, payment } = await paidOrder('card');
    const byOrder = await sdk.Admin.listPayments({ orderId });
    // The admin list adds the customer, the order's status and the account to each payment.
    const listed = { ...payment, customerEmail: expect.any(String), orderStatus: expect.any(String), accountIdentifier: expect.any(String) };
    expect(byOrder).toEqual({ items: [listed], total: 1 });
    expect((await sdk.Admin.listPayments({ status: 'captured', currency: 'USD', accountId: payment.accountId, limit: 100 })).items).toContainEqual(listed);
    expect((await sdk.Admin.listPayments({ orderId, status: 'refunded' })).total).toBe(0);
    expect(await sdk.Admin.getPayment(payment.id)).toEqual(payment);
    const history = await sdk.Admin.getPaymentHistory(payment.id);
    expect(history[0]).toMatchObject({ entity: 'payment', entityId: payment.id, action: 'created', currency: 'USD' });
    await expect(sdk.Admin.getPayment(999999)).rejects.toMatchObject({ statusCode: 404, code: 'payment_not_found' });
  });

  // Also a regression test: on PGlite this route's order check saw 0 rows (fixed in a794d1c).
  it('reads an order\'s payment history', async () => {
    const { orderId, payment } = await paidOrder('card');
    const history = await sdk.Admin.getOrderHistory(orderId);
    expect(history.some((h) => h.entity === 'payment' && h.entityId === payment.id)).toBe(true);
  });

  it('captures in parts, refunds, and cancels an uncaptured authorization', async () => {
    const { payment } = await paidOrder('card-manual', 2); // 80.00 authorized
    expect(payment.status).toBe('authorized');
    const first = await sdk.Admin.capturePayment(payment.id, { amount: 30 });
    expect(first).toMatchObject({ operation: { kind: 'capture', status: 'succeeded', amountMinor: 3000 }, payment: { status: 'partially_captured', capturedMinor: 3000 } });
    const rest = await sdk.Admin.capturePayment(payment.id);
    expect(rest.payment).toMatchObject({ status: 'completed', capturedMinor: 8000 });
    const refund = await sdk.Admin.refundPayment(payment.id, { amount: '0.01', reason: 'rounding' });
    expect(refund.operation).toMatchObject({ kind: 'refund', amountMinor: 1, reason: 'rounding' });
    await expect(sdk.Admin.cancelPayment(payment.id)).rejects.toMatchObject({ statusCode: 409, code: 'invalid_transition' });

    const other = await paidOrder('card-manual');
    expect(await sdk.Admin.cancelPayment(other.payment.id)).toMatchObject({ id: other.payment.id, status: 'canceled', capturedMinor: 0 });
  });

  it('sends the caller\'s Idempotency-Key: the same capture twice moves money once', async () => {
    const { payment } = await paidOrder('card-manual');
    const key = `capture-${payment.id}`;
    const a = await sdk.Admin.capturePayment(payment.id, { amount: 10 }, { idempotencyKey: key });
    const b = await sdk.Admin.capturePayment(payment.id, { amount: 10 }, { idempotencyKey: key });
    expect(b).toEqual(a);
    expect((await sdk.Admin.getPayment(payment.id)).capturedMinor).toBe(1000);
    await expect(sdk.Admin.capturePayment(payment.id, { amount: 11 }, { idempotencyKey: key })).rejects.toMatchObject({ statusCode: 409, code: 'idempotency_conflict' });
  });

  it('approves and rejects customers\' refund requests', async () => {
    const { Orders, Admin } = sdk;
    const approved = await paidOrder('card', 2);
    await Orders.createRefundRequest(approved.orderId, { products: { [productId]: { quantity: 1 } } });
    const [request] = await Orders.getRefunds(approved.orderId);
    const decision = await Admin.approveRefundRequest(request!.id, { note: 'ok' });
    expect(decision).toMatchObject({ requestId: request!.id, status: 'approved', refund: { kind: 'refund', amountMinor: 4000, status: 'succeeded' } });
    expect((await Admin.getPayment(approved.payment.id)).refundedMinor).toBe(4000);

    const rejected = await paidOrder('card');
    await Orders.createRefundRequest(rejected.orderId, { products: {} });
    const [second] = await Orders.getRefunds(rejected.orderId);
    expect(await Admin.rejectRefundRequest(second!.id, 'used item')).toEqual({ requestId: second!.id, status: 'rejected', refund: null });
    await expect(Admin.approveRefundRequest(second!.id)).rejects.toBeInstanceOf(TenderApiError);
  });

  it('reads and changes a storage\'s status mappings', async () => {
    const before = await sdk.Admin.getStatusMappings('orders');
    expect(before).toMatchObject({ storage: 'orders', mappings: { completed: 'paid', refunded: 'refunded' } });
    expect(before.orderStatuses).toContain('inProgress');
    const after = await sdk.Admin.setStatusMappings('orders', { authorized: 'inProgress', refunded: null });
    expect(after.mappings).toMatchObject({ completed: 'paid', authorized: 'inProgress' });
    expect(after.mappings.refunded).toBeUndefined();
    const restored = await sdk.Admin.setStatusMappings('orders', { authorized: null, refunded: 'refunded' });
    expect(restored.mappings).toEqual(before.mappings);
  });

  it('lists sessions and records a manual (cash) payment as received', async () => {
    const orderId = await insertOrder(t, userId, 2, 1, 'cash');
    const session = await sdk.Payments.createSession(orderId, 'session');
    const page = await sdk.Admin.listSessions({ userId, limit: 100 });
    expect(page.items.map((s) => s.id)).toContain(session.id);
    const received = await sdk.Admin.receivePayment(session.id, { reference: 'receipt-1', note: 'paid at the counter' });
    expect(received).toMatchObject({ id: session.id, status: 'completed', paymentId: expect.any(Number) });
  });

  it('refuses writes with a viewer token (403) but lets it read', async () => {
    const viewer = (await createAdminToken(t.ctx, 'viewer', 'viewer')).token;
    const { Admin, Payments } = defineTender(t.url, { token: t.appToken, adminToken: viewer });
    const { payment } = await paidOrder('card');
    expect((await Admin.getPayment(payment.id)).id).toBe(payment.id);
    await expect(Payments.refundPayment({ paymentId: payment.id, amount: 1 })).rejects.toMatchObject({ statusCode: 403, code: 'forbidden' });
  });

  it('AdminPaymentsFilter has exactly the query parameters the server documents', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    const names = (doc.paths['/api/admin/payments']?.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    const keys: Record<keyof AdminPaymentsFilter, true> = {
      offset: true, limit: true, status: true, orderId: true, accountId: true, currency: true, customerEmail: true, createdFrom: true, createdTo: true, sort: true,
    };
    expect(names).toEqual(Object.keys(keys).sort());
  });
});
