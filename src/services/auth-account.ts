import type { ActivateBody, ChangePasswordBody, CheckCodeBody, GenerateCodeBody } from '../contract/auth.js';
import type { AppContext } from '../context.js';
import { PaymentsError } from '../errors.js';
import { revokeUserSessions } from '../store/auth-session-store.js';
import { activateUser, findUser, updatePasswordHash } from '../store/user-store.js';
import { ACTIVATE_EVENT, assertCanSendCodes, issueCode, verifyCode } from './auth-codes.js';
import { assertValidPassword, normalizeIdentifier } from './auth-credentials.js';
import { getActiveProvider } from './auth-providers.js';
import { CODE_SEND_LIMIT, clearThrottle, takeAttempt, throttleKey } from './auth-throttle.js';
import { hashPassword } from './passwords.js';

const INVALID_CODE = 'The code is wrong, expired or used up; request a new one';

/**
 * `POST …/users/generate-code`. Answers `true` for an unknown login too, without sending
 * anything, so the endpoint does not tell which logins exist.
 */
export async function generateCode(ctx: AppContext, marker: string, body: GenerateCodeBody): Promise<true> {
  const provider = await getActiveProvider(ctx, marker);
  assertCanSendCodes(ctx);
  const identifier = normalizeIdentifier(provider, body.userIdentifier);
  await takeAttempt(ctx, throttleKey('code', provider.id, identifier, body.eventIdentifier), CODE_SEND_LIMIT);
  const user = await findUser(ctx.db, provider.id, identifier);
  if (user) await issueCode(ctx, provider, user, body.eventIdentifier);
  return true;
}

/** `POST …/users/check-code`: `true` when the code is right; it stays usable (not consumed). */
export async function checkCode(ctx: AppContext, marker: string, body: CheckCodeBody): Promise<boolean> {
  const provider = await getActiveProvider(ctx, marker);
  const user = await findUser(ctx.db, provider.id, normalizeIdentifier(provider, body.userIdentifier));
  if (!user) return false;
  return ctx.db.transaction((tx) =>
    verifyCode(ctx, tx, { userId: user.id, eventIdentifier: body.eventIdentifier, code: body.code, consume: false }),
  );
}

/** `POST …/users/activate`: uses up the `activate` code and activates the user; 422 `invalid_code` otherwise. */
export async function activate(ctx: AppContext, marker: string, body: ActivateBody): Promise<true> {
  const provider = await getActiveProvider(ctx, marker);
  const user = await findUser(ctx.db, provider.id, normalizeIdentifier(provider, body.userIdentifier));
  // The transaction commits a wrong guess's count before the 422 is thrown outside it.
  const ok =
    user !== undefined &&
    (await ctx.db.transaction(async (tx) => {
      const valid = await verifyCode(ctx, tx, { userId: user.id, eventIdentifier: ACTIVATE_EVENT, code: body.code, consume: true });
      if (valid) await activateUser(tx, user.id);
      return valid;
    }));
  if (!ok) throw new PaymentsError('invalid_code', INVALID_CODE);
  return true;
}

/**
 * `POST …/users/change-password` (type 1 change, 2 recovery; both prove themselves with a code
 * of `eventIdentifier`). Sets the new password, ends every session and lifts a sign-in lockout.
 */
export async function changePassword(ctx: AppContext, marker: string, body: ChangePasswordBody): Promise<true> {
  if (body.password1 !== body.password2) throw new PaymentsError('validation_failed', 'password1 and password2 must be equal');
  assertValidPassword(body.password1);
  const provider = await getActiveProvider(ctx, marker);
  const identifier = normalizeIdentifier(provider, body.userIdentifier);
  const user = await findUser(ctx.db, provider.id, identifier);
  // Hashed before the transaction (argon2 takes tens of ms) and for unknown logins too, so the
  // answer time does not tell whether the login exists.
  const passwordHash = await hashPassword(body.password1);
  const now = ctx.now();
  const ok =
    user !== undefined &&
    (await ctx.db.transaction(async (tx) => {
      const valid = await verifyCode(ctx, tx, { userId: user.id, eventIdentifier: body.eventIdentifier, code: body.code, consume: true });
      if (!valid) return false;
      await updatePasswordHash(tx, user.id, passwordHash);
      await revokeUserSessions(tx, user.id, 'password_changed', now);
      return true;
    }));
  if (!ok) throw new PaymentsError('invalid_code', INVALID_CODE);
  ctx.db.changes.announce(`user:${user.id}`);
  await clearThrottle(ctx, throttleKey('login', provider.id, identifier));
  return true;
}
