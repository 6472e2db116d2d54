import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTenderAdmin, TenderApiError, type TenderAdmin } from '../../src/sdk/admin-console.js';
import { createAdminToken } from '../../src/services/tokens.js';
import { paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

/** The admin API without the panel: the SDK's admin entry with an admin token (server side). */
describe('defineTenderAdmin with an admin token', () => {
  let t: TestTender;
  let admin: TenderAdmin;
  let paymentId: number;
  beforeAll(async () => {
    t = await startTender();
    admin = defineTenderAdmin(t.url, { adminToken: t.adminToken });
    const { userId, token } = await signIn(t, 'sdk-buyer@example.com');
    ({ paymentId } = await paidCashOrder(t, userId, token, 1, 1));
  });
  afterAll(() => t?.close());

  it('reads what the panel shows: payments with filters, sessions, storages, mappings, dashboard, accounts, webhooks', async () => {
    const page = await admin.Admin.listPayments({ customerEmail: 'SDK-BUYER', sort: 'amount_desc' });
    expect(page.items.map((p) => p.id)).toEqual([paymentId]);
    expect(page.items[0]).toMatchObject({ customerEmail: 'sdk-buyer@example.com', accountIdentifier: 'cash', orderStatus: 'paid' });
    expect((await admin.Admin.listSessions({ customerEmail: 'sdk-buyer' })).total).toBe(1);
    expect((await admin.Admin.listOrderStorages()).items.map((s) => s.identifier)).toContain('orders');
    expect((await admin.Admin.getAffectedOrders('orders', { completed: 'refunded' })).total).toBe(1);
    const dash = await admin.Admin.getDashboard(7);
    expect(dash.totals).toEqual([expect.objectContaining({ currency: 'USD', payments: 1, capturedMinor: 34000 })]);
    expect((await admin.Accounts.list()).items.map((a) => a.identifier)).toContain('cash');
    expect((await admin.Webhooks.listEndpoints()).items).toEqual([]);
    expect((await admin.Admin.listRefundRequests({ status: 'pending' })).total).toBe(0);
  });

  it('writes with an owner token and gets 403 with a viewer token', async () => {
    const refund = await admin.Admin.refundPayment(paymentId, { amount: '1.50', reason: 'sdk' });
    expect(refund.operation).toMatchObject({ kind: 'refund', amountMinor: 150, status: 'succeeded' });
    const viewer = defineTenderAdmin(t.url, { adminToken: (await createAdminToken(t.ctx, 'sdk viewer', 'viewer')).token });
    expect((await viewer.Admin.getPayment(paymentId)).refundedMinor).toBe(150);
    const err = await viewer.Admin.refundPayment(paymentId, { amount: '1.00' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenderApiError);
    expect(err).toMatchObject({ statusCode: 403, code: 'forbidden' });
  });

  it('answers 401 without a token or session', async () => {
    const anonymous = defineTenderAdmin(t.url);
    await expect(anonymous.Admin.listPayments()).rejects.toMatchObject({ statusCode: 401, code: 'admin_token_required' });
    await expect(anonymous.Auth.session()).rejects.toMatchObject({ statusCode: 401 });
  });

  it('types its arguments from the server schemas', () => {
    // @ts-expect-error the dashboard window is 7, 30 or 90 days
    void (() => admin.Admin.getDashboard(14));
    // @ts-expect-error sorting is by created or amount only
    void (() => admin.Admin.listPayments({ sort: 'customer_asc' }));
    // @ts-expect-error an account's type cannot change
    void (() => admin.Accounts.update(1, { type: 'stripe' }));
    expect(true).toBe(true);
  });
});
