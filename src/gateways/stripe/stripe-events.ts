/**
 * Stripe webhook events → Tender's normalized actions. One event gives one action; types Tender
 * does not use are verified, recorded and ignored. NOTE.md has the table.
 */
import type Stripe from 'stripe';
import type { GatewayEventAction } from '../gateway.js';
import { fromStripeAmount } from './stripe-amounts.js';
import { META_CAPTURE, META_SESSION } from './stripe-checkout.js';
import { authorizedAction, failedAttempt, isManual, manualCapture, nextActionOf } from './stripe-intent-state.js';

export interface NormalizedStripeEvent {
  tenderSessionId: number | null;
  sessionRef: string | null;
  action: GatewayEventAction;
}

/** Lists a charge's refunds (Stripe no longer embeds them in the Charge of an event). */
export type RefundLister = (chargeId: string) => Promise<Stripe.Refund[]>;

export async function normalizeEvent(event: Stripe.Event, listRefunds: RefundLister): Promise<NormalizedStripeEvent> {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired': {
      const cs = event.data.object;
      return { tenderSessionId: sessionIdOf(cs.metadata), sessionRef: cs.id, action: checkoutAction(event.type, cs) };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.amount_capturable_updated':
    case 'payment_intent.requires_action':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const pi = event.data.object;
      return { tenderSessionId: sessionIdOf(pi.metadata), sessionRef: pi.id, action: intentEventAction(event.type, pi) };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const previous = (event.data.previous_attributes as { amount_refunded?: number } | undefined)?.amount_refunded;
      return { tenderSessionId: sessionIdOf(charge.metadata), sessionRef: null, action: await chargeRefundedAction(event.created, charge, previous, listRefunds) };
    }
    case 'refund.created':
    case 'refund.updated': {
      const refund = event.data.object;
      return { tenderSessionId: sessionIdOf(refund.metadata), sessionRef: null, action: refundAction(refund) };
    }
    case 'charge.dispute.created': {
      const d = event.data.object;
      return {
        tenderSessionId: null,
        sessionRef: null,
        action: { kind: 'dispute', paymentRef: idOf(d.payment_intent), reason: d.reason, amount: fromStripeAmount(d.amount, d.currency) },
      };
    }
    default: {
      // Recorded against the session when the object carries Tender's metadata (charge.succeeded does).
      const metadata = (event.data.object as { metadata?: Stripe.Metadata | null }).metadata;
      return { tenderSessionId: sessionIdOf(metadata), sessionRef: null, action: { kind: 'ignored', reason: `Stripe event type ${event.type} means nothing to Tender` } };
    }
  }
}

function checkoutAction(type: string, cs: Stripe.Checkout.Session): GatewayEventAction {
  if (type === 'checkout.session.expired') return { kind: 'expired', gatewayStatus: cs.status ?? 'expired' };
  const paymentRef = idOf(cs.payment_intent);
  if (type === 'checkout.session.async_payment_failed') {
    return { kind: 'attempt_failed', gatewayStatus: cs.payment_status, paymentRef, code: 'async_payment_failed', message: 'The payment started in Stripe Checkout failed; create a new session to pay again' };
  }
  if (cs.amount_total === null || !cs.currency) return { kind: 'ignored', reason: 'Checkout Session without an amount' };
  // Manual capture: completing Checkout authorizes (payment_status stays "unpaid" until the
  // capture). Automatic: "paid" means captured; "unpaid" is a delayed method still in flight,
  // settled later by checkout.session.async_payment_succeeded / _failed.
  const manual = cs.metadata?.[META_CAPTURE] === 'manual';
  const paid = cs.payment_status === 'paid' || type === 'checkout.session.async_payment_succeeded';
  if (!manual && !paid) return { kind: 'ignored', reason: `Checkout completed with payment_status ${cs.payment_status}; waiting for the asynchronous payment` };
  return {
    kind: 'authorized',
    amount: fromStripeAmount(cs.amount_total, cs.currency),
    captured: !manual,
    paymentRef,
    gatewayStatus: manual ? 'requires_capture' : 'succeeded',
  };
}

function intentEventAction(type: string, pi: Stripe.PaymentIntent): GatewayEventAction {
  switch (type) {
    case 'payment_intent.succeeded':
      // Manual capture: "succeeded" reports the capture (Stripe captures once and releases the rest).
      if (isManual(pi)) return manualCapture(pi) ?? { kind: 'ignored', reason: 'manual PaymentIntent succeeded without an amount received' };
      return authorizedAction(pi);
    case 'payment_intent.amount_capturable_updated':
      return pi.amount_capturable > 0 ? authorizedAction(pi) : { kind: 'ignored', reason: 'nothing left to capture' };
    case 'payment_intent.requires_action':
      return { kind: 'requires_action', gatewayStatus: pi.status, nextAction: nextActionOf(pi), paymentRef: pi.id };
    case 'payment_intent.payment_failed': {
      const failed = failedAttempt(pi) ?? { code: 'payment_failed', message: 'The payment failed' };
      return { kind: 'attempt_failed', gatewayStatus: pi.status, paymentRef: pi.id, ...failed };
    }
    default:
      return { kind: 'canceled', paymentRef: pi.id, gatewayStatus: pi.status };
  }
}

/**
 * `charge.refunded` fires once per refund, with the charge as it was then. Its refund is the
 * succeeded one created by the event's time whose amount is the rise in `amount_refunded`
 * (the latest such); the engine deduplicates by refund id, so the same refund reported again
 * (by refund.updated, or by Tender's own call) counts once.
 */
async function chargeRefundedAction(eventCreated: number, charge: Stripe.Charge, previousRefunded: number | undefined, listRefunds: RefundLister): Promise<GatewayEventAction> {
  const embedded = charge.refunds?.data;
  const refunds = embedded && embedded.length > 0 ? embedded : await listRefunds(charge.id);
  const delta = previousRefunded === undefined ? null : charge.amount_refunded - previousRefunded;
  const candidates = refunds
    .filter((r) => r.status === 'succeeded' && r.created <= eventCreated)
    .sort((a, b) => b.created - a.created);
  const refund = candidates.find((r) => delta !== null && r.amount === delta) ?? candidates[0];
  if (!refund) return { kind: 'ignored', reason: 'charge.refunded without a succeeded refund; refund.updated reports it when it succeeds' };
  return refundAction(refund, idOf(charge.payment_intent));
}

function refundAction(refund: Stripe.Refund, paymentRef: string | null = idOf(refund.payment_intent)): GatewayEventAction {
  if (refund.status !== 'succeeded') {
    // A refund that fails after Tender recorded it succeeded cannot be undone here: the event is
    // kept (gateway_events) for the merchant to see.
    return { kind: 'ignored', reason: `refund ${refund.id} is ${refund.status ?? 'unknown'}` };
  }
  return {
    kind: 'refunded', amount: fromStripeAmount(refund.amount, refund.currency), paymentRef, operationRef: refund.id, gatewayStatus: 'succeeded',
    requestKey: refund.metadata?.tender_request ?? null,
  };
}

function sessionIdOf(metadata: Stripe.Metadata | null | undefined): number | null {
  const raw = metadata?.[META_SESSION];
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2147483647 ? id : null;
}

export function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ref.id;
}
