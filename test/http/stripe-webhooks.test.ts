/**
 * Stripe webhooks into a real Tender: signature over the raw body with the account's secret,
 * deduplication by Stripe's event id (also under concurrent delivery), events out of order,
 * and rejections that write nothing but the rejection log. Secrets never leak.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeFake, type StripeEventJson, type StripeFake } from '../fakes/stripe-fake.js';
import { api, insertOrder, signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

const SK = 'sk_test_51WebhooksKey000000000000000000000000000000HOOK';
const WHSEC = { stripe: 'whsec_hooksAccountA000000000000000000001', stripe_b: 'whsec_hooksAccountB000000000000000000002' };
type Acc = keyof typeof WHSEC;

let t: TestTender;
let fake: StripeFake;
let user: { userId: number; token: string };
const accountIds: Record<string, number> = {};
const responses: string[] = [];

async function createAccount(identifier: Acc): Promise<void> {
  const res = await api(t)('POST', '/api/admin/accounts', {
    identifier, type: 'stripe', title: identifier, testMode: true, successUrl: 'https://shop.example/thanks',
    testSettings: { apiBase: fake.url }, testSecrets: { secretKey: SK, webhookSecret: WHSEC[identifier] },
  });
  responses.push(JSON.stringify(res.body));
  accountIds[identifier] = res.body.id;
  await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [res.body.id]);
}

async function newSession(type: 'session' | 'intent', account: Acc = 'stripe', productId = 1) {
  const orderId = await insertOrder(t, user.userId, productId, 1, account);
  const res = await api(t, user.token)('POST', '/api/content/payments/sessions', { orderId, type });
  responses.push(JSON.stringify(res.body));
  expect(res.status).toBe(200);
  return { orderId, id: res.body.id as number, ref: res.body.sessionId as string };
}

function url(account: Acc | number): string {
  return `${t.url}/api/webhooks/${typeof account === 'number' ? account : accountIds[account]}`;
}

async function deliver(event: StripeEventJson | string, options: { account?: Acc; secret?: string; timestamp?: number; signature?: string; to?: number } = {}) {
  const account = options.account ?? 'stripe';
  const r = await fake.deliver(url(options.to ?? account), event, options.secret ?? WHSEC[account], options);
  responses.push(JSON.stringify(r.body));
  return r;
}

async function deliverAll(events: StripeEventJson[], account: Acc = 'stripe'): Promise<string[]> {
  const out: string[] = [];
  for (const e of events) {
    const r = await deliver(e, { account });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(`${e.type}:${r.body.result}`);
  }
  return out;
}

async function session(id: number) {
  const { rows } = await t.ctx.db.query<{ status: string; payment_id: number | null; order_status: string }>(
    'SELECT s.status, s.payment_id, o.status_identifier AS order_status FROM payment_sessions s JOIN orders o ON o.id = s.order_id WHERE s.id = $1', [id]);
  return rows[0]!;
}

async function payment(sessionId: number) {
  const { rows } = await t.ctx.db.query<{ id: number; status: string; captured_amount: bigint; refunded_amount: bigint; disputed: boolean }>(
    'SELECT * FROM payments WHERE session_id = $1', [sessionId]);
  return rows;
}

/** A digest of every row of every table (but the rejection log): any write changes it. */
async function databaseDigest(): Promise<Record<string, string>> {
  const { rows: tables } = await t.ctx.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'webhook_rejections' ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const { rows } = await t.ctx.db.query<{ d: string | null; n: number }>(
      `SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS d, count(*)::int AS n FROM "${table_name}" x`);
    out[table_name] = `${rows[0]!.n}:${rows[0]!.d ?? ''}`;
  }
  return out;
}

/** Stripe's own API, as the merchant's Dashboard would use it (refunds Tender did not start). */
function dashboard(): Stripe {
  const u = new URL(fake.url);
  return new Stripe(SK, { host: u.hostname, port: u.port, protocol: 'http' });
}

beforeAll(async () => {
  t = await startTender();
  fake = await startStripeFake([SK]);
  await createAccount('stripe');
  await createAccount('stripe_b');
  user = await signIn(t, 'hooks-buyer@example.com');
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('deduplication by Stripe event id', () => {
  it('the same event delivered 3 times concurrently is applied once', async () => {
    const s = await newSession('session');
    const { intent } = fake.completeCheckout(s.ref);
    const event = fake.event('payment_intent.succeeded', intent.id);
    const results = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.body.result).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(results.every((r) => r.body.eventId === event.id)).toBe(true);

    const recorded = await t.ctx.db.query<{ result: string }>('SELECT result FROM gateway_events WHERE provider_event_id = $1', [event.id]);
    expect(recorded.rows).toEqual([{ result: 'applied' }]);
    const p = await payment(s.id);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ status: 'captured', captured_amount: 34_000n });
    const captures = await t.ctx.db.query('SELECT 1 FROM captures WHERE payment_id = $1', [p[0]!.id]);
    expect(captures.rowCount).toBe(1);
    expect(await session(s.id)).toMatchObject({ status: 'authorized', order_status: 'paid' });
    // A fourth, later delivery is a duplicate too.
    expect((await deliver(event)).body.result).toBe('duplicate');
  });

  it('two different events for one payment delivered at once still make one payment', async () => {
    const s = await newSession('session');
    const { intent } = fake.completeCheckout(s.ref);
    const both = await Promise.all([deliver(fake.event('checkout.session.completed', s.ref)), deliver(fake.event('payment_intent.succeeded', intent.id))]);
    expect(both.map((r) => r.body.result).sort()).toEqual(['applied', 'duplicate']);
    expect(await payment(s.id)).toHaveLength(1);
  });
});

describe('events out of order', () => {
  it('checkout.session.completed before payment_intent.succeeded (and charge.succeeded last): one captured payment', async () => {
    const s = await newSession('session');
    const { intent } = fake.completeCheckout(s.ref);
    expect(await deliverAll([
      fake.event('checkout.session.completed', s.ref),
      fake.event('payment_intent.succeeded', intent.id),
      fake.event('charge.succeeded', intent.latest_charge),
    ])).toEqual(['checkout.session.completed:applied', 'payment_intent.succeeded:duplicate', 'charge.succeeded:ignored']);
    expect(await payment(s.id)).toEqual([expect.objectContaining({ status: 'captured', captured_amount: 34_000n })]);
  });

  it('an older failed attempt or challenge arriving after the success is recorded as stale and ignored', async () => {
    const s = await newSession('intent');
    expect(() => fake.confirmAsCustomer(s.ref, 'pm_card_chargeDeclined')).toThrow();
    const failed = fake.event('payment_intent.payment_failed', s.ref);
    fake.confirmAsCustomer(s.ref, 'pm_card_threeDSecure2Required');
    const challenge = fake.event('payment_intent.requires_action', s.ref);
    fake.finishChallenge(s.ref, true);
    const succeeded = fake.event('payment_intent.succeeded', s.ref);
    expect(await deliverAll([succeeded, challenge, failed])).toEqual([
      'payment_intent.succeeded:applied', 'payment_intent.requires_action:stale', 'payment_intent.payment_failed:stale',
    ]);
    expect(await session(s.id)).toMatchObject({ status: 'authorized', order_status: 'paid' });
    const recorded = await t.ctx.db.query<{ type: string; result: string }>(
      'SELECT type, result FROM gateway_events WHERE provider_event_id = ANY($1::text[]) ORDER BY id', [[succeeded.id, challenge.id, failed.id]]);
    expect(recorded.rows.map((r) => `${r.type}:${r.result}`)).toEqual(['payment_intent.succeeded:applied', 'payment_intent.requires_action:stale', 'payment_intent.payment_failed:stale']);
  });

  it('refunds made at Stripe, reported in reverse order and twice each, count once each', async () => {
    const s = await newSession('intent');
    fake.confirmAsCustomer(s.ref, 'pm_card_visa');
    await deliverAll([fake.event('payment_intent.succeeded', s.ref)]);
    const stripe = dashboard();
    const r1 = await stripe.refunds.create({ payment_intent: s.ref, amount: 1_000 });
    const r2 = await stripe.refunds.create({ payment_intent: s.ref, amount: 2_500 });
    const charge = fake.paymentIntents.get(s.ref)!.latest_charge as string;
    const [c1, c2] = fake.eventsOf(charge, 'charge.refunded');
    expect(await deliverAll([c2!, fake.event('refund.created', r2.id), c1!, fake.event('refund.created', r1.id)])).toEqual([
      'charge.refunded:applied', 'refund.created:duplicate', 'charge.refunded:applied', 'refund.created:duplicate',
    ]);
    expect(await payment(s.id)).toEqual([expect.objectContaining({ status: 'partially_refunded', refunded_amount: 3_500n })]);
    const refunds = await t.ctx.db.query<{ gateway_ref: string; amount: bigint }>('SELECT gateway_ref, amount FROM refunds WHERE payment_id = $1 ORDER BY amount', [(await payment(s.id))[0]!.id]);
    expect(refunds.rows).toEqual([{ gateway_ref: r1.id, amount: 1_000n }, { gateway_ref: r2.id, amount: 2_500n }]);
  });

  // A refund (or capture) event for a payment Tender has not recorded yet is not final: it is
  // answered with a retryable 503 and applied when Stripe delivers it again.
  it('a refund reported before the payment it refunds still counts once the payment arrives', async () => {
    const s = await newSession('intent');
    fake.confirmAsCustomer(s.ref, 'pm_card_visa');
    const refund = await dashboard().refunds.create({ payment_intent: s.ref, amount: 1_000 });
    const early = fake.event('refund.created', refund.id);
    const first = await deliver(early, { account: 'stripe' });
    expect([first.status, first.body.code]).toEqual([503, 'service_unavailable']);
    await deliverAll([fake.event('payment_intent.succeeded', s.ref)]);
    // Stripe's retry of the same event.
    expect(await deliverAll([early])).toEqual(['refund.created:applied']);
    expect(await payment(s.id)).toEqual([expect.objectContaining({ status: 'partially_refunded', refunded_amount: 1_000n })]);
  });
});

describe('genuine events that contain long digit runs', () => {
  // Stripe charges carry payment_method_details.card.network_transaction_id (Visa: 15 digits,
  // ~1 in 10 Luhn-valid): the webhook route must not run the card-number guard over them.
  it('a refund event whose charge has a Luhn-valid 15-digit network transaction id is applied', async () => {
    fake.networkTransactionId = '583017246911027';
    try {
      const s = await newSession('intent');
      fake.confirmAsCustomer(s.ref, 'pm_card_visa');
      await deliverAll([fake.event('payment_intent.succeeded', s.ref)]);
      await dashboard().refunds.create({ payment_intent: s.ref, amount: 1_000 });
      const charge = fake.paymentIntents.get(s.ref)!.latest_charge as string;
      expect(await deliverAll([fake.event('charge.refunded', charge)])).toEqual(['charge.refunded:applied']);
    } finally {
      fake.networkTransactionId = null;
    }
  });
});

describe('rejections write nothing but the rejection log', () => {
  it('forged, tampered, stale, unsigned and other-account deliveries → 400; unknown account → 404', async () => {
    const s = await newSession('session');
    const { intent } = fake.completeCheckout(s.ref);
    const event = fake.event('payment_intent.succeeded', intent.id);
    const before = await databaseDigest();
    const rejectionsBefore = (await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_rejections')).rows[0]!.n;

    const forged = await deliver(event, { secret: 'whsec_forgedForgedForged000000000000' });
    const tampered = await (async () => {
      const { body, headers } = fake.signed(event, WHSEC.stripe);
      const res = await fetch(url('stripe'), { method: 'POST', headers, body: body.replace('"amount_received": 34000', '"amount_received": 3400000') });
      return { status: res.status, body: await res.json() };
    })();
    const stale = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const unsigned = await deliver(event, { signature: '' });
    const garbage = await deliver(event, { signature: 't=abc,v1=nothex' });
    const otherAccount = await deliver(event, { to: accountIds.stripe_b! });
    const unknown = await deliver(event, { to: 999_999 });

    for (const r of [forged, tampered, stale, unsigned, garbage, otherAccount]) {
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('webhook_signature_invalid');
    }
    expect(forged.body.message).toContain('does not match the body');
    expect(tampered.body.message).toContain('does not match the body');
    expect(stale.body.message).toContain('more than 300 s old');
    expect(unsigned.body.message).toContain('header is missing');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('account_not_found');

    expect(await databaseDigest()).toEqual(before);
    const rejections = await t.ctx.db.query<{ account_id: number | null; reason: string }>('SELECT account_id, reason FROM webhook_rejections ORDER BY id OFFSET $1', [rejectionsBefore]);
    expect(rejections.rows).toHaveLength(7);
    expect(rejections.rows.at(-1)).toEqual({ account_id: null, reason: 'unknown account' });
    expect(rejections.rows.filter((r) => r.account_id === accountIds.stripe_b)).toHaveLength(1);

    // The genuine delivery of the same event is then applied.
    expect((await deliver(event)).body.result).toBe('applied');
  });
});

describe('other events', () => {
  it('unknown event types are recorded and ignored', async () => {
    const s = await newSession('intent');
    fake.confirmAsCustomer(s.ref, 'pm_card_visa');
    const chargeEvent = fake.event('charge.succeeded', fake.paymentIntents.get(s.ref)!.latest_charge);
    const customer = { ...chargeEvent, id: 'evt_customer_created_1', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer', metadata: {} } } };
    expect(await deliverAll([chargeEvent, customer])).toEqual(['charge.succeeded:ignored', 'customer.created:unmatched']);
    const rows = await t.ctx.db.query<{ result: string; detail: string }>('SELECT result, detail FROM gateway_events WHERE provider_event_id = ANY($1::text[]) ORDER BY id', [[chargeEvent.id, customer.id]]);
    expect(rows.rows).toEqual([
      { result: 'ignored', detail: 'Stripe event type charge.succeeded means nothing to Tender' },
      { result: 'unmatched', detail: 'no session matches this event' },
    ]);
    expect(await payment(s.id)).toEqual([]);
  });

  it('charge.dispute.created is recorded on the payment', async () => {
    const s = await newSession('intent');
    fake.confirmAsCustomer(s.ref, 'pm_card_visa');
    await deliverAll([fake.event('payment_intent.succeeded', s.ref)]);
    const d = fake.dispute(s.ref);
    expect(await deliverAll([fake.event('charge.dispute.created', d.id)])).toEqual(['charge.dispute.created:applied']);
    const [p] = await payment(s.id);
    expect(p!.disputed).toBe(true);
    const history = await t.ctx.db.query<{ action: string; data: { reason: string } }>('SELECT action, data FROM payment_events WHERE payment_id = $1 AND action = $2', [p!.id, 'dispute_created']);
    expect(history.rows).toEqual([{ action: 'dispute_created', data: { reason: 'fraudulent' } }]);
  });
});

describe('no secret leaks', () => {
  it('no response, log line or unencrypted column holds an API key or signing secret', async () => {
    const secrets = [SK, WHSEC.stripe, WHSEC.stripe_b];
    const all = responses.join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
    const log = t.logs.join('\n');
    for (const s of secrets) expect(log).not.toContain(s);
    const { rows: columns } = await t.ctx.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')`);
    let scanned = 0;
    const leaks: string[] = [];
    for (const { table_name, column_name } of columns) {
      const { rows } = await t.ctx.db.query<{ v: string | null }>(`SELECT "${column_name}"::text AS v FROM "${table_name}"`);
      for (const { v } of rows) {
        if (v === null) continue;
        scanned++;
        for (const s of secrets) if (v.includes(s)) leaks.push(`${table_name}.${column_name}`);
      }
    }
    expect(scanned).toBeGreaterThan(200);
    expect(leaks).toEqual([]);
  });
});
