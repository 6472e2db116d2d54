import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';

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
 * Verifies the signature and expiry, then checks in the database that the login session is
 * still live: a revoked session answers 401 on every Tender process at once.
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
  const { rows } = await ctx.db.query<{ ok: boolean }>(
    `SELECT true AS ok FROM user_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.is_active`,
    [sid, userId],
  );
  if (rows.length === 0) throw new PaymentsError('session_revoked', 'The session has ended; sign in again');
  return { kind: 'user', userId, sessionId: sid };
}
