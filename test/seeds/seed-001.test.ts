/**
 * Seed 001 (the OneEntry Payments module guide): its code samples, run through our SDK against
 * a real Tender on the built-in test gateway. Adapted only where the seed leans on Stripe:
 * - `'tok_from_stripe'` / `stripe.createToken(cardElement)` → a token from the test gateway's
 *   tokenization endpoint (`tokenize`), as a storefront's card form would get it;
 * - `stripe.confirmCardPayment(payment.clientSecret)` → the customer's browser following
 *   `payment.nextAction.url` and approving the 3-D Secure challenge (`completeChallenge`);
 * - `refundPayment` is the merchant's, so the client carries our admin token;
 * - `waitForPayment` polls every 50 ms instead of 2 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminTokenRequiredError,
  defineOneEntry,
  TenderApiError,
  type Payment,
  type TenderAdminClient,
} from '../../src/sdk/index.js';
import { applyEvent } from '../../src/services/engine/gateway-events.js';
import { insertOrder } from '../support/fixtures.js';
import { webhooksIdle } from '../support/test-gateway.js';
import { startTender, type TestTender } from '../support/tender.js';
import {
  addProduct, addTestAccount, CARDS, completeChallenge, demoUserId, signedInSdk, tokenize,
} from './seed-support.js';

let t: TestTender;
let sdk: TenderAdminClient;
let userId: number;
/** 99.99 USD, the seed's amount. */
let productId: number;

beforeAll(async () => {
  t = await startTender();
  await addTestAccount(t, 'card', 'automatic');
  productId = await addProduct(t, 'Seed 001 item', 9999);
  ({ sdk } = await signedInSdk(t));
  userId = await demoUserId(t);
});
afterAll(() => t?.close());

/** An order of the demo user for 99.99 USD, paid through the test gateway account. */
async function newOrder(): Promise<{ id: number }> {
  return { id: await insertOrder(t, userId, productId, 1, 'card') };
}

async function orderStatus(orderId: number): Promise<string | null> {
  const { rows } = await t.ctx.db.query<{ status_identifier: string | null }>('SELECT status_identifier FROM orders WHERE id = $1', [orderId]);
  return rows[0]!.status_identifier;
}

/** The current user's payments of one order (read through getPayments). */
async function paymentsOf(orderId: number): Promise<Payment[]> {
  return (await sdk.Payments.getPayments(0, 100)).items.filter((p) => p.orderId === orderId);
}

/** How Tender processed the test gateway's `charge.refunded` webhook for an intent (waits up to 5 s). */
async function refundWebhookResult(intentId: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await t.ctx.db.query<{ result: string }>(
      `SELECT g.result FROM gateway_events g JOIN test_gateway_events e ON e.id = g.provider_event_id
        WHERE e.intent_id = $1 AND g.type = 'charge.refunded' AND g.result <> 'received'`, [intentId]);
    if (rows[0]) return rows[0].result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** The seed's `waitForPayment`, verbatim except the poll interval. */
function waitForPaymentWith(Payments: TenderAdminClient['Payments']) {
  return async function waitForPayment(paymentId: number): Promise<Payment> {
    let attempts = 0;
    const maxAttempts = 30;

    while (attempts < maxAttempts) {
      const payment = await Payments.getPaymentById(paymentId);

      if (payment.status === 'completed') {
        return payment;
      } else if (payment.status === 'failed') {
        throw new Error('Payment failed');
      }

      await new Promise((resolve) => setTimeout(resolve, 50)); // seed: 2000 ms
      attempts++;
    }

    throw new Error('Payment timeout');
  };
}

describe('seed 001: Payments module', () => {
  it('"✅ Good - Secure tokenized payment": processPayment charges the order with a token', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const tok_from_stripe = await tokenize(t, CARDS.succeeds);

    // --- from the seed ---
    const payment = await Payments.processPayment({
      orderId: order.id,
      amount: 99.99,
      currency: 'USD',
      paymentMethod: 'card',
      token: tok_from_stripe, // Tokenized, secure
    });
    // ---

    expect(payment).toMatchObject({
      orderId: order.id,
      amount: 99.99,
      amountMinor: 9999,
      currency: 'USD',
      status: 'completed',
      paymentMethod: 'card',
      gateway: 'test',
      gatewayTransactionId: expect.stringMatching(/^tgpi_/),
      cardDetails: { brand: 'visa', last4: '4242' },
      capturedAmount: 99.99,
      refundedAmount: 0,
      nextAction: null,
    });
    expect(await orderStatus(order.id)).toBe('paid');
  });

  it('"📊 Quick Reference Table": getPayments, getPaymentById, getPaymentStatus, history', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });

    const page = await Payments.getPayments();
    expect(page.total).toBeGreaterThanOrEqual(1);
    expect(page.items[0]).toEqual(payment); // newest first
    expect((await Payments.getPayments(0, 1)).items).toHaveLength(1);
    expect(await Payments.getPaymentById(payment.id)).toEqual(payment);
    expect(await Payments.getPaymentStatus(payment.id)).toEqual({
      id: payment.id, status: 'completed', paymentStatus: 'captured', updatedAt: payment.updatedAt,
    });
    const history = await Payments.getPaymentHistory(payment.id);
    expect(history.map((h) => [h.entity, h.action, h.to])).toContainEqual(['payment', 'created', 'captured']);
    expect(history.every((h) => h.amount === null || h.currency === 'USD')).toBe(true);
  });

  // Also a regression test: on PGlite, `rowCount` of a SELECT was 0 (fixed in a794d1c), so this was always 404.
  it('"📊 Quick Reference Table": getPaymentsByOrder lists the payments of an order', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    expect(await Payments.getPaymentsByOrder(order.id)).toEqual([]);
    const payment = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });
    expect(await Payments.getPaymentsByOrder(order.id)).toEqual([payment]);
  });

  it('"3. 3D Secure Authentication": requires_action, the customer approves the challenge, polling sees completed', async () => {
    const { Payments } = sdk;
    const waitForPayment = waitForPaymentWith(Payments);
    const order = await newOrder();

    const payment = await Payments.processPayment({
      orderId: order.id, amount: 99.99, currency: 'USD', paymentMethod: 'card', token: await tokenize(t, CARDS.threeDSecure),
    });

    expect(payment.status).toBe('requires_action');
    expect(payment.clientSecret).toEqual(expect.any(String));
    expect(payment.nextAction).toMatchObject({ type: 'redirect_to_url', url: expect.stringContaining('/test-gateway/challenge/') });
    if (payment.status === 'requires_action') {
      // Customer needs to authenticate (seed: `await stripe.confirmCardPayment(payment.clientSecret)`).
      const result = await completeChallenge(String(payment.nextAction!.url), 'approve');
      expect(result.status).toBe(200);
    }

    const completed = await waitForPayment(payment.id);
    expect(completed).toMatchObject({ id: payment.id, status: 'completed', capturedMinor: 9999, nextAction: null });
    expect(await orderStatus(order.id)).toBe('paid');
  });

  // Found by CI: the challenge reported again without the secret (the provider's own webhook, a
  // retrieve) used to replace the payment's next action, so the storefront lost its client secret.
  it('a 3-D Secure payment keeps its client secret when the same challenge is reported again without it, and the history never holds it', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.threeDSecure) });
    expect(payment.clientSecret).toEqual(expect.any(String));
    await webhooksIdle();
    const { rows } = await t.ctx.db.query<{ session_id: number; account_id: number; gateway_ref: string }>(
      'SELECT session_id, account_id, gateway_ref FROM payments WHERE id = $1', [payment.id]);
    const p = rows[0]!;
    const out = await applyEvent(t.ctx, p.account_id, {
      id: `evt_retrieve_${payment.id}`, type: 'payment_intent.requires_action', occurredAt: new Date(), tenderSessionId: p.session_id, sessionRef: p.gateway_ref,
      action: { kind: 'requires_action', gatewayStatus: 'requires_action', nextAction: { type: 'redirect_to_url', url: String(payment.nextAction!.url) }, paymentRef: p.gateway_ref },
    }, 'retrieve', null);
    expect(out.result).toBe('duplicate');
    expect(await Payments.getPaymentById(payment.id)).toMatchObject({ status: 'requires_action', clientSecret: payment.clientSecret, nextAction: payment.nextAction });
    // The append-only history keeps the challenge, never the secret.
    const { rows: moved } = await t.ctx.db.query<{ data: { nextAction?: Record<string, unknown> } | null }>(
      `SELECT data FROM payment_events WHERE entity = 'session' AND entity_id = $1 AND to_status = 'requires_action'`, [p.session_id]);
    expect(moved.map((r) => r.data?.nextAction)).toEqual([{ type: 'redirect_to_url', url: String(payment.nextAction!.url) }]);
    const { rows: stored } = await t.ctx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM payment_events WHERE position($1 in coalesce(data::text, \'\')) > 0', [String(payment.clientSecret)]);
    expect(stored[0]!.n).toBe(0);
    expect(JSON.stringify(await Payments.getPaymentHistory(payment.id))).not.toContain(String(payment.clientSecret));
  });

  it('a failed 3-D Secure challenge ends the seed\'s polling with "Payment failed", and the order stays payable', async () => {
    const { Payments } = sdk;
    const waitForPayment = waitForPaymentWith(Payments);
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.threeDSecure) });
    await completeChallenge(String(payment.nextAction!.url), 'fail');

    await expect(waitForPayment(payment.id)).rejects.toThrow('Payment failed');
    const retry = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });
    expect(retry).toMatchObject({ status: 'completed', orderId: order.id });
  });

  it('"❌ Don\'t ignore failed payments": a decline is 402 card_declined / insufficient_funds and the order stays payable', async () => {
    const { Payments } = sdk;
    const order = await newOrder();

    const declined = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.declined) }).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(TenderApiError);
    expect(declined).toMatchObject({ statusCode: 402, code: 'card_declined' });

    const poor = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.insufficientFunds) }).catch((e: unknown) => e);
    expect(poor).toMatchObject({ statusCode: 402, code: 'insufficient_funds' });

    expect(await paymentsOf(order.id)).toEqual([]);
    const paid = await Payments.processPayment({ orderId: order.id, amount: 99.99, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });
    expect(paid.status).toBe('completed');
  });

  it('"2. Validate amounts": a client amount or currency that differs from the order is refused', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const token = await tokenize(t, CARDS.succeeds);
    await expect(Payments.processPayment({ orderId: order.id, amount: 9.99, currency: 'USD', token })).rejects.toMatchObject({ statusCode: 422, code: 'amount_mismatch' });
    await expect(Payments.processPayment({ orderId: order.id, currency: 'EUR', token })).rejects.toMatchObject({ statusCode: 400, code: 'currency_mismatch' });
    expect(await paymentsOf(order.id)).toEqual([]);
  });

  it('"4. Refund Management": a full refund', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, amount: 99.99, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });

    // Full refund
    const refund = await Payments.refundPayment({
      paymentId: payment.id,
      amount: payment.amount,
      reason: 'Customer return',
    });

    expect(refund.operation).toMatchObject({ kind: 'refund', paymentId: payment.id, amount: 99.99, amountMinor: 9999, status: 'succeeded', reason: 'Customer return' });
    expect(refund.payment).toMatchObject({ status: 'refunded', refundedAmount: 99.99, refundedMinor: 9999 });
    expect(await Payments.getPaymentStatus(payment.id)).toMatchObject({ status: 'refunded' });
    expect(await orderStatus(order.id)).toBe('refunded');
  });

  it('"4. Refund Management": partial refunds, never more than was paid', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, amount: 99.99, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });

    // Partial refund
    const partial = await Payments.refundPayment({
      paymentId: payment.id,
      amount: 50.0, // Partial amount
      reason: 'Partial return',
    });

    expect(partial.payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 50, refundedMinor: 5000 });
    // "Partial refunds must not exceed original amount"
    await expect(Payments.refundPayment({ paymentId: payment.id, amount: payment.amount, reason: 'too much' }))
      .rejects.toMatchObject({ statusCode: 422, code: 'amount_exceeds_refundable' });
    const rest = await Payments.refundPayment({ paymentId: payment.id, amount: '49.99', reason: 'Rest' });
    expect(rest.payment).toMatchObject({ status: 'refunded', refundedMinor: 9999 });
    const history = await sdk.Admin.getPaymentHistory(payment.id);
    const refunds = history.filter((h) => h.entity === 'refund');
    expect(refunds.map((h) => [h.action, h.to, h.amountMinor])).toEqual([
      ['created', 'pending', 5000], ['status_changed', 'succeeded', 5000], ['created', 'pending', 4999], ['status_changed', 'succeeded', 4999],
    ]);
  });

  // Regression test: on PGlite the duplicate check of apply-action.ts saw 0 rows (rowCount of a
  // SELECT, fixed in a794d1c), so the webhook re-inserted the refund, hit the unique index
  // refunds_gateway_ref and was recorded as `error` and redelivered.
  it('the gateway\'s webhook for a refund Tender already recorded is deduplicated, not an error', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.succeeds) });
    await Payments.refundPayment({ paymentId: payment.id, amount: 20, reason: 'webhook race' });
    const result = await refundWebhookResult(payment.gatewayTransactionId!);
    expect(result).toMatch(/^(applied|ignored|stale)$/);
    expect((await Payments.getPaymentById(payment.id)).refundedMinor).toBe(2000);
  });

  it('"Can only refund completed payments": a payment waiting for 3-D Secure cannot be refunded', async () => {
    const { Payments } = sdk;
    const order = await newOrder();
    const payment = await Payments.processPayment({ orderId: order.id, currency: 'USD', token: await tokenize(t, CARDS.threeDSecure) });
    await expect(Payments.refundPayment({ paymentId: payment.id, amount: 1, reason: 'x' })).rejects.toMatchObject({ statusCode: 409, code: 'invalid_transition' });
  });

  it('refundPayment without an admin token fails fast with a clear error and sends nothing', async () => {
    const { Payments } = defineOneEntry(t.url, { token: t.appToken });
    const error = await Payments.refundPayment({ paymentId: 1, amount: 1, reason: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminTokenRequiredError);
    expect(error).toMatchObject({ code: 'admin_token_required', message: expect.stringContaining('adminToken') });
    await expect(Payments.capturePayment({ paymentId: 1 })).rejects.toBeInstanceOf(AdminTokenRequiredError);
  });

  it('"1. Never Store Raw Card Data": no card number reaches the logs or the database', async () => {
    const digits = Object.values(CARDS).map((n) => n.replace(/ /g, ''));
    const logs = t.logs.join('\n');
    for (const pan of digits) expect(logs).not.toContain(pan);
    const dump = await t.ctx.db.query<{ text: string }>(
      `SELECT coalesce(string_agg(t::text, ' '), '') AS text FROM (
         SELECT row_to_json(x)::text AS t FROM test_gateway_tokens x UNION ALL SELECT row_to_json(p)::text FROM payments p
         UNION ALL SELECT row_to_json(e)::text FROM payment_events e UNION ALL SELECT row_to_json(k)::text FROM idempotency_keys k) rows`);
    for (const pan of digits) expect(dump.rows[0]!.text).not.toContain(pan);
  });
});
