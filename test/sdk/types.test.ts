/**
 * Locks down the SDK's public types. Checked by `tsc --noEmit` (the `@ts-expect-error` lines
 * fail the build if they start compiling); the calls inside `never()` are not executed.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  defineOneEntry,
  defineTender,
  TenderApiError,
  TenderError,
  TenderNetworkError,
  type AuthEntity,
  type CreateOrderResponse,
  type OrderEntity,
  type PaymentAccount,
  type PaymentSession,
  type RefundRequest,
  type SessionByOrder,
  type SessionsPage,
  type TenderClient,
} from '../../src/sdk/index.js';

/** Type-checks its body without running it. */
function never(_body: () => unknown): void {}

const sdk = defineTender('http://localhost', { token: 't' });
const { AuthProvider, Orders, Payments } = sdk;

describe('SDK public types', () => {
  it('defineOneEntry is the same function as defineTender', () => {
    expectTypeOf(defineOneEntry).toEqualTypeOf(defineTender);
    expectTypeOf(sdk).toEqualTypeOf<TenderClient>();
  });

  it('requires the app token', () => {
    never(() => {
      // @ts-expect-error token is required
      defineTender('http://localhost', {});
      // @ts-expect-error the config itself is required, as in OneEntry
      defineTender('http://localhost');
      // @ts-expect-error unknown option
      defineTender('http://localhost', { token: 't', isShell: false });
    });
  });

  it('types payment sessions as the contract says', () => {
    expectTypeOf(Payments.createSession).returns.resolves.toEqualTypeOf<PaymentSession>();
    expectTypeOf(Payments.getSessions).returns.resolves.toEqualTypeOf<SessionsPage>();
    expectTypeOf(Payments.getSessionByOrderId).returns.resolves.toEqualTypeOf<SessionByOrder>();
    expectTypeOf<SessionByOrder>().toEqualTypeOf<PaymentSession | PaymentSession[]>();
    expectTypeOf<PaymentSession['paymentUrl']>().toEqualTypeOf<string | null>();
    expectTypeOf<PaymentSession['clientSecret']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<PaymentSession['amount']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<PaymentSession['amountMinor']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<PaymentSession['type']>().toEqualTypeOf<'session' | 'intent'>();
    expectTypeOf<SessionsPage['items']>().toEqualTypeOf<PaymentSession[]>();
    expectTypeOf<PaymentAccount['testSettings']>().toEqualTypeOf<Record<string, unknown> | undefined>();
  });

  it('accepts only session or intent as the session type', () => {
    expectTypeOf(Payments.createSession).parameter(1).toEqualTypeOf<'session' | 'intent' | undefined>();
    never(() => {
      // @ts-expect-error 'foo' is not a session type
      void Payments.createSession(1, 'foo');
      // @ts-expect-error the order id is a number
      void Payments.createSession('1', 'session');
      // @ts-expect-error automaticTaxEnabled is a boolean
      void Payments.createSession(1, 'session', 'yes');
    });
  });

  it('keeps the totalSum quirk: number on create/update, decimal string on get/list', () => {
    expectTypeOf<CreateOrderResponse['totalSum']>().toEqualTypeOf<number>();
    expectTypeOf<OrderEntity['totalSum']>().toEqualTypeOf<string>();
    expectTypeOf<OrderEntity['totalMinor']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<OrderEntity['statusIdentifier']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OrderEntity['isCompleted']>().toEqualTypeOf<boolean | null>();
    expectTypeOf(Orders.createOrder).returns.resolves.toEqualTypeOf<CreateOrderResponse>();
    expectTypeOf(Orders.updateOrderByMarkerAndId).returns.resolves.toEqualTypeOf<CreateOrderResponse>();
    expectTypeOf(Orders.getOrderByMarkerAndId).returns.resolves.toEqualTypeOf<OrderEntity>();
    expectTypeOf(Orders.getRefunds).returns.resolves.toEqualTypeOf<RefundRequest[]>();
  });

  it('checks order and refund bodies', () => {
    const order = { formIdentifier: 'f', paymentAccountIdentifier: 'cash', products: [{ productId: 1, quantity: 1 }] };
    const field = { marker: 'name', type: 'string', value: 'x' };
    never(() => {
      void Orders.createOrder('orders', { ...order, formData: [field] });
      void Orders.createOrder('orders', { ...order, formData: field, bonusAmount: '12.50' });
      // @ts-expect-error formData is required, as in OneEntry's IOrderData
      void Orders.createOrder('orders', order);
      // @ts-expect-error products need a productId
      void Orders.createOrder('orders', { ...order, formData: [], products: [{ quantity: 1 }] });
      // @ts-expect-error a form field needs a marker
      void Orders.createOrder('orders', { ...order, formData: [{ type: 'string', value: 1 }] });
      void Orders.createRefundRequest(1, { products: { '14': { quantity: 1 } }, note: 'n' });
      // @ts-expect-error refund products are keyed by product id
      void Orders.createRefundRequest(1, { products: [{ productId: 14, quantity: 1 }] });
    });
    expectTypeOf(Orders.createRefundRequest).returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf(Orders.cancelRefundRequest).returns.resolves.toEqualTypeOf<boolean>();
  });

  it('types the auth flow', () => {
    expectTypeOf(AuthProvider.auth).returns.resolves.toEqualTypeOf<AuthEntity>();
    expectTypeOf(AuthProvider.logout).returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf(AuthProvider.generateCode).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(AuthProvider.getRefreshToken).returns.toEqualTypeOf<string | undefined>();
    never(() => {
      // @ts-expect-error authData is an array of {marker, value}
      void AuthProvider.auth('email', { login: 'a', password: 'b' });
      // @ts-expect-error change-password type is 1 (change) or 2 (recovery)
      void AuthProvider.changePassword('email', 'u', 'e', 3, 'c', 'p');
      // @ts-expect-error signUp needs authData
      void AuthProvider.signUp('email', { formIdentifier: 'reg' });
    });
  });

  it('exposes the error classes', () => {
    expectTypeOf<TenderApiError>().toExtend<TenderError>();
    expectTypeOf<TenderNetworkError>().toExtend<Error>();
    expectTypeOf<TenderApiError['statusCode']>().toEqualTypeOf<number>();
    expectTypeOf<TenderApiError['code']>().toEqualTypeOf<string>();
    expectTypeOf<TenderApiError['requestId']>().toEqualTypeOf<string | undefined>();
  });
});
