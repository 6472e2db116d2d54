import type { Queryable } from './db.js';

/** One-time codes (`user_codes`): only a keyed hash of the code is stored. */

export interface CodeRow {
  id: number;
  code_hash: string;
  attempts: number;
}

/** Stores a new code for (user, event), replacing any earlier one still open. */
export async function replaceCode(
  q: Queryable,
  input: { userId: number; eventIdentifier: string; codeHash: string; now: Date; ttlSec: number },
): Promise<number> {
  await q.query('DELETE FROM user_codes WHERE user_id = $1 AND event_identifier = $2 AND used_at IS NULL', [input.userId, input.eventIdentifier]);
  const { rows } = await q.query<{ id: number }>(
    `INSERT INTO user_codes (user_id, event_identifier, code_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $4::timestamptz + make_interval(secs => $5)) RETURNING id`,
    [input.userId, input.eventIdentifier, input.codeHash, input.now, input.ttlSec],
  );
  return rows[0]!.id;
}

export async function deleteCode(q: Queryable, codeId: number): Promise<void> {
  await q.query('DELETE FROM user_codes WHERE id = $1', [codeId]);
}

/** Locks the open (unused, unexpired) code of (user, event), if any. */
export async function lockOpenCode(q: Queryable, userId: number, eventIdentifier: string, now: Date): Promise<CodeRow | undefined> {
  const { rows } = await q.query<CodeRow>(
    `SELECT id, code_hash, attempts FROM user_codes
      WHERE user_id = $1 AND event_identifier = $2 AND used_at IS NULL AND expires_at > $3
      ORDER BY id DESC LIMIT 1 FOR UPDATE`,
    [userId, eventIdentifier, now],
  );
  return rows[0];
}

export async function countFailedAttempt(q: Queryable, codeId: number): Promise<void> {
  await q.query('UPDATE user_codes SET attempts = attempts + 1 WHERE id = $1', [codeId]);
}

export async function markCodeUsed(q: Queryable, codeId: number, now: Date): Promise<void> {
  await q.query('UPDATE user_codes SET used_at = $2 WHERE id = $1', [codeId, now]);
}
