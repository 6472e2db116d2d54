/**
 * PayPal webhook events (the JSON PayPal POSTs, snake_case as sent) and what they mean for
 * Tender. Event types Tender subscribes to are listed in docs/gateways/paypal.md; any other
 * type is verified, recorded and ignored.
 */
import type { GatewayEventAction } from '../gateway.js';
import { fromPaypalValue } from './paypal-money.js';
import { upLinkId } from './paypal-orders.js';

interface WireMoney { currency_code?: unknown; value?: unknown }
interface WireLink { href?: unknown; rel?: unknown }

/** The resource of a capture, authorization, refund or order event (only what Tender reads). */
export interface PaypalEventResource {
  id?: unknown;
  status?: unknown;
  intent?: unknown;
  amount?: WireMoney;
  custom_id?: unknown;
  status_details?: { reason?: unknown };
  supplementary_data?: { related_ids?: { order_id?: unknown; authorization_id?: unknown } };
  purchase_units?: { custom_id?: unknown; amount?: WireMoney }[];
  links?: WireLink[];
}

export interface PaypalEvent {
  /** `WH-…`: the deduplication key. */
  id: string;
  event_type: string;
  create_time?: unknown;
  resource_type?: unknown;
  resource: PaypalEventResource;
}

/**
 * What an event says, before the one lookup a refund may need (its order id). Events are
 * matched to sessions by the PayPal order id only (globally unique), never by the
 * `tender-session-N` custom id: PayPal sends every event of an app to every webhook of that
 * app, so another Tender installation sharing the app would otherwise match its own session N.
 */
export interface NormalizedPaypalEvent {
  /** The PayPal order the event is about (Tender's session gateway_ref), when the event says. */
  orderId: string | null;
  /** Set for refunds whose order id must be looked up from their capture. */
  captureId: string | null;
  /** Builds the action once the order id is known. */
  action(orderId: string | null): GatewayEventAction;
}

/** The event types Tender acts on (subscribe to these; docs/gateways/paypal.md). */
export const PAYPAL_EVENT_TYPES = [
  'CHECKOUT.ORDER.APPROVED',
  'PAYMENT.CAPTURE.COMPLETED',
  'PAYMENT.CAPTURE.DENIED',
  'PAYMENT.CAPTURE.REFUNDED',
  'PAYMENT.AUTHORIZATION.CREATED',
  'PAYMENT.AUTHORIZATION.VOIDED',
] as const;

/**
 * Reads a verified body. Throws when it is not a PayPal event (a body PayPal vouched for but
 * that Tender cannot read is an error to look at, not something to ignore).
 */
export function readPaypalEvent(rawBody: string): PaypalEvent {
  let e: Partial<PaypalEvent> | null;
  try {
    e = JSON.parse(rawBody) as Partial<PaypalEvent> | null;
  } catch {
    throw new Error('PayPal webhook: the body is not JSON');
  }
  if (!e || typeof e !== 'object' || typeof e.id !== 'string' || !e.id || typeof e.event_type !== 'string' || !e.resource || typeof e.resource !== 'object') {
    throw new Error('PayPal webhook: the body is not a PayPal event (id, event_type and resource are required)');
  }
  return e as PaypalEvent;
}

/** The one mapping from PayPal event types to Tender's actions. */
export function normalizePaypalEvent(event: PaypalEvent): NormalizedPaypalEvent {
  const r = event.resource;
  const related = r.supplementary_data?.related_ids;
  const resourceId = str(r.id);
  const status = str(r.status) ?? 'UNKNOWN';
  const base = { orderId: str(related?.order_id), captureId: null };
  const ignored = (reason: string): NormalizedPaypalEvent => ({ ...base, action: () => ({ kind: 'ignored', reason }) });

  switch (event.event_type) {
    case 'CHECKOUT.ORDER.APPROVED': {
      // No money has moved yet: Tender captures (or authorizes) the approved order when the
      // session is authorized with no token (the customer's return, or the lead's wiring of
      // this event). The adapter never moves money while reading an event.
      return {
        orderId: resourceId, captureId: null,
        action: () => ({ kind: 'ignored', reason: `customer_approved: PayPal order ${resourceId ?? '?'} is approved and waits for Tender to ${str(r.intent) === 'AUTHORIZE' ? 'authorize' : 'capture'} it (authorize the session with no token)` }),
      };
    }
    case 'PAYMENT.CAPTURE.COMPLETED': {
      const amount = moneyOf(r.amount);
      const authorizationId = str(related?.authorization_id);
      if (!resourceId) return ignored('capture event without a capture id');
      // A capture of an authorization is a merchant capture (manual accounts); a capture with no
      // authorization is the order's own capture: the payment, captured on authorization.
      return {
        ...base,
        action: (orderId) => authorizationId
          ? { kind: 'captured', amount, paymentRef: orderId, operationRef: resourceId, gatewayStatus: `CAPTURE_${status}` }
          : { kind: 'authorized', amount, captured: true, paymentRef: orderId, gatewayStatus: `CAPTURE_${status}`, paymentMethod: 'paypal' },
      };
    }
    case 'PAYMENT.CAPTURE.DENIED': {
      if (str(related?.authorization_id)) {
        // A merchant capture PayPal denied: no money moved. Tender's capture stays `unknown`
        // until reconciliation sees PayPal's list of captures without it and marks it failed.
        return ignored(`PayPal denied capture ${resourceId ?? '?'} of an authorization; reconciliation records the capture as failed`);
      }
      const reason = str(r.status_details?.reason);
      return {
        ...base,
        action: (orderId) => ({ kind: 'attempt_failed', gatewayStatus: `CAPTURE_${status}`, code: 'capture_denied', message: `PayPal denied the payment${reason ? ` (${reason})` : ''}`, paymentRef: orderId }),
      };
    }
    case 'PAYMENT.CAPTURE.REFUNDED': {
      if (!resourceId) return ignored('refund event without a refund id');
      if (status !== 'COMPLETED') return ignored(`refund ${resourceId} is ${status}`);
      const amount = moneyOf(r.amount);
      return {
        orderId: null, captureId: upLinkId(r.links, 'captures'),
        // custom_id is the key Tender refunded with: the event settles exactly that refund.
        action: (orderId) => ({ kind: 'refunded', amount, paymentRef: orderId, operationRef: resourceId, gatewayStatus: `REFUND_${status}`, requestKey: str(r.custom_id) ?? null }),
      };
    }
    case 'PAYMENT.AUTHORIZATION.CREATED': {
      const amount = moneyOf(r.amount);
      return { ...base, action: (orderId) => ({ kind: 'authorized', amount, captured: false, paymentRef: orderId, gatewayStatus: `AUTHORIZATION_${status}`, paymentMethod: 'paypal' }) };
    }
    case 'PAYMENT.AUTHORIZATION.VOIDED':
      return { ...base, action: (orderId) => ({ kind: 'canceled', paymentRef: orderId, gatewayStatus: `AUTHORIZATION_${status}` }) };
    default:
      return ignored(`PayPal event type ${event.event_type.slice(0, 80)} means nothing to Tender`);
  }
}

function moneyOf(m: WireMoney | undefined) {
  const value = str(m?.value);
  const currency = str(m?.currency_code);
  if (!value || !currency) throw new Error('PayPal webhook: the resource has no amount');
  return fromPaypalValue(value, currency);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}
