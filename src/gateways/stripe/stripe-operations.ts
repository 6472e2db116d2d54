/**
 * Capture, refund and cancel against Stripe, each with the engine's idempotency key. A refusal
 * by Stripe (4xx) is returned as `failed`; anything else throws, and the engine records the
 * operation as `unknown` until a webhook or reconciliation settles it.
 */
import type Stripe from 'stripe';
import type { Money } from '../../domain/money.js';
import type { GatewayAccount, OperationResult, PaymentRef } from '../gateway.js';
import { StripeAmountError, toStripeAmount } from './stripe-amounts.js';
import { StripeGatewayError, refusalOf, stripeClient, toGatewayError, type StripeClient } from './stripe-client.js';
import { chargeId } from './stripe-intent-state.js';

const STRIPE_REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

export async function captureIntent(account: GatewayAccount, payment: PaymentRef, amount: Money, idempotencyKey: string): Promise<OperationResult> {
  const client = stripeClient(account);
  const stripeAmount = amountOrFailure(amount);
  if ('outcome' in stripeAmount) return stripeAmount;
  const intentId = await intentIdOf(client, payment);
  if (!intentId) return missing('capture');
  try {
    const pi = await client.paymentIntents.capture(intentId, { amount_to_capture: stripeAmount.amount }, { idempotencyKey });
    // The charge id identifies the capture (one per intent); payment_intent.succeeded carries it too.
    return { outcome: 'succeeded', gatewayRef: chargeId(pi) ?? pi.id, gatewayStatus: pi.status };
  } catch (err) {
    return refused(err, 'capture');
  }
}

export async function refundIntent(account: GatewayAccount, payment: PaymentRef, amount: Money, reason: string | null, idempotencyKey: string): Promise<OperationResult> {
  const client = stripeClient(account);
  const stripeAmount = amountOrFailure(amount);
  if ('outcome' in stripeAmount) return stripeAmount;
  const intentId = await intentIdOf(client, payment);
  if (!intentId) return missing('refund');
  // tender_request comes back on the refund's events, so they match this very operation.
  const params: Stripe.RefundCreateParams = { payment_intent: intentId, amount: stripeAmount.amount, metadata: { tender_request: idempotencyKey } };
  if (reason) {
    if (STRIPE_REFUND_REASONS.has(reason)) params.reason = reason as Stripe.RefundCreateParams.Reason;
    params.metadata = { ...params.metadata, tender_reason: reason.slice(0, 500) };
  }
  let refund: Stripe.Refund;
  try {
    refund = await client.refunds.create(params, { idempotencyKey });
  } catch (err) {
    return refused(err, 'refund');
  }
  switch (refund.status) {
    case 'succeeded':
      return { outcome: 'succeeded', gatewayRef: refund.id, gatewayStatus: 'succeeded' };
    case 'failed':
    case 'canceled':
      return { outcome: 'failed', gatewayStatus: refund.status, code: refund.failure_reason ?? `refund_${refund.status}`, message: `Stripe refund ${refund.id} ${refund.status}` };
    default:
      // pending / requires_action: Stripe has not settled it; refund.updated will. Tender keeps
      // the operation `unknown` (its amount stays reserved) until then.
      throw new StripeGatewayError('refund_pending', `Stripe refund ${refund.id} is ${refund.status ?? 'pending'}; its outcome arrives with refund.updated`);
  }
}

/** Voids an uncaptured intent; for a Checkout Session nobody has paid yet, expires it. */
export async function cancelIntent(account: GatewayAccount, payment: PaymentRef, idempotencyKey: string): Promise<OperationResult> {
  const client = stripeClient(account);
  if (!payment.gatewayRef && payment.sessionRef?.startsWith('cs_')) {
    const cs = await retrieveOrThrow(() => client.checkout.sessions.retrieve(payment.sessionRef!), 'checkout session retrieve');
    if (cs.status === 'expired') return { outcome: 'succeeded', gatewayRef: cs.id, gatewayStatus: 'expired' };
    if (cs.status === 'open') {
      try {
        const done = await client.checkout.sessions.expire(cs.id, {}, { idempotencyKey });
        return { outcome: 'succeeded', gatewayRef: done.id, gatewayStatus: done.status ?? 'expired' };
      } catch (err) {
        return refused(err, 'checkout session expire');
      }
    }
  }
  const intentId = await intentIdOf(client, payment);
  if (!intentId) return missing('cancel');
  try {
    const pi = await client.paymentIntents.cancel(intentId, {}, { idempotencyKey });
    return { outcome: 'succeeded', gatewayRef: pi.id, gatewayStatus: pi.status };
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal?.code === 'payment_intent_unexpected_state') {
      // Canceling what is already canceled is done (the engine may retry after a lost answer).
      const pi = await retrieveOrThrow(() => client.paymentIntents.retrieve(intentId), 'payment intent retrieve');
      if (pi.status === 'canceled') return { outcome: 'succeeded', gatewayRef: pi.id, gatewayStatus: pi.status };
    }
    return refused(err, 'cancel');
  }
}

/** The PaymentIntent behind a payment: its own ref, or the one its Checkout Session created. */
export async function intentIdOf(client: StripeClient, payment: Pick<PaymentRef, 'gatewayRef' | 'sessionRef'>): Promise<string | null> {
  for (const ref of [payment.gatewayRef, payment.sessionRef]) {
    if (ref?.startsWith('pi_')) return ref;
  }
  const cs = [payment.gatewayRef, payment.sessionRef].find((r) => r?.startsWith('cs_'));
  if (!cs) return null;
  const session = await retrieveOrThrow(() => client.checkout.sessions.retrieve(cs), 'checkout session retrieve');
  const pi = session.payment_intent;
  return pi ? (typeof pi === 'string' ? pi : pi.id) : null;
}

export async function retrieveOrThrow<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toGatewayError(err, what);
  }
}

function amountOrFailure(amount: Money): { amount: number } | OperationResult {
  try {
    return { amount: toStripeAmount(amount).amount };
  } catch (err) {
    if (err instanceof StripeAmountError) return { outcome: 'failed', gatewayStatus: 'not_sent', code: 'invalid_amount', message: err.message };
    throw err;
  }
}

function refused(err: unknown, what: string): OperationResult {
  const refusal = refusalOf(err);
  if (refusal) return { outcome: 'failed', gatewayStatus: 'refused', code: refusal.code, message: refusal.message };
  throw toGatewayError(err, what);
}

function missing(what: string): OperationResult {
  return { outcome: 'failed', gatewayStatus: 'not_found', code: 'resource_missing', message: `No Stripe PaymentIntent is known for this payment; nothing to ${what}` };
}
