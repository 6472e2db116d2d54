/**
 * The Stripe adapter on its own, through the official SDK against the local fake of Stripe's
 * REST API: what it sends (asserted on the fake's side), what it makes of the answers, and how
 * it verifies and normalizes webhook events.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAccount, SessionInput } from '../../src/gateways/gateway.js';
import { WebhookSignatureError } from '../../src/gateways/gateway.js';
import { gatewayFor } from '../../src/gateways/registry.js';
import { stripeGateway } from '../../src/gateways/stripe/stripe-gateway.js';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake.js';

const KEY = 'sk_test_adapterKey0123456789';
const WHSEC = 'whsec_adapterSigningSecret0123';
let fake: StripeFake;
let account: GatewayAccount;
let manual: GatewayAccount;
let nextSession = 1000;

function session(over: Partial<SessionInput> = {}): SessionInput {
  const id = nextSession++;
  return {
    id, type: 'session', amount: { amount: 34_000n, currency: 'USD' }, orderId: id + 5000,
    lines: [{ productId: 1, title: 'Demo T-shirt', quantity: 1, unitAmount: 34_000n }], automaticTax: false,
    expiresAt: new Date(Date.now() + 3600_000), successUrl: null, cancelUrl: null, ...over,
  };
}

/** Turns the fake's event JSON into what the adapter parses, signed like Stripe signs it. */
function parse(acc: GatewayAccount, event: object | string, secret = WHSEC, timestamp?: number) {
  const { body, headers } = fake.signed(event as never, secret, timestamp);
  return stripeGateway.parseWebhook(acc, body, headers);
}

beforeAll(async () => {
  fake = await startStripeFake([KEY]);
  account = {
    id: 7, identifier: 'stripe_t', type: 'stripe', testMode: true, captureMethod: 'automatic', sessionLifetimeSec: 3600,
    successUrl: 'https://shop.example/thanks', cancelUrl: 'https://shop.example/cart',
    settings: { apiBase: fake.url }, secrets: { secretKey: KEY, webhookSecret: WHSEC },
  };
  manual = { ...account, id: 8, captureMethod: 'manual' };
});
afterAll(() => fake?.close());

describe('registration', () => {
  it('importing the adapter registers it for accounts of type stripe', () => {
    expect(gatewayFor('stripe')).toBe(stripeGateway);
  });
});

describe('initiate', () => {
  it('session → a Checkout Session with the order lines, URLs, expiry and metadata; the engine\'s key is the Idempotency-Key', async () => {
    const s = session({ lines: [{ productId: 2, title: 'Demo mug', quantity: 2, unitAmount: 1_250n }, { productId: 1, title: 'Demo T-shirt', quantity: 1, unitAmount: 31_500n }] });
    const r = await stripeGateway.initiate(account, s, `tender-session-${s.id}`);
    expect(r.gatewayRef).toMatch(/^cs_test_/);
    expect(r.paymentUrl).toBe(`${fake.url}/c/pay/${r.gatewayRef}`);
    const req = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!;
    expect(req.idempotencyKey).toBe(`tender-session-${s.id}`);
    expect(req.params).toMatchObject({
      mode: 'payment',
      success_url: 'https://shop.example/thanks',
      cancel_url: 'https://shop.example/cart',
      client_reference_id: String(s.id),
      metadata: { tender_session_id: String(s.id), tender_order_id: String(s.orderId), tender_capture_method: 'automatic' },
      payment_intent_data: { capture_method: 'automatic', metadata: { tender_session_id: String(s.id) } },
      line_items: [
        { quantity: '2', price_data: { currency: 'usd', unit_amount: '1250', product_data: { name: 'Demo mug' } } },
        { quantity: '1', price_data: { currency: 'usd', unit_amount: '31500', product_data: { name: 'Demo T-shirt' } } },
      ],
    });
    expect(Number(req.params.expires_at)).toBe(Math.floor(s.expiresAt.getTime() / 1000));
    expect(req.params.automatic_tax).toBeUndefined();
  });

  it('passes automaticTaxEnabled through as Stripe\'s automatic tax, and the session\'s own URLs first', async () => {
    const s = session({ automaticTax: true, successUrl: 'https://shop.example/s', cancelUrl: 'https://shop.example/c' });
    await stripeGateway.initiate(account, s, `tender-session-${s.id}`);
    const req = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!;
    expect(req.params).toMatchObject({ automatic_tax: { enabled: 'true' }, success_url: 'https://shop.example/s', cancel_url: 'https://shop.example/c' });
  });

  it('uses one line for the whole amount when the lines do not add up to it (e.g. a discount)', async () => {
    const s = session({ amount: { amount: 30_000n, currency: 'USD' } });
    await stripeGateway.initiate(account, s, `tender-session-${s.id}`);
    expect(fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!.params.line_items).toEqual([
      { quantity: '1', price_data: { currency: 'usd', unit_amount: '30000', product_data: { name: `Order ${s.orderId}` } } },
    ]);
  });

  it('keeps Tender\'s expiry inside the window Stripe accepts (31 min .. 24 h)', async () => {
    const soon = session({ expiresAt: new Date(Date.now() + 60_000) });
    await stripeGateway.initiate(account, soon, 'k-soon');
    const late = session({ expiresAt: new Date(Date.now() + 3 * 86400_000) });
    await stripeGateway.initiate(account, late, 'k-late');
    const [a, b] = fake.requestsTo('POST', '/v1/checkout/sessions').slice(-2).map((r) => Number(r.params.expires_at) - Date.now() / 1000);
    expect(a).toBeGreaterThan(1800);
    expect(b).toBeLessThan(86400);
  });

  it('intent → a PaymentIntent with the account\'s capture method and a client secret', async () => {
    const s = session({ type: 'intent', amount: { amount: 1_000n, currency: 'JPY' } });
    const r = await stripeGateway.initiate(manual, s, `tender-session-${s.id}`);
    expect(r.gatewayRef).toMatch(/^pi_/);
    expect(r.clientSecret).toMatch(new RegExp(`^${r.gatewayRef}_secret_`));
    expect(r.paymentUrl).toBeNull();
    const req = fake.requestsTo('POST', '/v1/payment_intents').at(-1)!;
    expect(req.params).toMatchObject({ amount: '1000', currency: 'jpy', capture_method: 'manual', metadata: { tender_session_id: String(s.id) } });
    expect(req.idempotencyKey).toBe(`tender-session-${s.id}`);
  });

  it('refuses a 3-decimal amount Stripe cannot take (1.234 KWD) before sending anything', async () => {
    const before = fake.requests.length;
    const s = session({ type: 'intent', amount: { amount: 1_234n, currency: 'KWD' }, lines: [] });
    await expect(stripeGateway.initiate(account, s, 'k-kwd')).rejects.toThrow('1.234 KWD cannot be charged through Stripe');
    const cs = session({ amount: { amount: 1_234n, currency: 'KWD' }, lines: [] });
    await expect(stripeGateway.initiate(account, cs, 'k-kwd2')).rejects.toThrow('multiples of 0.010 KWD');
    expect(fake.requests.length).toBe(before);
  });

  it('refuses automatic tax on a bare PaymentIntent (Stripe computes tax only in Checkout)', async () => {
    await expect(stripeGateway.initiate(account, session({ type: 'intent', automaticTax: true }), 'k-tax')).rejects.toThrow(/only available for sessions of type "session"/);
  });

  it('the same idempotency key returns the same Stripe object (no second checkout)', async () => {
    const s = session();
    const a = await stripeGateway.initiate(account, s, `tender-session-${s.id}`);
    const b = await stripeGateway.initiate(account, s, `tender-session-${s.id}`);
    expect(b.gatewayRef).toBe(a.gatewayRef);
    expect([...fake.checkoutSessions.values()].filter((c) => c.client_reference_id === String(s.id))).toHaveLength(1);
  });

  it('a wrong key fails with an error that does not contain the key', async () => {
    const wrong = { ...account, secrets: { ...account.secrets, secretKey: 'sk_test_wrongKey99999999999' } };
    const err = await stripeGateway.initiate(wrong, session(), 'k-wrong').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('StripeAuthenticationError');
    expect((err as Error).message).not.toContain('wrongKey');
    expect((err as Error).constructor.name).toBe('StripeGatewayError');
  });
});

describe('authorize (processPayment with a PaymentMethod id)', () => {
  async function intent(acc = account, amount = 34_000n) {
    const s = session({ type: 'intent', amount: { amount, currency: 'USD' } });
    const r = await stripeGateway.initiate(acc, s, `tender-session-${s.id}`);
    return { ...s, gatewayRef: r.gatewayRef };
  }

  it('pm_card_visa → authorized and captured, with the card', async () => {
    const s = await intent();
    const r = await stripeGateway.authorize(account, s, { token: 'pm_card_visa' }, 'tender-authorize-x1');
    expect(r).toMatchObject({ outcome: 'authorized', captured: true, amount: { amount: 34_000n, currency: 'USD' }, gatewayRef: s.gatewayRef, card: { brand: 'visa', last4: '4242' } });
    const req = fake.requestsTo('POST', `/v1/payment_intents/${s.gatewayRef}/confirm`)[0]!;
    expect(req.params).toMatchObject({ payment_method: 'pm_card_visa', return_url: 'https://shop.example/thanks' });
    expect(req.idempotencyKey).toBe('tender-authorize-x1');
  });

  it('manual capture → authorized, not captured', async () => {
    const s = await intent(manual);
    expect(await stripeGateway.authorize(manual, s, { token: 'pm_card_mastercard' }, 'k-m1')).toMatchObject({ outcome: 'authorized', captured: false, card: { brand: 'mastercard', last4: '4444' } });
  });

  it('3-D Secure → requires_action with the client secret; after the challenge, authorizing again (no token) reads the result', async () => {
    const s = await intent();
    const r = await stripeGateway.authorize(account, s, { token: 'pm_card_threeDSecure2Required' }, 'k-3ds');
    expect(r.outcome).toBe('requires_action');
    if (r.outcome !== 'requires_action') return;
    expect(r.clientSecret).toMatch(/_secret_/);
    expect(r.nextAction).toMatchObject({ type: 'redirect_to_url', url: `${fake.url}/3ds/${s.gatewayRef}`, clientSecret: r.clientSecret, provider: 'stripe' });
    fake.finishChallenge(s.gatewayRef!, true);
    expect(await stripeGateway.authorize(account, s, {}, 'k-3ds-again')).toMatchObject({ outcome: 'authorized', captured: true });
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline', 'Your card was declined.'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'insufficient_funds', 'Your card has insufficient funds.'],
  ])('%s → a declined value (not an exception)', async (pm, code, message) => {
    const s = await intent();
    expect(await stripeGateway.authorize(account, s, { token: pm }, `k-${pm}`)).toEqual({ outcome: 'declined', gatewayStatus: 'requires_payment_method', declineCode: code, message });
  });

  it('an unknown PaymentMethod is declined with Stripe\'s code', async () => {
    const s = await intent();
    expect(await stripeGateway.authorize(account, s, { token: 'pm_nope' }, 'k-nope')).toMatchObject({ outcome: 'declined', declineCode: 'resource_missing' });
  });

  it('a failed challenge is declined when read again, and the session can be paid with another card', async () => {
    const s = await intent();
    await stripeGateway.authorize(account, s, { token: 'pm_card_authenticationRequired' }, 'k-3ds-f');
    fake.finishChallenge(s.gatewayRef!, false);
    expect(await stripeGateway.authorize(account, s, {}, 'k-3ds-f2')).toMatchObject({ outcome: 'declined', declineCode: 'payment_intent_authentication_failure' });
    expect(await stripeGateway.authorize(account, s, { token: 'pm_card_visa' }, 'k-3ds-f3')).toMatchObject({ outcome: 'authorized' });
  });

  it('a Checkout Session is paid on Stripe\'s page: authorize only reads its state', async () => {
    const s = session();
    const r = await stripeGateway.initiate(account, s, `k-cs-${s.id}`);
    expect(await stripeGateway.authorize(account, { ...s, gatewayRef: r.gatewayRef }, {}, 'k-a')).toMatchObject({ outcome: 'requires_more' });
    fake.completeCheckout(r.gatewayRef!);
    expect(await stripeGateway.authorize(account, { ...s, gatewayRef: r.gatewayRef }, {}, 'k-b')).toMatchObject({ outcome: 'authorized', captured: true });
  });
});

describe('capture, refund, cancel', () => {
  async function held(amount = 34_000n) {
    const s = session({ type: 'intent', amount: { amount, currency: 'USD' } });
    const r = await stripeGateway.initiate(manual, s, `tender-session-${s.id}`);
    await stripeGateway.authorize(manual, { ...s, gatewayRef: r.gatewayRef }, { token: 'pm_card_visa' }, `k-auth-${s.id}`);
    return { gatewayRef: r.gatewayRef, sessionRef: r.gatewayRef, amount: { amount, currency: 'USD' }, sessionId: s.id };
  }

  it('captures part of a held payment; the charge id identifies the capture', async () => {
    const p = await held();
    const r = await stripeGateway.capture(manual, p, { amount: 10_000n, currency: 'USD' }, 'tender-capture-1');
    expect(r).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'succeeded' });
    expect(r.outcome === 'succeeded' && r.gatewayRef).toMatch(/^ch_/);
    const req = fake.requestsTo('POST', `/v1/payment_intents/${p.gatewayRef}/capture`)[0]!;
    expect(req).toMatchObject({ params: { amount_to_capture: '10000' }, idempotencyKey: 'tender-capture-1' });
    // Stripe captures once: a second capture is refused, as a value.
    expect(await stripeGateway.capture(manual, p, { amount: 1_000n, currency: 'USD' }, 'tender-capture-2')).toMatchObject({ outcome: 'failed', code: 'payment_intent_unexpected_state' });
  });

  it('refunds in parts, each with its own key and Stripe refund id; too much is refused as a value', async () => {
    const p = await held();
    await stripeGateway.capture(manual, p, { amount: 34_000n, currency: 'USD' }, 'k-cap-full');
    const a = await stripeGateway.refund(manual, p, { amount: 5_000n, currency: 'USD' }, 'requested_by_customer', 'tender-refund-1');
    const b = await stripeGateway.refund(manual, p, { amount: 4_000n, currency: 'USD' }, 'damaged in transit', 'tender-refund-2');
    expect(a).toMatchObject({ outcome: 'succeeded' });
    expect(b).toMatchObject({ outcome: 'succeeded' });
    const reqs = fake.requestsTo('POST', '/v1/refunds').slice(-2);
    expect(reqs[0]!.params).toMatchObject({ payment_intent: p.gatewayRef, amount: '5000', reason: 'requested_by_customer' });
    expect(reqs[1]!.params).toMatchObject({ amount: '4000', metadata: { tender_reason: 'damaged in transit', tender_request: 'tender-refund-2' } });
    // The request key comes back on the refund, so its events and retrieve settle exactly that operation.
    const r = await stripeGateway.retrieve(manual, { id: p.sessionId, gatewayRef: p.gatewayRef, paymentRef: p.gatewayRef });
    expect(r.actions.filter((x) => x.kind === 'refunded').map((x) => 'requestKey' in x ? x.requestKey : undefined).sort()).toEqual(['tender-refund-1', 'tender-refund-2']);
    expect(reqs[1]!.params.reason).toBeUndefined();
    // The same key again is the same refund (Stripe replays it).
    expect(await stripeGateway.refund(manual, p, { amount: 4_000n, currency: 'USD' }, 'damaged in transit', 'tender-refund-2')).toEqual(b);
    expect(await stripeGateway.refund(manual, p, { amount: 90_000n, currency: 'USD' }, null, 'tender-refund-3')).toMatchObject({ outcome: 'failed', code: 'amount_too_large' });
  });

  it('a pending refund leaves the outcome unknown (throws) until refund.updated settles it', async () => {
    const p = await held();
    await stripeGateway.capture(manual, p, { amount: 34_000n, currency: 'USD' }, 'k-cap-p');
    fake.refundStatus = 'pending';
    try {
      await expect(stripeGateway.refund(manual, p, { amount: 1_000n, currency: 'USD' }, null, 'k-ref-p')).rejects.toThrow(/pending/);
    } finally {
      fake.refundStatus = 'succeeded';
    }
  });

  it('cancels a held payment; canceling again succeeds without a second effect', async () => {
    const p = await held();
    expect(await stripeGateway.cancel(manual, p, 'tender-cancel-1')).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'canceled' });
    expect(await stripeGateway.cancel(manual, p, 'tender-cancel-1b')).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'canceled' });
    expect(fake.eventsOf(p.gatewayRef!, 'payment_intent.canceled')).toHaveLength(1);
  });

  it('canceling an unpaid Checkout Session expires it', async () => {
    const s = session();
    const r = await stripeGateway.initiate(account, s, `k-exp-${s.id}`);
    expect(await stripeGateway.cancel(account, { gatewayRef: null, sessionRef: r.gatewayRef, amount: s.amount }, 'k-exp')).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'expired' });
    expect(fake.checkoutSessions.get(r.gatewayRef!)!.status).toBe('expired');
  });

  it('refuses a 3-decimal amount Stripe cannot take, without calling Stripe', async () => {
    const before = fake.requests.length;
    expect(await stripeGateway.refund(manual, { gatewayRef: 'pi_x', sessionRef: null, amount: { amount: 1_230n, currency: 'KWD' } }, { amount: 5n, currency: 'KWD' }, null, 'k'))
      .toMatchObject({ outcome: 'failed', code: 'invalid_amount' });
    expect(fake.requests.length).toBe(before);
  });
});

describe('retrieve', () => {
  it('answers the checkout session → intent → refunds as actions, each capture and refund with its Stripe id', async () => {
    const s = session();
    const r = await stripeGateway.initiate(manual, s, `k-ret-${s.id}`);
    expect(await stripeGateway.retrieve(manual, { id: s.id, gatewayRef: r.gatewayRef, paymentRef: null })).toEqual({ actions: [], gatewayStatus: 'open' });
    const { intent } = fake.completeCheckout(r.gatewayRef!);
    const p = { gatewayRef: intent.id, sessionRef: r.gatewayRef, amount: s.amount };
    await stripeGateway.capture(manual, p, { amount: 30_000n, currency: 'USD' }, 'k-ret-cap');
    await stripeGateway.refund(manual, p, { amount: 1_000n, currency: 'USD' }, null, 'k-ret-ref');
    const out = await stripeGateway.retrieve(manual, { id: s.id, gatewayRef: r.gatewayRef, paymentRef: null });
    expect(out.gatewayStatus).toBe('succeeded');
    expect(out.actions.map((a) => a.kind)).toEqual(['authorized', 'captured', 'refunded']);
    expect(out.actions[0]).toMatchObject({ amount: { amount: 34_000n, currency: 'USD' }, captured: false, paymentRef: intent.id, card: { brand: 'visa', last4: '4242' } });
    expect(out.actions[1]).toMatchObject({ amount: { amount: 30_000n }, operationRef: intent.latest_charge });
    expect(out.actions[2]).toMatchObject({ amount: { amount: 1_000n }, operationRef: expect.stringMatching(/^re_/) });
  });

  it('an expired checkout → expired; another session\'s object → not_found', async () => {
    const s = session();
    const r = await stripeGateway.initiate(account, s, `k-ret2-${s.id}`);
    expect((await stripeGateway.retrieve(account, { id: s.id + 1, gatewayRef: r.gatewayRef, paymentRef: null })).gatewayStatus).toBe('not_found');
    await stripeGateway.cancel(account, { gatewayRef: null, sessionRef: r.gatewayRef, amount: s.amount }, 'k-ret2-exp');
    expect(await stripeGateway.retrieve(account, { id: s.id, gatewayRef: r.gatewayRef, paymentRef: null })).toEqual({ actions: [{ kind: 'expired', gatewayStatus: 'expired' }], gatewayStatus: 'expired' });
  });
});

describe('parseWebhook', () => {
  async function paidCheckout(acc = account) {
    const s = session();
    const r = await stripeGateway.initiate(acc, s, `k-wh-${s.id}`);
    const { intent } = fake.completeCheckout(r.gatewayRef!);
    return { s, cs: r.gatewayRef!, pi: intent.id as string };
  }

  it('verifies with constructEvent and normalizes checkout.session.completed (automatic capture) to a captured authorization', async () => {
    const { s, cs, pi } = await paidCheckout();
    const e = fake.event('checkout.session.completed', cs);
    expect(await parse(account, e)).toEqual({
      id: e.id, type: 'checkout.session.completed', occurredAt: new Date(e.created * 1000), tenderSessionId: s.id, sessionRef: cs,
      action: { kind: 'authorized', amount: { amount: 34_000n, currency: 'USD' }, captured: true, paymentRef: pi, gatewayStatus: 'succeeded', card: { brand: 'visa', last4: '4242' }, paymentMethod: 'card' },
      bodyIsJson: true,
    });
    expect((await parse(account, fake.event('payment_intent.succeeded', pi))).action).toMatchObject({ kind: 'authorized', captured: true, paymentRef: pi, amount: { amount: 34_000n } });
  });

  it('manual capture: completion and amount_capturable_updated authorize; payment_intent.succeeded reports the capture', async () => {
    const { cs, pi } = await paidCheckout(manual);
    expect((await parse(manual, fake.event('checkout.session.completed', cs))).action).toMatchObject({ kind: 'authorized', captured: false });
    expect((await parse(manual, fake.event('payment_intent.amount_capturable_updated', pi))).action).toMatchObject({ kind: 'authorized', captured: false, amount: { amount: 34_000n } });
    await stripeGateway.capture(manual, { gatewayRef: pi, sessionRef: cs, amount: { amount: 34_000n, currency: 'USD' } }, { amount: 20_000n, currency: 'USD' }, 'k-wh-cap');
    const charge = fake.paymentIntents.get(pi)!.latest_charge;
    expect((await parse(manual, fake.event('payment_intent.succeeded', pi))).action).toEqual({ kind: 'captured', amount: { amount: 20_000n, currency: 'USD' }, paymentRef: pi, operationRef: charge, gatewayStatus: 'succeeded' });
  });

  it('charge.refunded → one refunded action for the refund the event is about (the refund list is fetched)', async () => {
    const { pi, cs } = await paidCheckout();
    const p = { gatewayRef: pi, sessionRef: cs, amount: { amount: 34_000n, currency: 'USD' } };
    const first = await stripeGateway.refund(account, p, { amount: 1_000n, currency: 'USD' }, null, 'k-r1');
    const second = await stripeGateway.refund(account, p, { amount: 2_000n, currency: 'USD' }, null, 'k-r2');
    const [e1, e2] = fake.eventsOf(fake.paymentIntents.get(pi)!.latest_charge, 'charge.refunded');
    expect((await parse(account, e1!)).action).toMatchObject({ kind: 'refunded', amount: { amount: 1_000n }, operationRef: first.outcome === 'succeeded' ? first.gatewayRef : '', paymentRef: pi });
    expect((await parse(account, e2!)).action).toMatchObject({ kind: 'refunded', amount: { amount: 2_000n }, operationRef: second.outcome === 'succeeded' ? second.gatewayRef : '' });
  });

  it('refund.updated → refunded when succeeded, ignored otherwise; charge.dispute.created → dispute; unknown types → ignored', async () => {
    const { pi, cs } = await paidCheckout();
    fake.refundStatus = 'pending';
    await stripeGateway.refund(account, { gatewayRef: pi, sessionRef: cs, amount: { amount: 34_000n, currency: 'USD' } }, { amount: 500n, currency: 'USD' }, null, 'k-rp').catch(() => null);
    fake.refundStatus = 'succeeded';
    const refund = [...fake.refunds.values()].at(-1)!;
    expect((await parse(account, fake.event('refund.created', refund.id))).action).toMatchObject({ kind: 'ignored' });
    fake.settleRefund(refund.id, 'succeeded');
    expect((await parse(account, fake.event('refund.updated', refund.id))).action).toMatchObject({ kind: 'refunded', operationRef: refund.id, amount: { amount: 500n } });
    const d = fake.dispute(pi);
    expect((await parse(account, fake.event('charge.dispute.created', d.id))).action).toEqual({ kind: 'dispute', paymentRef: pi, reason: 'fraudulent', amount: { amount: 34_000n, currency: 'USD' } });
    expect((await parse(account, fake.event('charge.succeeded', fake.paymentIntents.get(pi)!.latest_charge))).action).toMatchObject({ kind: 'ignored' });
  });

  it('requires_action, payment_failed, canceled and expired', async () => {
    const s = session({ type: 'intent' });
    const r = await stripeGateway.initiate(account, s, `k-ev-${s.id}`);
    await stripeGateway.authorize(account, { ...s, gatewayRef: r.gatewayRef }, { token: 'pm_card_threeDSecure2Required' }, 'k-ev-a');
    expect((await parse(account, fake.event('payment_intent.requires_action', r.gatewayRef!))).action).toMatchObject({ kind: 'requires_action', paymentRef: r.gatewayRef, nextAction: { clientSecret: r.clientSecret } });
    fake.finishChallenge(r.gatewayRef!, false);
    expect((await parse(account, fake.event('payment_intent.payment_failed', r.gatewayRef!))).action).toMatchObject({ kind: 'attempt_failed', code: 'payment_intent_authentication_failure' });
    await stripeGateway.cancel(account, { gatewayRef: r.gatewayRef, sessionRef: r.gatewayRef, amount: s.amount }, 'k-ev-c');
    expect((await parse(account, fake.event('payment_intent.canceled', r.gatewayRef!))).action).toMatchObject({ kind: 'canceled', paymentRef: r.gatewayRef });
    const cs = await stripeGateway.initiate(account, session(), 'k-ev-cs');
    await stripeGateway.cancel(account, { gatewayRef: null, sessionRef: cs.gatewayRef, amount: s.amount }, 'k-ev-exp');
    expect((await parse(account, fake.event('checkout.session.expired', cs.gatewayRef!))).action).toEqual({ kind: 'expired', gatewayStatus: 'expired' });
  });

  it('asynchronous payments: completed (unpaid) waits; async_payment_succeeded authorizes; async_payment_failed fails the attempt', async () => {
    const a = await stripeGateway.initiate(account, session(), 'k-async-1');
    fake.completeCheckout(a.gatewayRef!, { async: true });
    expect((await parse(account, fake.event('checkout.session.completed', a.gatewayRef!))).action).toMatchObject({ kind: 'ignored' });
    fake.settleAsyncPayment(a.gatewayRef!, true);
    expect((await parse(account, fake.event('checkout.session.async_payment_succeeded', a.gatewayRef!))).action).toMatchObject({ kind: 'authorized', captured: true });
    const b = await stripeGateway.initiate(account, session(), 'k-async-2');
    fake.completeCheckout(b.gatewayRef!, { async: true });
    fake.settleAsyncPayment(b.gatewayRef!, false);
    expect((await parse(account, fake.event('checkout.session.async_payment_failed', b.gatewayRef!))).action).toMatchObject({ kind: 'attempt_failed', code: 'async_payment_failed' });
  });

  it('refuses a forged signature, a stale timestamp, another secret, a missing header and a live event on a test account', async () => {
    const { cs } = await paidCheckout();
    const e = fake.event('checkout.session.completed', cs);
    await expect(parse(account, e, 'whsec_someoneElse0123456789')).rejects.toThrow(WebhookSignatureError);
    await expect(parse(account, e, WHSEC, Math.floor(Date.now() / 1000) - 301)).rejects.toThrow(/more than 300 s old/);
    const { body, headers } = fake.signed(e, WHSEC);
    await expect(stripeGateway.parseWebhook(account, body.replace('34000', '3400'), headers)).rejects.toThrow(/does not match the body/);
    await expect(stripeGateway.parseWebhook(account, body, {})).rejects.toThrow(/header is missing/);
    await expect(stripeGateway.parseWebhook(account, body, { 'stripe-signature': 'garbage' })).rejects.toThrow(WebhookSignatureError);
    await expect(parse(account, { ...e, livemode: true })).rejects.toThrow(/live-mode event/);
    await expect(parse({ ...account, secrets: { secretKey: KEY } }, e)).rejects.toThrow(/no Stripe webhook signing secret/);
  });

  it('agrees with the SDK\'s own signer: generateTestHeaderString output verifies', async () => {
    const payload = JSON.stringify({ id: 'evt_x', object: 'event', type: 'customer.created', created: 1, livemode: false, data: { object: { id: 'cus_1', object: 'customer' } } });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
    expect((await stripeGateway.parseWebhook(account, payload, { 'stripe-signature': header })).action).toMatchObject({ kind: 'ignored' });
  });
});
