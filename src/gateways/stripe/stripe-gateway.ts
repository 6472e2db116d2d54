/**
 * The `stripe` adapter, on the official `stripe` SDK: `session` → a Checkout Session (hosted
 * page), `intent` → a PaymentIntent confirmed with a PaymentMethod id (pm_…). NOTE.md documents
 * events, amounts, idempotency and settings. Importing this module registers the adapter.
 */
import Stripe from 'stripe';
import type { AuthorizeResult, Gateway, GatewayAccount, GatewayEvent, InitiateResult, WebhookCapable } from '../gateway.js';
import { WebhookSignatureError } from '../gateway.js';
import { registerGateway } from '../registry.js';
import { checkoutParams, intentParams } from './stripe-checkout.js';
import { redact, refusalOf, stripeClient, toGatewayError, StripeGatewayError } from './stripe-client.js';
import { normalizeEvent } from './stripe-events.js';
import { authorizeResultOf, cardOf } from './stripe-intent-state.js';
import { cancelIntent, captureIntent, refundIntent, retrieveOrThrow } from './stripe-operations.js';
import { retrieveSession } from './stripe-retrieve.js';

/** Seconds a signed event stays acceptable (Stripe's default; replays older than this are refused). */
export const WEBHOOK_TOLERANCE_SEC = 300;

export type ConnectionCheck = { ok: true; message: string; livemode: boolean } | { ok: false; message: string };

export type StripeGateway = Gateway & WebhookCapable & {
  readonly type: 'stripe';
  /** Asks Stripe for the account's balance with its key: proves the key works (never returns it). */
  testConnection(account: GatewayAccount): Promise<ConnectionCheck>;
};

export const stripeGateway: StripeGateway = {
  type: 'stripe',
  localInitiate: false,
  singleCapture: true,

  async initiate(account, session, idempotencyKey): Promise<InitiateResult> {
    const client = stripeClient(account);
    if (session.type === 'session') {
      const params = checkoutParams(account, session, new Date());
      const cs = await sdkCall(() => client.checkout.sessions.create(params, { idempotencyKey }), 'Checkout Session create');
      return { gatewayStatus: cs.status ?? 'open', gatewayRef: cs.id, paymentUrl: cs.url, data: { stripeLivemode: cs.livemode } };
    }
    const params = intentParams(account, session);
    const pi = await sdkCall(() => client.paymentIntents.create(params, { idempotencyKey }), 'PaymentIntent create');
    const result: InitiateResult = { gatewayStatus: pi.status, gatewayRef: pi.id, paymentUrl: null, data: { stripeLivemode: pi.livemode } };
    if (pi.client_secret) result.clientSecret = pi.client_secret;
    return result;
  },

  async authorize(account, session, input, idempotencyKey): Promise<AuthorizeResult> {
    const client = stripeClient(account);
    if (!session.gatewayRef) return declined('resource_missing', 'No Stripe object was created for this session; create the session again');
    if (session.type === 'session') return checkoutState(account, session.gatewayRef);
    if (!input.token) {
      // "Authorize again" after 3-D Secure carries no token: answer the intent's current state.
      const pi = await retrieveOrThrow(() => client.paymentIntents.retrieve(session.gatewayRef!, { expand: ['latest_charge'] }), 'payment intent retrieve');
      return authorizeResultOf(pi);
    }
    try {
      const params: Stripe.PaymentIntentConfirmParams = { payment_method: input.token, expand: ['latest_charge'] };
      const returnUrl = input.returnUrl ?? session.successUrl ?? account.successUrl;
      if (returnUrl) params.return_url = returnUrl;
      const pi = await client.paymentIntents.confirm(session.gatewayRef, params, { idempotencyKey });
      return authorizeResultOf(pi);
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw toGatewayError(err, 'PaymentIntent confirm');
      return { outcome: 'declined', gatewayStatus: refusal.paymentIntent?.status ?? 'refused', declineCode: refusal.declineCode ?? refusal.code, message: refusal.message };
    }
  },

  capture: captureIntent,
  refund: refundIntent,
  cancel: cancelIntent,

  async parseWebhook(account, rawBody, headers): Promise<GatewayEvent> {
    const event = verify(account, rawBody, headers);
    // Most events need no API call; the client (and the secret key) only when one does.
    const normalized = await normalizeEvent(event, async (charge) =>
      (await retrieveOrThrow(() => stripeClient(account).refunds.list({ charge, limit: 100 }), 'refund list')).data);
    if (normalized.action.kind === 'authorized' && !normalized.action.card && normalized.action.paymentRef) {
      const card = await cardOfIntent(account, normalized.action.paymentRef);
      if (card) normalized.action = { ...normalized.action, card, paymentMethod: 'card' };
    }
    return {
      id: event.id,
      type: event.type,
      occurredAt: new Date(event.created * 1000),
      tenderSessionId: normalized.tenderSessionId,
      sessionRef: normalized.sessionRef,
      action: normalized.action,
      // constructEvent parsed the whole body.
      bodyIsJson: true,
    };
  },

  retrieve: retrieveSession,

  async testConnection(account): Promise<ConnectionCheck> {
    try {
      const balance = await stripeClient(account).balance.retrieve();
      const currencies = [...new Set(balance.available.map((b) => b.currency.toUpperCase()))].join(', ') || 'none yet';
      return { ok: true, livemode: balance.livemode, message: `Connected to Stripe in ${balance.livemode ? 'live' : 'test'} mode (balance currencies: ${currencies})` };
    } catch (err) {
      return { ok: false, message: toGatewayError(err, 'balance retrieve').message };
    }
  },
};

/** Verifies the Stripe-Signature header over the exact raw body with the account's signing secret. */
function verify(account: GatewayAccount, rawBody: string, headers: Record<string, string | string[] | undefined>): Stripe.Event {
  const secret = account.secrets.webhookSecret;
  if (!secret) {
    throw new WebhookSignatureError(`payment account ${account.identifier} has no Stripe webhook signing secret for ${account.testMode ? 'test' : 'live'} mode; set ${account.testMode ? 'testSecrets' : 'secrets'}.webhookSecret (whsec_…)`);
  }
  const raw = headers['stripe-signature'] ?? headers['Stripe-Signature'];
  const signature = Array.isArray(raw) ? raw[0] : raw;
  if (!signature) throw new WebhookSignatureError('the Stripe-Signature header is missing');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature, secret, WEBHOOK_TOLERANCE_SEC);
  } catch (err) {
    throw new WebhookSignatureError(signatureProblem(err));
  }
  if (event.livemode === account.testMode) {
    throw new WebhookSignatureError(`a ${event.livemode ? 'live' : 'test'}-mode event reached payment account ${account.identifier}, which is in ${account.testMode ? 'test' : 'live'} mode`);
  }
  return event;
}

function signatureProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message.includes('tolerance')) return `the Stripe-Signature timestamp is more than ${WEBHOOK_TOLERANCE_SEC} s old (a replayed event, or this server's clock is out of sync)`;
  if (message.includes('No signatures found')) return 'the Stripe-Signature does not match the body: the signing secret of this account differs from the endpoint\'s at Stripe, or the body was altered';
  if (message.includes('Unable to extract')) return 'the Stripe-Signature header is malformed';
  return redact(message).slice(0, 200);
}

/**
 * Events carry the charge unexpanded: the card's brand and last four are read from Stripe once,
 * when the payment is authorized. Best effort — the event is applied without them if that fails.
 */
async function cardOfIntent(account: GatewayAccount, intentId: string): Promise<{ brand: string; last4: string } | undefined> {
  try {
    return cardOf(await stripeClient(account).paymentIntents.retrieve(intentId, { expand: ['latest_charge'] }));
  } catch {
    return undefined;
  }
}

/** A Checkout Session is paid on Stripe's page; authorizing it only reads its state. */
async function checkoutState(account: GatewayAccount, checkoutId: string): Promise<AuthorizeResult> {
  const client = stripeClient(account);
  const cs = await retrieveOrThrow(() => client.checkout.sessions.retrieve(checkoutId), 'checkout session retrieve');
  if (cs.status === 'expired') return declined('session_expired', 'The Stripe Checkout Session expired; create a new session');
  const piRef = cs.payment_intent;
  if (!piRef) return { outcome: 'requires_more', gatewayStatus: cs.status ?? 'open', reason: 'The customer pays on the Stripe Checkout page (paymentUrl)' };
  const pi = await retrieveOrThrow(() => client.paymentIntents.retrieve(typeof piRef === 'string' ? piRef : piRef.id, { expand: ['latest_charge'] }), 'payment intent retrieve');
  return authorizeResultOf(pi);
}

function declined(code: string, message: string): AuthorizeResult {
  return { outcome: 'declined', gatewayStatus: 'not_found', declineCode: code, message };
}

/** Creates are not operations on money: a refusal is an error with Stripe's (redacted) reason. */
async function sdkCall<T>(call: () => Promise<T>, what: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal) throw new StripeGatewayError(refusal.code, `Stripe refused the ${what}: ${refusal.message}`, refusal.statusCode);
    throw toGatewayError(err, what);
  }
}

registerGateway(stripeGateway);
