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

/**
 * The history row of an order created in the same statement: an `INSERT … SELECT` over the
 * `source` CTE (the inserted order's row), so the order and its history commit together without
 * a transaction around them. Placeholders from `firstParam`. Only for writes that imply no
 * outbox event (an order's creation has none: `eventsFor`, tested).
 */
export function orderCreatedHistory(source: string, actor: Actor, firstParam: number): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO payment_events (entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id,
            session_id, payment_id, actor_type, actor_id, gateway_ref, data)
          SELECT 'order', id, 'created', NULL, status_identifier, total, currency, id, NULL, NULL, NULL, $${firstParam}, $${firstParam + 1}, NULL, NULL
            FROM ${source}`,
    params: [actor.type, actor.id ?? null],
  };
}

/** A write rendered with its placeholders numbered from `firstParam`. */
export type DeferredWrite = (firstParam: number) => { sql: string; params: unknown[] };

interface Pending {
  history: HistoryEvent[];
  /** By key: a later write under the same key replaces the earlier one (see deferWrite). */
  writes: Map<unknown, DeferredWrite>;
}
const pending = new WeakMap<Queryable, Pending>();

function pendingOf(tx: Queryable & { beforeCommit: NonNullable<Queryable['beforeCommit']> }): Pending {
  let p = pending.get(tx);
  if (!p) {
    const fresh: Pending = { history: [], writes: new Map() };
    pending.set(tx, fresh);
    tx.beforeCommit('history', (t) => writePending(t, fresh));
    p = fresh;
  }
  return p;
}

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
    await writePending(tx, { history: list, writes: new Map() });
    return;
  }
  pendingOf(tx as Queryable & { beforeCommit: NonNullable<Queryable['beforeCommit']> }).history.push(...list);
}

/**
 * A write that joins the transaction's last statement (the history and outbox one) instead of
 * costing a round trip of its own. Only for a table nothing later in the transaction reads —
 * neither the caller nor the outbox rendering — since the parts of one statement all see the
 * data as it was before it (e.g. the result column of gateway_events). Outside a transaction it
 * runs at once.
 *
 * A `key` names what the write sets: a later write under the same key replaces the earlier one
 * (one statement must not update a row twice: PostgreSQL would apply only one of the two, and
 * not predictably which), and {@link dropDeferredWrite} withdraws it when the caller writes the
 * row at once instead.
 */
export async function deferWrite(tx: Queryable, write: DeferredWrite, key: unknown = Symbol('write')): Promise<void> {
  if (!tx.beforeCommit) {
    const w = write(1);
    await tx.query(w.sql, w.params);
    return;
  }
  const { writes } = pendingOf(tx as Queryable & { beforeCommit: NonNullable<Queryable['beforeCommit']> });
  writes.delete(key);
  writes.set(key, write);
}

/**
 * Takes the deferred writes so far whose keys `which` accepts out of the last statement, for the
 * caller to run as parts of a statement it makes anyway (they then run earlier than they would
 * have). Only for a statement whose answer does not depend on them: its parts all see the data
 * as it was before it.
 */
export function takeDeferredWrites(tx: Queryable, which: (key: unknown) => boolean): { key: unknown; write: DeferredWrite }[] {
  const writes = pending.get(tx)?.writes;
  if (!writes) return [];
  const out: { key: unknown; write: DeferredWrite }[] = [];
  for (const [key, write] of writes) {
    if (!which(key)) continue;
    out.push({ key, write });
    writes.delete(key);
  }
  return out;
}

/** Withdraws the deferred write under `key`, if any. */
export function dropDeferredWrite(tx: Queryable, key: unknown): void {
  pending.get(tx)?.writes.delete(key);
}

/** Writes history rows, their outbox events (if any) and the deferred writes in one statement. */
async function writePending(tx: Queryable, { history: list, writes }: Pending): Promise<void> {
  const parts: string[] = [];
  const values: unknown[] = [];
  if (list.length > 0) {
    const tuples = list.map((e) => {
      const base = values.length;
      values.push(
        e.entity, e.entityId, e.action, e.from ?? null, e.to ?? null, e.amount ?? null, e.currency ?? null,
        e.orderId ?? null, e.collectionId ?? null, e.sessionId ?? null, e.paymentId ?? null,
        e.actor.type, e.actor.id ?? null, e.gatewayRef ?? null, e.data ?? null,
      );
      return `(${Array.from({ length: HISTORY_COLUMNS }, (_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    parts.push(`INSERT INTO payment_events (entity, entity_id, action, from_status, to_status, amount, currency, order_id, collection_id,
       session_id, payment_id, actor_type, actor_id, gateway_ref, data) VALUES ${tuples.join(', ')}`);
  }
  for (const write of writes.values()) {
    const w = write(values.length + 1);
    parts.push(w.sql);
    values.push(...w.params);
  }
  const outbox = list.length > 0 ? await renderEvents(tx, list, values.length + 1, new Set([...writes.keys()].filter((k) => typeof k === 'string'))) : undefined;
  if (outbox) {
    parts.push(outbox.sql);
    values.push(...outbox.params);
  }
  if (parts.length === 0) return;
  // The last part is the statement; the others run as data-modifying WITH parts of it.
  const main = parts.pop()!;
  const withs = parts.map((sql, i) => `${i === 0 && list.length > 0 ? 'history' : `w${i}`} AS (${sql})`);
  const sql = withs.length > 0 ? `WITH ${withs.join(', ')} ${main}` : main;
  // Nothing reads its answer: where it can, the statement goes with the commit.
  if (tx.commitWith) await tx.commitWith(sql, values);
  else await tx.query(sql, values);
}
