import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, authorizedPayment, paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

describe('money invariants under concurrency', () => {
  let t: TestTender;
  let user: { userId: number; token: string };
  beforeAll(async () => {
    t = await startTender();
    user = await signIn(t, 'racer@example.com');
  });
  afterAll(() => t?.close());

  it('50 concurrent refunds of 10.00 on a captured 50.00 payment: exactly 5 succeed, refunded = 50.00', async () => {
    const { paymentId } = await paidCashOrder(t, user.userId, user.token, 2, 4); // 4 × 12.50 USD
    const admin = api(t);
    const results = await Promise.all(Array.from({ length: 50 }, () => admin('POST', `/api/admin/payments/${paymentId}/refund`, { amount: '10.00', reason: 'race' })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(5);
    // The rest are refused: 422 while money is left but not enough, 409 once the payment is fully refunded.
    const refused = results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.body.code}`);
    expect(new Set(refused).size).toBeLessThanOrEqual(2);
    expect(refused.every((x) => x === '422 amount_exceeds_refundable' || x === '409 invalid_transition')).toBe(true);
    const p = await admin('GET', `/api/admin/payments/${paymentId}`);
    expect(p.body).toMatchObject({ refundedMinor: 5000, capturedMinor: 5000, status: 'refunded' });
    const rows = await t.ctx.db.query<{ n: number; sum: bigint }>(`SELECT count(*)::int AS n, sum(amount)::bigint AS sum FROM refunds WHERE payment_id = $1 AND status = 'succeeded'`, [paymentId]);
    expect(rows.rows[0]).toEqual({ n: 5, sum: 5000n });
  });

  it('20 concurrent full captures: exactly 1 succeeds', async () => {
    const { paymentId } = await authorizedPayment(t, user.userId, user.token, 2, 4);
    const admin = api(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => admin('POST', `/api/admin/payments/${paymentId}/capture`, {})));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 || r.status === 422)).toBe(true);
    const p = await admin('GET', `/api/admin/payments/${paymentId}`);
    expect(p.body).toMatchObject({ capturedMinor: 5000, authorizedMinor: 5000, status: 'completed' });
  });

  it('refunds in full to the cent after partial captures of 33.33 + 33.33 + 33.34', async () => {
    const { paymentId, orderId } = await authorizedPayment(t, user.userId, user.token, 2, 8); // 100.00 USD
    const admin = api(t);
    for (const amount of ['33.33', '33.33']) {
      const r = await admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount });
      expect(r.body.payment.status).toBe('partially_captured');
    }
    const last = await admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: 33.34 });
    expect(last.body.payment).toMatchObject({ status: 'completed', capturedMinor: 10000 });
    const refund = await admin('POST', `/api/admin/payments/${paymentId}/refund`, {});
    expect(refund.status).toBe(200);
    expect(refund.body.operation).toMatchObject({ amountMinor: 10000, amount: 100, status: 'succeeded' });
    expect(refund.body.payment).toMatchObject({ status: 'refunded', refundedMinor: 10000 });
    const order = await t.ctx.db.query<{ status_identifier: string }>('SELECT status_identifier FROM orders WHERE id = $1', [orderId]);
    expect(order.rows[0]!.status_identifier).toBe('refunded');
  });

  it('keeps JPY 1,000 as 1000 minor units and KWD 1.234 as 1234 end to end', async () => {
    const jpy = await paidCashOrder(t, user.userId, user.token, 3, 1);
    const kwd = await paidCashOrder(t, user.userId, user.token, 4, 1);
    const admin = api(t);
    expect((await admin('GET', `/api/admin/payments/${jpy.paymentId}`)).body).toMatchObject({ amount: 1000, amountMinor: 1000, currency: 'JPY' });
    expect((await admin('GET', `/api/admin/payments/${kwd.paymentId}`)).body).toMatchObject({ amount: 1.234, amountMinor: 1234, currency: 'KWD' });
    const r = await admin('POST', `/api/admin/payments/${kwd.paymentId}/refund`, { amount: '0.001' });
    expect(r.body.payment).toMatchObject({ refundedMinor: 1, refundedAmount: 0.001, status: 'partially_refunded' });
    expect((await admin('POST', `/api/admin/payments/${jpy.paymentId}/refund`, { amount: '0.5' })).body.code).toBe('invalid_amount');
  });

  it('refuses bad amounts and wrong states with a clear 4xx and writes nothing', async () => {
    const { paymentId } = await paidCashOrder(t, user.userId, user.token, 1, 1);
    const admin = api(t);
    const before = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_events');
    const cases: [unknown, number, string][] = [
      [{ amount: -1 }, 400, 'validation_failed'],
      [{ amount: '10.001' }, 400, 'invalid_amount'],
      [{ amount: '0' }, 400, 'invalid_amount'],
      [{ amount: 'abc' }, 400, 'validation_failed'],
      [{ amount: '340.01' }, 422, 'amount_exceeds_refundable'],
      [{ amount: 1e30 }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const r = await admin('POST', `/api/admin/payments/${paymentId}/refund`, body);
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status, code });
    }
    const cap = await admin('POST', `/api/admin/payments/${paymentId}/capture`, {});
    expect([cap.status, cap.body.code]).toEqual([409, 'invalid_transition']);
    const after = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_events');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('refuses to refund an unpaid payment and to capture a canceled one', async () => {
    const { paymentId } = await authorizedPayment(t, user.userId, user.token, 1, 1);
    const admin = api(t);
    const refund = await admin('POST', `/api/admin/payments/${paymentId}/refund`, { amount: '1.00' });
    expect([refund.status, refund.body.code]).toEqual([409, 'invalid_transition']);
    expect((await admin('POST', `/api/admin/payments/${paymentId}/cancel`)).body.status).toBe('canceled');
    const cap = await admin('POST', `/api/admin/payments/${paymentId}/capture`, {});
    expect([cap.status, cap.body.code]).toEqual([409, 'invalid_transition']);
  });
});
