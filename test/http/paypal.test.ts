import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaypalFake, type FakeCredentials, type FakeEvent, type PaypalFake } from '../fakes/paypal-fake.js';
import { signIn } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

/**
 * Tender with PayPal accounts whose API base is a local fake of PayPal's REST API: the official
 * SDK, Tender's routes, the engine and the database are all real.
 */
let t: TestTender;
let fake: PaypalFake;
let creds: FakeCredentials;
let user: string;
const accounts: Record<string, number> = {};
/** Every response body Tender sent in this file, to search for secrets at the end. */
const responses: string[] = [];

interface SessionView { id: number; status: string; paymentUrl: string | null; sessionId: string | null; paymentId: number | null }

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const admin = path.startsWith('/api/admin');
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: `Bearer ${t.adminToken}` } : { 'x-app-token': t.appToken, authorization: `Bearer ${user}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A PayPal account inserted directly (the admin accounts API is tested elsewhere), secrets sealed. */
async function paypalAccount(identifier: string, captureMethod: 'automatic' | 'manual'): Promise<number> {
  const sealed = t.ctx.keys.seal(JSON.stringify({ clientId: creds.clientId, clientSecret: creds.clientSecret, webhookId: creds.webhookId }), 'account-secrets');
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO payment_accounts (identifier, type, test_mode, capture_method, success_url, cancel_url, test_settings, test_secrets)
     VALUES ($1, 'paypal', true, $2, 'https://shop.example/thanks', 'https://shop.example/cart', $3, $4) RETURNING id`,
    [identifier, captureMethod, { apiBase: fake.url }, sealed],
  );
  await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [rows[0]!.id]);
  return rows[0]!.id;
}

/** An order of one demo product (1: 340.00 USD, 3: 1000 JPY, 4: 1.234 KWD), then its session. */
async function newSession(accountIdentifier: string, productId = 1): Promise<SessionView & { orderId: number }> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
     SELECT st.id, (SELECT u.id FROM users u WHERE u.identifier = 'paypal-buyer@example.com'), 'order', a.id, '[]',
            jsonb_build_array(jsonb_build_object('productId', p.id, 'quantity', 1, 'priceMinor', p.price::text, 'title', p.title)),
            p.currency, p.price, 'inProgress'
       FROM order_storages st, payment_accounts a, products p
      WHERE st.identifier = 'orders' AND a.identifier = $2 AND p.id = $1 RETURNING id`,
    [productId, accountIdentifier],
  );
  const orderId = rows[0]!.id;
  const res = await call('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
  return { ...(res.body as SessionView), orderId, status: res.status === 200 ? res.body.status : `http_${res.status}` };
}

const deliver = (event: FakeEvent) => fake.deliver(event, `${t.url}/api/webhooks/${accounts.paypal}`, creds.webhookId).then((r) => {
  responses.push(JSON.stringify(r.body));
  return r;
});
const deliverTo = (accountId: number, event: FakeEvent) => fake.deliver(event, `${t.url}/api/webhooks/${accountId}`, creds.webhookId);
const sessionOf = async (id: number) => (await call('GET', `/api/content/payments/sessions/${id}`)).body as SessionView;
const eventOf = (orderId: string, type: string) => {
  const e = fake.eventsOf(orderId, type)[0];
  if (!e) throw new Error(`the fake sent no ${type} for ${orderId}`);
  return e;
};

async function orderState(sessionId: number) {
  const { rows } = await t.ctx.db.query<{ status_identifier: string; captured_amount: bigint | null; refunded_amount: bigint | null; payment_status: string | null }>(
    `SELECT o.status_identifier, p.captured_amount, p.refunded_amount, p.status AS payment_status FROM payment_sessions s
       JOIN orders o ON o.id = s.order_id LEFT JOIN payments p ON p.id = s.payment_id WHERE s.id = $1`, [sessionId]);
  return rows[0]!;
}

async function tableCounts(): Promise<Record<string, number>> {
  const { rows } = await t.ctx.db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
  const out: Record<string, number> = {};
  for (const { table_name } of rows) out[table_name] = (await t.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table_name}"`)).rows[0]!.n;
  return out;
}

beforeAll(async () => {
  t = await startTender();
  fake = await startPaypalFake();
  creds = fake.addClient();
  user = (await signIn(t, 'paypal-buyer@example.com')).token;
  accounts.paypal = await paypalAccount('paypal', 'automatic');
  accounts.manual = await paypalAccount('paypal_manual', 'manual');
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('PayPal checkout through Tender', () => {
  it('goes from createSession to completed through a verified webhook, and the order takes its mapped status', async () => {
    const s = await newSession('paypal');
    expect(s.status).toBe('waiting');
    expect(s.sessionId).toMatch(/^[A-Z0-9]{17}$/);
    expect(s.paymentUrl).toBe(`https://www.sandbox.paypal.com/checkoutnow?token=${s.sessionId}`);
    fake.approve(s.sessionId!);
    // The customer returns; Tender captures, but PayPal's answer is lost on the way back.
    fake.failNext('POST', new RegExp(`/orders/${s.sessionId}/capture$`), 'apply-then-500');
    const lost = await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    expect(lost.status).toBe(504);
    expect((await sessionOf(s.id)).status).toBe('waiting');
    expect(fake.orders.get(s.sessionId!)!.status).toBe('COMPLETED');

    // (CHECKOUT.ORDER.APPROVED would make Tender capture at once; see the test of an approval
    // whose customer never returns. Here only the capture's own event arrives.)
    const completed = eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED');
    expect(await deliver(completed)).toMatchObject({ status: 200, body: { received: true, result: 'applied', eventId: completed.id } });

    const view = await sessionOf(s.id);
    expect(view.status).toBe('completed');
    expect(await orderState(s.id)).toEqual({ status_identifier: 'paid', captured_amount: 34_000n, refunded_amount: 0n, payment_status: 'captured' });
    const events = await t.ctx.db.query<{ provider_event_id: string; type: string; result: string; session_id: number }>(
      'SELECT provider_event_id, type, result, session_id FROM gateway_events WHERE account_id = $1 AND session_id = $2 ORDER BY id', [accounts.paypal, s.id]);
    expect(events.rows.map((e) => `${e.type}:${e.result}`)).toEqual(['PAYMENT.CAPTURE.COMPLETED:applied']);
  });

  it('the customer\'s return captures at once; the webhooks that follow change nothing', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    const res = await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('authorized');
    expect((await sessionOf(s.id)).status).toBe('completed');
    expect(await deliver(eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED'))).toMatchObject({ status: 200, body: { result: 'duplicate' } });
    expect(await orderState(s.id)).toMatchObject({ status_identifier: 'paid', captured_amount: 34_000n });
    const { rows } = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM captures c JOIN payments p ON p.id = c.payment_id WHERE p.session_id = $1', [s.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('the same event delivered 3 times concurrently is applied once', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    fake.failNext('POST', new RegExp(`/orders/${s.sessionId}/capture$`), 'apply-then-reset');
    expect((await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {})).status).toBe(504);
    const completed = eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED');
    const answers = await Promise.all([deliver(completed), deliver(completed), deliver(completed)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => (a.body as { result: string }).result).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    const rows = await t.ctx.db.query<{ events: number; payments: number; captures: number; history: number }>(
      `SELECT (SELECT count(*)::int FROM gateway_events WHERE provider_event_id = $2) AS events,
              (SELECT count(*)::int FROM payments WHERE session_id = $1) AS payments,
              (SELECT count(*)::int FROM captures c JOIN payments p ON p.id = c.payment_id WHERE p.session_id = $1) AS captures,
              (SELECT count(*)::int FROM payment_events WHERE session_id = $1 AND entity = 'payment' AND action = 'created') AS history`,
      [s.id, completed.id]);
    expect(rows.rows[0]).toEqual({ events: 1, payments: 1, captures: 1, history: 1 });
    expect(await orderState(s.id)).toMatchObject({ status_identifier: 'paid', captured_amount: 34_000n });
  });

  it('a forged webhook (PayPal answers FAILURE) gets 400 and writes nothing but the rejection log', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const genuine = eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED');
    const forged: FakeEvent = { ...genuine, id: 'WH-FORGED-ABCDEFGHJK', resource: { ...genuine.resource, amount: { currency_code: 'USD', value: '0.01' } } };
    const before = await tableCounts();
    const { body, headers } = fake.signed(genuine, creds.webhookId);
    const attempts = [
      // A genuine signature over another body.
      fetch(`${t.url}/api/webhooks/${accounts.paypal}`, { method: 'POST', headers, body: JSON.stringify(forged) }),
      // A made-up signature.
      fetch(`${t.url}/api/webhooks/${accounts.paypal}`, { method: 'POST', headers: { ...headers, 'paypal-transmission-sig': 'Zm9yZ2Vk' }, body }),
    ];
    for (const res of await Promise.all(attempts)) {
      const text = await res.text();
      responses.push(text);
      expect(res.status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ statusCode: 400, code: 'webhook_signature_invalid', message: expect.stringContaining('verification_status FAILURE') });
    }
    const after = await tableCounts();
    expect(after.webhook_rejections).toBe(before.webhook_rejections! + 2);
    expect({ ...after, webhook_rejections: 0 }).toEqual({ ...before, webhook_rejections: 0 });
    const verdicts = fake.requests.filter((r) => r.path === '/v1/notifications/verify-webhook-signature').slice(-2);
    expect(verdicts.map((r) => r.status)).toEqual([200, 200]);
  });

  it('sends a zero-decimal currency in PayPal\'s unit (1000 JPY as "1000") and records the payment exactly', async () => {
    const s = await newSession('paypal', 3);
    const created = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v2/checkout/orders').at(-1)!;
    expect((created.body as { purchase_units: { amount: unknown; items: unknown }[] }).purchase_units[0]).toMatchObject({
      amount: { currency_code: 'JPY', value: '1000', breakdown: { item_total: { currency_code: 'JPY', value: '1000' } } },
      items: [{ unit_amount: { currency_code: 'JPY', value: '1000' }, quantity: '1' }],
    });
    fake.approve(s.sessionId!);
    expect((await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {})).status).toBe(200);
    expect(await orderState(s.id)).toMatchObject({ captured_amount: 1000n, status_identifier: 'paid' });
    expect(eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED').resource.amount).toEqual({ currency_code: 'JPY', value: '1000' });
  });

  it('refuses a KWD order at initiate (PayPal has no 3-decimal currency) without calling PayPal', async () => {
    const before = fake.requests.filter((r) => r.path === '/v2/checkout/orders').length;
    const s = await newSession('paypal', 4);
    expect(s.status).toBe('http_400');
    expect(fake.requests.filter((r) => r.path === '/v2/checkout/orders').length).toBe(before);
    const { rows } = await t.ctx.db.query<{ status: string; last_error: { message: string } }>(
      'SELECT status, last_error FROM payment_sessions WHERE order_id = $1', [s.orderId]);
    expect(rows[0]!.status).toBe('failed');
    expect(rows[0]!.last_error.message).toMatch(/PayPal does not accept KWD \(PayPal supports no 3-decimal currency\)/);
  });

  it('answers the KWD refusal as 400 unknown_currency with PayPal\'s reason', async () => {
    const { rows } = await t.ctx.db.query<{ id: number }>(
      `INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
       SELECT st.id, (SELECT id FROM users WHERE identifier = 'paypal-buyer@example.com'), 'order', $1, '[]', '[]', 'KWD', 1234, 'inProgress'
         FROM order_storages st WHERE st.identifier = 'orders' RETURNING id`, [accounts.paypal]);
    const res = await call('POST', '/api/content/payments/sessions', { orderId: rows[0]!.id, type: 'session' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'unknown_currency', message: expect.stringContaining('PayPal does not accept KWD') });
  });
});

describe('PayPal redirect return and reconciliation', () => {
  it('the customer\'s return (confirm) captures the approved order; before approval it changes nothing', async () => {
    const s = await newSession('paypal');
    const early = await call('POST', `/api/content/payments/sessions/${s.id}/confirm`, {});
    expect(early.status).toBe(200);
    expect(early.body.status).toBe('waiting');
    expect(fake.orders.get(s.sessionId!)!.status).toBe('PAYER_ACTION_REQUIRED');
    fake.approve(s.sessionId!);
    const back = await call('POST', `/api/content/payments/sessions/${s.id}/confirm`, {});
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('completed');
    expect(fake.orders.get(s.sessionId!)!.captures).toHaveLength(1);
    expect(await orderState(s.id)).toMatchObject({ status_identifier: 'paid', captured_amount: 34_000n });
  });

  it('reconciliation finds a capture whose answer was lost, with no webhook at all', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    fake.failNext('POST', new RegExp(`/orders/${s.sessionId}/capture$`), 'apply-then-reset');
    expect((await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {})).status).toBe(504);
    const { reconcile } = await import('../../src/services/engine/reconcile.js');
    await reconcile(t.ctx, { olderThanSec: 0 });
    expect((await sessionOf(s.id)).status).toBe('completed');
    expect(await deliver(eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED'))).toMatchObject({ status: 200, body: { result: 'duplicate' } });
    expect(await orderState(s.id)).toMatchObject({ captured_amount: 34_000n, payment_status: 'captured' });
  });

  it('reconciliation settles a merchant capture whose answer was lost, under PayPal\'s capture id', async () => {
    const s = await newSession('paypal_manual');
    fake.approve(s.sessionId!);
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const paymentId = (await sessionOf(s.id)).paymentId!;
    fake.failNext('POST', /\/authorizations\/[A-Z0-9]+\/capture$/, 'apply-then-reset');
    const lost = await call('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '40.00' });
    expect(lost.status).toBe(202);
    expect(lost.body.operation.status).toBe('unknown');
    const { reconcile } = await import('../../src/services/engine/reconcile.js');
    await reconcile(t.ctx, { olderThanSec: 0 });
    const { rows } = await t.ctx.db.query<{ status: string; gateway_ref: string }>('SELECT status, gateway_ref FROM captures WHERE payment_id = $1', [paymentId]);
    expect(rows).toEqual([{ status: 'succeeded', gateway_ref: fake.orders.get(s.sessionId!)!.captures[0]!.id }]);
    expect(await deliverTo(accounts.manual!, eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED'))).toMatchObject({ status: 200, body: { result: 'duplicate' } });
    expect(await orderState(s.id)).toMatchObject({ captured_amount: 4_000n, payment_status: 'partially_captured' });
  });

  // Not wired yet (engine): with PayPal's "Pay Now" button the customer believes they paid once
  // they approve. If they close the tab before the redirect, only CHECKOUT.ORDER.APPROVED reaches
  // Tender; the adapter records it as ignored with reason "customer_approved: …" (it never moves
  // money while reading an event, so the engine's session checks run first). Nothing then
  // authorizes the session: reconciliation only looks at expired, unknown and requires_action
  // sessions, and retrieve is read-only — the approved order is never captured and expires.
  it('an approved order whose customer never returns is captured after CHECKOUT.ORDER.APPROVED', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    expect(await deliver(eventOf(s.sessionId!, 'CHECKOUT.ORDER.APPROVED'))).toMatchObject({ status: 200 });
    const { reconcile } = await import('../../src/services/engine/reconcile.js');
    await reconcile(t.ctx, { olderThanSec: 0 });
    expect((await sessionOf(s.id)).status).toBe('completed');
  });
});

describe('PayPal manual capture, refunds and voids through Tender', () => {
  it('authorizes on return, captures and refunds from the admin API; the racing webhooks count once', async () => {
    const s = await newSession('paypal_manual');
    fake.approve(s.sessionId!);
    expect((await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {})).body.status).toBe('authorized');
    expect((await sessionOf(s.id)).status).toBe('authorized');
    const paymentId = (await sessionOf(s.id)).paymentId!;
    expect(await deliverTo(accounts.manual!, eventOf(s.sessionId!, 'PAYMENT.AUTHORIZATION.CREATED'))).toMatchObject({ status: 200, body: { result: 'duplicate' } });

    const captured = await call('POST', `/api/admin/payments/${paymentId}/capture`, { amount: '100.00' });
    expect(captured.status).toBe(200);
    expect(captured.body.operation.status).toBe('succeeded');
    expect(await deliverTo(accounts.manual!, eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED'))).toMatchObject({ status: 200, body: { result: 'duplicate' } });

    const refunded = await call('POST', `/api/admin/payments/${paymentId}/refund`, { amount: 50, reason: 'damaged' });
    expect(refunded.status).toBe(200);
    const refundEvent = fake.events.filter((e) => e.event_type === 'PAYMENT.CAPTURE.REFUNDED').at(-1)!;
    expect(refundEvent.resource).toMatchObject({ amount: { currency_code: 'USD', value: '50.00' }, note_to_payer: 'damaged' });
    expect(await deliverTo(accounts.manual!, refundEvent)).toMatchObject({ status: 200, body: { result: 'duplicate' } });

    const p = await t.ctx.db.query<{ authorized_amount: bigint; captured_amount: bigint; refunded_amount: bigint; status: string }>(
      'SELECT authorized_amount, captured_amount, refunded_amount, status FROM payments WHERE id = $1', [paymentId]);
    expect(p.rows[0]).toEqual({ authorized_amount: 34_000n, captured_amount: 10_000n, refunded_amount: 5_000n, status: 'partially_captured' });
    const ops = await t.ctx.db.query<{ kind: string; gateway_ref: string }>(
      `SELECT 'capture' AS kind, gateway_ref FROM captures WHERE payment_id = $1 UNION ALL SELECT 'refund', gateway_ref FROM refunds WHERE payment_id = $1`, [paymentId]);
    const order = fake.orders.get(s.sessionId!)!;
    expect(ops.rows).toEqual([{ kind: 'capture', gateway_ref: order.captures[0]!.id }, { kind: 'refund', gateway_ref: order.refunds[0]!.id }]);
  });

  it('a refund made at PayPal (not through Tender) arrives by webhook and is recorded once', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const { paypalGateway } = await import('../../src/gateways/paypal/paypal-gateway.js');
    const { getAccount, toGatewayAccount } = await import('../../src/store/account-store.js');
    const account = toGatewayAccount(t.ctx, (await getAccount(t.ctx.db, accounts.paypal!))!);
    // The merchant refunds in PayPal's dashboard: PayPal's refund call with no Tender operation behind it.
    const r = await paypalGateway.refund(account, { gatewayRef: s.sessionId, sessionRef: s.sessionId, amount: { amount: 34_000n, currency: 'USD' } }, { amount: 4_000n, currency: 'USD' }, null, 'dashboard-refund-1');
    expect(r.outcome).toBe('succeeded');
    const event = fake.events.filter((e) => e.event_type === 'PAYMENT.CAPTURE.REFUNDED').at(-1)!;
    const answers = await Promise.all([deliver(event), deliver(event)]);
    expect(answers.map((a) => (a.body as { result: string }).result).sort()).toEqual(['applied', 'duplicate']);
    expect(await orderState(s.id)).toMatchObject({ refunded_amount: 4_000n, captured_amount: 34_000n, payment_status: 'partially_refunded' });
  });

  it('cancel voids the authorization at PayPal; the VOIDED webhook that follows changes nothing', async () => {
    const s = await newSession('paypal_manual');
    fake.approve(s.sessionId!);
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const paymentId = (await sessionOf(s.id)).paymentId!;
    const canceled = await call('POST', `/api/admin/payments/${paymentId}/cancel`, {});
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    expect(fake.orders.get(s.sessionId!)!.authorization!.status).toBe('VOIDED');
    expect(await deliverTo(accounts.manual!, eventOf(s.sessionId!, 'PAYMENT.AUTHORIZATION.VOIDED'))).toMatchObject({ status: 200, body: { result: 'duplicate' } });
  });
});

describe('PayPal events Tender cannot act on', () => {
  it('an event that would move a completed payment backwards is recorded as stale and ignored', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const completed = eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED');
    const denied: FakeEvent = { ...completed, id: `WH-DENIED-${completed.id.slice(3)}`, event_type: 'PAYMENT.CAPTURE.DENIED', resource: { ...completed.resource, status: 'DECLINED' } };
    expect(await deliver(denied)).toMatchObject({ status: 200, body: { result: 'stale' } });
    expect((await sessionOf(s.id)).status).toBe('completed');
    const { rows } = await t.ctx.db.query<{ result: string; detail: string }>('SELECT result, detail FROM gateway_events WHERE provider_event_id = $1', [denied.id]);
    expect(rows[0]).toEqual({ result: 'stale', detail: 'session is authorized' });
  });

  it('an unknown event type is verified, recorded and ignored (or unmatched when it names no order of Tender\'s)', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!);
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const completed = eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED');
    const reversed: FakeEvent = { ...completed, id: `WH-REVERSED-${completed.id.slice(3)}`, event_type: 'PAYMENT.CAPTURE.REVERSED', resource: { ...completed.resource, status: 'REVERSED' } };
    expect(await deliver(reversed)).toMatchObject({ status: 200, body: { result: 'ignored', eventId: reversed.id } });
    const dispute: FakeEvent = { ...completed, id: `WH-DISPUTE-${completed.id.slice(3)}`, event_type: 'CUSTOMER.DISPUTE.CREATED', resource_type: 'dispute', resource: { dispute_id: 'PP-D-12345', status: 'OPEN' } };
    expect(await deliver(dispute)).toMatchObject({ status: 200, body: { result: 'unmatched', eventId: dispute.id } });
    const { rows } = await t.ctx.db.query<{ result: string; type: string; detail: string }>(
      'SELECT result, type, detail FROM gateway_events WHERE provider_event_id = ANY($1::text[]) ORDER BY id', [[reversed.id, dispute.id]]);
    expect(rows).toEqual([
      { result: 'ignored', type: 'PAYMENT.CAPTURE.REVERSED', detail: 'PayPal event type PAYMENT.CAPTURE.REVERSED means nothing to Tender' },
      { result: 'unmatched', type: 'CUSTOMER.DISPUTE.CREATED', detail: 'no session matches this event' },
    ]);
    expect(await orderState(s.id)).toMatchObject({ status_identifier: 'paid', payment_status: 'captured' });
  });

  // HTTP bug (src/http/plugins/card-data-guard.ts): the card-number guard scans the raw webhook
  // body before verification, so a genuine PayPal event that carries a 13–19 digit Luhn-valid
  // run — e.g. the card network's transaction id in network_transaction_reference.id on a
  // card-funded capture — is refused with 400 card_data_rejected on every retry and never applied
  // (nor logged in webhook_rejections). Provider webhooks are signed bodies, not customer input.
  it('accepts a verified PayPal event whose network transaction id happens to pass the Luhn check', async () => {
    const s = await newSession('paypal');
    fake.approve(s.sessionId!, { card: { brand: 'visa', last4: '1881' } });
    fake.failNext('POST', new RegExp(`/orders/${s.sessionId}/capture$`), 'apply-then-500');
    await call('POST', `/api/content/payments/sessions/${s.id}/authorize`, {});
    const completed = eventOf(s.sessionId!, 'PAYMENT.CAPTURE.COMPLETED');
    const withReference: FakeEvent = { ...completed, resource: { ...completed.resource, network_transaction_reference: { id: luhnValid15(), network: 'VISA' } } };
    expect(await deliver(withReference)).toMatchObject({ status: 200, body: { result: 'applied' } });
  });
});

/** A 15-digit network transaction id that happens to pass the Luhn check. */
function luhnValid15(): string {
  const body = '48310592876140';
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

describe('PayPal secrets never leave the encrypted column', () => {
  it('no client id, client secret, webhook id or access token is in any API response, log line or readable column', async () => {
    const secrets = [creds.clientId, creds.clientSecret, creds.webhookId, ...fake.issuedTokens()];
    expect(fake.issuedTokens().length).toBeGreaterThan(0);
    const admin = await call('GET', '/api/admin/payments');
    expect(admin.status).toBe(200);
    const { rows: columns } = await t.ctx.db.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables tb
         ON tb.table_name = c.table_name AND tb.table_schema = c.table_schema AND tb.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`);
    const leaks: string[] = [];
    let scanned = 0;
    for (const { table_name, column_name } of columns) {
      const { rows } = await t.ctx.db.query<{ v: string | null }>(`SELECT "${column_name}"::text AS v FROM "${table_name}"`);
      for (const { v } of rows) {
        if (v === null) continue;
        scanned++;
        for (const s of secrets) if (v.includes(s)) leaks.push(`${table_name}.${column_name}`);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
    const sealed = await t.ctx.db.query<{ test_secrets: string }>('SELECT test_secrets FROM payment_accounts WHERE id = $1', [accounts.paypal]);
    expect(sealed.rows[0]!.test_secrets).toMatch(/^v1\./);

    expect(t.logs.some((l) => l.includes('gateway authorize failed'))).toBe(true);
    const log = t.logs.join('\n');
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    for (const s of [...secrets, basic]) expect(log).not.toContain(s);
    expect(responses.length).toBeGreaterThan(20);
    for (const body of responses) for (const s of secrets) expect(body).not.toContain(s);
  });
});
