import type { AdminOrdersPage, AdminOrdersQuery, AdminSessionsPage, AdminSessionsQuery } from '../contract/admin.js';
import type { AppContext } from '../context.js';
import { SESSION_SELECT, type SessionRow } from '../store/payment-store.js';
import { listAllOrders } from '../store/order-store.js';
import { toOrderEntity } from './order-views.js';
import { sessionView } from './session-views.js';

export async function listAllSessions(ctx: AppContext, query: AdminSessionsQuery): Promise<AdminSessionsPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.userId !== undefined) {
    params.push(query.userId);
    where.push(`s.user_id = $${params.length}`);
  }
  if (query.status !== undefined) {
    params.push(query.status);
    where.push(`s.status = $${params.length}`);
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  params.push(query.limit ?? 30, query.offset ?? 0);
  const { rows } = await ctx.db.query<SessionRow>(
    `${SESSION_SELECT} ${filter} ORDER BY s.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const count = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_sessions s ${filter}`, params.slice(0, -2));
  return { items: rows.map((r) => ({ ...sessionView(r), userId: r.user_id ?? 0 })), total: count.rows[0]?.n ?? 0 };
}

export async function listOrdersForAdmin(ctx: AppContext, query: AdminOrdersQuery): Promise<AdminOrdersPage> {
  const { items, total } = await listAllOrders(ctx.db, { userId: query.userId, status: query.status }, query.offset ?? 0, query.limit ?? 30);
  return {
    items: items.map((o) => ({
      ...toOrderEntity(o, 'en_US'),
      userId: o.userId,
      userIdentifier: o.userIdentifier,
      storageIdentifier: o.storageIdentifier,
      paymentAccountIdentifier: o.paymentAccountIdentifier,
    })),
    total,
  };
}
