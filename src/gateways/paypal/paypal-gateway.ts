/**
 * The `paypal` adapter: PayPal Checkout (Orders v2) through the official
 * `@paypal/paypal-server-sdk`. NOTE.md documents the flow, the decisions and PayPal's quirks;
 * docs/gateways/paypal.md tells a merchant how to configure it.
 */
import { createHash } from 'node:crypto';
import type { Money } from '../../domain/money.js';
import type {
  AuthorizeResult, Gateway, GatewayAccount, GatewayEvent, OperationResult, PaymentRef, RetrieveResult, WebhookCapable,
} from '../gateway.js';
import { authorizeResultOf, retrieveActionsOf } from './paypal-actions.js';
import { paypalClient, type PaypalClient } from './paypal-client.js';
import { testPaypalConnection, type ConnectionCheck } from './paypal-connection.js';
import { PaypalApiError, PaypalPendingError } from './paypal-errors.js';
import { normalizePaypalEvent, readPaypalEvent } from './paypal-events.js';
import { assertPaypalCurrency, toPaypalValue } from './paypal-money.js';
import { orderRequest, orderView, type PaypalMoneyMove, type PaypalOrderView } from './paypal-orders.js';
import { verifyPaypalWebhook } from './paypal-webhook-verify.js';

const CAPTURED = new Set(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED']);
/** Issues PayPal answers when the order was already captured/authorized (by a concurrent call). */
const ALREADY_DONE = new Set(['ORDER_ALREADY_CAPTURED', 'ORDER_ALREADY_AUTHORIZED', 'ORDER_COMPLETED_OR_VOIDED', 'DUPLICATE_REQUEST_ID']);

export type PaypalGateway = Gateway & WebhookCapable & {
  readonly type: 'paypal';
  /** For the admin accounts API: credentials, webhook id, URL and subscribed events. */
  testConnection(account: GatewayAccount): Promise<ConnectionCheck>;
};

export const paypalGateway: PaypalGateway = {
  type: 'paypal',
  localInitiate: false,

  async initiate(account, session, idempotencyKey) {
    // Refuse a currency PayPal cannot take before anything leaves Tender.
    assertPaypalCurrency(session.amount.currency);
    const client = paypalClient(account);
    const body = orderRequest(account, session);
    const res = await client.call('create order', () => client.orders.createOrder({
      body, paypalRequestId: requestId(idempotencyKey, sessionFingerprint(session)), prefer: 'return=representation',
    }));
    const order = orderView(res.result);
    if (!order.id || !order.approvalUrl) throw new Error(`PayPal created order "${order.id}" without ${order.id ? 'an approval link' : 'an id'}`);
    return { gatewayStatus: order.status, gatewayRef: order.id, paymentUrl: order.approvalUrl, data: { paypalIntent: order.intent } };
  },

  /**
   * With no token this means "the customer approved at PayPal: take the money now". An APPROVED
   * order is captured (intent CAPTURE, automatic accounts) or authorized (intent AUTHORIZE,
   * manual accounts); any other order answers its current state. A token, if given, must be
   * the session's PayPal order id (what PayPal's JS buttons hand to onApprove).
   */
  async authorize(account, session, input, idempotencyKey): Promise<AuthorizeResult> {
    const orderId = session.gatewayRef;
    if (!orderId) return declined('resource_missing', 'This session has no PayPal order; create the session again');
    if (input.token && input.token !== orderId) return declined('order_mismatch', 'The token is not this session\'s PayPal order id');
    const client = paypalClient(account);
    const order = await getOrder(client, orderId);
    if (!order) return declined('resource_missing', `PayPal has no order ${orderId} for this account`);
    if (order.tenderSessionId !== null && order.tenderSessionId !== session.id) return declined('order_mismatch', `PayPal order ${orderId} belongs to another session`);
    if (order.status !== 'APPROVED') return authorizeResultOf(order);
    const key = requestId(idempotencyKey, orderId);
    try {
      const res = order.intent === 'CAPTURE'
        ? await client.call('capture order', () => client.orders.captureOrder({ id: orderId, paypalRequestId: key, prefer: 'return=representation' }))
        : await client.call('authorize order', () => client.orders.authorizeOrder({ id: orderId, paypalRequestId: key, prefer: 'return=representation' }));
      return authorizeResultOf(orderView(res.result));
    } catch (err) {
      if (!(err instanceof PaypalApiError) || !err.definite) throw err;
      if (err.issue && ALREADY_DONE.has(err.issue)) {
        const now = await getOrder(client, orderId);
        if (now) return authorizeResultOf(now);
      }
      if (err.issue === 'ORDER_NOT_APPROVED' || err.issue === 'PAYER_ACTION_REQUIRED') {
        return { outcome: 'requires_more', gatewayStatus: order.status, reason: 'The customer has not approved the PayPal order yet: send them to the session\'s paymentUrl' };
      }
      if (err.issue === 'INSTRUMENT_DECLINED') {
        return declined('instrument_declined', 'PayPal declined the customer\'s funding source; send them back to the paymentUrl to choose another', `ORDER_${order.status}`);
      }
      return declined((err.issue ?? err.paypalName ?? 'paypal_error').toLowerCase(), err.message, `ORDER_${order.status}`);
    }
  },

  async capture(account, payment, amount, idempotencyKey): Promise<OperationResult> {
    const orderId = orderIdOf(payment);
    if (!orderId) return failed('resource_missing', 'No PayPal order reference was given');
    const client = paypalClient(account);
    return definiteAsFailed(async () => {
      const order = await getOrder(client, orderId);
      if (!order) return failed('resource_missing', `PayPal has no order ${orderId} for this account`);
      if (order.intent === 'CAPTURE') return failed('already_captured', 'PayPal captured this payment when the customer approved it (automatic capture account)');
      const auth = order.authorization;
      if (!auth) return failed('authorization_missing', `PayPal order ${orderId} has no authorization to capture`);
      if (auth.amount.currency !== amount.currency.trim()) return failed('currency_mismatch', `The authorization is in ${auth.amount.currency}`);
      const captured = sum(order.captures.filter((c) => CAPTURED.has(c.status) || c.status === 'PENDING'));
      const res = await client.call('capture authorization', () => client.payments.captureAuthorizedPayment({
        authorizationId: auth.id,
        paypalRequestId: requestId(idempotencyKey, orderId),
        prefer: 'return=representation',
        // The last capture closes the authorization; earlier ones leave the rest capturable.
        body: { amount: paypalMoney(amount), finalCapture: captured + amount.amount >= auth.amount.amount },
      }));
      return moneyMoveResult('capture', res.result.id ?? '', res.result.status ?? 'UNKNOWN', res.result.statusDetails?.reason ?? null);
    });
  },

  async refund(account, payment, amount, reason, idempotencyKey): Promise<OperationResult> {
    const orderId = orderIdOf(payment);
    if (!orderId) return failed('resource_missing', 'No PayPal order reference was given');
    const client = paypalClient(account);
    return definiteAsFailed(async () => {
      const order = await getOrder(client, orderId);
      if (!order) return failed('resource_missing', `PayPal has no order ${orderId} for this account`);
      // A refund this key already made (found by its custom_id) is answered, not repeated:
      // PayPal keeps PayPal-Request-Id for a few hours only.
      const earlier = order.refunds.find((r) => r.customId === idempotencyKey);
      if (earlier) return moneyMoveResult('refund', earlier.id, earlier.status, earlier.reason);
      const capture = refundableCapture(order, amount);
      if (!capture) {
        return failed('amount_exceeds_refundable', `No single PayPal capture of order ${orderId} has ${amount.amount} ${amount.currency} left to refund (PayPal refunds one capture at a time)`);
      }
      const res = await client.call('refund capture', () => client.payments.refundCapturedPayment({
        captureId: capture.id,
        paypalRequestId: requestId(idempotencyKey, orderId),
        prefer: 'return=representation',
        body: { amount: paypalMoney(amount), customId: idempotencyKey.slice(0, 127), ...(reason ? { noteToPayer: reason.slice(0, 255) } : {}) },
      }));
      return moneyMoveResult('refund', res.result.id ?? '', res.result.status ?? 'UNKNOWN', res.result.statusDetails?.reason ?? null);
    });
  },

  /** Voids the authorization (manual accounts). An order nobody paid needs nothing: PayPal lets it expire. */
  async cancel(account, payment, idempotencyKey): Promise<OperationResult> {
    const orderId = orderIdOf(payment);
    if (!orderId) return failed('resource_missing', 'No PayPal order reference was given');
    const client = paypalClient(account);
    return definiteAsFailed(async () => {
      const order = await getOrder(client, orderId);
      if (!order) return failed('resource_missing', `PayPal has no order ${orderId} for this account`);
      if (order.status !== 'COMPLETED') return { outcome: 'succeeded', gatewayRef: null, gatewayStatus: `ORDER_${order.status}` };
      const auth = order.authorization;
      if (order.intent === 'CAPTURE' || !auth) return failed('payment_already_captured', 'PayPal captured this payment; refund it instead');
      if (auth.status === 'VOIDED') return { outcome: 'succeeded', gatewayRef: auth.id, gatewayStatus: 'AUTHORIZATION_VOIDED' };
      if (auth.status === 'CAPTURED') return failed('payment_already_captured', 'The authorization is fully captured; refund it instead');
      const res = await client.call('void authorization', () => client.payments.voidPayment({
        authorizationId: auth.id, paypalRequestId: requestId(idempotencyKey, orderId), prefer: 'return=representation',
      }));
      return { outcome: 'succeeded', gatewayRef: auth.id, gatewayStatus: `AUTHORIZATION_${res.result?.status ?? 'VOIDED'}` };
    });
  },

  async parseWebhook(account, rawBody, headers): Promise<GatewayEvent> {
    const client = paypalClient(account);
    await verifyPaypalWebhook(client, rawBody, headers);
    const event = readPaypalEvent(rawBody);
    const normalized = normalizePaypalEvent(event);
    let orderId = normalized.orderId;
    // A refund names its capture, not its order: one lookup finds the order (= the session).
    if (!orderId && normalized.captureId) orderId = await orderOfCapture(client, normalized.captureId);
    const created = typeof event.create_time === 'string' ? new Date(event.create_time) : new Date(NaN);
    return {
      id: event.id,
      type: event.event_type,
      occurredAt: Number.isNaN(created.getTime()) ? new Date() : created,
      sessionRef: orderId,
      action: normalized.action(orderId),
      // readPaypalEvent parsed the whole body.
      bodyIsJson: true,
    };
  },

  async retrieve(account, session): Promise<RetrieveResult> {
    const orderId = session.paymentRef ?? session.gatewayRef;
    if (!orderId) return { actions: [], gatewayStatus: 'not_found' };
    const order = await getOrder(paypalClient(account), orderId);
    if (!order) return { actions: [], gatewayStatus: 'not_found' };
    return { actions: retrieveActionsOf(order), gatewayStatus: order.status };
  },

  testConnection: testPaypalConnection,
};

async function getOrder(client: PaypalClient, id: string): Promise<PaypalOrderView | null> {
  try {
    const res = await client.call('get order', () => client.orders.getOrder({ id }));
    return orderView(res.result);
  } catch (err) {
    if (err instanceof PaypalApiError && err.status === 404) return null;
    throw err;
  }
}

async function orderOfCapture(client: PaypalClient, captureId: string): Promise<string | null> {
  const res = await client.call('get capture', () => client.payments.getCapturedPayment({ captureId }));
  return res.result.supplementaryData?.relatedIds?.orderId ?? null;
}

/**
 * PayPal-Request-Id: the engine's key plus something globally unique (the order id, or a
 * fingerprint of the session), because PayPal keeps keys per merchant account and two Tender
 * databases sharing one PayPal account (staging and a laptop, say) both have a session 5.
 */
function requestId(engineKey: string, scope: string): string {
  return `${engineKey}-${scope}`.slice(0, 108);
}

function sessionFingerprint(session: { id: number; expiresAt: Date; amount: Money }): string {
  return createHash('sha256').update(`${session.id}|${session.expiresAt.toISOString()}|${session.amount.amount}|${session.amount.currency}`).digest('hex').slice(0, 16);
}

function orderIdOf(payment: PaymentRef): string | null {
  return payment.gatewayRef ?? payment.sessionRef;
}

function paypalMoney(m: Money): { currencyCode: string; value: string } {
  return { currencyCode: m.currency.trim(), value: toPaypalValue(m) };
}

function sum(moves: PaypalMoneyMove[]): bigint {
  return moves.reduce((s, m) => s + m.amount.amount, 0n);
}

/** The first capture (oldest first) with enough left to refund the whole amount. */
function refundableCapture(order: PaypalOrderView, amount: Money): PaypalMoneyMove | undefined {
  return order.captures.find((c) => {
    if (!CAPTURED.has(c.status) || c.amount.currency !== amount.currency.trim()) return false;
    const refunded = sum(order.refunds.filter((r) => r.captureId === c.id && (r.status === 'COMPLETED' || r.status === 'PENDING')));
    return c.amount.amount - refunded >= amount.amount;
  });
}

function moneyMoveResult(kind: 'capture' | 'refund', id: string, status: string, reason: string | null): OperationResult {
  const gatewayStatus = `${kind.toUpperCase()}_${status}`;
  if (status === 'COMPLETED') return { outcome: 'succeeded', gatewayRef: id, gatewayStatus };
  // Accepted but not done: the caller records `unknown`; the webhook (or reconciliation) settles it.
  if (status === 'PENDING') throw new PaypalPendingError(kind, id, reason);
  return { outcome: 'failed', gatewayStatus, code: `${kind}_${status.toLowerCase()}`, message: `PayPal answered the ${kind} as ${status}${reason ? ` (${reason})` : ''}` };
}

/** A 4xx from PayPal means it did not do it: a failed operation, not an unknown one. */
async function definiteAsFailed(fn: () => Promise<OperationResult>): Promise<OperationResult> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PaypalApiError && err.definite) {
      return failed((err.issue ?? err.paypalName ?? 'paypal_error').toLowerCase(), err.message, err.status);
    }
    throw err;
  }
}

function failed(code: string, message: string, status?: number): OperationResult {
  return { outcome: 'failed', gatewayStatus: status ? `HTTP_${status}` : 'not_done', code, message };
}

function declined(declineCode: string, message: string, gatewayStatus = 'not_found'): AuthorizeResult {
  return { outcome: 'declined', gatewayStatus, declineCode, message };
}
