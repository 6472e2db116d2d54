import { nanoid } from 'nanoid';
import type { Queryable } from '../store/db.js';
import type { HistoryEvent } from '../store/history-store.js';
import { PAYMENT_SELECT, paymentView } from './engine/payment-views.js';
import { toOrderEntity } from './order-views.js';
import { toRefundRequestView } from './refund-request-views.js';
import { sessionView } from './session-views.js';
import { findOrderById, type OrderRecord } from '../store/order-store.js';
import { selfCheck } from './collection-rows.js';
import { findRefundRequestById } from '../store/refund-request-store.js';
import { SESSION_SELECT, type PaymentRow, type SessionRow } from '../store/payment-store.js';

/** Every event type merchants can subscribe to. */
export const EVENT_TYPES = [
  'payment_session.created',
  'payment_session.expired',
  'payment.requires_action',
  'payment.authorized',
  'payment.captured',
  'payment.refunded',
  'payment.failed',
  'payment.canceled',
  'refund_request.created',
  'refund_request.approved',
  'refund_request.rejected',
  'refund_request.canceled',
  'order.status_changed',
  'dispute.created',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

type ObjectType = 'payment' | 'payment_session' | 'order' | 'refund_request';

interface PendingEvent {
  type: EventType;
  objectType: ObjectType;
  objectId: number;
  orderingKey: string;
  orderId: number | null;
  previous?: string | null;
}

/**
 * Which history rows are merchant events. History is written for every transition inside the
 * transaction that makes it, so deriving events here means no state change can commit without
 * its event, and none that rolls back can emit one (there is no second write to forget).
 */
export function eventsFor(h: HistoryEvent): PendingEvent[] {
  const order = h.orderId ?? null;
  const payment = (type: EventType): PendingEvent => ({
    type, objectType: 'payment', objectId: h.paymentId ?? h.entityId, orderingKey: `payment:${h.paymentId ?? h.entityId}`, orderId: order,
  });
  const session = (type: EventType): PendingEvent => ({
    type, objectType: 'payment_session', objectId: h.entityId, orderingKey: `session:${h.entityId}`, orderId: order,
  });
  switch (h.entity) {
    case 'session':
      if (h.action === 'created') return [session('payment_session.created')];
      if (h.action === 'status_changed' && h.to === 'expired') return [session('payment_session.expired')];
      if (h.action === 'status_changed' && h.to === 'requires_action') {
        return [h.paymentId ? payment('payment.requires_action') : session('payment.requires_action')];
      }
      if ((h.action === 'status_changed' && h.to === 'requires_more' && h.data && 'code' in h.data) || h.action === 'attempt_failed') {
        return [session('payment.failed')];
      }
      return [];
    case 'payment': {
      if (h.paymentId === undefined || h.paymentId === null) return [];
      if (h.action === 'created') {
        if (h.to === 'authorized') return [payment('payment.authorized')];
        if (h.to === 'captured') return [payment('payment.authorized'), payment('payment.captured')];
        return [];
      }
      if (h.action === 'authorized') return h.to === 'captured' ? [payment('payment.authorized'), payment('payment.captured')] : [payment('payment.authorized')];
      if (h.action === 'captured') return [payment('payment.captured')];
      if (h.action === 'refunded') return [payment('payment.refunded')];
      if (h.action === 'failed') return [payment('payment.failed')];
      if (h.action === 'canceled') return [payment('payment.canceled')];
      if (h.action === 'dispute_created') return [payment('dispute.created')];
      return [];
    }
    case 'order':
      if (h.action === 'status_changed') {
        return [{ type: 'order.status_changed', objectType: 'order', objectId: h.entityId, orderingKey: `order:${h.entityId}`, orderId: h.entityId, previous: h.from ?? null }];
      }
      return [];
    case 'refund_request': {
      const to = h.action === 'created' ? 'created' : h.to;
      if (to !== 'created' && to !== 'approved' && to !== 'rejected' && to !== 'canceled') return [];
      return [{ type: `refund_request.${to}`, objectType: 'refund_request', objectId: h.entityId, orderingKey: `refund_request:${h.entityId}`, orderId: order }];
    }
    default:
      return [];
  }
}

/**
 * Rows a transaction has just written and holds in hand, by `objectType:id`, so the events of
 * that transaction render them without reading them back. A writer that changes such a row
 * without returning it must call `rememberRow(tx, type, id, undefined)` to drop the copy.
 */
const inHand = new WeakMap<Queryable, Map<string, unknown>>();

type RenderedRow = { type: 'payment'; row: PaymentRow & { account_type: string } } | { type: 'payment_session'; row: SessionRow }
  | { type: 'order'; row: OrderRecord };

export function rememberRow(tx: Queryable, type: RenderedRow['type'], id: number, row: RenderedRow['row'] | undefined): void {
  let map = inHand.get(tx);
  if (!map) {
    if (row === undefined) return;
    map = new Map();
    inHand.set(tx, map);
  }
  if (row === undefined) map.delete(`${type}:${id}`);
  else map.set(`${type}:${id}`, row);
}

/**
 * The outbox rows these history rows imply, each event's object rendered as the API returns it
 * at this moment of the transaction (just before COMMIT), as one INSERT whose parameters start
 * at `$firstParam` (the history INSERT runs in the same statement). Undefined: no event.
 */
export async function renderEvents(tx: Queryable, history: HistoryEvent[], firstParam: number, deferred: ReadonlySet<unknown> = new Set()): Promise<{ sql: string; params: unknown[] } | undefined> {
  const events = history.flatMap(eventsFor);
  if (events.length === 0) return undefined;
  const rendered = new Map<string, unknown>();
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const e of events) {
    const key = `${e.objectType}:${e.objectId}`;
    if (!rendered.has(key)) {
      // A row whose write waits for this statement (deferWrite) cannot be read back yet: its
      // writer keeps it in hand (rememberRow), or the event would show it as it was.
      const writeKey = e.objectType === 'payment_session' ? `session:${e.objectId}` : `${e.objectType}:${e.objectId}`;
      if (deferred.has(writeKey) && !inHand.get(tx)?.has(key)) {
        throw new Error(`the ${e.type} event would read ${key}, whose write is deferred to the same statement`);
      }
      rendered.set(key, await render(tx, e));
    }
    const object = rendered.get(key);
    if (object === undefined) continue;
    const data = e.type === 'order.status_changed' ? { object, previousStatus: e.previous ?? null } : { object };
    const base = firstParam + params.length;
    params.push(`evt_${nanoid(16)}`, e.type, e.objectType, e.objectId, e.orderingKey, e.orderId, data);
    tuples.push(`(${[0, 1, 2, 3, 4, 5, 6].map((j) => `$${base + j}`).join(', ')})`);
  }
  if (tuples.length === 0) return undefined;
  return {
    sql: `INSERT INTO events (public_id, type, object_type, object_id, ordering_key, order_id, data) VALUES ${tuples.join(', ')}`,
    params,
  };
}

async function render(tx: Queryable, e: PendingEvent): Promise<unknown> {
  switch (e.objectType) {
    case 'payment': {
      const held = inHand.get(tx)?.get(`payment:${e.objectId}`) as (PaymentRow & { account_type: string }) | undefined;
      if (held) return paymentView(held);
      const { rows } = await tx.query<PaymentRow & { account_type: string }>(`${PAYMENT_SELECT} WHERE p.id = $1`, [e.objectId]);
      return rows[0] ? paymentView(rows[0]) : undefined;
    }
    case 'payment_session': {
      const held = inHand.get(tx)?.get(`payment_session:${e.objectId}`) as SessionRow | undefined;
      if (held) return sessionView(held);
      const { rows } = await tx.query<SessionRow>(`${SESSION_SELECT} WHERE s.id = $1`, [e.objectId]);
      return rows[0] ? sessionView(rows[0]) : undefined;
    }
    case 'order': {
      const held = inHand.get(tx)?.get(`order:${e.objectId}`) as OrderRecord | undefined;
      if (held && !selfCheck) return toOrderEntity(held, 'en_US');
      const o = await findOrderById(tx, e.objectId);
      const view = o ? toOrderEntity(o, 'en_US') : undefined;
      // The self-check (tests) renders both ways: a writer that changed the order after its
      // copy was taken, without dropping the copy, fails here.
      if (held && JSON.stringify(toOrderEntity(held, 'en_US')) !== JSON.stringify(view)) {
        throw new Error(`self-check: the order ${e.objectId} in hand differs from the database`);
      }
      return view;
    }
    case 'refund_request': {
      const r = await findRefundRequestById(tx, e.objectId);
      return r ? toRefundRequestView(r) : undefined;
    }
  }
}
