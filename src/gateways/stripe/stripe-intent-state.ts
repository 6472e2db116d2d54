/**
 * The one mapping from a Stripe PaymentIntent's status to Tender's outcomes. Stripe's SDK types
 * the status as an open string (new values may appear); anything unknown is treated as "not
 * settled yet" and never as money moved.
 */
import type Stripe from 'stripe';
import type { AuthorizeResult, GatewayEventAction } from '../gateway.js';
import { fromStripeAmount } from './stripe-amounts.js';

export type IntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

const KNOWN: ReadonlySet<string> = new Set<IntentStatus>([
  'requires_payment_method', 'requires_confirmation', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled',
]);

export function intentStatus(pi: Stripe.PaymentIntent): IntentStatus | 'unknown' {
  return KNOWN.has(pi.status) ? (pi.status as IntentStatus) : 'unknown';
}

/** Manual capture holds the money; anything else (automatic, automatic_async) captures it at once. */
export function isManual(pi: Stripe.PaymentIntent): boolean {
  return pi.capture_method === 'manual';
}

export function chargeId(pi: Stripe.PaymentIntent): string | null {
  const c = pi.latest_charge;
  if (!c) return null;
  return typeof c === 'string' ? c : c.id;
}

/** Brand and last four of the card, when the charge was expanded. */
export function cardOf(pi: Stripe.PaymentIntent): { brand: string; last4: string } | undefined {
  const c = pi.latest_charge;
  if (!c || typeof c === 'string') return undefined;
  const card = c.payment_method_details?.card;
  return card?.brand && card.last4 && /^[0-9]{4}$/.test(card.last4) ? { brand: card.brand, last4: card.last4 } : undefined;
}

/** What the customer must do, provider-neutral enough for a storefront, with the client secret. */
export function nextActionOf(pi: Stripe.PaymentIntent): Record<string, unknown> {
  const na = pi.next_action;
  const out: Record<string, unknown> = { type: na?.type ?? 'use_stripe_sdk', provider: 'stripe' };
  if (na?.redirect_to_url?.url) out.url = na.redirect_to_url.url;
  if (pi.client_secret) out.clientSecret = pi.client_secret;
  return out;
}

export function authorizedAction(pi: Stripe.PaymentIntent): Extract<GatewayEventAction, { kind: 'authorized' }> {
  const manual = isManual(pi);
  const action: Extract<GatewayEventAction, { kind: 'authorized' }> = {
    kind: 'authorized',
    // Held: the whole amount (amount_capturable drops to 0 after a capture); captured at once:
    // what Stripe received.
    amount: fromStripeAmount(manual || pi.amount_received === 0 ? pi.amount : pi.amount_received, pi.currency),
    captured: !manual,
    paymentRef: pi.id,
    gatewayStatus: pi.status,
    paymentMethod: typeof pi.payment_method_types[0] === 'string' ? pi.payment_method_types[0] : 'card',
  };
  const card = cardOf(pi);
  if (card) {
    action.card = card;
    action.paymentMethod = 'card';
  }
  return action;
}

/** The customer's last attempt failed (decline, failed 3-D Secure). */
export function failedAttempt(pi: Stripe.PaymentIntent): { code: string; message: string } | null {
  const e = pi.last_payment_error;
  if (!e) return null;
  return { code: e.decline_code ?? e.code ?? 'payment_failed', message: e.message ?? 'The payment failed' };
}

/** The direct answer to confirming (or re-reading) an intent. */
export function authorizeResultOf(pi: Stripe.PaymentIntent): AuthorizeResult {
  const status = intentStatus(pi);
  switch (status) {
    case 'requires_capture':
    case 'succeeded': {
      const a = authorizedAction(pi);
      const result: AuthorizeResult = { outcome: 'authorized', amount: a.amount, captured: a.captured, gatewayRef: pi.id, gatewayStatus: pi.status };
      if (a.card) result.card = a.card;
      if (a.paymentMethod) result.paymentMethod = a.paymentMethod;
      return result;
    }
    case 'requires_action':
      return { outcome: 'requires_action', gatewayRef: pi.id, gatewayStatus: pi.status, nextAction: nextActionOf(pi), ...(pi.client_secret ? { clientSecret: pi.client_secret } : {}) };
    case 'requires_payment_method': {
      const failed = failedAttempt(pi);
      if (failed) return { outcome: 'declined', gatewayStatus: pi.status, declineCode: failed.code, message: failed.message };
      return { outcome: 'requires_more', gatewayStatus: pi.status, reason: 'A Stripe PaymentMethod id (pm_…) is required as the token' };
    }
    case 'requires_confirmation':
      return { outcome: 'requires_more', gatewayStatus: pi.status, reason: 'The PaymentIntent waits for confirmation with a PaymentMethod' };
    case 'processing':
      return { outcome: 'requires_more', gatewayStatus: pi.status, reason: 'Stripe is processing the payment; its outcome arrives by webhook' };
    case 'canceled':
      return { outcome: 'declined', gatewayStatus: pi.status, declineCode: 'payment_intent_canceled', message: 'The Stripe PaymentIntent was canceled; create a new session' };
    case 'unknown':
      return { outcome: 'requires_more', gatewayStatus: pi.status, reason: `Stripe reports the unfamiliar status "${pi.status}"` };
    default:
      return assertNever(status);
  }
}

/**
 * The intent's current state as actions (retrieve): the authorization, then a manual capture as
 * its own `captured` action keyed by the charge id; refunds are added by the caller.
 */
export function intentActions(pi: Stripe.PaymentIntent): GatewayEventAction[] {
  const status = intentStatus(pi);
  switch (status) {
    case 'requires_payment_method': {
      const failed = failedAttempt(pi);
      return failed ? [{ kind: 'attempt_failed', gatewayStatus: pi.status, paymentRef: pi.id, ...failed }] : [];
    }
    case 'requires_action':
      return [{ kind: 'requires_action', gatewayStatus: pi.status, nextAction: nextActionOf(pi), paymentRef: pi.id }];
    case 'requires_confirmation':
    case 'processing':
    case 'unknown':
      return [];
    case 'requires_capture':
      return [authorizedAction(pi)];
    case 'succeeded': {
      const actions: GatewayEventAction[] = [authorizedAction(pi)];
      const capture = manualCapture(pi);
      if (capture) actions.push(capture);
      return actions;
    }
    case 'canceled':
      // An intent canceled after it was authorized has a charge (released, never captured).
      return [...(chargeId(pi) ? [authorizedAction(pi)] : []), { kind: 'canceled', paymentRef: pi.id, gatewayStatus: pi.status }];
    default:
      return assertNever(status);
  }
}

/** A manual intent that succeeded was captured (once: Stripe releases the rest). */
export function manualCapture(pi: Stripe.PaymentIntent): GatewayEventAction | null {
  if (!isManual(pi) || pi.amount_received <= 0) return null;
  return { kind: 'captured', amount: fromStripeAmount(pi.amount_received, pi.currency), paymentRef: pi.id, operationRef: chargeId(pi), gatewayStatus: pi.status };
}

export function assertNever(x: never): never {
  throw new Error(`Unhandled Stripe status ${String(x)}`);
}
