import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFor } from '../../src/gateways/registry.js';
import type { TestGateway } from '../../src/gateways/test/test-gateway.js';
import { issueAccessToken } from '../../src/services/access-tokens.js';
import { startTender, type TestTender } from '../support/tender.js';

/** Every card number typed anywhere in this file: none may reach the database or the log. */
const PANS = ['4242424242424242', '4000002760003184', '4000000000000002', '4000000000009995', '5555555555554444'];
const spaced = (pan: string) => pan.replace(/(\d{4})(?=\d)/g, '$1 ');
const FUTURE = '12/39';

let t: TestTender;
let user: string;
let gateway: TestGateway;
const accounts: Record<string, number> = {};

/** Signs a user in without the AuthProvider routes (tested on their own). */
async function tokenFor(email: string): Promise<string> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO users (auth_provider_id, identifier, password_hash, is_active)
     SELECT id, $1, 'x', true FROM auth_providers WHERE identifier = 'email'
     ON CONFLICT (auth_provider_id, identifier) DO UPDATE SET is_active = true RETURNING id`,
    [email],
  );
  const s = await t.ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [rows[0]!.id]);
  return issueAccessToken(t.ctx, { userId: rows[0]!.id, sessionId: s.rows[0]!.id, ttlSec: 900 });
}

/** A payment account of type test, allowed in the demo `orders` storage. */
async function testAccount(identifier: string, captureMethod: 'automatic' | 'manual', urls: { success?: string; cancel?: string } = {}): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO payment_accounts (identifier, type, test_mode, capture_method, success_url, cancel_url)
     VALUES ($1, 'test', true, $2, $3, $4) RETURNING id`,
    [identifier, captureMethod, urls.success ?? null, urls.cancel ?? null],
  );
  const id = rows[0]!.id;
  await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [id]);
  return id;
}

/** An order of one demo product (1: 340.00 USD, 3: 1000 JPY, 4: 1.234 KWD), inserted directly. */
async function createOrder(accountIdentifier: string, productId = 1): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
     SELECT st.id, (SELECT u.id FROM users u WHERE u.identifier = 'buyer@example.com'), 'order', a.id, '[]',
            jsonb_build_array(jsonb_build_object('productId', p.id, 'quantity', 1, 'priceMinor', p.price::text, 'title', p.title)),
            p.currency, p.price, 'inProgress'
       FROM order_storages st, payment_accounts a, products p
      WHERE st.identifier = 'orders' AND a.identifier = $2 AND p.id = $1 RETURNING id`,
    [productId, accountIdentifier],
  );
  return rows[0]!.id;
}

interface SessionView { id: number; status: string; paymentUrl: string | null; clientSecret?: string; sessionId: string | null }

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', 'x-app-token': t.appToken, authorization: `Bearer ${user}`, ...(init.headers as Record<string, string>) },
  });
}

async function newSession(accountIdentifier: string, type: 'session' | 'intent' = 'session', productId = 1): Promise<SessionView> {
  const orderId = await createOrder(accountIdentifier, productId);
  const res = await api('/api/content/payments/sessions', { method: 'POST', body: JSON.stringify({ orderId, type }) });
  expect(res.status).toBe(200);
  return (await res.json()) as SessionView;
}

function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

async function pay(s: SessionView, number: string): Promise<Response> {
  return postForm(s.paymentUrl!, { number, expiry: FUTURE, cvc: '123' });
}

beforeAll(async () => {
  t = await startTender();
  user = await tokenFor('buyer@example.com');
  accounts.test = await testAccount('test', 'automatic', { success: 'https://shop.example/thanks', cancel: 'https://shop.example/cart' });
  accounts.manual = await testAccount('test_manual', 'manual');
  accounts.plain = await testAccount('test_plain', 'automatic');
  gateway = gatewayFor('test') as TestGateway;
});
afterAll(() => t?.close());

describe('test gateway checkout page', () => {
  it.each([
    [1, '340.00 USD'],
    [3, '1000 JPY'],
    [4, '1.234 KWD'],
  ])('shows product %i at its currency exponent (%s), with a labelled card form and no external assets', async (productId, amount) => {
    const s = await newSession('test', 'session', productId);
    expect(s.paymentUrl).toBe(`${t.url}/test-gateway/checkout/${s.sessionId}`);
    const res = await fetch(s.paymentUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain(`<p class="amount">${amount}</p>`);
    for (const id of ['number', 'expiry', 'cvc']) {
      expect(html).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
      expect(html).toContain(`id="${id}" name="${id}"`);
    }
    expect(html).not.toMatch(/<script|<link|<img|src=/i);
  });

  it('4242 pays and redirects (303) to the account success URL', async () => {
    const s = await newSession('test');
    const res = await pay(s, spaced(PANS[0]!));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://shop.example/thanks');
  });

  it('without a success URL the customer lands on Tender\'s payment complete page', async () => {
    const s = await newSession('test_plain');
    const res = await pay(s, PANS[0]!);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toBe(`${t.url}/test-gateway/result/${s.sessionId}`);
    const done = await (await fetch(location)).text();
    expect(done).toContain('Payment complete');
    expect(done).toContain('340.00 USD was paid with the visa card ending in 4242');
    // Opening the checkout page again says it is paid, and paying twice is refused.
    expect(await (await fetch(s.paymentUrl!)).text()).toContain('Already paid');
  });

  it('any other valid number succeeds (here a Mastercard, typed with dashes)', async () => {
    const s = await newSession('test_plain');
    const res = await pay(s, PANS[4]!.replace(/(\d{4})(?=\d)/g, '$1-'));
    expect(res.status).toBe(303);
    expect(await (await fetch(res.headers.get('location')!)).text()).toContain('mastercard card ending in 4444');
  });

  it('3184 goes through the challenge page: Approve → success URL', async () => {
    const s = await newSession('test');
    const res = await pay(s, PANS[1]!);
    expect(res.status).toBe(303);
    const challenge = res.headers.get('location')!;
    expect(challenge).toBe(`${t.url}/test-gateway/challenge/${s.sessionId}`);
    const html = await (await fetch(challenge)).text();
    expect(html).toContain('<button type="submit" name="result" value="approve">Approve</button>');
    expect(html).toContain('value="fail"');
    expect(html).toContain('visa card ending in 3184');
    const approved = await postForm(challenge, { result: 'approve' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe('https://shop.example/thanks');
  });

  it('3184 with the challenge failed → cancel URL (or back to the form, with the reason, when there is none)', async () => {
    const s = await newSession('test');
    const challenge = (await pay(s, PANS[1]!)).headers.get('location')!;
    const failed = await postForm(challenge, { result: 'fail' });
    expect(failed.headers.get('location')).toBe('https://shop.example/cart');

    const plain = await newSession('test_plain');
    const back = await postForm((await pay(plain, PANS[1]!)).headers.get('location')!, { result: 'fail' });
    expect(back.headers.get('location')).toBe(plain.paymentUrl);
    const form = await (await fetch(plain.paymentUrl!)).text();
    expect(form).toContain('The customer did not complete 3-D Secure authentication.');
  });

  it.each([
    [PANS[2]!, 'Your card was declined.'],
    [PANS[3]!, 'Your card has insufficient funds.'],
  ])('%s shows the form again with the decline message (402), without echoing the number', async (pan, message) => {
    const s = await newSession('test');
    const res = await pay(s, pan);
    expect(res.status).toBe(402);
    const html = await res.text();
    expect(html).toContain(`<p class="error" role="alert" id="form-error">${message}</p>`);
    expect(html).not.toMatch(/name="number"[^>]*value=/);
    // The customer can still pay with another card.
    expect((await pay(s, PANS[0]!)).headers.get('location')).toBe('https://shop.example/thanks');
  });

  it('refuses a mistyped number, expiry or CVC (422) and never repeats the number', async () => {
    const s = await newSession('test');
    for (const [fields, message] of [
      [{ number: '4242 4242 4242 4241', expiry: FUTURE, cvc: '123' }, 'The card number is not valid'],
      [{ number: spaced(PANS[4]!), expiry: '13/40', cvc: '123' }, 'The expiry date is not valid'],
      [{ number: spaced(PANS[4]!), expiry: 'soon', cvc: '123' }, 'The expiry date is not valid'],
      [{ number: spaced(PANS[4]!), expiry: '01/20', cvc: '123' }, 'The card has expired'],
      [{ number: spaced(PANS[4]!), expiry: FUTURE, cvc: '1' }, 'The security code (CVC) must be 3 or 4 digits'],
    ] as const) {
      const res = await postForm(s.paymentUrl!, fields);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).not.toContain(PANS[4]!);
      expect(html).not.toContain(spaced(PANS[4]!));
    }
  });

  it('answers 404 for an unknown intent, and an intent-type session has no hosted page', async () => {
    expect((await fetch(`${t.url}/test-gateway/checkout/tgpi_nope`)).status).toBe(404);
    expect((await fetch(`${t.url}/test-gateway/challenge/tgpi_nope`)).status).toBe(404);
    const s = await newSession('test', 'intent');
    expect(s.paymentUrl).toBeNull();
    expect((await fetch(`${t.url}/test-gateway/checkout/${s.sessionId}`)).status).toBe(404);
  });
});

describe('test gateway tokens and client-side confirmation', () => {
  it('tokenizes a card for the storefront\'s own form, CORS-friendly, keeping only brand, last four and expiry', async () => {
    const res = await fetch(`${t.url}/test-gateway/v1/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify({ number: PANS[0], expMonth: 12, expYear: 2039, cvc: '123' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ id: expect.stringMatching(/^tok_test_/), object: 'token', card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2039 } });
    expect(body).not.toContain(PANS[0]!);
    const preflight = await fetch(`${t.url}/test-gateway/v1/tokens`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('refuses an invalid card with the one error body, without echoing the number', async () => {
    const res = await fetch(`${t.url}/test-gateway/v1/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: '4242424242424241', expMonth: 12, expYear: 2039, cvc: '123' }),
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ statusCode: 400, code: 'validation_failed', details: { code: 'invalid_number' } });
    expect(body).not.toContain('4242424242424241');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('documents the JSON endpoints under "Test gateway" in OpenAPI, and hides the pages', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(doc.paths['/test-gateway/v1/tokens']?.post?.tags).toEqual(['Test gateway']);
    expect(doc.paths['/test-gateway/v1/intents/{intentId}/confirm']?.post?.tags).toEqual(['Test gateway']);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/test-gateway/') && !p.startsWith('/test-gateway/v1/'))).toEqual([]);
  });

  it('every other route still refuses a card number (the guard is only lifted on the two card routes)', async () => {
    const s = await newSession('test', 'intent');
    const res = await fetch(`${t.url}/test-gateway/v1/intents/${s.sessionId}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientSecret: s.clientSecret, token: PANS[0] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('card_data_rejected');
  });

  it('confirms an intent from the browser with its client secret; a wrong secret is a 404', async () => {
    const s = await newSession('test_manual', 'intent');
    expect(s.clientSecret).toMatch(/_secret_/);
    const tok = (await (await fetch(`${t.url}/test-gateway/v1/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: PANS[0], expMonth: 1, expYear: 39, cvc: '999' }),
    })).json()) as { id: string };
    const confirm = (secret: string) => fetch(`${t.url}/test-gateway/v1/intents/${s.sessionId}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientSecret: secret, token: tok.id }),
    });
    expect((await confirm(`${s.sessionId}_secret_wrong`)).status).toBe(404);
    const res = await confirm(s.clientSecret!);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: s.sessionId, status: 'requires_capture', nextAction: null, lastError: null });

    const challenged = await newSession('test', 'intent');
    const tok2 = (await (await fetch(`${t.url}/test-gateway/v1/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: PANS[1], expMonth: 1, expYear: 39, cvc: '999' }),
    })).json()) as { id: string };
    const answer = await (await fetch(`${t.url}/test-gateway/v1/intents/${challenged.sessionId}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientSecret: challenged.clientSecret, token: tok2.id, returnUrl: 'https://shop.example/return' }),
    })).json();
    const challenge = `${t.url}/test-gateway/challenge/${challenged.sessionId}`;
    expect(answer).toEqual({ id: challenged.sessionId, status: 'requires_action', nextAction: { type: 'redirect_to_url', url: challenge }, lastError: null });
    // After the challenge the customer returns to the storefront's returnUrl.
    expect((await postForm(challenge, { result: 'approve' })).headers.get('location')).toBe('https://shop.example/return');
  });
});

describe('test gateway → signed webhook → Tender', () => {
  // Needs the lead engineer's POST /api/webhooks/:accountId (src/http/routes/webhook-routes.ts).
  it('a hosted checkout paid with 4242 completes the session and moves the order to its mapped status', async () => {
    const s = await newSession('test');
    expect((await pay(s, PANS[0]!)).status).toBe(303);
    await gateway.idle();
    const { rows } = await t.ctx.db.query<{ type: string; delivery_status: string }>(
      'SELECT type, delivery_status FROM test_gateway_events WHERE intent_id = $1', [s.sessionId]);
    expect(rows).toEqual([{ type: 'payment_intent.succeeded', delivery_status: 'delivered' }]);
    const view = (await (await api(`/api/content/payments/sessions/${s.id}`)).json()) as SessionView;
    expect(view.status).toBe('completed');
    const order = await t.ctx.db.query<{ status_identifier: string; card_last4: string; card_brand: string }>(
      `SELECT o.status_identifier, p.card_last4, p.card_brand FROM payment_sessions s JOIN orders o ON o.id = s.order_id
         JOIN payments p ON p.id = s.payment_id WHERE s.id = $1`, [s.id]);
    expect(order.rows[0]).toEqual({ status_identifier: 'paid', card_last4: '4242', card_brand: 'visa' });
  });

  it('a declined card and a failed challenge leave the session open for another attempt', async () => {
    const s = await newSession('test_plain');
    expect((await pay(s, PANS[2]!)).status).toBe(402);
    await gateway.idle();
    const view = (await (await api(`/api/content/payments/sessions/${s.id}`)).json()) as SessionView;
    expect(['waiting', 'requires_more']).toContain(view.status);
    expect((await pay(s, PANS[0]!)).status).toBe(303);
    await gateway.idle();
    expect(((await (await api(`/api/content/payments/sessions/${s.id}`)).json()) as SessionView).status).toBe('completed');
  });

  it('a merchant capture and refund count once, though the webhooks for them race the direct answers', async () => {
    const s = await newSession('test_manual');
    expect((await pay(s, PANS[0]!)).status).toBe(303);
    await gateway.idle();
    const { rows } = await t.ctx.db.query<{ payment_id: number | null }>('SELECT payment_id FROM payment_sessions WHERE id = $1', [s.id]);
    const paymentId = rows[0]!.payment_id!;
    const admin = (path: string, body: unknown) => fetch(`${t.url}/api/admin/payments/${paymentId}/${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` }, body: JSON.stringify(body),
    });
    expect((await admin('capture', { amount: '100.00' })).status).toBe(200);
    expect((await admin('refund', { amount: 50, reason: 'damaged' })).status).toBe(200);
    await gateway.idle();
    const events = await t.ctx.db.query<{ type: string; delivery_status: string }>(
      'SELECT type, delivery_status FROM test_gateway_events WHERE intent_id = $1 ORDER BY created_at, type', [s.sessionId]);
    expect(events.rows.map((e) => `${e.type}:${e.delivery_status}`)).toEqual(
      ['payment_intent.amount_capturable_updated:delivered', 'charge.captured:delivered', 'charge.refunded:delivered']);
    const p = await t.ctx.db.query<{ authorized_amount: bigint; captured_amount: bigint; refunded_amount: bigint }>(
      'SELECT authorized_amount, captured_amount, refunded_amount FROM payments WHERE id = $1', [paymentId]);
    expect(p.rows[0]).toEqual({ authorized_amount: 34_000n, captured_amount: 10_000n, refunded_amount: 5_000n });
    const intent = await t.ctx.db.query<{ amount_captured: bigint; amount_refunded: bigint; amount_capturable: bigint }>(
      'SELECT amount_captured, amount_refunded, amount_capturable FROM test_gateway_intents WHERE id = $1', [s.sessionId]);
    expect(intent.rows[0]).toEqual({ amount_captured: 10_000n, amount_refunded: 5_000n, amount_capturable: 24_000n });
  });
});

describe('card numbers never reach Tender\'s storage or logs', () => {
  it('after every flow above, no text or JSON column of any table and no log line holds a card number', async () => {
    await gateway.idle();
    const { rows: columns } = await t.ctx.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
        ORDER BY table_name, column_name`);
    const tables = new Set(columns.map((c) => c.table_name));
    expect(tables).toContain('test_gateway_tokens');
    expect(tables).toContain('test_gateway_events');
    let scanned = 0;
    const leaks: string[] = [];
    for (const { table_name, column_name } of columns) {
      const { rows } = await t.ctx.db.query<{ v: string | null }>(`SELECT "${column_name}"::text AS v FROM "${table_name}"`);
      for (const { v } of rows) {
        if (v === null) continue;
        scanned++;
        const digits = v.replace(/[\s-]/g, '');
        for (const pan of PANS) if (digits.includes(pan)) leaks.push(`${table_name}.${column_name}`);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(leaks).toEqual([]);
    // The tokens are there, with their last four digits only.
    const tokens = await t.ctx.db.query<{ last4: string }>('SELECT DISTINCT last4 FROM test_gateway_tokens ORDER BY last4');
    expect(tokens.rows.map((r) => r.last4)).toEqual(expect.arrayContaining(['4242', '3184', '0002', '9995', '4444']));

    expect(t.logs.length).toBeGreaterThan(10);
    const log = t.logs.join('\n');
    for (const pan of PANS) {
      expect(log).not.toContain(pan);
      expect(log).not.toContain(spaced(pan));
    }
  });
});
