import type { AppContext } from '../../context.js';
import type { PaymentSession } from '../../contract/payments.js';
import { PaymentsError } from '../../errors.js';
import { getUserSession } from '../session-service.js';
import { authorizeSession } from './authorize-service.js';
import { retrieveAndApply } from './reconcile.js';

const OPEN = new Set(['pending', 'requires_more', 'requires_action']);

/**
 * The customer's return from the gateway (success URL): ask the gateway what happened instead
 * of trusting the redirect. An open session is authorized without new input (the gateway
 * answers from its own state — and, for PayPal, captures or authorizes the approved order);
 * an authorized one picks up captures and refunds. This runs through the same apply path as
 * webhooks, so the redirect and the webhook converge on one state, whichever comes first.
 */
export async function confirmSession(ctx: AppContext, userId: number, sessionId: number, idempotencyKey: string): Promise<PaymentSession> {
  await getUserSession(ctx, userId, sessionId); // 404 unless it is the caller's
  const { rows } = await ctx.db.query<{ status: string }>('SELECT status FROM payment_sessions WHERE id = $1', [sessionId]);
  const status = rows[0]?.status ?? '';
  try {
    if (OPEN.has(status)) {
      await authorizeSession(ctx, sessionId, {}, { type: 'user', id: String(userId) }, idempotencyKey, userId, { observeOnly: true });
    } else {
      await retrieveAndApply(ctx, sessionId);
    }
  } catch (err) {
    // An expired or closed session still answers its state; other errors surface.
    if (!(err instanceof PaymentsError) || (err.code !== 'session_expired' && err.code !== 'invalid_transition')) throw err;
  }
  return getUserSession(ctx, userId, sessionId);
}
