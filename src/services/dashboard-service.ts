import type { Dashboard } from '../contract/admin-panel.js';
import type { AppContext } from '../context.js';
import { paymentWireStatus } from './engine/payment-views.js';
import type { PaymentRow } from '../store/payment-store.js';

const DAY_MS = 86_400_000;

/** 00:00 UTC of the first day of a window of `days` days ending today (UTC). */
export function windowStart(now: Date, days: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * DAY_MS);
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** bigint sums leave SQL as text, so nothing is lost before the safe-integer check. */
function minor(text: string | null): number {
  const n = Number(BigInt(text ?? '0'));
  if (!Number.isSafeInteger(n)) throw new RangeError(`sum ${text} does not fit a JSON integer`);
  return n;
}

function rate(attempts: number, succeeded: number) {
  return { attempts, succeeded, rate: attempts === 0 ? null : succeeded / attempts };
}

/**
 * The dashboard's figures for the last `days` days (UTC), each one plain SQL over the same
 * tables the API reads, so they can be checked against it (test/http/dashboard.test.ts):
 * - volume: payments created in the window, by UTC day and currency — count, authorized and captured sums;
 * - refunds: refunds that succeeded, by the day they were created;
 * - authorization rate: sessions created in the window with an outcome (authorized, or a
 *   declined attempt recorded in `last_error`, or failed) — how many ended authorized;
 * - capture rate: captures created in the window that settled — how many succeeded;
 * - status breakdown: payments created in the window, by status.
 */
export async function getDashboard(ctx: AppContext, days: number): Promise<Dashboard> {
  const now = ctx.now();
  const from = windowStart(now, days);
  const range = [from, now];
  const [payments, refunds, sessions, captures, statuses] = await Promise.all([
    ctx.db.query<{ day: string; currency: string; n: number; volume: string; captured: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, currency, count(*)::int AS n,
              sum(authorized_amount)::text AS volume, sum(captured_amount)::text AS captured
         FROM payments WHERE created_at >= $1 AND created_at <= $2 GROUP BY 1, 2`, range),
    ctx.db.query<{ day: string; currency: string; n: number; amount: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, currency, count(*)::int AS n, sum(amount)::text AS amount
         FROM refunds WHERE status = 'succeeded' AND created_at >= $1 AND created_at <= $2 GROUP BY 1, 2`, range),
    ctx.db.query<{ attempts: number; succeeded: number }>(
      `SELECT count(*)::int AS attempts, (count(*) FILTER (WHERE status = 'authorized'))::int AS succeeded
         FROM payment_sessions
        WHERE created_at >= $1 AND created_at <= $2 AND (status IN ('authorized', 'failed') OR last_error IS NOT NULL)`, range),
    ctx.db.query<{ attempts: number; succeeded: number }>(
      `SELECT count(*)::int AS attempts, (count(*) FILTER (WHERE status = 'succeeded'))::int AS succeeded
         FROM captures WHERE created_at >= $1 AND created_at <= $2 AND status IN ('succeeded', 'failed')`, range),
    ctx.db.query<{ status: PaymentRow['status']; n: number }>(
      'SELECT status, count(*)::int AS n FROM payments WHERE created_at >= $1 AND created_at <= $2 GROUP BY 1 ORDER BY 2 DESC, 1', range),
  ]);

  type Day = Dashboard['daily'][number];
  const daily = new Map<string, Day>();
  const dayOf = (date: string, currency: string): Day => {
    const key = `${date} ${currency.trim()}`;
    let d = daily.get(key);
    if (!d) daily.set(key, (d = { date, currency: currency.trim(), payments: 0, volumeMinor: 0, capturedMinor: 0, refundedMinor: 0 }));
    return d;
  };
  type Total = Dashboard['totals'][number];
  const totals = new Map<string, Total>();
  const totalOf = (currency: string): Total => {
    let t = totals.get(currency.trim());
    if (!t) totals.set(currency.trim(), (t = { currency: currency.trim(), payments: 0, volumeMinor: 0, capturedMinor: 0, refundedMinor: 0, refunds: 0 }));
    return t;
  };
  // Sums stay exact: each is a safe integer and so is every partial sum checked below.
  const add = (a: number, b: number) => {
    const s = a + b;
    if (!Number.isSafeInteger(s)) throw new RangeError('dashboard sum exceeds 2^53');
    return s;
  };
  for (const r of payments.rows) {
    const d = dayOf(r.day, r.currency);
    const t = totalOf(r.currency);
    d.payments += r.n;
    d.volumeMinor = add(d.volumeMinor, minor(r.volume));
    d.capturedMinor = add(d.capturedMinor, minor(r.captured));
    t.payments += r.n;
    t.volumeMinor = add(t.volumeMinor, minor(r.volume));
    t.capturedMinor = add(t.capturedMinor, minor(r.captured));
  }
  for (const r of refunds.rows) {
    const d = dayOf(r.day, r.currency);
    const t = totalOf(r.currency);
    d.refundedMinor = add(d.refundedMinor, minor(r.amount));
    t.refundedMinor = add(t.refundedMinor, minor(r.amount));
    t.refunds += r.n;
  }
  const dates: string[] = [];
  for (let ms = from.getTime(); ms <= now.getTime(); ms += DAY_MS) dates.push(isoDay(ms));
  const byStatus = new Map<string, number>();
  for (const r of statuses.rows) {
    const s = paymentWireStatus(r.status);
    byStatus.set(s, (byStatus.get(s) ?? 0) + r.n);
  }
  const s = sessions.rows[0] ?? { attempts: 0, succeeded: 0 };
  const c = captures.rows[0] ?? { attempts: 0, succeeded: 0 };
  return {
    days,
    from: from.toISOString(),
    to: now.toISOString(),
    dates,
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    daily: [...daily.values()].sort((a, b) => a.date.localeCompare(b.date) || a.currency.localeCompare(b.currency)),
    authorization: rate(s.attempts, s.succeeded),
    capture: rate(c.attempts, c.succeeded),
    statuses: [...byStatus].map(([status, count]) => ({ status, count })),
  };
}
