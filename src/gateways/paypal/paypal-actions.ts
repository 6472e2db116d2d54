/**
 * The one mapping from a PayPal order's state to Tender's outcomes: what `authorize` answers
 * for an order, and the actions `retrieve` lists (every capture and refund, each with its
 * PayPal id so that re-applying what a webhook already applied changes nothing).
 */
import type { AuthorizeResult, GatewayEventAction } from '../gateway.js';
import { PaypalPendingError } from './paypal-errors.js';
import type { PaypalMoneyMove, PaypalOrderView } from './paypal-orders.js';

/** Capture statuses under which the money was taken (and possibly refunded since). */
const CAPTURED = new Set(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED']);
/** Authorization statuses under which the money was held. */
const HELD = new Set(['CREATED', 'CAPTURED', 'PARTIALLY_CAPTURED']);

/** What an order that PayPal has finished with (or not yet) means for `authorize`. */
export function authorizeResultOf(order: PaypalOrderView): AuthorizeResult {
  switch (order.status) {
    case 'CREATED':
    case 'SAVED':
    case 'PAYER_ACTION_REQUIRED':
    case 'APPROVED':
      return { outcome: 'requires_more', gatewayStatus: order.status, reason: 'The customer has not approved the PayPal order yet: send them to the session\'s paymentUrl' };
    case 'VOIDED':
      return { outcome: 'declined', gatewayStatus: order.status, declineCode: 'order_voided', message: 'PayPal voided this order (it expired or was canceled); create a new session' };
    case 'COMPLETED':
      return order.intent === 'CAPTURE' ? captureResult(order) : authorizationResult(order);
    default:
      return { outcome: 'requires_more', gatewayStatus: order.status, reason: `PayPal reports the order as ${order.status}` };
  }
}

function captureResult(order: PaypalOrderView): AuthorizeResult {
  const capture = order.captures[0];
  if (!capture) return { outcome: 'requires_more', gatewayStatus: order.status, reason: 'PayPal reports the order completed but lists no capture yet' };
  const status = `CAPTURE_${capture.status}`;
  if (CAPTURED.has(capture.status)) return authorized(order, capture, true, status);
  if (capture.status === 'PENDING') {
    return { outcome: 'requires_more', gatewayStatus: status, reason: `PayPal holds the payment as PENDING${capture.reason ? ` (${capture.reason})` : ''}; PAYMENT.CAPTURE.COMPLETED will complete it` };
  }
  return { outcome: 'declined', gatewayStatus: status, declineCode: 'capture_declined', message: `PayPal declined the payment (capture ${capture.status.toLowerCase()})` };
}

function authorizationResult(order: PaypalOrderView): AuthorizeResult {
  const auth = order.authorization;
  if (!auth) return { outcome: 'requires_more', gatewayStatus: order.status, reason: 'PayPal reports the order completed but lists no authorization yet' };
  const status = `AUTHORIZATION_${auth.status}`;
  if (HELD.has(auth.status)) return authorized(order, auth, false, status);
  if (auth.status === 'PENDING') {
    return { outcome: 'requires_more', gatewayStatus: status, reason: `PayPal holds the authorization as PENDING${auth.reason ? ` (${auth.reason})` : ''}; PAYMENT.AUTHORIZATION.CREATED will follow` };
  }
  const code = auth.status === 'DENIED' ? 'authorization_denied' : 'authorization_voided';
  return { outcome: 'declined', gatewayStatus: status, declineCode: code, message: `PayPal ${auth.status === 'DENIED' ? 'denied' : 'voided'} the authorization` };
}

function authorized(order: PaypalOrderView, move: PaypalMoneyMove, captured: boolean, gatewayStatus: string): AuthorizeResult {
  const result: AuthorizeResult = { outcome: 'authorized', amount: move.amount, captured, gatewayRef: order.id, gatewayStatus, paymentMethod: order.paymentMethod };
  if (order.card) result.card = order.card;
  return result;
}

/**
 * The actions that bring Tender to the order's state, in the order they happened: `authorized`
 * (for intent CAPTURE, captured on authorization: the order's capture is part of it, never a
 * separate `captured`), then one `captured` per capture of an authorization and one `refunded`
 * per refund, then `canceled` for a voided authorization. Every capture and refund is listed —
 * reconciliation marks an in-flight operation failed when the list lacks it — so one that
 * PayPal holds as PENDING makes this throw PaypalPendingError instead: it exists, but is not
 * done, and the interface has no way to say so (reconciliation tries again on its next run).
 */
export function retrieveActionsOf(order: PaypalOrderView): GatewayEventAction[] {
  if (order.status === 'VOIDED') return [{ kind: 'canceled', paymentRef: order.id, gatewayStatus: order.status }];
  if (order.status !== 'COMPLETED') return [];
  // A voided authorization was held first: Tender shows it authorized, then canceled.
  const voided = order.intent === 'AUTHORIZE' && order.authorization?.status === 'VOIDED';
  const first = voided ? authorized(order, order.authorization!, false, 'AUTHORIZATION_VOIDED') : authorizeResultOf(order);
  if (first.outcome === 'declined') {
    return [{ kind: 'attempt_failed', gatewayStatus: first.gatewayStatus, code: first.declineCode, message: first.message, paymentRef: order.id }];
  }
  const pendingCapture = order.captures.find((c) => c.status === 'PENDING');
  if (pendingCapture && first.outcome === 'authorized') throw new PaypalPendingError('capture', pendingCapture.id, pendingCapture.reason);
  const pendingRefund = order.refunds.find((r) => r.status === 'PENDING');
  if (pendingRefund) throw new PaypalPendingError('refund', pendingRefund.id, pendingRefund.reason);
  if (first.outcome !== 'authorized') return [];
  const actions: GatewayEventAction[] = [{
    kind: 'authorized', amount: first.amount, captured: first.captured, paymentRef: order.id, gatewayStatus: first.gatewayStatus,
    paymentMethod: first.paymentMethod, ...(first.card ? { card: first.card } : {}),
  }];
  if (order.intent === 'AUTHORIZE') {
    for (const c of order.captures) {
      if (CAPTURED.has(c.status)) actions.push({ kind: 'captured', amount: c.amount, paymentRef: order.id, operationRef: c.id, gatewayStatus: `CAPTURE_${c.status}` });
    }
  }
  for (const r of order.refunds) {
    if (r.status === 'COMPLETED') actions.push({ kind: 'refunded', amount: r.amount, paymentRef: order.id, operationRef: r.id, gatewayStatus: `REFUND_${r.status}`, requestKey: r.customId });
  }
  if (voided && !order.captures.some((c) => CAPTURED.has(c.status))) actions.push({ kind: 'canceled', paymentRef: order.id, gatewayStatus: 'AUTHORIZATION_VOIDED' });
  return actions;
}
