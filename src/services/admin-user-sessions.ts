import type { AppContext } from '../context.js';
import { createHmac } from 'node:crypto';
import { randomToken, safeEqual, sha256Hex } from '../crypto.js';
import { PaymentsError } from '../errors.js';
import { clearThrottle, takeAttempt, type AttemptLimit } from './auth-throttle.js';
import { adminUserView, findAdminUser, normalizeAdminEmail, type AdminUserRow, type AdminUserView } from './admin-user-service.js';
import { dummyHash, verifyPassword } from './passwords.js';

/** Name of the HttpOnly cookie that carries an admin session token. */
export const ADMIN_SESSION_COOKIE = 'tender_admin';
/** An admin session ends 12 hours after sign-in, whatever happens in between. */
export const ADMIN_SESSION_TTL_SEC = 12 * 60 * 60;

/** 5 failed admin sign-ins for one e-mail within 15 minutes lock it until the window passes. */
export const ADMIN_LOGIN_LIMIT: AttemptLimit = {
  max: 5,
  windowSec: 15 * 60,
  message: 'Too many failed sign-in attempts for this admin; retry later',
};

export interface AdminSessionStart {
  /** Cookie value; only its hash is stored. */
  token: string;
  /** To send as `x-csrf-token` on every mutating request made with the cookie. */
  csrfToken: string;
  user: AdminUserView;
  expiresAt: Date;
}

export interface AdminSession {
  sessionId: number;
  /** The session's CSRF token (the same for every tab and reload of the session). */
  csrfToken: string;
  expiresAt: Date;
  user: AdminUserView;
}

/** Shares `login_attempts` with storefront logins; the prefix keeps the two apart. */
export function adminThrottleKey(email: string): string {
  return `admin:${sha256Hex(normalizeAdminEmail(email))}`;
}

/**
 * Signs an admin in. The attempt is counted before the password is checked, so parallel guesses
 * cannot slip under the limit; a success clears the counter. Unknown e-mail and wrong password
 * answer the same, after the same work.
 */
export async function loginAdmin(ctx: AppContext, email: string, password: string, userAgent: string | undefined): Promise<AdminSessionStart> {
  const key = adminThrottleKey(email);
  await takeAttempt(ctx, key, ADMIN_LOGIN_LIMIT);
  const row = await findAdminUser(ctx, email);
  const ok = row && row.disabled_at === null ? await verifyPassword(row.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
  if (!ok || !row) throw new PaymentsError('invalid_credentials', 'Wrong e-mail or password');
  await clearThrottle(ctx, key);
  return startAdminSession(ctx, row, userAgent);
}

async function startAdminSession(ctx: AppContext, row: AdminUserRow, userAgent: string | undefined): Promise<AdminSessionStart> {
  const token = randomToken(32);
  const expiresAt = new Date(ctx.now().getTime() + ADMIN_SESSION_TTL_SEC * 1000);
  await ctx.db.query(
    `INSERT INTO admin_sessions (admin_user_id, token_hash, user_agent, expires_at) VALUES ($1, $2, $3, $4)`,
    [row.id, sha256Hex(token), userAgent?.slice(0, 300) ?? null, expiresAt],
  );
  const csrfToken = csrfFor(ctx, sha256Hex(token));
  await ctx.db.query('UPDATE admin_users SET last_login_at = $2 WHERE id = $1', [row.id, ctx.now()]);
  return { token, csrfToken, user: adminUserView(row), expiresAt };
}

/** The live session of a cookie value, or undefined (unknown, expired, revoked, user disabled). */
export async function resolveAdminSession(ctx: AppContext, token: string): Promise<AdminSession | undefined> {
  const { rows } = await ctx.db.query<AdminUserRow & { session_id: number; expires_at: Date }>(
    `SELECT u.*, s.id AS session_id, s.expires_at FROM admin_sessions s JOIN admin_users u ON u.id = s.admin_user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL`,
    [sha256Hex(token), ctx.now()],
  );
  const r = rows[0];
  return r ? { sessionId: r.session_id, csrfToken: csrfFor(ctx, sha256Hex(token)), expiresAt: r.expires_at, user: adminUserView(r) } : undefined;
}

/**
 * The CSRF token of a session: an HMAC of its token hash, so every tab of the session shares it
 * and nothing more is stored. Safe to answer a GET with: under SameSite=Strict and without CORS,
 * another site can neither send the cookie nor read the answer.
 */
function csrfFor(ctx: AppContext, tokenHash: string): string {
  return createHmac('sha256', ctx.keys.derive('admin-csrf')).update(tokenHash).digest('base64url');
}

export function csrfMatches(session: AdminSession, header: string | undefined): boolean {
  return typeof header === 'string' && header !== '' && safeEqual(header, session.csrfToken);
}

export async function revokeAdminSession(ctx: AppContext, sessionId: number): Promise<void> {
  await ctx.db.query('UPDATE admin_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [sessionId, ctx.now()]);
}

/** Ends every other session of a user (after a password change). */
export async function revokeOtherAdminSessions(ctx: AppContext, userId: number, keepSessionId: number): Promise<void> {
  await ctx.db.query('UPDATE admin_sessions SET revoked_at = $3 WHERE admin_user_id = $1 AND id <> $2 AND revoked_at IS NULL', [userId, keepSessionId, ctx.now()]);
}
