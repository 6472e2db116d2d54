import type { AppContext } from '../context.js';
import type { PaymentSession } from '../contract/payments.js';
import { authorize } from '../domain/payment.js';
import { PaymentsError } from '../errors.js';
import { appendHistory, type Actor } from '../store/history-store.js';
import { getSession, lockCollection, type PaymentRow, type SessionRow } from '../store/payment-store.js';
import { recordCaptureAtAuthorization } from './engine/apply-action.js';
import { syncCollection } from './collection-sync.js';
import { notePayment } from './collection-rows.js';
import { rememberRow } from './outbox.js';
import { moveSession } from './session-service.js';
import { sessionView } from './session-views.js';

export interface ReceiveInput {
  note?: string;
  reference?: string;
}

/**
 * The merchant records that the money of a manual (custom account: cash, bank transfer) session
 * arrived. In one transaction: a payment captured in full is created, the session completes,
 * the collection's status is derived again and the order moves to its mapped status.
 */
export async function receiveManualPayment(ctx: AppContext, sessionId: number, input: ReceiveInput, actor: Actor): Promise<PaymentSession> {
  const row = await ctx.db.transaction(async (tx) => {
    const peek = await getSession(tx, sessionId);
    if (!peek) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
    // Lock order: order row, then collection, then session — the same order everywhere.
    if (peek.order_id !== null) await tx.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [peek.order_id]);
    const collection = await lockCollection(tx, peek.collection_id);
    const session = await getSession(tx, sessionId, true);
    if (!collection || !session) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
    const { rows: acc } = await tx.query<{ type: string }>('SELECT type FROM payment_accounts WHERE id = $1', [session.account_id]);
    if (acc[0]?.type !== 'custom') {
      throw new PaymentsError('invalid_transition', `Session ${sessionId} is paid through a ${acc[0]?.type ?? 'unknown'} gateway; only custom (manual) payments are recorded by hand`);
    }
    if (session.status !== 'pending' && session.status !== 'requires_more') {
      throw new PaymentsError('invalid_transition', `Session ${sessionId} is ${session.status}; only a waiting session can be marked as received`);
    }
    if (session.expires_at !== null && session.expires_at <= ctx.now()) {
      throw new PaymentsError('session_expired', `Session ${sessionId} expired at ${session.expires_at.toISOString()}; create a new session for the order`);
    }
    const state = authorize(null, { amount: session.amount, currency: session.currency }, { autoCapture: true });
    const { rows } = await tx.query<PaymentRow>(
      `INSERT INTO payments (collection_id, session_id, order_id, user_id, account_id, currency, amount, authorized_amount,
         captured_amount, status, gateway_status, gateway_ref, payment_method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'completed', $11, 'manual') RETURNING *`,
      [collection.id, session.id, session.order_id, session.user_id, session.account_id, session.currency, session.amount,
        state.authorized, state.captured, state.status, input.reference ?? null],
    );
    const paymentId = rows[0]!.id;
    notePayment(tx, rows[0]!);
    await tx.query('UPDATE payment_sessions SET payment_id = $2 WHERE id = $1', [session.id, paymentId]);
    rememberRow(tx, 'payment_session', session.id, undefined);
    await moveSession(tx, session, 'authorized', actor, { received: true }, 'completed');
    await appendHistory(tx, {
      entity: 'payment', entityId: paymentId, action: 'created', to: state.status, amount: session.amount,
      currency: session.currency, orderId: session.order_id, collectionId: collection.id, sessionId: session.id,
      paymentId, actor, gatewayRef: input.reference ?? null,
      data: { method: 'manual', ...(input.note ? { note: input.note } : {}) },
    });
    await recordCaptureAtAuthorization(tx, rows[0]!, state.captured, input.reference ?? null, actor);
    await syncCollection(tx, collection, actor);
    return (await getSession(tx, sessionId)) as SessionRow;
  });
  return sessionView(row);
}
