import type { AppContext } from '../../context.js';
import { assertRefundRequestTransition, type RefundRequestStatus } from '../../domain/refund-request-status.js';
import { formatMajor } from '../../domain/format-major.js';
import type { Money } from '../../domain/money.js';
import { PaymentsError } from '../../errors.js';
import { appendHistory, type Actor } from '../../store/history-store.js';
import { runOperation, type OperationRow } from './operations.js';

interface RequestRow {
  id: number;
  order_id: number;
  amount: bigint;
  currency: string;
  status: RefundRequestStatus;
}

/**
 * Approves a customer's refund request (fully, or partially with `amount`) by refunding through
 * the gateway. The refund's idempotency key is derived from the request, so two admins approving
 * at once, or a retry, resume the same refund rather than refunding twice.
 */
export async function approveRefundRequest(ctx: AppContext, requestId: number, input: { amount?: Money; note?: string }, actor: Actor): Promise<{ requestId: number; status: RefundRequestStatus; refund: OperationRow }> {
  const request = await loadRequest(ctx, requestId);
  if (request.status !== 'pending') {
    throw new PaymentsError('invalid_transition', `Refund request ${requestId} is ${request.status}; only a pending request can be approved`);
  }
  const currency = request.currency.trim();
  const amount = input.amount ?? { amount: request.amount, currency };
  if (amount.currency !== currency) throw new PaymentsError('currency_mismatch', `Refund request ${requestId} is in ${currency}`);
  if (amount.amount <= 0n || amount.amount > request.amount) {
    throw new PaymentsError('amount_exceeds_refundable', `Approve at most the requested ${formatMajor({ amount: request.amount, currency })} ${currency}`);
  }
  const paymentId = await refundablePayment(ctx, request.order_id, amount.amount);
  const { operation } = await runOperation(ctx, 'refund', paymentId, {
    amount,
    reason: input.note ?? `refund request ${requestId}`,
    refundRequestId: requestId,
    idempotencyKey: `refund-request-${requestId}`,
    // Under the order lock: a customer's cancel that committed first wins, and no money moves.
    precheck: async (tx) => {
      const { rows } = await tx.query<{ status: string }>('SELECT status FROM refund_requests WHERE id = $1 FOR UPDATE', [requestId]);
      if (rows[0]?.status !== 'pending') {
        throw new PaymentsError('invalid_transition', `Refund request ${requestId} is ${rows[0]?.status ?? 'gone'}; only a pending request can be approved`);
      }
    },
  }, actor);
  if (operation.status === 'failed') {
    throw new PaymentsError('gateway_declined', `The gateway refused the refund: ${operation.error?.message ?? 'unknown reason'}`, { refundId: operation.id });
  }
  const status = await decide(ctx, requestId, 'approved', actor, { note: input.note ?? null, approvedAmount: operation.amount });
  return { requestId, status, refund: operation };
}

export async function rejectRefundRequest(ctx: AppContext, requestId: number, note: string, actor: Actor): Promise<RefundRequestStatus> {
  await loadRequest(ctx, requestId);
  return decide(ctx, requestId, 'rejected', actor, { note, approvedAmount: null });
}

async function decide(ctx: AppContext, requestId: number, to: 'approved' | 'rejected', actor: Actor, extra: { note: string | null; approvedAmount: bigint | null }): Promise<RefundRequestStatus> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<RequestRow>('SELECT id, order_id, amount, currency, status FROM refund_requests WHERE id = $1', [requestId]);
    const r = rows[0]!;
    await tx.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [r.order_id]);
    const locked = await tx.query<RequestRow>('SELECT id, order_id, amount, currency, status FROM refund_requests WHERE id = $1 FOR UPDATE', [requestId]);
    const current = locked.rows[0]!;
    if (current.status === to) return to;
    assertRefundRequestTransition(current.status, to);
    await tx.query(
      `UPDATE refund_requests SET status = $2, merchant_note = $3, approved_amount = $4, decided_by = $5, updated_at = now() WHERE id = $1`,
      [requestId, to, extra.note, extra.approvedAmount, actor.id ?? actor.type],
    );
    await appendHistory(tx, {
      entity: 'refund_request', entityId: requestId, action: 'status_changed', from: current.status, to,
      amount: extra.approvedAmount ?? current.amount, currency: current.currency, orderId: current.order_id, actor,
      data: extra.note ? { note: extra.note } : null,
    });
    return to;
  });
}

async function loadRequest(ctx: AppContext, id: number): Promise<RequestRow> {
  const { rows } = await ctx.db.query<RequestRow>('SELECT id, order_id, amount, currency, status FROM refund_requests WHERE id = $1', [id]);
  if (!rows[0]) throw new PaymentsError('refund_request_not_found', `Refund request ${id} not found`);
  return rows[0];
}

async function refundablePayment(ctx: AppContext, orderId: number, amount: bigint): Promise<number> {
  const { rows } = await ctx.db.query<{ id: number; left: bigint }>(
    `SELECT p.id, p.captured_amount - p.refunded_amount
        - COALESCE((SELECT sum(r.amount) FROM refunds r WHERE r.payment_id = p.id AND r.status IN ('pending', 'unknown')), 0)::bigint AS left
       FROM payments p WHERE p.order_id = $1 AND p.status IN ('partially_captured', 'captured', 'partially_refunded') ORDER BY p.id`,
    [orderId],
  );
  const hit = rows.find((r) => r.left >= amount);
  if (!hit) throw new PaymentsError('amount_exceeds_refundable', `No payment of order ${orderId} has that much left to refund`);
  return hit.id;
}
