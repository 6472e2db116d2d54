/**
 * The unit of work every provider change runs in: one transaction, the webhook outbox, and the
 * provider's clock. Also the provider rules shared by every operation (expiry, request hashes).
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../store/db.js';
import type { OperationObject, TestEventType } from './test-events.js';
import { saveIntent, type IntentRow } from './test-gateway-store.js';

/** Writes an event to the outbox in the current transaction (sent after the commit). */
export type Emit = (type: TestEventType, intent: IntentRow, operation?: OperationObject) => Promise<void>;

export interface Work {
  tx: Queryable;
  emit: Emit;
  now: Date;
  /** Tender's public base URL (challenge links point there). */
  publicUrl: string;
}

/**
 * The provider's own clock, applied when an intent is next touched: an unpaid intent past its
 * deadline is canceled as `expired` and `checkout.session.expired` is sent (there is no sweeper;
 * NOTE.md). Call with the intent locked.
 */
export async function expireIfDue(w: Work, intent: IntentRow): Promise<IntentRow> {
  if (!isDue(intent, w.now)) return intent;
  intent.status = 'canceled';
  intent.cancellation_reason = 'expired';
  intent.next_action = null;
  await saveIntent(w.tx, intent, w.now);
  await w.emit('checkout.session.expired', intent);
  return intent;
}

export function isDue(intent: IntentRow, now: Date): boolean {
  return (intent.status === 'requires_payment_method' || intent.status === 'requires_action') && intent.expires_at <= now;
}

/** Fingerprint of an operation's parameters, to tell a retry from a reused key. */
export function requestHash(...parts: (string | number | bigint | null | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => String(p ?? '')).join('\u0000')).digest('hex');
}
