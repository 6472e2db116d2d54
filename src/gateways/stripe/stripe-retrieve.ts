/**
 * Reconciliation: what Stripe says now about a Tender session, as the same actions webhooks
 * produce (each capture and refund keyed by its Stripe id, so re-applying changes nothing).
 */
import type Stripe from 'stripe';
import type { GatewayAccount, GatewayEventAction, RetrieveResult } from '../gateway.js';
import { fromStripeAmount } from './stripe-amounts.js';
import { META_SESSION } from './stripe-checkout.js';
import { stripeClient, type StripeClient } from './stripe-client.js';
import { chargeId, intentActions } from './stripe-intent-state.js';
import { retrieveOrThrow } from './stripe-operations.js';

export async function retrieveSession(account: GatewayAccount, session: { id: number; gatewayRef: string | null; paymentRef: string | null }): Promise<RetrieveResult> {
  const client = stripeClient(account);
  let intentId = session.paymentRef?.startsWith('pi_') ? session.paymentRef : null;
  if (!intentId && session.gatewayRef?.startsWith('pi_')) intentId = session.gatewayRef;
  if (!intentId && session.gatewayRef?.startsWith('cs_')) {
    const cs = await retrieveOrThrow(() => client.checkout.sessions.retrieve(session.gatewayRef!), 'checkout session retrieve');
    if (!belongs(cs.metadata, session.id)) return { actions: [], gatewayStatus: 'not_found' };
    if (cs.status === 'expired') return { actions: [{ kind: 'expired', gatewayStatus: 'expired' }], gatewayStatus: 'expired' };
    const pi = cs.payment_intent;
    if (!pi) return { actions: [], gatewayStatus: cs.status ?? 'open' };
    intentId = typeof pi === 'string' ? pi : pi.id;
  }
  if (!intentId) return { actions: [], gatewayStatus: 'not_found' };
  const pi = await retrieveOrThrow(() => client.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] }), 'payment intent retrieve');
  if (!belongs(pi.metadata, session.id)) return { actions: [], gatewayStatus: 'not_found' };
  const actions = intentActions(pi);
  if (chargeId(pi)) actions.push(...(await refundActions(client, pi)));
  return { actions, gatewayStatus: pi.status };
}

async function refundActions(client: StripeClient, pi: Stripe.PaymentIntent): Promise<GatewayEventAction[]> {
  if (pi.status !== 'succeeded') return [];
  const list = await retrieveOrThrow(() => client.refunds.list({ payment_intent: pi.id, limit: 100 }), 'refund list');
  return list.data
    .filter((r) => r.status === 'succeeded')
    .sort((a, b) => a.created - b.created)
    .map((r) => ({
      kind: 'refunded', amount: fromStripeAmount(r.amount, r.currency), paymentRef: pi.id, operationRef: r.id, gatewayStatus: 'succeeded',
      requestKey: r.metadata?.tender_request ?? null,
    }));
}

/** Stripe objects Tender created carry its session id; one without it is not ours to apply. */
function belongs(metadata: Stripe.Metadata | null | undefined, sessionId: number): boolean {
  const tagged = metadata?.[META_SESSION];
  return tagged === undefined || tagged === String(sessionId);
}
