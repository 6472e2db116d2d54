import type { Queryable } from './db.js';

/**
 * Login sessions and their refresh tokens. Lock order, everywhere: the session row first, then
 * its token rows, so that a refresh racing a logout waits instead of deadlocking.
 */

export interface DeviceInfo {
  os: string;
  browser: string;
  location: string;
}

export async function insertSession(q: Queryable, input: { userId: number; deviceInfo: DeviceInfo; now: Date }): Promise<number> {
  const { rows } = await q.query<{ id: number }>(
    'INSERT INTO user_sessions (user_id, device_info, created_at, last_used_at) VALUES ($1, $2, $3, $3) RETURNING id',
    [input.userId, JSON.stringify(input.deviceInfo), input.now],
  );
  return rows[0]!.id;
}

export async function insertRefreshToken(
  q: Queryable,
  input: { sessionId: number; tokenHash: string; now: Date; ttlSec: number },
): Promise<void> {
  await q.query(
    `INSERT INTO refresh_tokens (session_id, token_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $3::timestamptz + make_interval(secs => $4))`,
    [input.sessionId, input.tokenHash, input.now, input.ttlSec],
  );
}

/** Which session a refresh token belongs to (no lock; the caller locks the session next). */
export async function findTokenOwner(q: Queryable, tokenHash: string): Promise<{ sessionId: number; userId: number } | undefined> {
  const { rows } = await q.query<{ session_id: number; user_id: number }>(
    'SELECT t.session_id, s.user_id FROM refresh_tokens t JOIN user_sessions s ON s.id = t.session_id WHERE t.token_hash = $1',
    [tokenHash],
  );
  const row = rows[0];
  return row && { sessionId: row.session_id, userId: row.user_id };
}

export interface LockedSession {
  id: number;
  user_id: number;
  revoked_at: Date | null;
  user_identifier: string;
  user_is_active: boolean;
  provider_identifier: string;
  access_token_ttl_sec: number;
  refresh_token_ttl_sec: number;
}

/** Locks a session row and reads what a refresh needs about its user and provider. */
export async function lockSession(q: Queryable, sessionId: number): Promise<LockedSession | undefined> {
  const { rows } = await q.query<LockedSession>(
    `SELECT s.id, s.user_id, s.revoked_at, u.identifier AS user_identifier, u.is_active AS user_is_active,
            p.identifier AS provider_identifier, p.access_token_ttl_sec, p.refresh_token_ttl_sec
       FROM user_sessions s JOIN users u ON u.id = s.user_id JOIN auth_providers p ON p.id = u.auth_provider_id
      WHERE s.id = $1 FOR UPDATE OF s`,
    [sessionId],
  );
  return rows[0];
}

export interface LockedToken {
  id: number;
  session_id: number;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

export async function lockRefreshToken(q: Queryable, tokenHash: string): Promise<LockedToken | undefined> {
  const { rows } = await q.query<LockedToken>(
    'SELECT id, session_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE',
    [tokenHash],
  );
  return rows[0];
}

export async function markTokenRotated(q: Queryable, tokenId: number, now: Date): Promise<void> {
  await q.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1 AND rotated_at IS NULL', [tokenId, now]);
}

export async function touchSession(q: Queryable, sessionId: number, now: Date): Promise<void> {
  await q.query('UPDATE user_sessions SET last_used_at = $2 WHERE id = $1', [sessionId, now]);
}

/** Ends one session and every refresh token of it. Returns whether it was still live. */
export async function revokeSession(q: Queryable, sessionId: number, reason: string, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE user_sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1 AND revoked_at IS NULL',
    [sessionId, now, reason],
  );
  await q.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL', [sessionId, now]);
  return rowCount > 0;
}

/** Ends every session of a user. Returns how many were live. */
export async function revokeUserSessions(q: Queryable, userId: number, reason: string, now: Date): Promise<number> {
  const { rowCount } = await q.query(
    'UPDATE user_sessions SET revoked_at = $2, revoke_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL',
    [userId, now, reason],
  );
  await q.query(
    `UPDATE refresh_tokens SET revoked_at = $2
      WHERE revoked_at IS NULL AND session_id IN (SELECT id FROM user_sessions WHERE user_id = $1)`,
    [userId, now],
  );
  return rowCount;
}

/** Stored `device_info` of the user's live sessions: not revoked, with a refresh token still usable. */
export async function listLiveSessions(q: Queryable, userId: number, now: Date): Promise<unknown[]> {
  const { rows } = await q.query<{ device_info: unknown }>(
    `SELECT s.device_info FROM user_sessions s
      WHERE s.user_id = $1 AND s.revoked_at IS NULL
        AND EXISTS (SELECT 1 FROM refresh_tokens t
                     WHERE t.session_id = s.id AND t.revoked_at IS NULL AND t.rotated_at IS NULL AND t.expires_at > $2)
      ORDER BY s.id`,
    [userId, now],
  );
  return rows.map((r) => r.device_info);
}
