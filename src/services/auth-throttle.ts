import type { AppContext } from '../context.js';
import { sha256Hex } from '../crypto.js';
import { PaymentsError } from '../errors.js';
import { clearAttempts, recordAttempt } from '../store/auth-throttle-store.js';

export interface AttemptLimit {
  max: number;
  windowSec: number;
  /** Message of the 429, saying what was refused. */
  message: string;
}

/** 5 failed sign-ins for one login within 15 minutes lock that login until the window passes. */
export const LOGIN_LIMIT: AttemptLimit = {
  max: 5,
  windowSec: 15 * 60,
  message: 'Too many failed sign-in attempts for this login; retry later',
};

/** At most 5 one-time codes per login and event within 15 minutes (mail flooding, code guessing). */
export const CODE_SEND_LIMIT: AttemptLimit = {
  max: 5,
  windowSec: 15 * 60,
  message: 'Too many codes were requested for this login; retry later',
};

/**
 * Counter key. The login is hashed so that the table does not collect e-mail addresses that
 * somebody merely tried.
 */
export function throttleKey(kind: 'login' | 'code', ...parts: (string | number)[]): string {
  return `${kind}:${sha256Hex(parts.join('\n'))}`;
}

/**
 * Counts an attempt BEFORE the work it guards, so that concurrent requests cannot all slip under
 * the limit; a success clears the counter ({@link clearThrottle}). Over the limit: 429
 * `rate_limited` with `details.retryAfterSec` (the error handler turns it into Retry-After).
 */
export async function takeAttempt(ctx: AppContext, key: string, limit: AttemptLimit): Promise<void> {
  const now = ctx.now();
  const { count, windowStart } = await recordAttempt(ctx.db, { key, now, windowSec: limit.windowSec, max: limit.max });
  if (count <= limit.max) return;
  const retryAfterSec = Math.max(1, Math.ceil((windowStart.getTime() + limit.windowSec * 1000 - now.getTime()) / 1000));
  throw new PaymentsError('rate_limited', limit.message, { retryAfterSec });
}

export async function clearThrottle(ctx: AppContext, key: string): Promise<void> {
  await clearAttempts(ctx.db, key);
}
