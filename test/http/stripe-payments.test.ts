/**
 * Stripe end to end: a real Tender (HTTP, engine, database) with Stripe accounts created
 * through the admin API, the official SDK talking to the local fake of Stripe's REST API, and
 * Stripe's events signed with the accounts' real signing secrets and POSTed to
 * /api/webhooks/:accountId. Amounts are asserted where they arrive: on the fake's side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeFake, type StripeEventJson, type StripeFake } from '../fakes/stripe-fake.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

const SK = 'sk_test_51FlowsKey0000000000000000000000000000000000FLOW';
const WHSEC = { stripe: 'whsec_flowsAutomatic000000000000000001', stripe_manual: 'whsec_flowsManual0000000000000000000002' };

let t: TestTender;
let fake: StripeFake;
let user: { userId: number; token: string };
const accountIds: Record<string, number> = {};

async function createAccount(identifier: keyof typeof WHSEC, captureMethod: 'automatic' | 'manual'): Promise<void> {
  const res = await api(t)('POST', '/api/admin/accounts', {
    identifier, type: 'stripe', title: `Stripe ${captureMethod}`, testMode: true, captureMethod, sessionLifetimeSec: 3600,
    successUrl: 'https://shop.example/thanks', cancelUrl: 'https://shop.example/cart',
    testSettings: { apiBase: fake.url }, testSecrets: { secretKey: SK, webhookSecret: WHSEC[identifier] },
  });
  expect(res.status).toBe(201);
  accountIds[identifier] = res.body.id;
  await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [res.body.id]);
}

async function newSession(account: keyof typeof WHSEC, type: 'session' | 'intent', productId = 1, extra: Record<string, unknown> = {}) {
  const orderId = await insertOrder(t, user.userId, productId, 1, account);
  const res = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type, ...extra });
  return { orderId, res, session: res.body };
}

/** Delivers events as Stripe would: signed with the account's secret, one POST each. */
async function deliver(account: keyof typeof WHSEC, events: StripeEventJson[]): Promise<string[]> {
  const results: string[] = [];
  for (const e of events) {
    const r = await fake.deliver(`${t.url}/api/webhooks/${accountIds[account]}`, e, WHSEC[account]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    results.push(`${e.type}:${r.body.result}`);
  }
  return results;
}

/** Every event the fake emitted about these objects, in Stripe's order. */
function eventsAbout(...ids: string[]): StripeEventJson[] {
  return fake.events.filter((e) => ids.includes(e.data.object.id) || ids.includes(e.data.object.payment_intent));
}

async function sessionView(id: number) {
  return (await api(t, user.token)('GET', `/api/content/payments/sessions/${id}`)).body;
}

async function orderStatus(orderId: number): Promise<string> {
  const { rows } = await t.ctx.db.query<{ status_identifier: string }>('SELECT status_identifier FROM orders WHERE id = $1', [orderId]);
  return rows[0]!.status_identifier;
}

async function paymentOf(sessionId: number) {
  const { rows } = await t.ctx.db.query<{ id: number; status: string; authorized_amount: bigint; captured_amount: bigint; refunded_amount: bigint; currency: string; gateway_ref: string; card_last4: string | null }>(
    'SELECT p.* FROM payments p JOIN payment_sessions s ON s.payment_id = p.id WHERE s.id = $1', [sessionId]);
  return rows[0]!;
}

beforeAll(async () => {
  t = await startTender();
  fake = await startStripeFake([SK]);
  await createAccount('stripe', 'automatic');
  await createAccount('stripe_manual', 'manual');
  // A KWD price Stripe can take (last digit 0), beside the demo's 1.234 KWD it cannot.
  await t.ctx.db.query(`INSERT INTO products (id, title, sku, price, currency) VALUES (5, 'Dates box (large)', 'DATES-KW-L', 1230, 'KWD')`);
  user = await signIn(t, 'stripe-buyer@example.com');
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('type session: a Stripe Checkout Session', () => {
  it('createSession → Checkout Session → the customer pays → signed webhooks → completed, order moved to its mapped status', async () => {
    const { orderId, res, session } = await newSession('stripe', 'session');
    expect(res.status).toBe(200);
    expect(session.sessionId).toMatch(/^cs_test_/);
    expect(session.paymentUrl).toBe(`${fake.url}/c/pay/${session.sessionId}`);
    expect(session.status).toBe('waiting');

    const req = fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!;
    expect(req.idempotencyKey).toBe(`tender-session-${session.id}`);
    expect(req.params).toMatchObject({
      mode: 'payment', success_url: 'https://shop.example/thanks', cancel_url: 'https://shop.example/cart',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '34000', product_data: { name: 'Demo T-shirt' } } }],
      metadata: { tender_session_id: String(session.id), tender_order_id: String(orderId) },
    });
    expect(Number(req.params.expires_at)).toBe(Math.floor(Date.parse(session.expiresAt) / 1000));

    const { intent } = fake.completeCheckout(session.sessionId);
    const results = await deliver('stripe', eventsAbout(session.sessionId, intent.id));
    expect(results).toEqual(['charge.succeeded:ignored', 'payment_intent.succeeded:applied', 'checkout.session.completed:duplicate']);

    expect((await sessionView(session.id)).status).toBe('completed');
    expect(await orderStatus(orderId)).toBe('paid');
    expect(await paymentOf(session.id)).toMatchObject({ status: 'captured', authorized_amount: 34_000n, captured_amount: 34_000n, gateway_ref: intent.id, currency: 'USD', card_last4: '4242' });
  });

  it('passes automaticTaxEnabled through as Stripe\'s automatic tax; the payment is what the customer paid, tax included', async () => {
    fake.automaticTaxBasisPoints = 1_000; // Stripe Tax adds 10 % on top of the price
    try {
      const { orderId, session } = await newSession('stripe', 'session', 1, { automaticTaxEnabled: true });
      expect(fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!.params.automatic_tax).toEqual({ enabled: 'true' });
      expect(fake.checkoutSessions.get(session.sessionId)).toMatchObject({ amount_subtotal: 34_000, amount_total: 37_400 });
      const { intent } = fake.completeCheckout(session.sessionId);
      expect(await deliver('stripe', eventsAbout(session.sessionId, intent.id))).toContain('payment_intent.succeeded:applied');
      expect(await paymentOf(session.id)).toMatchObject({ status: 'captured', authorized_amount: 37_400n, captured_amount: 37_400n });
      expect(await orderStatus(orderId)).toBe('paid');
    } finally {
      fake.automaticTaxBasisPoints = 0;
    }
  });

  it('checkout.session.expired (Stripe expires it at expires_at) expires the session', async () => {
    const { session } = await newSession('stripe', 'session', 2);
    fake.expireCheckout(session.sessionId);
    expect(await deliver('stripe', [fake.event('checkout.session.expired', session.sessionId)])).toEqual(['checkout.session.expired:applied']);
    expect((await sessionView(session.id)).status).toBe('expired');
  });

  it('refuses automatic tax for type intent (Stripe computes tax only in Checkout): 400, nothing sent', async () => {
    const before = fake.requests.length;
    const { res } = await newSession('stripe', 'intent', 2, { automaticTaxEnabled: true });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'bad_request', message: expect.stringContaining('only available for sessions of type "session"') });
    expect(fake.requests.length).toBe(before);
  });

  it('a delayed payment method: completed (unpaid) waits, async_payment_succeeded completes', async () => {
    const { orderId, session } = await newSession('stripe', 'session', 2);
    fake.completeCheckout(session.sessionId, { async: true });
    expect(await deliver('stripe', [fake.event('checkout.session.completed', session.sessionId)])).toEqual(['checkout.session.completed:ignored']);
    expect((await sessionView(session.id)).status).toBe('waiting');
    fake.settleAsyncPayment(session.sessionId, true);
    expect(await deliver('stripe', [fake.event('checkout.session.async_payment_succeeded', session.sessionId)])).toEqual(['checkout.session.async_payment_succeeded:applied']);
    expect((await sessionView(session.id)).status).toBe('completed');
    expect(await orderStatus(orderId)).toBe('paid');
  });
});

describe('type intent: a PaymentIntent', () => {
  it('createSession → PaymentIntent with a client secret → the customer confirms with Stripe.js → payment_intent.succeeded → completed', async () => {
    const { orderId, session } = await newSession('stripe', 'intent');
    expect(session.sessionId).toMatch(/^pi_/);
    expect(session.clientSecret).toBe(fake.paymentIntents.get(session.sessionId)!.client_secret);
    expect(session.paymentUrl).toBeNull();
    expect(fake.requestsTo('POST', '/v1/payment_intents').at(-1)!.params).toMatchObject({ amount: '34000', currency: 'usd', capture_method: 'automatic', metadata: { tender_session_id: String(session.id) } });

    fake.confirmAsCustomer(session.sessionId, 'pm_card_visa');
    expect(await deliver('stripe', eventsAbout(session.sessionId))).toEqual(['charge.succeeded:ignored', 'payment_intent.succeeded:applied']);
    expect((await sessionView(session.id)).status).toBe('completed');
    expect(await orderStatus(orderId)).toBe('paid');
  });

  it('processPayment with a PaymentMethod id pays at once; the webhook that follows changes nothing', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1, 'stripe');
    const res = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_visa' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', amount: 340, gateway: 'stripe' });
    const pi = (await paymentOf(res.body.sessionId)).gateway_ref;
    const confirm = fake.requestsTo('POST', `/v1/payment_intents/${pi}/confirm`)[0]!;
    expect(confirm.params.payment_method).toBe('pm_card_visa');
    expect(confirm.idempotencyKey).toMatch(new RegExp(`^tender-authorize-${res.body.sessionId}-[0-9a-f]{32}$`));
    expect(await deliver('stripe', [fake.event('payment_intent.succeeded', pi)])).toEqual(['payment_intent.succeeded:duplicate']);
    expect(await paymentOf(res.body.sessionId)).toMatchObject({ status: 'captured', captured_amount: 34_000n, card_last4: '4242' });
    expect(await orderStatus(orderId)).toBe('paid');
  });

  it('3-D Secure surfaces as requires_action with the client secret; after the challenge the webhook completes it', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1, 'stripe');
    const res = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_threeDSecure2Required' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('requires_action');
    const pi = fake.paymentIntents.get((await paymentOf(res.body.sessionId)).gateway_ref)!;
    expect(res.body.nextAction).toMatchObject({ type: 'redirect_to_url', url: `${fake.url}/3ds/${pi.id}`, clientSecret: pi.client_secret });
    expect((await sessionView(res.body.sessionId)).status).toBe('requires_action');

    fake.finishChallenge(pi.id, true);
    expect(await deliver('stripe', [fake.event('payment_intent.succeeded', pi.id)])).toEqual(['payment_intent.succeeded:applied']);
    expect((await sessionView(res.body.sessionId)).status).toBe('completed');
    expect(await orderStatus(orderId)).toBe('paid');
  });

  it('3-D Secure then "authorize again" without a token reads Stripe\'s answer', async () => {
    const { session } = await newSession('stripe', 'intent');
    const first = await api(t, user.token)('POST', `/api/content/payments/sessions/${session.id}/authorize`, { token: 'pm_card_authenticationRequired', returnUrl: 'https://shop.example/return' });
    expect(first.body).toMatchObject({ status: 'requires_action', nextAction: { clientSecret: session.clientSecret } });
    expect(fake.requestsTo('POST', `/v1/payment_intents/${session.sessionId}/confirm`)[0]!.params.return_url).toBe('https://shop.example/return');
    fake.finishChallenge(session.sessionId, true);
    const again = await api(t, user.token)('POST', `/api/content/payments/sessions/${session.id}/authorize`, {});
    expect(again.body.status).toBe('authorized');
    expect((await sessionView(session.id)).status).toBe('completed');
  });

  it('a declined card answers 402 card_declined and leaves the session open for another card', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1, 'stripe');
    const declined = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_chargeDeclined' });
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ code: 'card_declined', details: { declineCode: 'generic_decline' } });
    const poor = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_visa_chargeDeclinedInsufficientFunds' });
    expect(poor.body.code).toBe('insufficient_funds');
    const paid = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_mastercard' });
    expect(paid.body).toMatchObject({ status: 'completed' });
    expect(fake.requestsTo('POST', '/v1/payment_intents').filter((r) => r.params.metadata?.tender_order_id === String(orderId))).toHaveLength(1);
  });
});

describe('manual capture: partial capture, partial refunds, cancel', () => {
  it('captures part, refunds twice; the webhooks racing the direct answers count once', async () => {
    const orderId = await insertOrder(t, user.userId, 1, 1, 'stripe_manual');
    const paid = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_visa' });
    expect(paid.body.status).toBe('authorized');
    const paymentId = paid.body.id as number;
    const pi = (await paymentOf(paid.body.sessionId)).gateway_ref;
    expect(fake.paymentIntents.get(pi)).toMatchObject({ capture_method: 'manual', status: 'requires_capture', amount_capturable: 34_000 });

    const admin = api(t);
    expect((await admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '100.00' })).status).toBe(200);
    const capture = fake.requestsTo('POST', `/v1/payment_intents/${pi}/capture`)[0]!;
    expect(capture.params.amount_to_capture).toBe('10000');
    expect(capture.idempotencyKey).toMatch(/^tender-capture-[0-9]+$/);
    expect((await admin('POST', `/api/admin/payments/${paymentId}/refund`, { amount: '50', reason: 'requested_by_customer' })).status).toBe(200);
    expect((await admin('POST', `/api/admin/payments/${paymentId}/refund`, { amount: '20.00' })).status).toBe(200);
    expect(fake.requestsTo('POST', '/v1/refunds').slice(-2).map((r) => [r.params.amount, r.idempotencyKey?.startsWith('tender-refund-')])).toEqual([['5000', true], ['2000', true]]);

    const results = await deliver('stripe_manual', eventsAbout(pi).filter((e) => e.type !== 'charge.succeeded'));
    expect(results).toEqual([
      'payment_intent.amount_capturable_updated:duplicate',
      'charge.captured:ignored',
      'payment_intent.succeeded:duplicate',
      'refund.created:duplicate',
      'charge.refunded:duplicate',
      'refund.created:duplicate',
      'charge.refunded:duplicate',
    ]);
    // Stripe releases the uncaptured 240.00 with the first capture (one capture per
    // PaymentIntent), and so does Tender: nothing is left capturable that Stripe would refuse.
    expect(await paymentOf(paid.body.sessionId)).toMatchObject({ status: 'partially_refunded', authorized_amount: 10_000n, captured_amount: 10_000n, refunded_amount: 7_000n });
    const second = await admin('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '10.00' });
    expect([second.status, second.body.code]).toEqual([409, 'invalid_transition']);
    const ops = await t.ctx.db.query<{ kind: string; gateway_ref: string; status: string }>(
      `SELECT 'capture' AS kind, gateway_ref, status FROM captures WHERE payment_id = $1 UNION ALL SELECT 'refund', gateway_ref, status FROM refunds WHERE payment_id = $1 ORDER BY 1, 2`, [paymentId]);
    expect(ops.rows.filter((o) => o.status === 'succeeded')).toHaveLength(3);
    expect(ops.rows.filter((o) => o.status === 'succeeded').every((o) => /^(ch|re)_/.test(o.gateway_ref))).toBe(true);
  });

  it('the merchant cancels a held payment; payment_intent.canceled then changes nothing', async () => {
    const orderId = await insertOrder(t, user.userId, 2, 1, 'stripe_manual');
    const paid = await api(t, user.token)('POST', '/api/content/payments/process', { orderId, currency: 'USD', token: 'pm_card_visa' });
    const pi = (await paymentOf(paid.body.sessionId)).gateway_ref;
    const res = await api(t)('POST', `/api/admin/payments/${paid.body.id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('canceled');
    expect(fake.requestsTo('POST', `/v1/payment_intents/${pi}/cancel`)[0]!.idempotencyKey).toBe(`tender-cancel-${paid.body.id}`);
    expect(fake.paymentIntents.get(pi)!.status).toBe('canceled');
    expect(await deliver('stripe_manual', [fake.event('payment_intent.canceled', pi)])).toEqual(['payment_intent.canceled:duplicate']);
  });
});

describe('currencies reach Stripe in its own unit', () => {
  it('JPY (zero-decimal): 1000 JPY is sent as 1000 in a Checkout Session and a PaymentIntent, and recorded back as 1000 JPY', async () => {
    const cs = await newSession('stripe', 'session', 3);
    expect(fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!.params.line_items[0].price_data).toMatchObject({ currency: 'jpy', unit_amount: '1000' });
    const { intent } = fake.completeCheckout(cs.session.sessionId);
    expect(intent.amount).toBe(1000);
    await deliver('stripe', eventsAbout(cs.session.sessionId, intent.id));
    expect(await paymentOf(cs.session.id)).toMatchObject({ currency: 'JPY', captured_amount: 1_000n });

    await newSession('stripe', 'intent', 3);
    expect(fake.requestsTo('POST', '/v1/payment_intents').at(-1)!.params).toMatchObject({ amount: '1000', currency: 'jpy' });
  });

  it('KWD (three-decimal): 1.230 KWD is sent as 1230 and completes', async () => {
    const cs = await newSession('stripe', 'session', 5);
    expect(fake.requestsTo('POST', '/v1/checkout/sessions').at(-1)!.params.line_items[0].price_data).toMatchObject({ currency: 'kwd', unit_amount: '1230' });
    const { intent } = fake.completeCheckout(cs.session.sessionId);
    await deliver('stripe', eventsAbout(cs.session.sessionId, intent.id));
    expect(await paymentOf(cs.session.id)).toMatchObject({ currency: 'KWD', captured_amount: 1_230n });
    await newSession('stripe', 'intent', 5);
    expect(fake.requestsTo('POST', '/v1/payment_intents').at(-1)!.params).toMatchObject({ amount: '1230', currency: 'kwd' });
  });

  it('KWD 1.234 is refused (400 invalid_amount) with a clear error and never reaches Stripe (Tender never rounds)', async () => {
    const before = fake.requests.length;
    for (const type of ['session', 'intent'] as const) {
      const { res } = await newSession('stripe', type, 4);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_amount', message: expect.stringContaining('1.234 KWD cannot be charged through Stripe') });
      const { rows } = await t.ctx.db.query<{ status: string; last_error: { message: string } }>(
        'SELECT status, last_error FROM payment_sessions WHERE order_id = (SELECT max(id) FROM orders)');
      expect(rows[0]).toMatchObject({ status: 'failed', last_error: { message: expect.stringContaining('1.234 KWD cannot be charged through Stripe: Stripe only accepts KWD amounts in multiples of 0.010 KWD') } });
    }
    expect(fake.requests.length).toBe(before);
  });

});
