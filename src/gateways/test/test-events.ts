/**
 * The test gateway's webhook events: the JSON it sends (Stripe-shaped, amounts as strings of
 * minor units so that no amount ever passes through a double) and the one mapping from its
 * events and intent states to Tender's normalized actions.
 */
import type { Money } from '../../domain/money.js';
import type { GatewayEventAction } from '../gateway.js';
import { randomId } from './test-ids.js';
import type { IntentKind, IntentRow, IntentStatus, OperationRow } from './test-gateway-store.js';

export type TestEventType =
  | 'payment_intent.succeeded'
  | 'payment_intent.amount_capturable_updated'
  | 'payment_intent.requires_action'
  | 'payment_intent.payment_failed'
  | 'payment_intent.canceled'
  | 'charge.captured'
  | 'charge.refunded'
  | 'checkout.session.expired';

/** The intent as the provider shows it in events (`data.object`). */
export interface IntentObject {
  id: string;
  object: 'payment_intent';
  kind: IntentKind;
  status: IntentStatus;
  /** Minor units, as a decimal string. */
  amount: string;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  amountCapturable: string;
  amountCaptured: string;
  amountRefunded: string;
  card: { brand: string; last4: string } | null;
  lastError: { code: string; message: string } | null;
  nextAction: Record<string, unknown> | null;
  cancellationReason: string | null;
  metadata: { tenderSessionId: number };
  /** Unix seconds. */
  created: number;
}

/** The capture or refund an event is about (`data.operation`). */
export interface OperationObject {
  id: string;
  object: 'capture' | 'refund';
  amount: string;
  currency: string;
  /** The Idempotency-Key of the request that made it (as Stripe echoes a refund's metadata). */
  request_key?: string;
}

export interface TestEvent {
  /** `evt_test_…`: the deduplication key. */
  id: string;
  object: 'event';
  type: TestEventType;
  /** Unix seconds. */
  created: number;
  /** Tender's payment account id the event belongs to. */
  account: number;
  data: { object: IntentObject; operation?: OperationObject };
}

export function intentObject(i: IntentRow): IntentObject {
  return {
    id: i.id,
    object: 'payment_intent',
    kind: i.kind,
    status: i.status,
    amount: i.amount.toString(),
    currency: i.currency,
    captureMethod: i.capture_method,
    amountCapturable: i.amount_capturable.toString(),
    amountCaptured: i.amount_captured.toString(),
    amountRefunded: i.amount_refunded.toString(),
    card: i.card_brand && i.card_last4 ? { brand: i.card_brand, last4: i.card_last4 } : null,
    lastError: i.last_error,
    nextAction: i.next_action,
    cancellationReason: i.cancellation_reason,
    metadata: { tenderSessionId: i.tender_session_id },
    created: unixSeconds(i.created_at),
  };
}

export function buildEvent(type: TestEventType, intent: IntentRow, now: Date, operation?: OperationObject): TestEvent {
  const data: TestEvent['data'] = { object: intentObject(intent) };
  if (operation) data.operation = operation;
  return { id: randomId('evt_test_'), object: 'event', type, created: unixSeconds(now), account: intent.account_id, data };
}

/** What an event means for Tender. Unknown types are verified but ignored (forward compatible). */
export function eventAction(event: TestEvent): GatewayEventAction {
  const o = event.data.object;
  const type = event.type as string;
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.amount_capturable_updated':
      return authorizedAction(o);
    case 'payment_intent.requires_action':
      return { kind: 'requires_action', gatewayStatus: o.status, nextAction: o.nextAction ?? {}, paymentRef: o.id };
    case 'payment_intent.payment_failed':
      return {
        kind: 'attempt_failed', gatewayStatus: o.status, paymentRef: o.id,
        code: o.lastError?.code ?? 'payment_failed', message: o.lastError?.message ?? 'The payment failed',
      };
    case 'payment_intent.canceled':
      return { kind: 'canceled', paymentRef: o.id, gatewayStatus: o.status };
    case 'checkout.session.expired':
      return { kind: 'expired', gatewayStatus: o.status };
    case 'charge.captured':
    case 'charge.refunded': {
      const op = event.data.operation;
      if (!op) return { kind: 'ignored', reason: `${event.type} without data.operation` };
      const amount = moneyOf(op.amount, op.currency);
      const requestKey = op.request_key ?? null;
      return event.type === 'charge.captured'
        ? { kind: 'captured', amount, paymentRef: o.id, operationRef: op.id, gatewayStatus: o.status, requestKey }
        : { kind: 'refunded', amount, paymentRef: o.id, operationRef: op.id, gatewayStatus: o.status, requestKey };
    }
    default:
      return { kind: 'ignored', reason: `Event type ${type} means nothing to Tender` };
  }
}

/**
 * The actions that bring Tender to the intent's current state, in the order they happened;
 * each capture and refund is its own action with its operation id, so applying them twice
 * (after the webhooks did) changes nothing.
 */
export function retrieveActions(i: IntentRow, operations: OperationRow[]): GatewayEventAction[] {
  const o = intentObject(i);
  const moves = operations.map((op): GatewayEventAction => {
    const amount = { amount: op.amount ?? 0n, currency: i.currency };
    const requestKey = op.idempotency_key ?? null;
    return op.kind === 'capture'
      ? { kind: 'captured', amount, paymentRef: i.id, operationRef: op.id, gatewayStatus: i.status, requestKey }
      : { kind: 'refunded', amount, paymentRef: i.id, operationRef: op.id, gatewayStatus: i.status, requestKey };
  });
  switch (i.status) {
    case 'requires_payment_method':
      return i.last_error
        ? [{ kind: 'attempt_failed', gatewayStatus: i.status, code: i.last_error.code, message: i.last_error.message, paymentRef: i.id }]
        : [];
    case 'requires_action':
      return [{ kind: 'requires_action', gatewayStatus: i.status, nextAction: i.next_action ?? {}, paymentRef: i.id }];
    case 'requires_capture':
    case 'succeeded':
      return [authorizedAction(o), ...moves];
    case 'canceled':
      if (i.cancellation_reason === 'expired') return [{ kind: 'expired', gatewayStatus: i.status }];
      return [...(i.authorized_at ? [authorizedAction(o)] : []), { kind: 'canceled', paymentRef: i.id, gatewayStatus: i.status }];
  }
}

function authorizedAction(o: IntentObject): GatewayEventAction {
  const action: GatewayEventAction = {
    kind: 'authorized',
    amount: moneyOf(o.amount, o.currency),
    // With automatic capture the money is captured on authorization; with manual capture it
    // is only held, and each capture arrives later as its own `captured` action.
    captured: o.captureMethod === 'automatic',
    paymentRef: o.id,
    gatewayStatus: o.status,
    paymentMethod: 'card',
  };
  if (o.card) action.card = o.card;
  return action;
}

function moneyOf(amount: string, currency: string): Money {
  if (!/^[0-9]{1,19}$/.test(amount)) throw new Error(`Test gateway event carries an invalid amount "${amount.slice(0, 32)}"`);
  return { amount: BigInt(amount), currency };
}

export function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
