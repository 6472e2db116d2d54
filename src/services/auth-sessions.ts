import type { ActiveSession, AuthEntity } from '../contract/auth.js';
import type { AppContext } from '../context.js';
import { randomToken, sha256Hex } from '../crypto.js';
import { PaymentsError } from '../errors.js';
import {
  findTokenOwner,
  insertRefreshToken,
  insertSession,
  listLiveSessions,
  lockRefreshToken,
  lockSession,
  markTokenRotated,
  revokeSession,
  revokeUserSessions,
  touchSession,
  type DeviceInfo,
  type LockedSession,
} from '../store/auth-session-store.js';
import type { Queryable } from '../store/db.js';
import type { ProviderRow, UserRow } from '../store/user-store.js';
import { issueAccessToken, type UserPrincipal } from './access-tokens.js';
import { deviceInfoFrom } from './auth-device-info.js';
import { getProvider } from './auth-providers.js';

/**
 * How long a rotated refresh token stays usable. The OneEntry SDK refreshes once per request
 * that got a 401, so N parallel requests send the same refresh token N times (contract §2.6);
 * each must get a working pair. Reuse after this window means the token leaked: the session ends.
 */
export const REFRESH_REUSE_GRACE_SEC = 30;

const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked; sign in again';

/** A new opaque refresh token; only its SHA-256 is stored. */
function newRefreshToken(): string {
  return `tnd_rt_${randomToken(32)}`;
}

/** Starts a login session: one `user_sessions` row, a refresh token and an access token bound to it. */
export async function openSession(
  ctx: AppContext,
  input: { user: UserRow; provider: ProviderRow; deviceInfo: DeviceInfo },
): Promise<AuthEntity> {
  const now = ctx.now();
  const refreshToken = newRefreshToken();
  const sessionId = await ctx.db.transaction(async (tx) => {
    const id = await insertSession(tx, { userId: input.user.id, deviceInfo: input.deviceInfo, now });
    await insertRefreshToken(tx, { sessionId: id, tokenHash: sha256Hex(refreshToken), now, ttlSec: input.provider.refresh_token_ttl_sec });
    return id;
  });
  const accessToken = await issueAccessToken(ctx, { userId: input.user.id, sessionId, ttlSec: input.provider.access_token_ttl_sec });
  return { userIdentifier: input.user.identifier, authProviderIdentifier: input.provider.identifier, accessToken, refreshToken };
}

type RefreshOutcome = { kind: 'ok'; session: LockedSession } | { kind: 'invalid' } | { kind: 'reused'; sessionId: number };

/**
 * Exchanges a refresh token for a new pair on the same session (rotation). The token row is
 * locked, so concurrent refreshes with one token run one after another; within the grace window
 * each gets its own new pair. The token identifies the session on its own: the SDK's automatic
 * refresh goes to its configured `providerMarker`, not to the marker the user signed in with
 * (contract §7.7), so the route's marker only has to exist.
 */
export async function refreshSession(ctx: AppContext, marker: string, refreshToken: string | undefined): Promise<AuthEntity> {
  await getProvider(ctx, marker);
  if (!refreshToken) throw new PaymentsError('invalid_refresh_token', INVALID_REFRESH);
  const hash = sha256Hex(refreshToken);
  const now = ctx.now();
  const next = newRefreshToken();
  const outcome = await ctx.db.transaction((tx) => rotate(tx, hash, sha256Hex(next), now));
  if (outcome.kind === 'reused') {
    ctx.db.changes.announce(`session:${outcome.sessionId}`);
    ctx.log.warn({ sessionId: outcome.sessionId }, 'a rotated refresh token was reused after the grace window: session revoked');
  }
  if (outcome.kind !== 'ok') throw new PaymentsError('invalid_refresh_token', INVALID_REFRESH);
  const { session } = outcome;
  const accessToken = await issueAccessToken(ctx, { userId: session.user_id, sessionId: session.id, ttlSec: session.access_token_ttl_sec });
  return {
    userIdentifier: session.user_identifier,
    authProviderIdentifier: session.provider_identifier,
    accessToken,
    refreshToken: next,
  };
}

async function rotate(tx: Queryable, hash: string, nextHash: string, now: Date): Promise<RefreshOutcome> {
  const owner = await findTokenOwner(tx, hash);
  if (!owner) return { kind: 'invalid' };
  // Session first, then token: the same lock order as logout (see auth-session-store).
  const session = await lockSession(tx, owner.sessionId);
  const token = await lockRefreshToken(tx, hash);
  if (!session || !token || session.revoked_at || token.revoked_at || !session.user_is_active) return { kind: 'invalid' };
  if (new Date(token.expires_at).getTime() <= now.getTime()) return { kind: 'invalid' };
  if (token.rotated_at) {
    const sinceRotation = now.getTime() - new Date(token.rotated_at).getTime();
    if (sinceRotation >= REFRESH_REUSE_GRACE_SEC * 1000) {
      await revokeSession(tx, session.id, 'refresh_token_reuse', now);
      return { kind: 'reused', sessionId: session.id };
    }
  } else {
    await markTokenRotated(tx, token.id, now);
  }
  await insertRefreshToken(tx, { sessionId: session.id, tokenHash: nextHash, now, ttlSec: session.refresh_token_ttl_sec });
  await touchSession(tx, session.id, now);
  return { kind: 'ok', session };
}

/**
 * Ends the session of `refreshToken` when it is one of the caller's; otherwise (no token, an
 * unknown one, another user's) the caller's current session. Never reveals which it was.
 */
export async function logout(ctx: AppContext, marker: string, principal: UserPrincipal, refreshToken: string | undefined): Promise<true> {
  await getProvider(ctx, marker);
  let sessionId = principal.sessionId;
  if (refreshToken) {
    const owner = await findTokenOwner(ctx.db, sha256Hex(refreshToken));
    if (owner && owner.userId === principal.userId) sessionId = owner.sessionId;
  }
  const now = ctx.now();
  await ctx.db.transaction((tx) => revokeSession(tx, sessionId, 'logout', now));
  ctx.db.changes.announce(`session:${sessionId}`);
  return true;
}

/** Ends every session of the caller (every device). */
export async function logoutAll(ctx: AppContext, marker: string, principal: UserPrincipal): Promise<true> {
  await getProvider(ctx, marker);
  const now = ctx.now();
  await ctx.db.transaction((tx) => revokeUserSessions(tx, principal.userId, 'logout_all', now));
  ctx.db.changes.announce(`user:${principal.userId}`);
  return true;
}

export async function listSessions(ctx: AppContext, marker: string, principal: UserPrincipal): Promise<ActiveSession[]> {
  await getProvider(ctx, marker);
  const devices = await listLiveSessions(ctx.db, principal.userId, ctx.now());
  return devices.map((d) => ({ deviceInfo: deviceInfoFrom(d) }));
}
