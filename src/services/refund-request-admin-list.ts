import type { AppContext } from '../context.js';
import { toMajorNumber } from '../domain/format-major.js';

export interface AdminRefundRequestRow {
  id: number;
  order_id: number;
  user_id: number;
  user_identifier: string;
  amount: bigint;
  currency: string;
  products: Record<string, { quantity: number }>;
  note: string;
  status: string;
  merchant_note: string | null;
  approved_amount: bigint | null;
  created_at: Date;
  updated_at: Date;
}

/** The merchant's queue of refund requests, newest first, optionally by status. */
export async function listRefundRequestsForAdmin(ctx: AppContext, filter: { status?: string; orderId?: number }, offset: number, limit: number) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) {
    params.push(filter.status);
    where.push(`r.status = $${params.length}`);
  }
  if (filter.orderId) {
    params.push(filter.orderId);
    where.push(`r.order_id = $${params.length}`);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [page, count] = await Promise.all([
    ctx.db.query<AdminRefundRequestRow>(
      `SELECT r.*, u.identifier AS user_identifier FROM refund_requests r JOIN users u ON u.id = r.user_id ${w}
        ORDER BY r.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, limit, offset]),
    ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM refund_requests r ${w}`, params),
  ]);
  return {
    items: page.rows.map((r) => {
      const cur = r.currency.trim();
      return {
        id: r.id,
        orderId: r.order_id,
        userId: r.user_id,
        userIdentifier: r.user_identifier,
        amount: toMajorNumber({ amount: r.amount, currency: cur }),
        amountMinor: Number(r.amount),
        currency: cur,
        products: r.products,
        note: r.note,
        status: r.status,
        merchantNote: r.merchant_note,
        approvedAmount: r.approved_amount === null ? null : toMajorNumber({ amount: r.approved_amount, currency: cur }),
        createdDate: r.created_at.toISOString(),
        updatedDate: r.updated_at.toISOString(),
      };
    }),
    total: count.rows[0]?.n ?? 0,
  };
}
