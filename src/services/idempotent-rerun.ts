import { PaymentsError } from '../errors.js';
import type { IdempotencyLink, StoredIdempotencyLink } from '../store/idempotency-link.js';

/**
 * A create found the row it made under this Idempotency-Key on an earlier run (the process died
 * before the key's record was completed, or a concurrent run won): that row is the answer —
 * unless the key now comes with another request. The plugin refuses that while it keeps the
 * key's record (24 h); past that, this check keeps the key bound to its first request.
 */
export function assertSameRequest(link: IdempotencyLink, prior: StoredIdempotencyLink): void {
  if (prior.requestHash !== link.requestHash) {
    throw new PaymentsError('idempotency_conflict', 'This Idempotency-Key was already used with different parameters; use a new key for a new request');
  }
}
