import type { AppContext } from '../../context.js';
import { normalizeCurrency } from '../../domain/currencies.js';
import { formatMajor } from '../../domain/format-major.js';
import { parseMajor } from '../../domain/parse-major.js';
import { PaymentsError } from '../../errors.js';
import type { PaymentRow } from '../../store/payment-store.js';
import { createSession } from '../session-service.js';
import { authorizeSession } from './authorize-service.js';
import { PAYMENT_SELECT, paymentView, type PaymentView } from './payment-views.js';

export interface ProcessPaymentInput {
  orderId: number;
  /** Decimal in major units; optional — the server computes what is due and refuses a mismatch. */
  amount?: number | string;
  currency: string;
  paymentMethod?: string;
  /** A gateway token (Stripe PaymentMethod id, test gateway `tok_test_…`), never card data. */
  token: string;
}

const REMOTE_TYPES = new Set(['test', 'stripe', 'paypal']);

/**
 * Seed 001 `processPayment`: pays an order with a tokenized card in one call. The amount due
 * is the order's total (computed by the server); a client amount that differs is refused. It
 * reuses the order's open intent session (or opens one) and authorizes it; a decline answers
 * 402 and leaves the session open for another card.
 */
export async function processPayment(ctx: AppContext, userId: number, input: ProcessPaymentInput, idempotencyKey: string): Promise<PaymentView> {
  const { rows } = await ctx.db.query<{ id: number; currency: string; total: bigint; account_type: string; identifier: string }>(
    `SELECT o.id, o.currency, o.total, a.type AS account_type, a.identifier FROM orders o
       JOIN payment_accounts a ON a.id = o.payment_account_id WHERE o.id = $1 AND o.user_id = $2`,
    [input.orderId, userId],
  );
  const order = rows[0];
  if (!order) throw new PaymentsError('order_not_found', `Order ${input.orderId} not found`);
  const currency = normalizeCurrency(input.currency);
  if (currency !== order.currency.trim()) {
    throw new PaymentsError('currency_mismatch', `Order ${order.id} is in ${order.currency.trim()}; got ${currency}`);
  }
  if (!REMOTE_TYPES.has(order.account_type)) {
    throw new PaymentsError('bad_request', `Order ${order.id} is paid through the ${order.identifier} account (${order.account_type}); the merchant records such payments`);
  }
  if (input.amount !== undefined) {
    const given = parseMajor(input.amount, currency);
    if (given.amount !== order.total) {
      throw new PaymentsError('amount_mismatch', `Order ${order.id} is due ${formatMajor({ amount: order.total, currency })} ${currency}; got ${formatMajor(given)}`, {
        due: formatMajor({ amount: order.total, currency }),
        given: formatMajor(given),
      });
    }
  }
  const session = await createSession(ctx, userId, { orderId: order.id, type: 'intent' });
  const outcome = await authorizeSession(ctx, session.id, { token: input.token, paymentMethod: input.paymentMethod }, { type: 'user', id: String(userId) }, idempotencyKey, userId);
  if (outcome.outcome === 'declined') {
    const code = outcome.declineCode === 'insufficient_funds' ? 'insufficient_funds' : 'card_declined';
    throw new PaymentsError(code, outcome.message ?? 'The card was declined', { declineCode: outcome.declineCode, sessionId: session.id });
  }
  if (outcome.paymentId === null) throw new PaymentsError('gateway_error', 'The gateway did not start a payment; try again');
  return getPayment(ctx, outcome.paymentId, userId);
}

export async function getPayment(ctx: AppContext, paymentId: number, userId?: number): Promise<PaymentView> {
  const { rows } = await ctx.db.query<PaymentRow & { account_type: string }>(
    `${PAYMENT_SELECT} WHERE p.id = $1 ${userId !== undefined ? 'AND p.user_id = $2' : ''}`,
    userId !== undefined ? [paymentId, userId] : [paymentId],
  );
  if (!rows[0]) throw new PaymentsError('payment_not_found', `Payment ${paymentId} not found`);
  return paymentView(rows[0]);
}

/** Filters of {@link listPayments}; every one optional. */
export interface PaymentListFilter {
  userId?: number;
  orderId?: number;
  status?: string;
  accountId?: number;
  currency?: string;
  /** Case-insensitive substring of the customer's login (e-mail). */
  customerEmail?: string;
  /** Created at or after (inclusive). */
  createdFrom?: Date;
  /** Created before (exclusive). */
  createdTo?: Date;
}

export type PaymentListSort = 'created_desc' | 'created_asc' | 'amount_desc' | 'amount_asc';

/** Ties break on the id, so pages never repeat or skip a row. */
const SORTS: Record<PaymentListSort, string> = {
  created_desc: 'p.created_at DESC, p.id DESC',
  created_asc: 'p.created_at ASC, p.id ASC',
  amount_desc: 'p.amount DESC, p.id DESC',
  amount_asc: 'p.amount ASC, p.id ASC',
};

/** Escapes LIKE wildcards so that a filter value matches literally. */
export function likeSubstring(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface AdminPaymentFields {
  customerEmail: string | null;
  orderStatus: string | null;
  accountIdentifier: string;
}

/**
 * Payments, filtered and paged. Without `sort`, newest id first (as before the admin table had
 * sorting). `admin: true` adds the customer's login, the order's status and the account
 * identifier to each item, for the admin Payments table.
 */
export async function listPayments(ctx: AppContext, filter: PaymentListFilter, offset: number, limit: number): Promise<{ items: PaymentView[]; total: number }>;
export async function listPayments(ctx: AppContext, filter: PaymentListFilter, offset: number, limit: number, options: { sort?: PaymentListSort; admin: true }): Promise<{ items: (PaymentView & AdminPaymentFields)[]; total: number }>;
export async function listPayments(ctx: AppContext, filter: PaymentListFilter, offset: number, limit: number, options: { sort?: PaymentListSort; admin?: boolean } = {}): Promise<{ items: PaymentView[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.userId !== undefined) add('p.user_id = ?', filter.userId);
  if (filter.orderId !== undefined) add('p.order_id = ?', filter.orderId);
  if (filter.status !== undefined) add('p.status = ?', filter.status);
  if (filter.accountId !== undefined) add('p.account_id = ?', filter.accountId);
  if (filter.currency !== undefined) add('p.currency = ?', filter.currency);
  if (filter.customerEmail !== undefined) add('u.identifier ILIKE ?', likeSubstring(filter.customerEmail));
  if (filter.createdFrom !== undefined) add('p.created_at >= ?', filter.createdFrom);
  if (filter.createdTo !== undefined) add('p.created_at < ?', filter.createdTo);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const joins = options.admin || filter.customerEmail !== undefined ? 'LEFT JOIN users u ON u.id = p.user_id LEFT JOIN orders o ON o.id = p.order_id' : '';
  const extra = options.admin ? ', u.identifier AS customer_email, o.status_identifier AS order_status, a.identifier AS account_identifier' : '';
  const order = options.sort ? SORTS[options.sort] : 'p.id DESC';
  type Row = PaymentRow & { account_type: string; total: number; customer_email?: string | null; order_status?: string | null; account_identifier?: string };
  const { rows } = await ctx.db.query<Row>(
    `${PAYMENT_SELECT.replace('SELECT p.*', `SELECT p.*, (count(*) OVER ())::int AS total${extra}`)} ${joins} ${w} ORDER BY ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && offset > 0) {
    const c = await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payments p ${joins} ${w}`, params);
    total = c.rows[0]?.n ?? 0;
  }
  const items = rows.map((r) => {
    const view = paymentView(r);
    if (!options.admin) return view;
    return { ...view, customerEmail: r.customer_email ?? null, orderStatus: r.order_status ?? null, accountIdentifier: r.account_identifier ?? '' };
  });
  return { items, total };
}

/** Cheap status poll (seed 001 polls): one indexed read, no joins. */
export async function getPaymentStatus(ctx: AppContext, paymentId: number, userId: number): Promise<{ id: number; status: string; paymentStatus: string; updatedAt: string }> {
  const { rows } = await ctx.db.query<{ id: number; status: PaymentRow['status']; updated_at: Date }>(
    'SELECT id, status, updated_at FROM payments WHERE id = $1 AND user_id = $2', [paymentId, userId]);
  const r = rows[0];
  if (!r) throw new PaymentsError('payment_not_found', `Payment ${paymentId} not found`);
  return { id: r.id, status: r.status === 'captured' ? 'completed' : r.status, paymentStatus: r.status, updatedAt: r.updated_at.toISOString() };
}
