import { createHmac, randomInt } from 'node:crypto';
import type { AppContext } from '../context.js';
import { safeEqual } from '../crypto.js';
import { PaymentsError } from '../errors.js';
import { countFailedAttempt, deleteCode, lockOpenCode, markCodeUsed, replaceCode } from '../store/auth-code-store.js';
import type { Queryable } from '../store/db.js';
import type { ProviderRow, UserRow } from '../store/user-store.js';

/** Wrong guesses a code survives; the fifth wrong one burns it. */
export const CODE_MAX_ATTEMPTS = 5;

/** The event of the code sent at sign-up to providers that check codes. */
export const ACTIVATE_EVENT = 'activate';

const NO_CHANNEL = 'No notification channel is configured, so one-time codes cannot be sent';

/**
 * Whether codes can be delivered. The log notifier of a non-demo Tender has no channel and says
 * so through `enabled`; asking first lets unknown and known logins get the same answer.
 */
export function canSendCodes(ctx: AppContext): boolean {
  const enabled = (ctx.notifier as { enabled?: unknown }).enabled;
  return enabled !== false;
}

export function assertCanSendCodes(ctx: AppContext): void {
  if (!canSendCodes(ctx)) throw new PaymentsError('service_unavailable', NO_CHANNEL);
}

/**
 * Codes are short, so a plain hash could be reversed by trying every value: a keyed HMAC (key
 * derived from TENDER_SECRET_KEY) bound to the user and event is stored instead.
 */
function codeHash(ctx: AppContext, userId: number, eventIdentifier: string, code: string): string {
  return createHmac('sha256', ctx.keys.derive('user-codes')).update(`${userId}\n${eventIdentifier}\n${code}`).digest('hex');
}

function newCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/**
 * Creates a code for (user, event), replacing an earlier open one, and sends it. When delivery
 * fails the code is dropped and the caller gets 503 `service_unavailable`.
 */
export async function issueCode(ctx: AppContext, provider: ProviderRow, user: UserRow, eventIdentifier: string): Promise<void> {
  const code = newCode(provider.code_length);
  const now = ctx.now();
  const codeId = await ctx.db.transaction((tx) =>
    replaceCode(tx, { userId: user.id, eventIdentifier, codeHash: codeHash(ctx, user.id, eventIdentifier, code), now, ttlSec: provider.code_ttl_sec }),
  );
  const email = typeof user.notification_data.email === 'string' && user.notification_data.email ? user.notification_data.email : undefined;
  try {
    await ctx.notifier.sendCode({ userIdentifier: user.identifier, eventIdentifier, code, ...(email ? { email } : {}) });
  } catch (err) {
    await deleteCode(ctx.db, codeId);
    ctx.log.error({ reason: (err as Error).message, eventIdentifier }, 'one-time code not delivered');
    throw new PaymentsError('service_unavailable', NO_CHANNEL);
  }
}

/**
 * Checks `code` against the open code of (user, event), inside the caller's transaction (the
 * code row is locked). A wrong guess is counted; after {@link CODE_MAX_ATTEMPTS} the code no
 * longer matches anything. With `consume`, a right code is used up.
 */
export async function verifyCode(
  ctx: AppContext,
  tx: Queryable,
  input: { userId: number; eventIdentifier: string; code: string; consume: boolean },
): Promise<boolean> {
  const row = await lockOpenCode(tx, input.userId, input.eventIdentifier, ctx.now());
  if (!row || row.attempts >= CODE_MAX_ATTEMPTS) return false;
  if (!safeEqual(row.code_hash, codeHash(ctx, input.userId, input.eventIdentifier, input.code))) {
    await countFailedAttempt(tx, row.id);
    return false;
  }
  if (input.consume) await markCodeUsed(tx, row.id, ctx.now());
  return true;
}
