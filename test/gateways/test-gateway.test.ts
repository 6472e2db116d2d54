import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { WebhookSignatureError, type GatewayAccount, type SessionInput } from '../../src/gateways/gateway.js';
import { createTestGateway, TestGatewayTimeoutError, type TestGateway } from '../../src/gateways/test/test-gateway.js';
import { signatureHeader, webhookSecret } from '../../src/gateways/test/test-webhook-signature.js';
import { createLogger } from '../../src/logger.js';
import { openContext } from '../../src/runtime.js';
import type { Db } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TEST_SECRET_KEY } from '../support/tender.js';

interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let database: TestDatabase;
let db: Db;
let ctx: AppContext;
let server: Server;
let gateway: TestGateway;
const received: Received[] = [];
const logs: string[] = [];
/** What the webhook receiver answers next. */
let receiverStatus = (): number => 200;

// A Tender context whose public URL points at a small server recording every webhook sent.
beforeAll(async () => {
  database = await createTestDatabase();
  db = await database.open();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = receiverStatus();
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const log = createLogger('info', new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString('utf8')); cb(); } }));
  ctx = await openContext({
    ...loadConfig({}),
    dataDir: database.dataDir ?? '/nonexistent',
    databaseUrl: database.databaseUrl,
    secretKey: TEST_SECRET_KEY,
    demo: false,
    publicUrl: `http://127.0.0.1:${port}`,
  }, log, db);
  gateway = createTestGateway(ctx, { retryDelaysMs: [30, 60], timeoutMs: 2_000 });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await db?.close();
  await database?.drop();
});

let nextAccountId = 100;
function account(overrides: Partial<GatewayAccount> = {}): GatewayAccount {
  return {
    id: nextAccountId++, identifier: 'test', type: 'test', testMode: true, captureMethod: 'automatic', sessionLifetimeSec: 3600,
    successUrl: null, cancelUrl: null, settings: {}, secrets: {}, ...overrides,
  };
}

let nextSessionId = 1;
function session(overrides: Partial<SessionInput> = {}): SessionInput {
  return {
    id: nextSessionId++, type: 'intent', amount: { amount: 34_000n, currency: 'USD' }, orderId: 1, lines: [], automaticTax: false,
    expiresAt: new Date(Date.now() + 3_600_000), successUrl: null, cancelUrl: null, ...overrides,
  };
}

const CARDS = { succeeds: '4242 4242 4242 4242', challenge: '4000 0027 6000 3184', declined: '4000 0000 0000 0002', noFunds: '4000 0000 0000 9995' };

async function token(number: string): Promise<string> {
  const t = await gateway.provider.tokenize({ number, expMonth: 12, expYear: 2099, cvc: '123' });
  if (!t.ok) throw new Error(t.message);
  return t.id;
}

let keySeq = 0;
const key = (): string => `key-${++keySeq}`;

/** A session initiated at the gateway, ready to authorize. */
async function initiated(a: GatewayAccount, overrides: Partial<SessionInput> = {}) {
  const s = session(overrides);
  const init = await gateway.initiate(a, s, key());
  return { ...s, gatewayRef: init.gatewayRef };
}

/** An account whose payment was authorized with the 4242 card. */
async function paid(captureMethod: 'automatic' | 'manual', amount = 34_000n) {
  const a = account({ captureMethod });
  const s = await initiated(a, { amount: { amount, currency: 'USD' } });
  const r = await gateway.authorize(a, s, { token: await token(CARDS.succeeds) }, key());
  expect(r.outcome).toBe('authorized');
  return { a, s, ref: { gatewayRef: s.gatewayRef, sessionRef: s.gatewayRef, amount: s.amount } };
}

/** Webhooks received for one account, parsed. */
async function eventsOf(a: GatewayAccount): Promise<{ type: string; body: string; headers: IncomingHttpHeaders }[]> {
  await gateway.idle();
  return received
    .filter((r) => r.url === `/api/webhooks/${a.id}`)
    .map((r) => ({ type: (JSON.parse(r.body) as { type: string }).type, body: r.body, headers: r.headers }));
}

const usd = (amount: bigint) => ({ amount, currency: 'USD' });

describe('test gateway: initiate', () => {
  it('answers a checkout page URL for type session and a client secret for type intent', async () => {
    const a = account();
    const s = await gateway.initiate(a, session({ type: 'session' }), key());
    expect(s).toEqual({ gatewayStatus: 'requires_payment_method', gatewayRef: expect.stringMatching(/^tgpi_[A-Za-z0-9]+$/), paymentUrl: `${ctx.config.publicUrl}/test-gateway/checkout/${s.gatewayRef}` });
    const i = await gateway.initiate(a, session({ type: 'intent' }), key());
    expect(i.paymentUrl).toBeNull();
    expect(i.clientSecret).toMatch(new RegExp(`^${i.gatewayRef}_secret_[A-Za-z0-9]+$`));
  });

  it('returns the same intent for the same idempotency key, and refuses the key for another session', async () => {
    const a = account();
    const s = session();
    const first = await gateway.initiate(a, s, 'init-1');
    expect(await gateway.initiate(a, s, 'init-1')).toEqual(first);
    await expect(gateway.initiate(a, session(), 'init-1')).rejects.toThrow(/idempotency key/);
  });
});

describe('test gateway: authorize with each test card', () => {
  it('4242 is authorized and captured at once with automatic capture', async () => {
    const a = account();
    const s = await initiated(a);
    const r = await gateway.authorize(a, s, { token: await token(CARDS.succeeds) }, key());
    expect(r).toEqual({
      outcome: 'authorized', amount: usd(34_000n), captured: true, gatewayRef: s.gatewayRef, gatewayStatus: 'succeeded',
      card: { brand: 'visa', last4: '4242' }, paymentMethod: 'card',
    });
    expect((await eventsOf(a)).map((e) => e.type)).toEqual(['payment_intent.succeeded']);
  });

  it('4242 is only held (capturable) with manual capture', async () => {
    const a = account({ captureMethod: 'manual' });
    const s = await initiated(a);
    const r = await gateway.authorize(a, s, { token: await token(CARDS.succeeds) }, key());
    expect(r).toMatchObject({ outcome: 'authorized', captured: false, gatewayStatus: 'requires_capture', amount: usd(34_000n) });
    expect((await eventsOf(a)).map((e) => e.type)).toEqual(['payment_intent.amount_capturable_updated']);
  });

  it('3184 requires customer action: a challenge page to redirect to, and the client secret', async () => {
    const a = account();
    const s = await initiated(a);
    const r = await gateway.authorize(a, s, { token: await token(CARDS.challenge), returnUrl: 'https://shop.example/back' }, key());
    expect(r).toEqual({
      outcome: 'requires_action', gatewayRef: s.gatewayRef, gatewayStatus: 'requires_action',
      nextAction: { type: 'redirect_to_url', url: `${ctx.config.publicUrl}/test-gateway/challenge/${s.gatewayRef}` },
      clientSecret: expect.stringMatching(/_secret_/),
    });
    expect((await eventsOf(a)).map((e) => e.type)).toEqual(['payment_intent.requires_action']);
  });

  it('the challenge approved authorizes; failed, it is a failed attempt that a new card may follow', async () => {
    const a = account();
    const s = await initiated(a);
    await gateway.authorize(a, s, { token: await token(CARDS.challenge) }, key());
    const failed = await gateway.provider.resolveChallenge(a, s.gatewayRef!, false);
    expect(failed).toMatchObject({ outcome: 'declined', code: 'authentication_failed' });
    await gateway.authorize(a, s, { token: await token(CARDS.challenge) }, key());
    expect(await gateway.provider.resolveChallenge(a, s.gatewayRef!, true)).toMatchObject({ outcome: 'authorized' });
    // "Authorize again" after the challenge, without a token, answers the intent's state.
    expect(await gateway.authorize(a, s, {}, key())).toMatchObject({ outcome: 'authorized', captured: true });
    expect((await eventsOf(a)).map((e) => e.type)).toEqual([
      'payment_intent.requires_action', 'payment_intent.payment_failed', 'payment_intent.requires_action', 'payment_intent.succeeded',
    ]);
  });

  it.each([
    ['0002', 'card_declined', CARDS.declined],
    ['9995', 'insufficient_funds', CARDS.noFunds],
  ])('%s is declined (%s) as a returned value, and the webhook says payment_failed', async (_n, code, number) => {
    const a = account();
    const s = await initiated(a);
    const r = await gateway.authorize(a, s, { token: await token(number) }, key());
    expect(r).toMatchObject({ outcome: 'declined', declineCode: code, gatewayStatus: 'requires_payment_method' });
    const events = await eventsOf(a);
    expect(events.map((e) => e.type)).toEqual(['payment_intent.payment_failed']);
    const event = await gateway.parseWebhook(a, events[0]!.body, events[0]!.headers as Record<string, string>);
    expect(event.action).toMatchObject({ kind: 'attempt_failed', code, paymentRef: s.gatewayRef });
    // The customer may try again with another card in the same session.
    expect(await gateway.authorize(a, s, { token: await token(CARDS.succeeds) }, key())).toMatchObject({ outcome: 'authorized' });
  });

  it('declines an unknown token, a token used for another payment, an unknown and an expired session', async () => {
    const a = account();
    const s = await initiated(a);
    expect(await gateway.authorize(a, s, { token: 'tok_test_doesnotexist' }, key())).toMatchObject({ outcome: 'declined', declineCode: 'invalid_token' });
    const used = await token(CARDS.succeeds);
    await gateway.authorize(a, s, { token: used }, key());
    const other = await initiated(a);
    expect(await gateway.authorize(a, other, { token: used }, key())).toMatchObject({ outcome: 'declined', declineCode: 'token_already_used' });
    expect(await gateway.authorize(a, other, {}, key())).toMatchObject({ outcome: 'requires_more', gatewayStatus: 'requires_payment_method' });
    expect(await gateway.authorize(a, { ...session(), gatewayRef: 'tgpi_unknown' }, {}, key())).toMatchObject({ outcome: 'declined', declineCode: 'resource_missing' });
    expect(await gateway.authorize(a, { ...session(), gatewayRef: 'tgpi_unknown' }, { token: await token(CARDS.succeeds) }, key()))
      .toMatchObject({ outcome: 'declined', declineCode: 'resource_missing' });
    expect(await gateway.authorize(a, { ...session(), gatewayRef: null }, { token: await token(CARDS.succeeds) }, key()))
      .toMatchObject({ outcome: 'declined', declineCode: 'resource_missing' });
    expect(await gateway.authorize(account(), s, { token: await token(CARDS.succeeds) }, key()))
      .toMatchObject({ outcome: 'declined', declineCode: 'resource_missing' });
    const expired = await initiated(a, { expiresAt: new Date(Date.now() - 1000) });
    expect(await gateway.authorize(a, expired, { token: await token(CARDS.succeeds) }, key())).toMatchObject({ outcome: 'declined', declineCode: 'session_expired' });
    expect((await eventsOf(a)).map((e) => e.type)).toContain('checkout.session.expired');
  });

  it('answers a retry with the same idempotency key identically, with no second effect', async () => {
    const a = account();
    const s = await initiated(a);
    const tok = await token(CARDS.declined);
    const first = await gateway.authorize(a, s, { token: tok }, 'auth-key');
    expect(await gateway.authorize(a, s, { token: tok }, 'auth-key')).toEqual(first);
    expect(await eventsOf(a)).toHaveLength(1);
    expect(await gateway.authorize(a, s, { token: await token(CARDS.succeeds) }, 'auth-key')).toMatchObject({ outcome: 'declined', declineCode: 'idempotency_conflict' });
  });
});

describe('test gateway: capture, refund and cancel', () => {
  it('refuses to capture more than is capturable; partial captures add up to the held amount', async () => {
    const { a, ref } = await paid('manual');
    expect(await gateway.capture(a, ref, usd(34_001n), key())).toMatchObject({ outcome: 'failed', code: 'amount_too_large' });
    expect(await gateway.capture(a, ref, { amount: 100n, currency: 'EUR' }, key())).toMatchObject({ outcome: 'failed', code: 'currency_mismatch' });
    const partKey = key();
    const part = await gateway.capture(a, ref, usd(10_000n), partKey);
    expect(part).toEqual({ outcome: 'succeeded', gatewayRef: expect.stringMatching(/^tgcp_/), gatewayStatus: 'requires_capture' });
    expect(await gateway.capture(a, ref, usd(24_000n), key())).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'succeeded' });
    expect(await gateway.capture(a, ref, usd(1n), key())).toMatchObject({ outcome: 'failed', code: 'payment_intent_unexpected_state' });
    const captured = (await eventsOf(a)).filter((e) => e.type === 'charge.captured');
    expect(captured).toHaveLength(2);
    const event = await gateway.parseWebhook(a, captured[0]!.body, captured[0]!.headers as Record<string, string>);
    expect(event.action).toEqual({ kind: 'captured', amount: usd(10_000n), paymentRef: ref.gatewayRef, operationRef: part.outcome === 'succeeded' ? part.gatewayRef : null, gatewayStatus: 'requires_capture', requestKey: partKey });
  });

  it('refuses to capture a payment that automatic capture already took', async () => {
    const { a, ref } = await paid('automatic');
    expect(await gateway.capture(a, ref, usd(100n), key())).toMatchObject({ outcome: 'failed', code: 'payment_intent_unexpected_state' });
  });

  it('refuses to refund more than was captured, and sums partial refunds', async () => {
    const { a, ref } = await paid('automatic');
    expect(await gateway.refund(a, ref, usd(34_001n), null, key())).toMatchObject({ outcome: 'failed', code: 'amount_too_large' });
    expect(await gateway.refund(a, ref, usd(10_000n), 'requested_by_customer', key())).toMatchObject({ outcome: 'succeeded', gatewayRef: expect.stringMatching(/^tgre_/) });
    expect(await gateway.refund(a, ref, usd(24_001n), null, key())).toMatchObject({ outcome: 'failed', code: 'amount_too_large' });
    expect(await gateway.refund(a, ref, usd(24_000n), null, key())).toMatchObject({ outcome: 'succeeded' });
    expect((await eventsOf(a)).filter((e) => e.type === 'charge.refunded')).toHaveLength(2);
    const manual = await paid('manual');
    expect(await gateway.refund(manual.a, manual.ref, usd(1n), null, key())).toMatchObject({ outcome: 'failed', code: 'payment_intent_unexpected_state' });
  });

  it('makes capture and refund idempotent by key: same key, same result, no second effect', async () => {
    const { a, ref } = await paid('manual');
    const c1 = await gateway.capture(a, ref, usd(5_000n), 'cap-1');
    expect(await gateway.capture(a, ref, usd(5_000n), 'cap-1')).toEqual(c1);
    expect(await gateway.capture(a, ref, usd(6_000n), 'cap-1')).toMatchObject({ outcome: 'failed', code: 'idempotency_conflict' });
    const r1 = await gateway.refund(a, ref, usd(1_000n), null, 'ref-1');
    expect(await gateway.refund(a, ref, usd(1_000n), null, 'ref-1')).toEqual(r1);
    const refused = await gateway.capture(a, ref, usd(999_999n), 'cap-2');
    expect(await gateway.capture(a, ref, usd(999_999n), 'cap-2')).toEqual(refused);
    const { rows } = await db.query<{ amount_captured: bigint; amount_refunded: bigint }>(
      'SELECT amount_captured, amount_refunded FROM test_gateway_intents WHERE id = $1', [ref.gatewayRef]);
    expect(rows[0]).toEqual({ amount_captured: 5_000n, amount_refunded: 1_000n });
    expect((await eventsOf(a)).map((e) => e.type)).toEqual(['payment_intent.amount_capturable_updated', 'charge.captured', 'charge.refunded']);
  });

  it('under concurrent calls never captures more than is held, and applies a key once', async () => {
    const { a, ref } = await paid('manual');
    const captures = await Promise.all(Array.from({ length: 5 }, (_, i) => gateway.capture(a, ref, usd(10_000n), `concurrent-${i}`)));
    expect(captures.filter((r) => r.outcome === 'succeeded')).toHaveLength(3);
    expect(captures.filter((r) => r.outcome === 'failed' && r.code === 'amount_too_large')).toHaveLength(2);
    const refunds = await Promise.all(Array.from({ length: 4 }, () => gateway.refund(a, ref, usd(1_000n), null, 'concurrent-refund')));
    expect(new Set(refunds.map((r) => JSON.stringify(r))).size).toBe(1);
    const { rows } = await db.query<{ amount_captured: bigint; amount_capturable: bigint; amount_refunded: bigint }>(
      'SELECT amount_captured, amount_capturable, amount_refunded FROM test_gateway_intents WHERE id = $1', [ref.gatewayRef]);
    expect(rows[0]).toEqual({ amount_captured: 30_000n, amount_capturable: 4_000n, amount_refunded: 1_000n });
  });

  it('cancels a held payment (then refuses to capture it), but never captured money', async () => {
    const { a, ref } = await paid('manual');
    expect(await gateway.cancel(a, ref, 'cancel-1')).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'canceled' });
    expect(await gateway.cancel(a, ref, 'cancel-1')).toMatchObject({ outcome: 'succeeded', gatewayStatus: 'canceled' });
    expect(await gateway.capture(a, ref, usd(1n), key())).toMatchObject({ outcome: 'failed', code: 'payment_intent_unexpected_state' });
    expect((await eventsOf(a)).filter((e) => e.type === 'payment_intent.canceled')).toHaveLength(1);
    const auto = await paid('automatic');
    expect(await gateway.cancel(auto.a, auto.ref, key())).toMatchObject({ outcome: 'failed', code: 'payment_intent_unexpected_state' });
    // A session with no payment yet is canceled through its session reference.
    const a2 = account();
    const s = await initiated(a2);
    expect(await gateway.cancel(a2, { gatewayRef: null, sessionRef: s.gatewayRef, amount: s.amount }, key())).toMatchObject({ outcome: 'succeeded' });
    expect(await gateway.cancel(a2, { gatewayRef: null, sessionRef: null, amount: s.amount }, key())).toMatchObject({ outcome: 'failed', code: 'resource_missing' });
  });
});

describe('test gateway: signed webhooks', () => {
  it('signs every delivery with t=…,v1=HMAC-SHA256 of "t.body" under the per-account secret', async () => {
    const { a } = await paid('automatic');
    const [e] = await eventsOf(a);
    const header = String(e!.headers['tender-test-signature']);
    const t = /^t=(\d+),v1=[0-9a-f]{64}$/.exec(header)?.[1];
    expect(t).toBeDefined();
    expect(header).toBe(signatureHeader(webhookSecret(ctx.keys, a.id), e!.body, Number(t)));
    expect(e!.headers['content-type']).toBe('application/json');
  });

  it('parseWebhook accepts a correctly signed body and normalizes it, with the Tender session id', async () => {
    const { a, s } = await paid('automatic');
    const [e] = await eventsOf(a);
    const event = await gateway.parseWebhook(a, e!.body, e!.headers as Record<string, string>);
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_test_/), type: 'payment_intent.succeeded', occurredAt: expect.any(Date),
      tenderSessionId: s.id, sessionRef: s.gatewayRef,
      action: { kind: 'authorized', amount: usd(34_000n), captured: true, paymentRef: s.gatewayRef, gatewayStatus: 'succeeded', card: { brand: 'visa', last4: '4242' }, paymentMethod: 'card' },
      bodyIsJson: true,
    });
  });

  it('parseWebhook rejects a forged body, a stale or future timestamp, another account and a missing header', async () => {
    const { a } = await paid('automatic');
    const [e] = await eventsOf(a);
    const headers = e!.headers as Record<string, string>;
    const forged = e!.body.replace('"34000"', '"1"');
    expect(forged).not.toBe(e!.body);
    await expect(gateway.parseWebhook(a, forged, headers)).rejects.toThrow(WebhookSignatureError);
    const secret = webhookSecret(ctx.keys, a.id);
    const now = Math.floor(Date.now() / 1000);
    for (const t of [now - 301, now + 301]) {
      await expect(gateway.parseWebhook(a, e!.body, { 'tender-test-signature': signatureHeader(secret, e!.body, t) })).rejects.toThrow(/tolerance 300 s/);
    }
    expect(await gateway.parseWebhook(a, e!.body, { 'tender-test-signature': signatureHeader(secret, e!.body, now - 290) })).toMatchObject({ type: 'payment_intent.succeeded' });
    const other = account();
    await expect(gateway.parseWebhook(other, e!.body, headers)).rejects.toThrow(WebhookSignatureError);
    // Even signed with the other account's secret, the body names its own account.
    await expect(gateway.parseWebhook(other, e!.body, { 'tender-test-signature': signatureHeader(webhookSecret(ctx.keys, other.id), e!.body, now) }))
      .rejects.toThrow(/belongs to payment account/);
    await expect(gateway.parseWebhook(a, e!.body, {})).rejects.toThrow(WebhookSignatureError);
    await expect(gateway.parseWebhook(a, e!.body, { 'tender-test-signature': 'garbage' })).rejects.toThrow(WebhookSignatureError);
  });

  it('retries a failed delivery in the background, and logs each failure without the body', async () => {
    let calls = 0;
    receiverStatus = () => (++calls === 1 ? 500 : 200);
    try {
      const { a } = await paid('automatic');
      await gateway.idle();
      await new Promise((resolve) => setTimeout(resolve, 150));
      await gateway.idle();
      const deliveries = received.filter((r) => r.url === `/api/webhooks/${a.id}`);
      expect(deliveries).toHaveLength(2);
      expect(deliveries[0]!.body).toBe(deliveries[1]!.body);
      const { rows } = await db.query<{ delivery_status: string; attempts: number }>(
        `SELECT delivery_status, attempts FROM test_gateway_events WHERE account_id = $1`, [a.id]);
      expect(rows).toEqual([{ delivery_status: 'delivered', attempts: 2 }]);
      const failure = logs.find((l) => l.includes('test gateway webhook delivery failed') && l.includes(`"accountId":${a.id}`));
      expect(failure).toContain('HTTP 500');
      expect(failure).not.toContain('4242');
    } finally {
      receiverStatus = () => 200;
    }
  });

  it('gives up after the last retry and marks the event failed', async () => {
    receiverStatus = () => 503;
    try {
      const { a } = await paid('automatic');
      for (let i = 0; i < 20; i++) {
        await gateway.idle();
        const { rows } = await db.query<{ delivery_status: string }>('SELECT delivery_status FROM test_gateway_events WHERE account_id = $1', [a.id]);
        if (rows[0]?.delivery_status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { rows } = await db.query<{ delivery_status: string; attempts: number }>('SELECT delivery_status, attempts FROM test_gateway_events WHERE account_id = $1', [a.id]);
      expect(rows).toEqual([{ delivery_status: 'failed', attempts: 3 }]);
    } finally {
      receiverStatus = () => 200;
    }
  });
});

describe('test gateway: retrieve and simulated failures', () => {
  it('retrieve answers the intent state as normalized actions, each capture and refund with its own reference', async () => {
    const { a, s, ref } = await paid('manual');
    const capKey = key();
    const retKey = key();
    const cap = await gateway.capture(a, ref, usd(30_000n), capKey);
    const ret = await gateway.refund(a, ref, usd(500n), null, retKey);
    const r = await gateway.retrieve(a, { id: s.id, gatewayRef: s.gatewayRef, paymentRef: null });
    expect(r.gatewayStatus).toBe('requires_capture');
    expect(r.actions).toEqual([
      expect.objectContaining({ kind: 'authorized', amount: usd(34_000n), captured: false }),
      { kind: 'captured', amount: usd(30_000n), paymentRef: ref.gatewayRef, operationRef: cap.outcome === 'succeeded' ? cap.gatewayRef : '', gatewayStatus: 'requires_capture', requestKey: capKey },
      { kind: 'refunded', amount: usd(500n), paymentRef: ref.gatewayRef, operationRef: ret.outcome === 'succeeded' ? ret.gatewayRef : '', gatewayStatus: 'requires_capture', requestKey: retKey },
    ]);
    // Found by the Tender session id alone, too.
    expect((await gateway.retrieve(a, { id: s.id, gatewayRef: null, paymentRef: null })).actions).toEqual(r.actions);
    expect(await gateway.retrieve(account(), { id: s.id, gatewayRef: s.gatewayRef, paymentRef: null })).toEqual({ actions: [], gatewayStatus: 'not_found' });
  });

  it('retrieve reports a pending challenge, a failed attempt, a fresh session and an expiry', async () => {
    const a = account();
    const fresh = await initiated(a);
    expect(await gateway.retrieve(a, { id: fresh.id, gatewayRef: fresh.gatewayRef, paymentRef: null })).toEqual({ actions: [], gatewayStatus: 'requires_payment_method' });
    const challenged = await initiated(a);
    await gateway.authorize(a, challenged, { token: await token(CARDS.challenge) }, key());
    expect((await gateway.retrieve(a, { id: challenged.id, gatewayRef: challenged.gatewayRef, paymentRef: null })).actions)
      .toEqual([{ kind: 'requires_action', gatewayStatus: 'requires_action', nextAction: expect.objectContaining({ type: 'redirect_to_url' }), paymentRef: challenged.gatewayRef }]);
    const declined = await initiated(a);
    await gateway.authorize(a, declined, { token: await token(CARDS.noFunds) }, key());
    expect((await gateway.retrieve(a, { id: declined.id, gatewayRef: declined.gatewayRef, paymentRef: null })).actions)
      .toEqual([expect.objectContaining({ kind: 'attempt_failed', code: 'insufficient_funds' })]);
    const expiring = await initiated(a, { expiresAt: new Date(Date.now() - 1) });
    expect(await gateway.retrieve(a, { id: expiring.id, gatewayRef: expiring.gatewayRef, paymentRef: null })).toEqual({ actions: [{ kind: 'expired', gatewayStatus: 'canceled' }], gatewayStatus: 'canceled' });
  });

  it('simulateTimeoutMs: the operation is applied, then the adapter throws; retrieve reveals the truth', async () => {
    const { a, s, ref } = await paid('manual');
    const slow = { ...a, settings: { simulateTimeoutMs: 20 } };
    await expect(gateway.capture(slow, ref, usd(34_000n), 'slow-capture')).rejects.toThrow(TestGatewayTimeoutError);
    const r = await gateway.retrieve(a, { id: s.id, gatewayRef: s.gatewayRef, paymentRef: ref.gatewayRef });
    expect(r.actions.map((x) => x.kind)).toEqual(['authorized', 'captured']);
    // The retry with the same key is answered from the log, not captured twice.
    expect(await gateway.capture(a, ref, usd(34_000n), 'slow-capture')).toMatchObject({ outcome: 'succeeded' });

    const b = account({ settings: { simulateTimeoutMs: 20 } });
    const s2 = await initiated(b);
    await expect(gateway.authorize(b, s2, { token: await token(CARDS.succeeds) }, key())).rejects.toMatchObject({ code: 'gateway_timeout' });
    expect((await gateway.retrieve(b, { id: s2.id, gatewayRef: s2.gatewayRef, paymentRef: null })).actions[0]).toMatchObject({ kind: 'authorized', captured: true });
    // simulateTimeoutOperations narrows it to some operations.
    const onlyRefunds = account({ settings: { simulateTimeoutMs: 20, simulateTimeoutOperations: ['refund'] } });
    const s3 = await initiated(onlyRefunds);
    expect(await gateway.authorize(onlyRefunds, s3, { token: await token(CARDS.succeeds) }, key())).toMatchObject({ outcome: 'authorized' });
    await expect(gateway.refund(onlyRefunds, { gatewayRef: s3.gatewayRef, sessionRef: null, amount: s3.amount }, usd(1n), null, key()))
      .rejects.toThrow(TestGatewayTimeoutError);
  });

  it('simulateWebhookLoss: events are recorded as dropped and never sent', async () => {
    const a = account({ settings: { simulateWebhookLoss: true } });
    const s = await initiated(a);
    await gateway.authorize(a, s, { token: await token(CARDS.succeeds) }, key());
    expect(await eventsOf(a)).toEqual([]);
    const { rows } = await db.query<{ type: string; delivery_status: string }>('SELECT type, delivery_status FROM test_gateway_events WHERE account_id = $1', [a.id]);
    expect(rows).toEqual([{ type: 'payment_intent.succeeded', delivery_status: 'dropped' }]);
  });

  it('keeps only brand, last four and expiry of a tokenized card', async () => {
    const t = await gateway.provider.tokenize({ number: '5555-5555-5555-4444', expMonth: 3, expYear: 31, cvc: '737' });
    expect(t).toEqual({ ok: true, id: expect.stringMatching(/^tok_test_/), card: { brand: 'mastercard', last4: '4444', expMonth: 3, expYear: 2031 } });
    expect(await gateway.provider.tokenize({ number: '4242 4242 4242 4241', expMonth: 3, expYear: 31, cvc: '737' })).toMatchObject({ ok: false, code: 'invalid_number' });
    expect(await gateway.provider.tokenize({ number: '4242424242424242', expMonth: 1, expYear: 2020, cvc: '737' })).toMatchObject({ ok: false, code: 'expired_card' });
    expect(await gateway.provider.tokenize({ number: '4242424242424242', expMonth: 13, expYear: 2030, cvc: '737' })).toMatchObject({ ok: false, code: 'invalid_expiry' });
    expect(await gateway.provider.tokenize({ number: '4242424242424242', expMonth: 1, expYear: 2030, cvc: '7' })).toMatchObject({ ok: false, code: 'invalid_cvc' });
    const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM test_gateway_tokens WHERE id = $1', [t.ok ? t.id : '']);
    expect(rows[0]).toMatchObject({ brand: 'mastercard', last4: '4444', exp_month: 3, exp_year: 2031, scenario: 'succeeds' });
    const values = Object.values(rows[0]!).map(String);
    expect(values.some((v) => v.includes('5555555555554444') || v.includes('5555-5555'))).toBe(false);
    expect(values).not.toContain('737');
  });
});
