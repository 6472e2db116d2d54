import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/services/engine/reconcile.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { cardToken, testGatewayAccount, webhooksIdle } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';

describe('reconciliation and the redirect return', () => {
  let t: TestTender;
  let user: { userId: number; token: string };
  beforeAll(async () => {
    t = await startTender();
    user = await signIn(t, 'recon@example.com');
    await testGatewayAccount(t, 'card', 'automatic');
    await testGatewayAccount(t, 'card-manual', 'manual');
    await testGatewayAccount(t, 'card-slow', 'manual', { simulateTimeoutMs: 50, simulateTimeoutOperations: ['capture', 'refund'], simulateWebhookLoss: true });
  });
  afterAll(() => t?.close());

  async function authorized(account: string): Promise<{ orderId: number; paymentId: number; sessionId: number }> {
    const orderId = await insertOrder(t, user.userId, 1, 1, account);
    const call = api(t, user.token);
    const s = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
    const a = await call('POST', `/api/content/payments/sessions/${s.body.id}/authorize`, { token: await cardToken(t, '4242424242424242') });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    return { orderId, paymentId: a.body.payment.id, sessionId: s.body.id };
  }

  it('leaves a capture whose gateway call timed out `unknown`, then resolves it from the gateway', async () => {
    const { paymentId } = await authorized('card-slow');
    const admin = api(t);
    const cap = await admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '100.00' });
    expect(cap.status).toBe(202);
    expect(cap.body.operation).toMatchObject({ status: 'unknown', amountMinor: 10000 });
    expect(cap.body.payment).toMatchObject({ status: 'authorized', capturedMinor: 0 });
    // The reservation holds while the outcome is unknown: no more than the rest can be captured.
    const more = await admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '240.01' });
    expect([more.status, more.body.code]).toEqual([422, 'amount_exceeds_capturable']);
    const report = await reconcile(t.ctx, { olderThanSec: 0 });
    expect(report).toMatchObject({ operationsChecked: 1, operationsResolved: 1, errors: 0 });
    const p = await admin('GET', `/api/admin/payments/${paymentId}`);
    expect(p.body).toMatchObject({ status: 'partially_captured', capturedMinor: 10000 });
    const { rows } = await t.ctx.db.query<{ status: string; gateway_ref: string | null }>('SELECT status, gateway_ref FROM captures WHERE payment_id = $1', [paymentId]);
    expect(rows).toEqual([{ status: 'succeeded', gateway_ref: expect.stringMatching(/^tgcp_/) }]);
    // Running it again changes nothing.
    expect(await reconcile(t.ctx, { olderThanSec: 0 })).toMatchObject({ operationsChecked: 0, actionsApplied: 0 });
  });

  it('converges the redirect return and the webhook on one capture and one history entry per transition (50 rounds)', async () => {
    const call = api(t, user.token);
    for (let round = 0; round < 50; round++) {
      const orderId = await insertOrder(t, user.userId, 2, 1, 'card');
      const s = await call('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
      const token = await cardToken(t, '4242424242424242');
      // The storefront confirms with the token while the customer's redirect asks Tender to
      // confirm, and the gateway's webhook arrives: all at once.
      const [auth, confirm1, confirm2] = await Promise.all([
        call('POST', `/api/content/payments/sessions/${s.body.id}/authorize`, { token }),
        call('POST', `/api/content/payments/sessions/${s.body.id}/confirm`),
        call('POST', `/api/content/payments/sessions/${s.body.id}/confirm`),
      ]);
      expect([auth.status, confirm1.status, confirm2.status]).toEqual([200, 200, 200]);
      await webhooksIdle();
      await call('POST', `/api/content/payments/sessions/${s.body.id}/confirm`);
      const { rows } = await t.ctx.db.query<{ payments: number; captures: number; transitions: string }>(
        `SELECT (SELECT count(*)::int FROM payments WHERE order_id = $1) AS payments,
                (SELECT count(*)::int FROM captures c JOIN payments p ON p.id = c.payment_id WHERE p.order_id = $1) AS captures,
                (SELECT string_agg(entity || ':' || coalesce(from_status, '') || '>' || coalesce(to_status, ''), ' ' ORDER BY id)
                   FROM payment_events WHERE order_id = $1) AS transitions`, [orderId]);
      expect(rows[0]).toEqual({
        payments: 1,
        captures: 1,
        transitions: 'session:>pending collection:not_paid>awaiting payment:>captured capture:>succeeded session:pending>authorized collection:awaiting>completed order:inProgress>paid',
      });
    }
  }, 180_000);

  it('expires open sessions past their lifetime', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1, 'card-manual');
    const s = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
    const realNow = t.ctx.now;
    t.ctx.now = () => new Date(Date.now() + 2 * 3600_000);
    try {
      const report = await reconcile(t.ctx, { olderThanSec: 0 });
      expect(report.sessionsExpired, JSON.stringify(report)).toBeGreaterThanOrEqual(1);
    } finally {
      t.ctx.now = realNow;
    }
    expect((await api(t, user.token)('GET', `/api/content/payments/sessions/${s.body.id}`)).body.status).toBe('expired');
  });
});
