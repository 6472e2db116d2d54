import { queueEvents } from '../services/outbox.js';
import type { Queryable } from './db.js';

export type HistoryEntity = 'order' | 'collection' | 'session' | 'payment' | 'capture' | 'refund' | 'refund_request';
export type ActorType = 'user' | 'merchant' | 'gateway' | 'job' | 'system';

export interface Actor {
  type: ActorType;
  /** e.g. the user id, the admin token id, the gateway event id, the job name. */
  id?: string;
}

export interface HistoryEvent {
  entity: HistoryEntity;
  entityId: number;
  /** What happened: `created`, `status_changed`, `captured`, `refunded`, … */
  action: string;
  from?: string | null;
  to?: string | null;
  amount?: bigint | null;
  currency?: string | null;
  orderId?: number | null;
  collectionId?: number | null;
  sessionId?: number | null;
  paymentId?: number | null;
  actor: Actor;
  gatewayRef?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * Appends rows to the history (payment_events). Always call it inside the transaction that makes
 * the change it describes, so history and state can never disagree. The table is append-only.
 */
export async function appendHistory(tx: Queryable, events: HistoryEvent | HistoryEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  const cols = 15;
  const values: unknown[] = [];
  const tuples = list.map((e, i) => {
    values.push(
      e.entity, e.entityId, e.action, e.from ?? null, e.to ?? null, e.amount ?? null, e.currency ?? null,
      e.orderId ?? null, e.collectionId ?? null, e.sessionId ?? null, e.paymentId ?? null,
      e.actor.type, e.actor.id ?? null, e.gatewayRef ?? null, e.data ?? null,
    );
    return `(${Array.from({ length: cols }, (_, j) => `$${i * cols + j + 1}`).join(', ')})`;
  });
  await tx.query(
    `INSERT INTO payment_events (entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id,
       session_id, payment_id, actor_type, actor_id, gateway_ref, data) VALUES ${tuples.join(', ')}`,
    values,
  );
  queueEvents(tx, list);
}
