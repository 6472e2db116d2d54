import type { PaymentState } from '../../domain/payment.js';
import type { Queryable } from '../../store/db.js';
import { appendHistory, type Actor } from '../../store/history-store.js';
import type { PaymentRow } from '../../store/payment-store.js';

export function stateOf(p: PaymentRow): PaymentState {
  return {
    status: p.status,
    currency: p.currency,
    authorized: p.authorized_amount,
    captured: p.captured_amount,
    refunded: p.refunded_amount,
    appliedEventIds: new Set(),
  };
}

/** Writes a payment's new state (computed by the pure domain) and its history row. */
export async function savePayment(
  tx: Queryable,
  before: PaymentRow,
  next: PaymentState,
  actor: Actor,
  action: string,
  extra: { amount?: bigint; gatewayStatus?: string; gatewayRef?: string | null; data?: Record<string, unknown> } = {},
): Promise<PaymentRow> {
  const { rows } = await tx.query<PaymentRow>(
    `UPDATE payments SET status = $2, authorized_amount = $3, captured_amount = $4, refunded_amount = $5,
       gateway_status = COALESCE($6, gateway_status), gateway_ref = COALESCE(gateway_ref, $7), updated_at = now()
     WHERE id = $1 RETURNING *`,
    [before.id, next.status, next.authorized, next.captured, next.refunded, extra.gatewayStatus ?? null, extra.gatewayRef ?? null],
  );
  await appendHistory(tx, {
    entity: 'payment', entityId: before.id, action, from: before.status, to: next.status, amount: extra.amount ?? null,
    currency: before.currency, orderId: before.order_id, collectionId: before.collection_id, sessionId: before.session_id,
    paymentId: before.id, actor, gatewayRef: extra.gatewayRef ?? before.gateway_ref, data: extra.data ?? null,
  });
  return rows[0]!;
}
