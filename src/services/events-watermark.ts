import type { Logger } from 'pino';
import type { Queryable } from '../store/db.js';

export interface Watermark {
  /** Every event with an id up to here is visible (or was given up). */
  settledId: bigint;
  /** Webhook fan-out has handled every event up to here. */
  fannedId: bigint;
}

interface WatermarkRow {
  settled_id: bigint;
  fanned_id: bigint;
  gap_after: bigint | null;
  gap_expired: boolean | null;
}

const BATCH = 1000;

/**
 * Advances the settled watermark over the events that are now visible, and returns it.
 *
 * Why: `events.id` comes from an identity column whose value is taken when the row is inserted,
 * just before COMMIT. On PostgreSQL two transactions can commit in the other order, so id 11 may
 * be visible while id 10 is not yet. A reader that remembered "after 11" would skip 10 for
 * ever. Readers (fan-out, the events list) therefore stop at the first missing id; a missing id
 * that stays missing for `graceMs` (its transaction rolled back: identity values are not given
 * back) is skipped. Events of one payment never race each other (they are written under the
 * payment's row lock), so skipping never reorders one ordering key.
 *
 * Holds the watermark row lock for the rest of the caller's transaction. With `skipLocked`, a
 * caller that finds it locked gets the stored values without waiting (null row → read only).
 */
export async function settleEvents(tx: Queryable, graceMs: number, log?: Logger, options: { skipLocked?: boolean } = {}): Promise<Watermark> {
  const { rows } = await tx.query<WatermarkRow>(
    `SELECT settled_id, fanned_id, gap_after, gap_seen_at < now() - make_interval(secs => $1) AS gap_expired
       FROM event_watermark FOR UPDATE${options.skipLocked ? ' SKIP LOCKED' : ''}`,
    [graceMs / 1000],
  );
  const w = rows[0];
  if (!w) return readWatermark(tx);
  let settled = w.settled_id;
  const next = await tx.query<{ id: bigint }>('SELECT id FROM events WHERE id > $1 ORDER BY id LIMIT $2', [settled, BATCH]);
  let gap: bigint | null = null;
  for (const { id } of next.rows) {
    if (id === settled + 1n) {
      settled = id;
      continue;
    }
    if (w.gap_after === settled && w.gap_expired) {
      log?.warn({ from: String(settled + 1n), to: String(id - 1n) }, 'events: ids never became visible within the grace period; skipping them');
      settled = id;
      continue;
    }
    gap = settled;
    break;
  }
  if (settled !== w.settled_id || gap !== w.gap_after) {
    await tx.query(
      `UPDATE event_watermark SET settled_id = $1, gap_after = $2::bigint,
              gap_seen_at = CASE WHEN $2::bigint IS NULL THEN NULL WHEN gap_after IS NOT DISTINCT FROM $2::bigint THEN gap_seen_at ELSE now() END,
              updated_at = now()`,
      [settled, gap],
    );
  }
  return { settledId: settled, fannedId: w.fanned_id };
}

export async function readWatermark(q: Queryable): Promise<Watermark> {
  const { rows } = await q.query<{ settled_id: bigint; fanned_id: bigint }>('SELECT settled_id, fanned_id FROM event_watermark');
  const w = rows[0];
  if (!w) throw new Error('event_watermark is empty (migration 0008 not applied?)');
  return { settledId: w.settled_id, fannedId: w.fanned_id };
}
