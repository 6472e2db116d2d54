import { renderEvents } from '../services/outbox.js';
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

const HISTORY_COLUMNS = 15;
const buffers = new WeakMap<Queryable, HistoryEvent[]>();

/**
 * Appends rows to the history (payment_events). Always call it inside the transaction that makes
 * the change it describes, so history and state can never disagree. The table is append-only.
 *
 * Inside a transaction the rows are buffered and written just before COMMIT, together with the
 * merchant events they imply (outbox), in one statement: one round trip per transaction instead
 * of one per call (docs/benchmarks.md). Nothing inside a transaction reads payment_events, so
 * deferring the write changes no answer; a rollback discards the buffer with everything else.
 */
export async function appendHistory(tx: Queryable, events: HistoryEvent | HistoryEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events];
  if (list.length === 0) return;
  if (!tx.beforeCommit) {
    await writeHistory(tx, list);
    return;
  }
  let buffer = buffers.get(tx);
  if (!buffer) {
    const fresh: HistoryEvent[] = [];
    buffers.set(tx, fresh);
    tx.beforeCommit('history', (t) => writeHistory(t, fresh));
    buffer = fresh;
  }
  buffer.push(...list);
}

/** Writes history rows and their outbox events (if any) in one statement. */
async function writeHistory(tx: Queryable, list: HistoryEvent[]): Promise<void> {
  if (list.length === 0) return;
  const values: unknown[] = [];
  const tuples = list.map((e) => {
    const base = values.length;
    values.push(
      e.entity, e.entityId, e.action, e.from ?? null, e.to ?? null, e.amount ?? null, e.currency ?? null,
      e.orderId ?? null, e.collectionId ?? null, e.sessionId ?? null, e.paymentId ?? null,
      e.actor.type, e.actor.id ?? null, e.gatewayRef ?? null, e.data ?? null,
    );
    return `(${Array.from({ length: HISTORY_COLUMNS }, (_, j) => `$${base + j + 1}`).join(', ')})`;
  });
  const history = `INSERT INTO payment_events (entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id,
       session_id, payment_id, actor_type, actor_id, gateway_ref, data) VALUES ${tuples.join(', ')}`;
  const outbox = await renderEvents(tx, list, values.length + 1);
  if (!outbox) {
    await tx.query(history, values);
    return;
  }
  await tx.query(`WITH history AS (${history}) ${outbox.sql}`, [...values, ...outbox.params]);
}
