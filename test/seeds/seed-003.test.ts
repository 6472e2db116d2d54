/**
 * Seed 003 (Medusa's "Accept Payment Flow"): its code samples, run through our SDK against a
 * real Tender on the built-in test gateway. `paymentModuleService` is our `Payments`; adapted
 * only where the seed names Medusa specifics:
 * - `provider_id: "stripe"` → the identifier of a payment account of type `test`;
 * - "TODO perform required action" → the customer gives a card (a token from the test
 *   gateway's tokenization endpoint) or completes the 3-D Secure challenge in the browser;
 * - capture and refund are the merchant's, so the client carries our admin token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PaymentActionRequiredError,
  TenderApiError,
  TenderError,
  type Payment,
  type TenderAdminClient,
} from '../../src/sdk/index.js';
import { insertOrder } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';
import {
  addProduct, addTestAccount, CARDS, completeChallenge, demoUserId, signedInSdk, tokenize,
} from './seed-support.js';

let t: TestTender;
let sdk: TenderAdminClient;
let manualAccountId: number;
let autoAccountId: number;

beforeAll(async () => {
  t = await startTender();
  manualAccountId = await addTestAccount(t, 'card-manual', 'manual');
  autoAccountId = await addTestAccount(t, 'card-auto', 'automatic');
  ({ sdk } = await signedInSdk(t));
});
afterAll(() => t?.close());

describe('seed 003: accept-payment flow', () => {
  it('collection → session → authorize (requires_more, then a card) → capture → refund', async () => {
    const paymentModuleService = sdk.Payments;

    // 1. Create a Payment Collection
    const paymentCollection =
      await paymentModuleService.createPaymentCollections({
        region_id: 'reg_123',
        currency_code: 'usd',
        amount: 5000,
      });
    expect(paymentCollection).toMatchObject({ orderId: null, amount: 5000, amountMinor: 500000, currency: 'USD', status: 'not_paid', sessions: [], payments: [] });

    // 2. Create Payment Sessions
    const paymentSession =
      await paymentModuleService.createPaymentSession(
        paymentCollection.id,
        {
          provider_id: 'card-manual',
          currency_code: 'usd',
          amount: 5000,
          data: {
            // any necessary data for the
            // payment provider
          },
        },
      );
    expect(paymentSession).toMatchObject({ type: 'intent', amount: 5000, currency: 'USD', paymentAccountId: manualAccountId, clientSecret: expect.any(String) });

    // 3. Authorize Payment Session, handling additional action
    let payment: Payment | undefined;
    let caught: unknown;
    try {
      payment =
        await paymentModuleService.authorizePaymentSession(
          paymentSession.id,
          {},
        );
    } catch (e) {
      caught = e;
      // retrieve the payment session again
      const updatedPaymentSession = (
        await paymentModuleService.listPaymentSessions({
          id: [paymentSession.id],
        })
      )[0];
      expect(updatedPaymentSession?.id).toBe(paymentSession.id);

      // Seed: `if (updatedPaymentSession.status === "requires_more")`. Tender's session shows
      // `requires_more` there too (see the test below); the error carries the same status.
      if (e instanceof PaymentActionRequiredError && e.status === 'requires_more') {
        // perform required action: the customer enters a card
        const token = await tokenize(t, CARDS.succeeds);
        // authorize payment again.
        payment = await paymentModuleService.authorizePaymentSession(paymentSession.id, { token });
      }
    }
    expect(caught).toBeInstanceOf(PaymentActionRequiredError);
    expect(caught).toMatchObject({ code: 'payment_action_required', status: 'requires_more', nextAction: null, payment: null });

    // 4. Payment Flow Complete: the payment is authorized, not yet captured (manual capture).
    expect(payment).toMatchObject({ collectionId: paymentCollection.id, orderId: null, status: 'authorized', authorizedAmount: 5000, capturedAmount: 0, cardDetails: { last4: '4242' } });

    const captured = await paymentModuleService.capturePayment({ paymentId: payment!.id });
    expect(captured.operation).toMatchObject({ kind: 'capture', status: 'succeeded', amount: 5000 });
    expect(captured.payment).toMatchObject({ status: 'completed', capturedMinor: 500000 });

    const refunded = await paymentModuleService.refundPayment({ paymentId: payment!.id, amount: '1250.50', reason: 'damaged' });
    expect(refunded.payment).toMatchObject({ status: 'partially_refunded', refundedAmount: 1250.5, refundedMinor: 125050 });
    expect(await paymentModuleService.getPaymentCollection(paymentCollection.id)).toMatchObject({
      status: 'partially_refunded', authorizedAmount: 5000, capturedAmount: 5000, refundedAmount: 1250.5, payments: [{ id: payment!.id }],
    });
  });

  it('after authorize answers requires_more, listPaymentSessions shows the session as requires_more', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'usd', amount: 10 });
    const session = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual' });
    await expect(Payments.authorizePaymentSession(session.id, {})).rejects.toMatchObject({ status: 'requires_more' });

    const [updated] = await Payments.listPaymentSessions({ id: [session.id] });
    expect(updated?.status).toBe('requires_more');
  });

  it('requires_action: the customer completes 3-D Secure, then authorizing again returns the payment', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'USD', amount: '75.00' });
    const session = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual', data: { type: 'intent' } });

    const error = await Payments.authorizePaymentSession(session.id, { token: await tokenize(t, CARDS.threeDSecure) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentActionRequiredError);
    const action = error as PaymentActionRequiredError;
    expect(action.status).toBe('requires_action');
    expect(action.nextAction).toMatchObject({ type: 'redirect_to_url', url: expect.stringContaining('/test-gateway/challenge/') });
    expect(action.payment).toMatchObject({ status: 'requires_action', authorizedMinor: 0 });

    const updatedPaymentSession = (await Payments.listPaymentSessions({ id: [session.id] }))[0];
    expect(updatedPaymentSession?.status).toBe('requires_action');

    // The customer's browser follows nextAction.url and approves.
    expect((await completeChallenge(String(action.nextAction!.url))).status).toBe(200);
    const payment = await Payments.authorizePaymentSession(session.id, {});
    expect(payment).toMatchObject({ id: action.payment!.id, status: 'authorized', authorizedMinor: 7500, capturedMinor: 0 });
    // Authorizing an authorized session again is harmless: the same payment.
    expect(await Payments.authorizePaymentSession(session.id)).toMatchObject({ id: payment.id, status: 'authorized' });

    const part = await sdk.Admin.capturePayment(payment.id, { amount: '25.00' });
    expect(part.payment).toMatchObject({ status: 'partially_captured', capturedMinor: 2500 });
    const rest = await Payments.capturePayment({ paymentId: payment.id });
    expect(rest.operation.amountMinor).toBe(5000);
    expect(rest.payment).toMatchObject({ status: 'completed', capturedMinor: 7500 });
    const refund = await sdk.Admin.refundPayment(payment.id);
    expect(refund.payment).toMatchObject({ status: 'refunded', refundedMinor: 7500 });
  });

  it('a declined card is a 402 and the session stays open for another card', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'usd', amount: 20 });
    const session = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual' });

    const declined = await Payments.authorizePaymentSession(session.id, { token: await tokenize(t, CARDS.declined) }).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(TenderApiError);
    expect(declined).toMatchObject({ statusCode: 402, code: 'card_declined', details: { sessionId: session.id } });
    await expect(Payments.authorizePaymentSession(session.id, { token: await tokenize(t, CARDS.insufficientFunds) }))
      .rejects.toMatchObject({ statusCode: 402, code: 'insufficient_funds' });

    const payment = await Payments.authorizePaymentSession(session.id, { token: await tokenize(t, CARDS.succeeds) });
    expect(payment).toMatchObject({ status: 'authorized', authorizedMinor: 2000 });
  });

  it('"Some payment providers allow capturing the payment automatically": authorize answers a completed payment', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'usd', amount: 12.5 });
    const session = await Payments.createPaymentSession(collection.id, { provider_id: 'card-auto' });
    expect(session.paymentAccountId).toBe(autoAccountId);
    const payment = await Payments.authorizePaymentSession(session.id, { token: await tokenize(t, CARDS.succeeds) });
    expect(payment).toMatchObject({ status: 'completed', capturedMinor: 1250 });
    await expect(Payments.capturePayment({ paymentId: payment.id })).rejects.toMatchObject({ statusCode: 409, code: 'invalid_transition' });
  });

  it('"create payment sessions for every supported payment provider": the first to authorize wins', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'usd', amount: 30 });
    const manual = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual' });
    const auto = await Payments.createPaymentSession(collection.id, { provider_id: 'card-auto' });
    expect(new Set([manual.id, auto.id]).size).toBe(2);
    expect((await Payments.listPaymentSessions({ id: [auto.id, manual.id] })).map((s) => s.id)).toEqual([auto.id, manual.id]);

    const paid = await Payments.authorizePaymentSession(auto.id, { token: await tokenize(t, CARDS.succeeds) });
    expect(paid.status).toBe('completed');
    await expect(Payments.authorizePaymentSession(manual.id, { token: await tokenize(t, CARDS.succeeds) }))
      .rejects.toMatchObject({ statusCode: 409 });
    expect((await Payments.getPaymentCollection(collection.id)).payments).toHaveLength(1);
  });

  it('asking again for a session of the same provider and type answers the open one; another type gets its own', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'usd', amount: 12 });
    const first = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual' });
    const again = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual' });
    expect(again.id).toBe(first.id);
    const hosted = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual', data: { type: 'session' } });
    expect(hosted.id).not.toBe(first.id);
    const stored = await Payments.getPaymentCollection(collection.id);
    expect(stored.sessions.map((s) => s.id).sort((a, b) => a - b)).toEqual([first.id, hosted.id].sort((a, b) => a - b));
    expect(stored.status).toBe('awaiting');
  });

  it('a collection for an order: its total is the amount, and authorizing pays the order', async () => {
    const Payments = sdk.Payments;
    const productId = await addProduct(t, 'Seed 003 order item', 1999);
    const orderId = await insertOrder(t, await demoUserId(t), productId, 2, 'card-auto');
    const collection = await Payments.createPaymentCollection({ orderId });
    expect(collection).toMatchObject({ orderId, amount: 39.98, amountMinor: 3998, currency: 'USD' });
    // One collection per order: asking again answers the same one.
    expect((await Payments.createPaymentCollection({ orderId })).id).toBe(collection.id);

    const session = await Payments.createPaymentSession(collection.id, { provider_id: 'card-auto', amount: 39.98, currency_code: 'usd' });
    const payment = await Payments.authorizePaymentSession(session.id, { token: await tokenize(t, CARDS.succeeds) });
    expect(payment).toMatchObject({ orderId, status: 'completed', capturedMinor: 3998 });
    const order = await t.ctx.db.query<{ status_identifier: string }>('SELECT status_identifier FROM orders WHERE id = $1', [orderId]);
    expect(order.rows[0]!.status_identifier).toBe('paid');
  });

  // Also a regression test: on PGlite the storage check (session-service.ts) saw 0 rows (fixed in a794d1c).
  it('an order\'s collection can be paid through another account its storage allows', async () => {
    const Payments = sdk.Payments;
    const productId = await addProduct(t, 'Seed 003 other account', 1000);
    const orderId = await insertOrder(t, await demoUserId(t), productId, 1, 'card-auto');
    const collection = await Payments.createPaymentCollection({ orderId });
    const session = await Payments.createPaymentSession(collection.id, { provider_id: 'card-manual' });
    expect(session.paymentAccountId).toBe(manualAccountId);
  });

  it('refuses, before any request, a session whose amount or currency differs from its collection, or unknown data', async () => {
    const Payments = sdk.Payments;
    const collection = await Payments.createPaymentCollections({ currency_code: 'usd', amount: 50 });
    await expect(Payments.createPaymentSession(collection.id, { provider_id: 'card-manual', amount: 49.99 })).rejects.toThrow(/is 50 USD/);
    await expect(Payments.createPaymentSession(collection.id, { provider_id: 'card-manual', currency_code: 'eur' })).rejects.toBeInstanceOf(TenderError);
    await expect(Payments.createPaymentSession(collection.id, { provider_id: 'card-manual', data: { customer: 'x' } as never })).rejects.toThrow(/data\.customer/);
    expect((await Payments.getPaymentCollection(collection.id)).sessions).toEqual([]);
    await expect(Payments.createPaymentSession(collection.id, { provider_id: 'no-such-account' })).rejects.toMatchObject({ statusCode: 404, code: 'account_not_found' });
  });

  it('createPaymentCollections takes an array as Medusa does; listPaymentSessions leaves out unknown ids', async () => {
    const Payments = sdk.Payments;
    const made = await Payments.createPaymentCollections([{ currency_code: 'usd', amount: 1 }, { currency_code: 'jpy', amount: 1000 }]);
    expect(made.map((c) => [c.currency, c.amountMinor])).toEqual([['USD', 100], ['JPY', 1000]]);
    const session = await Payments.createPaymentSession(made[1]!.id, { provider_id: 'card-auto' });
    expect(await Payments.listPaymentSessions({ id: [999999, session.id] })).toEqual([expect.objectContaining({ id: session.id, currency: 'JPY', amountMinor: 1000 })]);
    expect(await Payments.listPaymentSessions({ id: [] })).toEqual([]);
  });
});
