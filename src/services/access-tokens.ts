import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import type { ChangeFeed } from '../store/db.js';
import { FeedCache } from '../store/feed-cache.js';

export interface UserPrincipal {
  kind: 'user';
  userId: number;
  sessionId: number;
}

const ISSUER = 'tender';
const AUDIENCE = 'tender:storefront';

// A KeyObject made once: given raw bytes, jose would import the key again on every call.
let cachedKey: { ring: unknown; key: KeyObject; verified: Map<string, { sub?: string; sid: unknown; exp: number }> } | undefined;
function keyState(ctx: AppContext) {
  if (cachedKey?.ring !== ctx.keys) cachedKey = { ring: ctx.keys, key: createSecretKey(ctx.keys.derive('access-jwt')), verified: new Map() };
  return cachedKey;
}
function signingKey(ctx: AppContext): KeyObject {
  return keyState(ctx).key;
}

/**
 * Tokens whose signature, issuer and audience were already verified (by this key), with their
 * claims: a storefront sends the same access token on every request until it expires, and a
 * signature that verified once verifies again. Expiry is still checked on every request.
 * Bounded; the oldest entries go first.
 */
const VERIFIED_MAX = 10_000;

/** Short-lived HS256 access token bound to one login session (`sid`), so logout kills it. */
export async function issueAccessToken(ctx: AppContext, input: { userId: number; sessionId: number; ttlSec: number }): Promise<string> {
  const now = Math.floor(ctx.now().getTime() / 1000);
  return new SignJWT({ sid: input.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(input.userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setJti(randomUUID())
    .setExpirationTime(now + input.ttlSec)
    .sign(signingKey(ctx));
}

/**
 * Login sessions known to be live (session id → user id), per database. A logout, a revoked
 * session, a deactivated or deleted user is announced by the database's triggers (migration
 * 0011) and drops the entry on every process as soon as it commits; while the change feed is not
 * live (starting, reconnecting, a pooler without LISTEN) nothing is served from here and every
 * request asks the database, as before.
 */
const SESSION_CACHE_MAX = 10_000;
const SESSION_CACHE_TTL_MS = 30_000;
const liveSessions = new WeakMap<ChangeFeed, FeedCache<number, number>>();
function liveSessionCache(feed: ChangeFeed): FeedCache<number, number> {
  let cache = liveSessions.get(feed);
  if (!cache) {
    cache = new FeedCache<number, number>(feed, {
      max: SESSION_CACHE_MAX,
      ttlMs: SESSION_CACHE_TTL_MS,
      serveWhenNotLive: false,
      stale: (kind, id, sessionId, userId) =>
        (kind === 'session' && (id === '*' || Number(id) === sessionId)) || (kind === 'user' && (id === '*' || Number(id) === userId)),
    });
    liveSessions.set(feed, cache);
  }
  return cache;
}

/**
 * Verifies the signature and expiry, then that the login session is still live (in the
 * database, or in the cache the database's change notifications keep exact): a revoked session
 * answers 401 on the process that revoked it at once, and on every other one as soon as the
 * notification arrives (milliseconds; test/http/feed-caches.test.ts).
 */
export async function authenticateAccessToken(ctx: AppContext, token: string): Promise<UserPrincipal> {
  const state = keyState(ctx);
  let claims = state.verified.get(token);
  if (claims && claims.exp * 1000 <= ctx.now().getTime()) throw new PaymentsError('token_expired', 'The access token has expired; refresh it');
  if (!claims) {
    try {
      const { payload } = await jwtVerify(token, state.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: ctx.now(),
        requiredClaims: ['exp'],
      });
      claims = { sub: payload.sub, sid: payload.sid, exp: payload.exp! };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new PaymentsError('token_expired', 'The access token has expired; refresh it');
      throw new PaymentsError('unauthorized', 'The access token is invalid');
    }
    if (state.verified.size >= VERIFIED_MAX) state.verified.delete(state.verified.keys().next().value!);
    state.verified.set(token, claims);
  }
  const { sub, sid } = claims;
  const userId = Number(sub);
  if (!Number.isSafeInteger(userId) || typeof sid !== 'number') throw new PaymentsError('unauthorized', 'The access token is invalid');
  const owner = await liveSessionCache(ctx.db.changes).get(sid, async () => {
    const { rows } = await ctx.db.query<{ user_id: number }>(
      `SELECT s.user_id FROM user_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.revoked_at IS NULL AND u.is_active`,
      [sid],
    );
    return rows[0]?.user_id;
  });
  if (owner !== userId) throw new PaymentsError('session_revoked', 'The session has ended; sign in again');
  return { kind: 'user', userId, sessionId: sid };
}
