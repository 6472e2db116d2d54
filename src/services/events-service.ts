import type { AppContext } from '../context.js';
import type { TenderEvent } from '../contract/webhooks.js';
import { PaymentsError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { settleEvents } from './events-watermark.js';

/** An event as merchants see it: in the events list and as the body of a webhook. */
export type EventView = TenderEvent;

export interface EventRow {
  id: bigint;
  public_id: string;
  type: string;
  ordering_key: string;
  data: TenderEvent['data'];
  created_at: Date;
}

export const EVENT_COLUMNS = 'id, public_id, type, ordering_key, data, created_at';

export function eventView(row: EventRow): EventView {
  return { id: row.public_id, type: row.type, created: row.created_at.toISOString(), data: row.data };
}

/** Looks an event up by its public id (`evt_…`) or its numeric id. */
export async function findEvent(q: Queryable, ref: string): Promise<EventRow | undefined> {
  const numeric = /^[0-9]{1,18}$/.test(ref);
  const { rows } = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE ${numeric ? 'id = $1::bigint' : 'public_id = $1'}`,
    [ref],
  );
  return rows[0];
}

export async function getEvent(ctx: AppContext, ref: string): Promise<EventRow> {
  const row = await findEvent(ctx.db, ref);
  if (!row) throw new PaymentsError('not_found', `Event ${ref} not found`);
  return row;
}

export interface ListEventsQuery {
  /** Public (`evt_…`) or numeric id of the last event already seen. */
  after?: string;
  type?: string;
  limit: number;
}

/**
 * Events in the order they happened (ascending id), after a given one: how a merchant catches
 * up after downtime. Only settled events are listed (see events-watermark.ts), so a client that
 * pages with `after` never skips an event that commits late.
 */
export async function listEvents(ctx: AppContext, query: ListEventsQuery, gapGraceMs: number): Promise<{ items: EventView[]; hasMore: boolean }> {
  let after = 0n;
  if (query.after !== undefined && query.after !== '') {
    const row = await findEvent(ctx.db, query.after);
    if (!row) throw new PaymentsError('not_found', `Event ${query.after} not found (after= takes an event id such as evt_… or its numeric id)`);
    after = row.id;
  }
  const { settledId } = await ctx.db.transaction((tx) => settleEvents(tx, gapGraceMs, ctx.log, { skipLocked: true }));
  const { rows } = await ctx.db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events
      WHERE id > $1 AND id <= $2 AND ($3::text IS NULL OR type = $3)
      ORDER BY id LIMIT $4`,
    [after, settledId, query.type ?? null, query.limit + 1],
  );
  return { items: rows.slice(0, query.limit).map(eventView), hasMore: rows.length > query.limit };
}
