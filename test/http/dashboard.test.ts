import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '../../src/contract/admin-panel.js';
import { api, authorizedPayment, insertOrder, paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

/** Figures the dashboard must show, computed here by independent SQL over the same tables. */
async function sqlFigures(t: TestTender, days: number) {
  const since = `(date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => ${days - 1})) AT TIME ZONE 'UTC'`;
  const q = async <R>(sql: string) => (await t.ctx.db.query<R>(sql)).rows;
  const totals = await q<{ currency: string; payments: number; volume: string; captured: string }>(
    `SELECT trim(currency) AS currency, count(*)::int AS payments, sum(authorized_amount)::text AS volume, sum(captured_amount)::text AS captured
       FROM payments WHERE created_at >= ${since} GROUP BY 1 ORDER BY 1`);
  const refunds = await q<{ currency: string; n: number; amount: string }>(
    `SELECT trim(currency) AS currency, count(*)::int AS n, sum(amount)::text AS amount FROM refunds WHERE status = 'succeeded' AND created_at >= ${since} GROUP BY 1`);
  const auth = (await q<{ a: number; s: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('authorized', 'failed') OR last_error IS NOT NULL)::int AS a, count(*) FILTER (WHERE status = 'authorized')::int AS s
       FROM payment_sessions WHERE created_at >= ${since}`))[0]!;
  const cap = (await q<{ a: number; s: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed'))::int AS a, count(*) FILTER (WHERE status = 'succeeded')::int AS s FROM captures WHERE created_at >= ${since}`))[0]!;
  const statuses = await q<{ status: string; n: number }>(
    `SELECT CASE status WHEN 'captured' THEN 'completed' ELSE status END AS status, count(*)::int AS n FROM payments WHERE created_at >= ${since} GROUP BY 1`);
  return { totals, refunds, auth, cap, statuses };
}

describe('GET /api/admin/dashboard', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
    const { userId, token } = await signIn(t, 'buyer@example.com');
    const eur = (await t.ctx.db.query<{ id: number }>("INSERT INTO products (sku, title, price, currency) VALUES ('e', 'Euro thing', 1999, 'EUR') RETURNING id")).rows[0]!.id;
    const jpy = (await t.ctx.db.query<{ id: number }>("INSERT INTO products (sku, title, price, currency) VALUES ('j', 'Yen thing', 1500, 'JPY') RETURNING id")).rows[0]!.id;
    const call = api(t);
    // Today: two USD payments (one refunded in part), one EUR, one authorized JPY.
    const a = await paidCashOrder(t, userId, token, 1, 1);
    await paidCashOrder(t, userId, token, 1, 2);
    await paidCashOrder(t, userId, token, eur, 3);
    await authorizedPayment(t, userId, token, jpy, 2);
    expect((await call('POST', `/api/admin/payments/${a.paymentId}/refund`, { amount: '40.50' })).status).toBe(200);
    // 10 and 45 days ago: one USD payment each, the older one with a refund of its own.
    const old10 = await paidCashOrder(t, userId, token, 1, 1);
    const old45 = await paidCashOrder(t, userId, token, eur, 1);
    expect((await call('POST', `/api/admin/payments/${old45.paymentId}/refund`, {})).status).toBe(200);
    await t.ctx.db.query("UPDATE payments SET created_at = now() - interval '10 days' WHERE id = $1", [old10.paymentId]);
    await t.ctx.db.query("UPDATE payment_sessions SET created_at = now() - interval '10 days' WHERE id = $1", [old10.sessionId]);
    await t.ctx.db.query("UPDATE captures SET created_at = now() - interval '10 days' WHERE payment_id = $1", [old10.paymentId]);
    await t.ctx.db.query("UPDATE payments SET created_at = now() - interval '45 days' WHERE id = $1", [old45.paymentId]);
    await t.ctx.db.query("UPDATE refunds SET created_at = now() - interval '45 days' WHERE payment_id = $1", [old45.paymentId]);
    // A declined attempt on an open session (what the engine records on a decline).
    const open = await api(t, token)('POST', '/api/content/payments/sessions', { orderId: await insertOrder(t, userId, 1, 1), type: 'session' });
    await t.ctx.db.query('UPDATE payment_sessions SET last_error = $2 WHERE id = $1', [open.body.id, { code: 'card_declined', message: 'declined' }]);
  });
  afterAll(() => t?.close());

  for (const days of [7, 30, 90] as const) {
    it(`answers the same figures as SQL for the last ${days} days`, async () => {
      const res = await api(t)('GET', `/api/admin/dashboard?days=${days}`);
      expect(res.status).toBe(200);
      const d = res.body as Dashboard;
      const sql = await sqlFigures(t, days);
      expect(d.days).toBe(days);
      expect(d.dates).toHaveLength(days);
      const refundOf = (cur: string) => sql.refunds.find((r) => r.currency === cur);
      expect(d.totals).toEqual(sql.totals.map((r) => ({
        currency: r.currency, payments: r.payments, volumeMinor: Number(r.volume), capturedMinor: Number(r.captured),
        refundedMinor: Number(refundOf(r.currency)?.amount ?? 0), refunds: refundOf(r.currency)?.n ?? 0,
      })));
      // The days add up to the totals.
      for (const total of d.totals) {
        const rows = d.daily.filter((x) => x.currency === total.currency);
        expect(rows.reduce((s, x) => s + x.volumeMinor, 0)).toBe(total.volumeMinor);
        expect(rows.reduce((s, x) => s + x.capturedMinor, 0)).toBe(total.capturedMinor);
        expect(rows.reduce((s, x) => s + x.refundedMinor, 0)).toBe(total.refundedMinor);
        expect(rows.reduce((s, x) => s + x.payments, 0)).toBe(total.payments);
        for (const x of rows) expect(d.dates).toContain(x.date);
      }
      expect(d.authorization).toEqual({ attempts: sql.auth.a, succeeded: sql.auth.s, rate: sql.auth.a ? sql.auth.s / sql.auth.a : null });
      expect(d.capture).toEqual({ attempts: sql.cap.a, succeeded: sql.cap.s, rate: sql.cap.a ? sql.cap.s / sql.cap.a : null });
      expect(Object.fromEntries(d.statuses.map((s) => [s.status, s.count]))).toEqual(Object.fromEntries(sql.statuses.map((s) => [s.status, s.n])));
    });
  }

  it('counts what it should in each window', async () => {
    const week = (await api(t)('GET', '/api/admin/dashboard?days=7')).body as Dashboard;
    expect(week.totals.map((x) => x.currency)).toEqual(['EUR', 'JPY', 'USD']);
    expect(week.totals.find((x) => x.currency === 'USD')).toMatchObject({ payments: 2, volumeMinor: 102000, capturedMinor: 102000, refundedMinor: 4050, refunds: 1 });
    expect(week.totals.find((x) => x.currency === 'JPY')).toMatchObject({ payments: 1, volumeMinor: 3000, capturedMinor: 0 });
    expect(week.authorization.attempts).toBeGreaterThan(week.authorization.succeeded);
    const month = (await api(t)('GET', '/api/admin/dashboard?days=30')).body as Dashboard;
    expect(month.totals.find((x) => x.currency === 'USD')).toMatchObject({ payments: 3 });
    const quarter = (await api(t)('GET', '/api/admin/dashboard?days=90')).body as Dashboard;
    expect(quarter.totals.find((x) => x.currency === 'EUR')).toMatchObject({ payments: 2, refunds: 1, refundedMinor: 1999 });
  });

  it('refuses other windows', async () => {
    expect((await api(t)('GET', '/api/admin/dashboard?days=14')).status).toBe(400);
  });
});
