/**
 * `processPayment` under one Idempotency-Key, against a real Tender on the test gateway: the
 * key makes a payment exactly-once however many times (and however concurrently) the call is
 * sent, and a key cannot be reused for another request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenderApiError, type Payment, type TenderAdminClient } from '../../src/sdk/index.js';
import { insertOrder } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';
import { addProduct, addTestAccount, CARDS, demoUserId, paymentRows, signedInSdk, tokenize } from '../seeds/seed-support.js';

let t: TestTender;
let sdk: TenderAdminClient;
let accessToken: string;
let userId: number;
let productId: number;

beforeAll(async () => {
  t = await startTender();
  await addTestAccount(t, 'card', 'automatic');
  productId = await addProduct(t, 'Idempotent widget', 2500);
  ({ sdk, accessToken } = await signedInSdk(t));
  userId = await demoUserId(t);
});
afterAll(() => t?.close());

/** The request the SDK sends, by hand, to see raw bodies and headers (same user as the SDK). */
function rawProcess(key: string, body: unknown): Promise<Response> {
  return fetch(`${t.url}/api/content/payments/process`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-app-token': t.appToken,
      authorization: `Bearer ${accessToken}`,
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
}

describe('processPayment with an Idempotency-Key', () => {
  it('20 concurrent calls with one key make one payment and get 20 identical answers', async () => {
    const orderId = await insertOrder(t, userId, productId, 1, 'card');
    const token = await tokenize(t, CARDS.succeeds);
    const key = `pay-order-${orderId}`;
    const body = { orderId, amount: 25, currency: 'USD', paymentMethod: 'card', token };

    const responses = await Promise.all(Array.from({ length: 20 }, () => rawProcess(key, body)));
    const texts = await Promise.all(responses.map((r) => r.text()));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(texts).size).toBe(1);
    // One request ran; the 19 others waited for it and got its stored answer.
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    const payment = JSON.parse(texts[0]!) as Payment;
    expect(payment).toMatchObject({ orderId, status: 'completed', amount: 25, amountMinor: 2500, capturedMinor: 2500, currency: 'USD', gateway: 'test' });
    expect(await paymentRows(t, orderId)).toBe(1);
    const charged = await t.ctx.db.query<{ n: number; captured: string }>(
      'SELECT count(*)::int AS n, sum(amount_captured)::text AS captured FROM test_gateway_intents WHERE tender_session_id IN (SELECT id FROM payment_sessions WHERE order_id = $1)',
      [orderId]);
    expect(charged.rows[0]).toEqual({ n: 1, captured: '2500' });
  });

  it('refuses the same key with a different amount: 409 idempotency_conflict, nothing written', async () => {
    const orderId = await insertOrder(t, userId, productId, 1, 'card');
    const token = await tokenize(t, CARDS.succeeds);
    const key = `conflict-${orderId}`;
    const first = await sdk.Payments.processPayment({ orderId, amount: '25.00', currency: 'USD', token }, { idempotencyKey: key });
    expect(first.status).toBe('completed');

    const error = await sdk.Payments.processPayment({ orderId, amount: '24.00', currency: 'USD', token }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenderApiError);
    expect(error).toMatchObject({ statusCode: 409, code: 'idempotency_conflict' });
    expect(await paymentRows(t, orderId)).toBe(1);
  });

  it('answers a retry after success with the stored response and idempotent-replayed: true', async () => {
    const orderId = await insertOrder(t, userId, productId, 1, 'card');
    const token = await tokenize(t, CARDS.succeeds);
    const key = `retry-${orderId}`;
    const body = { orderId, currency: 'usd', token };

    const first = await rawProcess(key, body);
    const firstText = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await rawProcess(key, body);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.text()).toBe(firstText);

    // The SDK with the same key gets the same payment back, not a second charge.
    const again = await sdk.Payments.processPayment(body, { idempotencyKey: key });
    expect(again).toEqual(JSON.parse(firstText));
    expect(await paymentRows(t, orderId)).toBe(1);
  });

  it('without a key of its own, each SDK call gets a fresh one: a second payment of a paid order is refused', async () => {
    const orderId = await insertOrder(t, userId, productId, 1, 'card');
    await sdk.Payments.processPayment({ orderId, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });
    const error = await sdk.Payments.processPayment({ orderId, currency: 'USD', token: await tokenize(t, CARDS.succeeds) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 409, code: 'order_locked' });
    expect(await paymentRows(t, orderId)).toBe(1);
  });
});
