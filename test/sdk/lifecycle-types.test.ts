/**
 * Locks down the public types of the lifecycle and admin SDK surface: derived from the wire
 * schemas in src/contract/engine.ts, so a schema change that breaks callers fails `tsc`.
 * The calls inside `never()` are type-checked, not run.
 */
import type { Static } from '@sinclair/typebox';
import { describe, expectTypeOf, it } from 'vitest';
import type * as Engine from '../../src/contract/engine.js';
import {
  AdminClient,
  AdminTokenRequiredError,
  defineTender,
  PaymentActionRequiredError,
  TenderError,
  type AuthorizeResponse,
  type HistoryEntry,
  type OperationResult,
  type Payment,
  type PaymentCollection,
  type PaymentsPage,
  type PaymentStatusView,
  type PaymentSession,
  type ProcessPaymentBody,
  type StatusMappings,
  type TenderAdminClient,
  type TenderClient,
} from '../../src/sdk/index.js';

function never(_body: () => unknown): void {}

const storefront = defineTender('http://localhost', { token: 't' });
const merchant = defineTender('http://localhost', { token: 't', adminToken: 'a' });
const { Payments } = merchant;
const { Admin } = merchant;

describe('lifecycle SDK types', () => {
  it('are the Static<> of the server schemas, not copies', () => {
    expectTypeOf<Payment>().toEqualTypeOf<Static<typeof Engine.Payment>>();
    expectTypeOf<ProcessPaymentBody>().toEqualTypeOf<Engine.ProcessPaymentBody>();
    expectTypeOf<PaymentCollection>().toEqualTypeOf<Static<typeof Engine.Collection>>();
    expectTypeOf<OperationResult>().toEqualTypeOf<Static<typeof Engine.OperationResult>>();
    expectTypeOf<HistoryEntry>().toEqualTypeOf<Static<typeof Engine.HistoryEntry>>();
    expectTypeOf<StatusMappings['mappings']>().toEqualTypeOf<Record<string, string>>();
  });

  it('types amounts as major-unit numbers with integer minor twins, and nullable fields as nullable', () => {
    expectTypeOf<Payment['amount']>().toEqualTypeOf<number>();
    expectTypeOf<Payment['amountMinor']>().toEqualTypeOf<number>();
    expectTypeOf<Payment['orderId']>().toEqualTypeOf<number | null>();
    expectTypeOf<Payment['nextAction']>().toEqualTypeOf<Record<string, unknown> | null>();
    expectTypeOf<Payment['clientSecret']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Payment['cardDetails']>().toEqualTypeOf<{ brand: string; last4: string } | null>();
    expectTypeOf<ProcessPaymentBody['amount']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<AuthorizeResponse['status']>().toEqualTypeOf<'authorized' | 'requires_action' | 'requires_more'>();
  });

  it('gives Admin only to a client configured with an adminToken', () => {
    expectTypeOf(storefront).toEqualTypeOf<TenderClient>();
    expectTypeOf(merchant).toEqualTypeOf<TenderAdminClient>();
    expectTypeOf(Admin).toEqualTypeOf<AdminClient>();
    never(() => {
      // @ts-expect-error no adminToken, no Admin module
      void storefront.Admin;
      // @ts-expect-error adminToken is a string
      defineTender('http://localhost', { token: 't', adminToken: 1 });
    });
  });

  it('types the seed 001 methods', () => {
    expectTypeOf(Payments.processPayment).returns.resolves.toEqualTypeOf<Payment>();
    expectTypeOf(Payments.getPayments).returns.resolves.toEqualTypeOf<PaymentsPage>();
    expectTypeOf(Payments.getPaymentsByOrder).returns.resolves.toEqualTypeOf<Payment[]>();
    expectTypeOf(Payments.getPaymentStatus).returns.resolves.toEqualTypeOf<PaymentStatusView>();
    expectTypeOf(Payments.refundPayment).returns.resolves.toEqualTypeOf<OperationResult>();
    never(() => {
      // @ts-expect-error the token is required: never card data
      void Payments.processPayment({ orderId: 1, currency: 'USD' });
      // @ts-expect-error card data is not a field
      void Payments.processPayment({ orderId: 1, currency: 'USD', token: 't', cardNumber: '4242424242424242' });
      // @ts-expect-error the gateway is the order's payment account, not a parameter
      void Payments.processPayment({ orderId: 1, currency: 'USD', token: 't', gateway: 'stripe' });
      // @ts-expect-error amounts are numbers or decimal strings
      void Payments.processPayment({ orderId: 1, currency: 'USD', token: 't', amount: 10n });
      // @ts-expect-error paymentId is required
      void Payments.refundPayment({ amount: 5 });
    });
  });

  it('types the seed 003 methods with Medusa names', () => {
    expectTypeOf(Payments.authorizePaymentSession).returns.resolves.toEqualTypeOf<Payment>();
    expectTypeOf(Payments.listPaymentSessions).returns.resolves.toEqualTypeOf<PaymentSession[]>();
    expectTypeOf(Payments.createPaymentCollections({ currency_code: 'usd', amount: 1 })).resolves.toEqualTypeOf<PaymentCollection>();
    expectTypeOf(Payments.createPaymentCollections([{ currency_code: 'usd', amount: 1 }])).resolves.toEqualTypeOf<PaymentCollection[]>();
    never(() => {
      // @ts-expect-error provider_id is required
      void Payments.createPaymentSession(1, { currency_code: 'usd' });
      // @ts-expect-error only data.type is read
      void Payments.createPaymentSession(1, { provider_id: 'card', data: { customer: 'x' } });
      // @ts-expect-error the session type is 'session' or 'intent'
      void Payments.createPaymentSession(1, { provider_id: 'card', data: { type: 'card' } });
      // @ts-expect-error ids are numbers
      void Payments.listPaymentSessions({ id: ['ps_1'] });
    });
  });

  it('types the errors callers branch on', () => {
    expectTypeOf<PaymentActionRequiredError>().toMatchTypeOf<TenderError>();
    expectTypeOf<PaymentActionRequiredError['status']>().toEqualTypeOf<'requires_action' | 'requires_more'>();
    expectTypeOf<PaymentActionRequiredError['code']>().toEqualTypeOf<'payment_action_required'>();
    expectTypeOf<AdminTokenRequiredError['code']>().toEqualTypeOf<'admin_token_required'>();
  });

  it('types the admin methods', () => {
    expectTypeOf(Admin.setStatusMappings).parameter(1).toEqualTypeOf<Record<string, string | null>>();
    never(() => {
      // @ts-expect-error rejecting needs a note
      void Admin.rejectRefundRequest(1);
      // @ts-expect-error the admin status filter is a string, ids are numbers
      void Admin.listPayments({ orderId: '1' });
      // @ts-expect-error unknown filter
      void Admin.listPayments({ userEmail: 'a@b.c' });
    });
  });
});
