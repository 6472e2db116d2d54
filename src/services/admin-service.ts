import type { AdminOrdersPage, AdminOrdersQuery, AdminSessionsQuery } from '../contract/admin.js';
import type { AdminSessionsListPage, AdminSessionsListQuery } from '../contract/admin-panel.js';
import type { AppContext } from '../context.js';
import { SESSION_SELECT, type SessionRow } from '../store/payment-store.js';
import { listAllOrders } from '../store/order-store.js';
import { toOrderEntity } from './order-views.js';
import { likeSubstring } from './engine/payment-service.js';
import { sessionView } from './session-views.js';

const SESSION_SORTS = {
  created_desc: 's.created_at DESC, s.id DESC',
  created_asc: 's.created_at ASC, s.id ASC',
  amount_desc: 's.amount DESC, s.id DESC',
  amount_asc: 's.amount ASC, s.id ASC',
} as const;

/** Payment sessions of all users, filtered, sorted (default newest id first) and paged. */
export async function listAllSessions(ctx: AppContext, query: AdminSessionsQuery & Partial<AdminSessionsListQuery>): Promise<AdminSessionsListPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.userId !== undefined) add('s.user_id = ?', query.userId);
  if (query.status !== undefined) add('s.status = ?', query.status);
  if (query.orderId !== undefined) add('s.order_id = ?', query.orderId);
  if (query.accountId !== undefined) add('s.account_id = ?', query.accountId);
  if (query.currency !== undefined) add('s.currency = ?', query.currency);
  if (query.customerEmail !== undefined) add('u.identifier ILIKE ?', likeSubstring(query.customerEmail));
  if (query.createdFrom !== undefined) add('s.created_at >= ?', new Date(query.createdFrom));
  if (query.createdTo !== undefined) add('s.created_at < ?', new Date(query.createdTo));
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const joins = 'LEFT JOIN users u ON u.id = s.user_id LEFT JOIN orders o ON o.id = s.order_id JOIN payment_accounts a ON a.id = s.account_id';
  const order = query.sort ? SESSION_SORTS[query.sort] : 's.id DESC';
  params.push(query.limit ?? 30, query.offset ?? 0);
  const { rows } = await ctx.db.query<SessionRow & { customer_email: string | null; order_status: string | null; account_identifier: string; account_type: string }>(
    `${SESSION_SELECT.replace('SELECT s.*', 'SELECT s.*, u.identifier AS customer_email, o.status_identifier AS order_status, a.identifier AS account_identifier, a.type AS account_type')} ${joins}
      ${filter} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  const count = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_sessions s ${joins} ${filter}`, params.slice(0, -2));
  return {
    items: rows.map((r) => ({
      ...sessionView(r), userId: r.user_id ?? 0, customerEmail: r.customer_email, orderStatus: r.order_status, accountIdentifier: r.account_identifier, accountType: r.account_type,
    })),
    total: count.rows[0]?.n ?? 0,
  };
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
