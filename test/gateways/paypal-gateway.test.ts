import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSignatureError, type GatewayAccount, type SessionInput } from '../../src/gateways/gateway.js';
import { rewritePaypalUrl } from '../../src/gateways/paypal/paypal-client.js';
import { paypalGateway as gw } from '../../src/gateways/paypal/paypal-gateway.js';
import { fromPaypalValue, toPaypalValue } from '../../src/gateways/paypal/paypal-money.js';
import { startPaypalFake, type FakeCredentials, type FakeEvent, type PaypalFake } from '../fakes/paypal-fake.js';

let fake: PaypalFake;
let creds: FakeCredentials;
let nextId = 1000;

beforeAll(async () => {
  fake = await startPaypalFake();
  creds = fake.addClient();
});
afterAll(() => fake?.close());

function account(over: Partial<GatewayAccount> = {}, secrets: Partial<FakeCredentials> = {}): GatewayAccount {
  return {
    id: 7, identifier: 'paypal', type: 'paypal', testMode: true, captureMethod: 'automatic', sessionLifetimeSec: 3600,
    successUrl: 'https://shop.example/thanks', cancelUrl: 'https://shop.example/cart',
    settings: { apiBase: fake.url }, secrets: { ...creds, ...secrets }, ...over,
  };
}

function session(amount: bigint, currency = 'USD', lines: SessionInput['lines'] = []): SessionInput & { gatewayRef: string | null } {
  return {
    id: nextId++, type: 'session', amount: { amount, currency }, orderId: 55, lines, automaticTax: false,
    expiresAt: new Date(Date.now() + 3_600_000), successUrl: null, cancelUrl: null, gatewayRef: null,
  };
}

/** A session with its PayPal order created (and approved unless told otherwise). */
async function opened(a: GatewayAccount, amount = 34_000n, approve = true, currency = 'USD') {
  const s = session(amount, currency);
  const r = await gw.initiate(a, s, `tender-session-${s.id}`);
  s.gatewayRef = r.gatewayRef;
  if (approve) fake.approve(r.gatewayRef!);
  return { s, orderId: r.gatewayRef!, ref: { gatewayRef: r.gatewayRef, sessionRef: r.gatewayRef, amount: s.amount } };
}

const requestsTo = (path: RegExp, method = 'POST') => fake.requests.filter((r) => r.method === method && path.test(r.path));

describe('PayPal amounts', () => {
  it.each([
    [34_000n, 'USD', '340.00'], [5n, 'USD', '0.05'], [0n, 'EUR', '0.00'], [1000n, 'JPY', '1000'], [123_456_789n, 'GBP', '1234567.89'],
  ])('sends %s minor units of %s as "%s"', (amount, currency, wire) => {
    expect(toPaypalValue({ amount, currency })).toBe(wire);
    expect(fromPaypalValue(wire, currency)).toEqual({ amount, currency });
  });

  it.each(['KWD', 'BHD', 'OMR', 'JOD', 'TND'])('refuses the 3-decimal currency %s, which PayPal does not support', (currency) => {
    expect(() => toPaypalValue({ amount: 1234n, currency })).toThrow(/PayPal does not accept .* \(PayPal supports no 3-decimal currency\)/);
  });

  it('refuses other currencies PayPal lacks, naming the ones it takes', () => {
    expect(() => toPaypalValue({ amount: 100n, currency: 'ZAR' })).toThrow(/PayPal does not accept ZAR.*PayPal takes: AUD, BRL/);
  });

  it('reads PayPal amounts leniently but exactly, and refuses anything else', () => {
    expect(fromPaypalValue('340', 'USD').amount).toBe(34_000n);
    expect(fromPaypalValue('340.5', 'USD').amount).toBe(34_050n);
    expect(fromPaypalValue('1000.00', 'JPY').amount).toBe(1000n);
    for (const bad of ['10.5', '-1', '1e3', '', ' 1']) expect(() => fromPaypalValue(bad, 'JPY')).toThrow();
  });

  it('rewrites only PayPal\'s API hosts to the test base', () => {
    const base = new URL('http://127.0.0.1:9/');
    expect(rewritePaypalUrl('https://api-m.sandbox.paypal.com/v2/checkout/orders?x=1', base)).toBe('http://127.0.0.1:9/v2/checkout/orders?x=1');
    expect(rewritePaypalUrl('https://api-m.paypal.com/v1/oauth2/token', base)).toBe('http://127.0.0.1:9/v1/oauth2/token');
    expect(rewritePaypalUrl('https://example.com/v1/x', base)).toBe('https://example.com/v1/x');
  });
});

describe('initiate: Orders v2 create', () => {
  it('creates a CAPTURE order in PayPal\'s wire format and answers its approval link and id', async () => {
    const s = session(34_000n, 'USD', [{ productId: 1, title: 'Lamp', quantity: 2, unitAmount: 17_000n }]);
    const r = await gw.initiate(account(), s, `tender-session-${s.id}`);
    expect(r.gatewayRef).toMatch(/^[A-Z0-9]{17}$/);
    expect(r.paymentUrl).toBe(`https://www.sandbox.paypal.com/checkoutnow?token=${r.gatewayRef}`);
    expect(r.gatewayStatus).toBe('PAYER_ACTION_REQUIRED');
    const req = requestsTo(/^\/v2\/checkout\/orders$/).at(-1)!;
    expect(req.headers.requestId).toMatch(new RegExp(`^tender-session-${s.id}-[0-9a-f]{16}$`));
    expect(req.headers.prefer).toBe('return=representation');
    expect(req.body).toEqual({
      intent: 'CAPTURE',
      purchase_units: [{
        amount: { currency_code: 'USD', value: '340.00', breakdown: { item_total: { currency_code: 'USD', value: '340.00' } } },
        description: 'Order 55', custom_id: `tender-session-${s.id}`,
        items: [{ name: 'Lamp', unit_amount: { currency_code: 'USD', value: '170.00' }, quantity: '2', sku: '1' }],
      }],
      payment_source: { paypal: { experience_context: { return_url: 'https://shop.example/thanks', cancel_url: 'https://shop.example/cart', user_action: 'PAY_NOW' } } },
    });
  });

  it('creates an AUTHORIZE order for a manual-capture account, without items that do not add up', async () => {
    const s = session(10_000n, 'EUR', [{ productId: 1, title: 'Lamp', quantity: 1, unitAmount: 9_000n }]);
    await gw.initiate(account({ captureMethod: 'manual' }), s, 'k');
    const body = requestsTo(/^\/v2\/checkout\/orders$/).at(-1)!.body as { intent: string; purchase_units: { items?: unknown; amount: unknown }[] };
    expect(body.intent).toBe('AUTHORIZE');
    expect(body.purchase_units[0]!.items).toBeUndefined();
    expect(body.purchase_units[0]!.amount).toEqual({ currency_code: 'EUR', value: '100.00' });
  });

  it('sends a zero-decimal currency in PayPal\'s unit: 1000 JPY reaches PayPal as "1000"', async () => {
    const { orderId } = await opened(account(), 1000n, false, 'JPY');
    expect((requestsTo(/^\/v2\/checkout\/orders$/).at(-1)!.body as { purchase_units: { amount: unknown }[] }).purchase_units[0]!.amount).toEqual({ currency_code: 'JPY', value: '1000' });
    expect((fake.orders.get(orderId)!.unit.amount as { value: string }).value).toBe('1000');
  });

  it('refuses KWD with a clear error before anything is sent to PayPal', async () => {
    const before = fake.requests.length;
    await expect(gw.initiate(account(), session(1234n, 'KWD'), 'k-kwd')).rejects.toMatchObject({
      code: 'unknown_currency', message: expect.stringMatching(/PayPal does not accept KWD \(PayPal supports no 3-decimal currency\)/),
    });
    expect(fake.requests.length).toBe(before);
  });

  it('answers the same order for a retry with the same key (PayPal-Request-Id)', async () => {
    const s = session(500n);
    const a = await gw.initiate(account(), s, 'same-key');
    const b = await gw.initiate(account(), s, 'same-key');
    expect(b.gatewayRef).toBe(a.gatewayRef);
  });

  it('fetches one OAuth token per account with client credentials, and reuses it', async () => {
    const c = fake.addClient();
    const a = account({ id: 99 }, c);
    await Promise.all([gw.initiate(a, session(100n), 'a1'), gw.initiate(a, session(200n), 'a2'), gw.initiate(a, session(300n), 'a3')]);
    const tokenCalls = fake.requests.filter((r) => r.path === '/v1/oauth2/token' && r.clientId === c.clientId);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.headers.auth).toBe('basic');
    expect(tokenCalls[0]!.body).toEqual({ grant_type: 'client_credentials' });
  });

  it('rejects wrong credentials with an error that carries no secret, header or token', async () => {
    const secret = 'EwrongSecret-0123456789abcdef';
    const err = await gw.initiate(account({ id: 98 }, { clientSecret: secret }), session(100n), 'x').then(() => new Error('resolved'), (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/PayPal refused "create order": 401 invalid_client.*check the account's clientId and clientSecret/);
    const lines: string[] = [];
    pino({}, { write: (l: string) => void lines.push(l) }).error({ err }, 'boom');
    const logged = lines.join('');
    for (const s of [secret, Buffer.from(`${creds.clientId}:${secret}`).toString('base64'), 'Basic ', 'Bearer ']) expect(logged).not.toContain(s);
    expect(Object.keys(err)).not.toContain('request');
  });
});

describe('authorize: capture or authorize the approved order', () => {
  it('asks for approval first (requires_more) while the customer has not approved', async () => {
    const { s } = await opened(account(), 34_000n, false);
    expect(await gw.authorize(account(), s, {}, 'k1')).toMatchObject({ outcome: 'requires_more', gatewayStatus: 'PAYER_ACTION_REQUIRED' });
  });

  it('captures an approved CAPTURE order once, however many times and concurrently it is asked', async () => {
    const { s, orderId } = await opened(account());
    const answers = await Promise.all([gw.authorize(account(), s, {}, 'k1'), gw.authorize(account(), s, {}, 'k2'), gw.authorize(account(), s, { token: orderId }, 'k3')]);
    for (const a of answers) {
      expect(a).toEqual({ outcome: 'authorized', amount: { amount: 34_000n, currency: 'USD' }, captured: true, gatewayRef: orderId, gatewayStatus: 'CAPTURE_COMPLETED', paymentMethod: 'paypal' });
    }
    expect(fake.orders.get(orderId)!.captures).toHaveLength(1);
    expect(requestsTo(new RegExp(`/orders/${orderId}/capture$`)).filter((r) => r.status === 201)).toHaveLength(1);
  });

  it('authorizes an approved AUTHORIZE order (manual capture): held, not captured', async () => {
    const a = account({ captureMethod: 'manual' });
    const { s, orderId } = await opened(a);
    expect(await gw.authorize(a, s, {}, 'k1')).toMatchObject({ outcome: 'authorized', captured: false, amount: { amount: 34_000n, currency: 'USD' }, gatewayStatus: 'AUTHORIZATION_CREATED' });
    expect(fake.orders.get(orderId)!.authorization!.status).toBe('CREATED');
  });

  it('reports the card when the buyer paid by card on PayPal\'s page', async () => {
    const { s, orderId } = await opened(account(), 34_000n, false);
    fake.approve(orderId, { card: { brand: 'visa', last4: '1881' } });
    expect(await gw.authorize(account(), s, {}, 'k')).toMatchObject({ outcome: 'authorized', card: { brand: 'visa', last4: '1881' }, paymentMethod: 'card' });
  });

  it('answers a declined funding source as a decline, and the customer can approve again', async () => {
    const { s, orderId } = await opened(account());
    fake.nextOrderCapture('INSTRUMENT_DECLINED');
    expect(await gw.authorize(account(), s, {}, 'k1')).toMatchObject({ outcome: 'declined', declineCode: 'instrument_declined' });
    fake.approve(orderId);
    expect(await gw.authorize(account(), s, {}, 'k2')).toMatchObject({ outcome: 'authorized', captured: true });
  });

  it('a capture PayPal holds as PENDING waits (requires_more) until PayPal completes it', async () => {
    const { s, orderId } = await opened(account());
    fake.nextOrderCapture('PENDING');
    expect(await gw.authorize(account(), s, {}, 'k1')).toMatchObject({ outcome: 'requires_more', gatewayStatus: 'CAPTURE_PENDING', reason: expect.stringContaining('PENDING_REVIEW') });
    fake.completePendingCapture(fake.orders.get(orderId)!.captures[0]!.id);
    expect(await gw.authorize(account(), s, {}, 'k2')).toMatchObject({ outcome: 'authorized', captured: true });
  });

  it('refuses a token that is not the session\'s order, and a session without an order', async () => {
    const { s } = await opened(account());
    expect(await gw.authorize(account(), s, { token: 'SOMEOTHERORDER123' }, 'k')).toMatchObject({ outcome: 'declined', declineCode: 'order_mismatch' });
    expect(await gw.authorize(account(), { ...s, gatewayRef: null }, {}, 'k')).toMatchObject({ outcome: 'declined', declineCode: 'resource_missing' });
    expect(await gw.authorize(account(), { ...s, id: s.id + 1 }, {}, 'k')).toMatchObject({ outcome: 'declined', declineCode: 'order_mismatch' });
  });
});

describe('capture, refund and cancel', () => {
  it('captures an authorization in parts; the last capture is final', async () => {
    const a = account({ captureMethod: 'manual' });
    const { s, orderId, ref } = await opened(a);
    await gw.authorize(a, s, {}, 'k');
    const first = await gw.capture(a, ref, { amount: 10_000n, currency: 'USD' }, 'tender-capture-1');
    expect(first).toMatchObject({ outcome: 'succeeded', gatewayRef: expect.stringMatching(/^[A-Z0-9]{17}$/), gatewayStatus: 'CAPTURE_COMPLETED' });
    const rest = await gw.capture(a, ref, { amount: 24_000n, currency: 'USD' }, 'tender-capture-2');
    expect(rest.outcome).toBe('succeeded');
    const bodies = requestsTo(/\/authorizations\/[A-Z0-9]+\/capture$/).slice(-2).map((r) => r.body);
    expect(bodies).toEqual([{ amount: { currency_code: 'USD', value: '100.00' }, final_capture: false }, { amount: { currency_code: 'USD', value: '240.00' }, final_capture: true }]);
    expect(requestsTo(/\/authorizations\/[A-Z0-9]+\/capture$/).at(-1)!.headers.requestId).toBe(`tender-capture-2-${orderId}`);
    expect(fake.orders.get(orderId)!.authorization!.status).toBe('CAPTURED');
    expect(await gw.capture(a, ref, { amount: 1n, currency: 'USD' }, 'tender-capture-3')).toMatchObject({ outcome: 'failed', code: 'authorization_already_captured' });
  });

  it('refuses to capture an automatic-capture payment (already captured)', async () => {
    const { s, ref } = await opened(account());
    await gw.authorize(account(), s, {}, 'k');
    expect(await gw.capture(account(), ref, { amount: 100n, currency: 'USD' }, 'c')).toMatchObject({ outcome: 'failed', code: 'already_captured' });
  });

  it('refunds a capture once per key, with the reason for the payer, and refuses more than is left', async () => {
    const { s, orderId, ref } = await opened(account());
    await gw.authorize(account(), s, {}, 'k');
    const r1 = await gw.refund(account(), ref, { amount: 5_000n, currency: 'USD' }, 'damaged', 'tender-refund-41');
    expect(r1).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'REFUND_COMPLETED' });
    const again = await gw.refund(account(), ref, { amount: 5_000n, currency: 'USD' }, 'damaged', 'tender-refund-41');
    expect(again).toEqual(r1);
    const sent = requestsTo(/\/captures\/[A-Z0-9]+\/refund$/).filter((r) => r.headers.requestId?.startsWith('tender-refund-41-'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toEqual({ amount: { currency_code: 'USD', value: '50.00' }, custom_id: 'tender-refund-41', note_to_payer: 'damaged' });
    expect(fake.orders.get(orderId)!.refunds).toHaveLength(1);
    expect(await gw.refund(account(), ref, { amount: 29_001n, currency: 'USD' }, null, 'tender-refund-42')).toMatchObject({ outcome: 'failed', code: 'amount_exceeds_refundable' });
    expect(await gw.refund(account(), ref, { amount: 29_000n, currency: 'USD' }, null, 'tender-refund-43')).toMatchObject({ outcome: 'succeeded' });
    expect(fake.orders.get(orderId)!.captures[0]!.status).toBe('REFUNDED');
  });

  it('cancel voids an authorization once; an unpaid order needs nothing; a captured one is refused', async () => {
    const m = account({ captureMethod: 'manual' });
    const held = await opened(m);
    await gw.authorize(m, held.s, {}, 'k');
    expect(await gw.cancel(m, held.ref, 'tender-cancel-1')).toEqual({ outcome: 'succeeded', gatewayRef: fake.orders.get(held.orderId)!.authorization!.id, gatewayStatus: 'AUTHORIZATION_VOIDED' });
    expect(await gw.cancel(m, held.ref, 'tender-cancel-1')).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'AUTHORIZATION_VOIDED' });
    expect(requestsTo(/\/void$/).filter((r) => r.path.includes(fake.orders.get(held.orderId)!.authorization!.id))).toHaveLength(1);

    const unpaid = await opened(account(), 100n, false);
    expect(await gw.cancel(account(), unpaid.ref, 'c')).toEqual({ outcome: 'succeeded', gatewayRef: null, gatewayStatus: 'ORDER_PAYER_ACTION_REQUIRED' });
    const paid = await opened(account());
    await gw.authorize(account(), paid.s, {}, 'k');
    expect(await gw.cancel(account(), paid.ref, 'c')).toMatchObject({ outcome: 'failed', code: 'payment_already_captured' });
  });
});

describe('retrieve: the order as PayPal knows it', () => {
  it('lists the captured payment and every refund with its PayPal id', async () => {
    const { s, orderId, ref } = await opened(account());
    await gw.authorize(account(), s, {}, 'k');
    await gw.refund(account(), ref, { amount: 1_000n, currency: 'USD' }, null, 'r1');
    await gw.refund(account(), ref, { amount: 2_000n, currency: 'USD' }, null, 'r2');
    const refunds = fake.orders.get(orderId)!.refunds;
    const { actions, gatewayStatus } = await gw.retrieve(account(), { id: s.id, gatewayRef: orderId, paymentRef: null });
    expect(gatewayStatus).toBe('COMPLETED');
    expect(actions).toEqual([
      { kind: 'authorized', amount: { amount: 34_000n, currency: 'USD' }, captured: true, paymentRef: orderId, gatewayStatus: 'CAPTURE_PARTIALLY_REFUNDED', paymentMethod: 'paypal' },
      { kind: 'refunded', amount: { amount: 1_000n, currency: 'USD' }, paymentRef: orderId, operationRef: refunds[0]!.id, gatewayStatus: 'REFUND_COMPLETED', requestKey: 'r1' },
      { kind: 'refunded', amount: { amount: 2_000n, currency: 'USD' }, paymentRef: orderId, operationRef: refunds[1]!.id, gatewayStatus: 'REFUND_COMPLETED', requestKey: 'r2' },
    ]);
  });

  it('lists an authorization, its captures, and a void', async () => {
    const m = account({ captureMethod: 'manual' });
    const a = await opened(m);
    await gw.authorize(m, a.s, {}, 'k');
    await gw.capture(m, a.ref, { amount: 4_000n, currency: 'USD' }, 'c1');
    const kinds = (await gw.retrieve(m, { id: a.s.id, gatewayRef: a.orderId, paymentRef: a.orderId })).actions.map((x) => x.kind);
    expect(kinds).toEqual(['authorized', 'captured']);
    const b = await opened(m);
    await gw.authorize(m, b.s, {}, 'k');
    await gw.cancel(m, b.ref, 'v');
    expect((await gw.retrieve(m, { id: b.s.id, gatewayRef: b.orderId, paymentRef: null })).actions.map((x) => x.kind)).toEqual(['authorized', 'canceled']);
  });

  it('answers not_found for an unknown order and nothing for an unapproved one', async () => {
    expect(await gw.retrieve(account(), { id: 1, gatewayRef: 'NOSUCHORDER000000', paymentRef: null })).toEqual({ actions: [], gatewayStatus: 'not_found' });
    const { s, orderId } = await opened(account(), 100n, false);
    expect(await gw.retrieve(account(), { id: s.id, gatewayRef: orderId, paymentRef: null })).toEqual({ actions: [], gatewayStatus: 'PAYER_ACTION_REQUIRED' });
  });
});

describe('parseWebhook: verified through PayPal, then normalized', () => {
  const parse = (e: FakeEvent, webhookId = creds.webhookId, a = account()) => {
    const { body, headers } = fake.signed(e, webhookId);
    return gw.parseWebhook(a, body, headers);
  };

  it('normalizes every subscribed event type, matched by PayPal order id', async () => {
    const { s, orderId, ref } = await opened(account());
    await gw.authorize(account(), s, {}, 'k');
    await gw.refund(account(), ref, { amount: 700n, currency: 'USD' }, null, 'tender-refund-7');
    const [approved, completed, refunded] = [
      fake.eventsOf(orderId, 'CHECKOUT.ORDER.APPROVED')[0]!, fake.eventsOf(orderId, 'PAYMENT.CAPTURE.COMPLETED')[0]!,
      fake.events.filter((e) => e.event_type === 'PAYMENT.CAPTURE.REFUNDED').at(-1)!,
    ];
    expect(await parse(approved)).toMatchObject({ id: approved.id, type: 'CHECKOUT.ORDER.APPROVED', sessionRef: orderId, action: { kind: 'ignored', reason: expect.stringMatching(/^customer_approved: /) } });
    expect(await parse(completed)).toMatchObject({ sessionRef: orderId, action: { kind: 'authorized', captured: true, amount: { amount: 34_000n, currency: 'USD' }, paymentRef: orderId } });
    // A refund names its capture only: the adapter looks the order up.
    const r = await parse(refunded);
    expect(r).toMatchObject({ sessionRef: orderId, action: { kind: 'refunded', amount: { amount: 700n, currency: 'USD' }, operationRef: refunded.resource.id, paymentRef: orderId, requestKey: 'tender-refund-7' } });
    expect(r.occurredAt.toISOString().slice(0, 16)).toBe(refunded.create_time.slice(0, 16));
    expect(r.tenderSessionId).toBeUndefined();

    const m = account({ captureMethod: 'manual' });
    const held = await opened(m);
    await gw.authorize(m, held.s, {}, 'k');
    const capture = await gw.capture(m, held.ref, { amount: 100n, currency: 'USD' }, 'c');
    await gw.cancel(m, held.ref, 'v');
    expect((await parse(fake.eventsOf(held.orderId, 'PAYMENT.AUTHORIZATION.CREATED')[0]!)).action).toMatchObject({ kind: 'authorized', captured: false });
    expect((await parse(fake.eventsOf(held.orderId, 'PAYMENT.CAPTURE.COMPLETED')[0]!)).action).toMatchObject({ kind: 'captured', operationRef: capture.outcome === 'succeeded' ? capture.gatewayRef : '', amount: { amount: 100n } });
    expect((await parse(fake.eventsOf(held.orderId, 'PAYMENT.AUTHORIZATION.VOIDED')[0]!)).action).toMatchObject({ kind: 'canceled', paymentRef: held.orderId });

    const denied = await opened(account());
    fake.nextOrderCapture('DECLINED');
    await gw.authorize(account(), denied.s, {}, 'k');
    expect((await parse(fake.eventsOf(denied.orderId, 'PAYMENT.CAPTURE.DENIED')[0]!)).action).toMatchObject({ kind: 'attempt_failed', code: 'capture_denied' });
    const unknown = { ...completed, id: 'WH-UNKNOWN-1', event_type: 'CUSTOMER.DISPUTE.CREATED' };
    expect((await parse(unknown)).action).toEqual({ kind: 'ignored', reason: 'PayPal event type CUSTOMER.DISPUTE.CREATED means nothing to Tender' });
  });

  it('sends the event back to PayPal byte for byte with the transmission headers and the account\'s webhook id', async () => {
    const { orderId } = await opened(account());
    const e = fake.eventsOf(orderId, 'CHECKOUT.ORDER.APPROVED')[0]!;
    const { body, headers } = fake.signed(e, creds.webhookId);
    await gw.parseWebhook(account(), body, headers);
    const req = requestsTo(/^\/v1\/notifications\/verify-webhook-signature$/).at(-1)!;
    expect(req.raw.endsWith(`"webhook_event":${body}}`)).toBe(true);
    expect(req.body).toMatchObject({
      auth_algo: 'SHA256withRSA', cert_url: headers['paypal-cert-url'], transmission_id: headers['paypal-transmission-id'],
      transmission_sig: headers['paypal-transmission-sig'], transmission_time: headers['paypal-transmission-time'], webhook_id: creds.webhookId,
    });
  });

  it('rejects forged, altered, other-webhook and header-less events with WebhookSignatureError', async () => {
    const { orderId } = await opened(account());
    const e = fake.eventsOf(orderId, 'CHECKOUT.ORDER.APPROVED')[0]!;
    const { body, headers } = fake.signed(e, creds.webhookId);
    const reject = (b: string, h: Record<string, string>, a = account()) => expect(gw.parseWebhook(a, b, h)).rejects.toBeInstanceOf(WebhookSignatureError);
    await reject(body, { ...headers, 'paypal-transmission-sig': Buffer.from('forged').toString('base64') });
    await reject(body.replace('"APPROVED"', '"COMPLETED"'), headers);
    await reject(fake.signed(e, 'OTHERWEBHOOK12345').body, fake.signed(e, 'OTHERWEBHOOK12345').headers);
    const { 'paypal-transmission-sig': _s, ...noSig } = headers;
    await reject(body, noSig);
    await reject(body, headers, account({}, { webhookId: '' }));
    await reject('not json', headers);
    const other = fake.addClient();
    await reject(body, headers, account({ id: 8 }, other));
  });
});

describe('testConnection (admin accounts API)', () => {
  it('checks credentials, the webhook id, its URL and its events, without echoing a secret', async () => {
    const good = fake.addClient({ url: 'https://shop.example/api/webhooks/7' });
    expect(await gw.testConnection(account({}, good))).toEqual({
      ok: true, message: 'PayPal (sandbox) accepted the client credentials. The webhook points to https://shop.example/api/webhooks/7 and receives every event Tender uses.',
    });
    const partial = fake.addClient({ url: 'https://shop.example/api/webhooks/8', eventTypes: ['PAYMENT.CAPTURE.COMPLETED'] });
    const p = await gw.testConnection(account({}, partial));
    expect(p.ok).toBe(false);
    expect(p.message).toContain('its URL https://shop.example/api/webhooks/8 is not this account\'s /api/webhooks/7');
    expect(p.message).toContain('it does not receive CHECKOUT.ORDER.APPROVED, PAYMENT.CAPTURE.DENIED, PAYMENT.CAPTURE.REFUNDED, PAYMENT.AUTHORIZATION.CREATED, PAYMENT.AUTHORIZATION.VOIDED');
    expect(await gw.testConnection(account({}, { ...good, webhookId: 'NOTAWEBHOOK123' }))).toMatchObject({ ok: false, message: expect.stringContaining('no webhook with the configured webhookId') });
    expect(await gw.testConnection(account({}, { ...good, webhookId: '' }))).toMatchObject({ ok: false, message: expect.stringContaining('No webhookId is set') });
    const refused = await gw.testConnection(account({ id: 97 }, { ...good, clientSecret: 'EnotTheSecret123456' }));
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('PayPal (sandbox) refused the client credentials') });
    expect(refused.message).not.toContain('EnotTheSecret123456');
  });
});
