import type { AppContext } from '../context.js';
import type { BackoffConfig } from '../jobs/job-config.js';
import type { JobQueue } from '../jobs/queue.js';
import { nextAttemptDelay } from '../jobs/webhook-backoff.js';
import type { Queryable } from '../store/db.js';
import { EVENT_COLUMNS, type EventRow } from './events-service.js';
import type { AttemptOutcome } from './webhook-delivery-http.js';
import { signingSecrets, type EndpointSecretsRow } from './webhook-endpoint-secrets.js';

interface DeliveryRow extends EndpointSecretsRow {
  id: bigint;
  endpoint_id: number;
  event_id: bigint;
  ordering_key: string;
  ordered: boolean;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  round_attempts: number;
  round_started_at: Date;
  leased_by_other: boolean;
  early: boolean;
  lease_job: string | null;
  enabled: boolean;
  url: string;
  disabled_reason: string | null;
}

/** A delivery this job may attempt now: the lease is ours until the attempt is recorded. */
export interface ClaimedDelivery {
  id: bigint;
  endpointId: number;
  url: string;
  attempt: number;
  event: EventRow;
  secrets: string[];
}

export type ClaimResult =
  | { kind: 'claimed'; delivery: ClaimedDelivery }
  /** Nothing to do now: gone, already done, leased by another job, not due, or waiting for an earlier event. */
  | { kind: 'skipped'; reason: 'gone' | 'done' | 'busy' | 'early' | 'waiting' }
  /** The endpoint is disabled: the delivery failed without an attempt. */
  | { kind: 'endpoint_disabled' };

const SELECT_DELIVERY = `
  SELECT d.id, d.endpoint_id, d.event_id, d.ordering_key, d.ordered, d.status, d.attempts, d.round_attempts,
         d.round_started_at, d.lease_job,
         (d.locked_until > now() AND d.lease_job IS DISTINCT FROM $2) AS leased_by_other,
         d.next_attempt_at > now() AS early,
         w.enabled, w.url, w.disabled_reason,
         w.secret_sealed, w.previous_secret_sealed, w.previous_secret_expires_at
    FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
   WHERE d.id = $1 FOR UPDATE OF d`;

/**
 * Takes a delivery for one attempt, or says why not. Ordering: an ordered delivery is attempted
 * only when no earlier ordered delivery of the same (endpoint, ordering_key) is pending. The
 * earlier ones are row-locked here, and finishing one locks it too, so a delivery that had to
 * wait is always seen by the "kick" of the one it waited for (see finishLane).
 */
export async function claimDelivery(ctx: AppContext, queue: JobQueue, deliveryId: number, jobId: string, leaseMs: number): Promise<ClaimResult> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<DeliveryRow>(SELECT_DELIVERY, [deliveryId, jobId]);
    const d = rows[0];
    if (!d) return { kind: 'skipped', reason: 'gone' };
    if (d.status !== 'pending') return { kind: 'skipped', reason: 'done' };
    if (d.leased_by_other) return { kind: 'skipped', reason: 'busy' };
    if (d.early) return { kind: 'skipped', reason: 'early' };
    if (d.ordered) {
      const earlier = await tx.query(
        `SELECT id FROM webhook_deliveries
          WHERE endpoint_id = $1 AND ordering_key = $2 AND status = 'pending' AND ordered AND event_id < $3
          ORDER BY event_id LIMIT 1 FOR UPDATE`,
        [d.endpoint_id, d.ordering_key, d.event_id],
      );
      if (earlier.rowCount > 0) return { kind: 'skipped', reason: 'waiting' };
    }
    if (!d.enabled) {
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'failed', completed_at = now(), locked_until = NULL, lease_job = NULL,
                last_error = $2, updated_at = now() WHERE id = $1`,
        [d.id, `endpoint disabled${d.disabled_reason ? `: ${d.disabled_reason}` : ''}`],
      );
      if (d.ordered) await finishLane(tx, queue, d);
      return { kind: 'endpoint_disabled' };
    }
    await tx.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, round_attempts = round_attempts + 1,
              round_started_at = CASE WHEN round_attempts = 0 THEN now() ELSE round_started_at END,
              locked_until = now() + make_interval(secs => $3), lease_job = $2, updated_at = now() WHERE id = $1`,
      [d.id, jobId, leaseMs / 1000],
    );
    const ev = await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, [d.event_id]);
    return {
      kind: 'claimed',
      delivery: { id: d.id, endpointId: d.endpoint_id, url: d.url, attempt: d.attempts + 1, event: ev.rows[0]!, secrets: signingSecrets(ctx.keys, d, ctx.now()) },
    };
  });
}

export interface RecordPolicy {
  backoff: BackoffConfig;
  disableAfter: number;
}

export type RecordResult = { result: 'succeeded' | 'failed' | 'lease_lost' } | { result: 'retry'; at: Date };

/**
 * Writes the attempt to the log and decides what follows, in one transaction with the job of the
 * next attempt: a 2xx ends the delivery; otherwise the next attempt is queued after a backoff,
 * or — once the retry window is used up — the delivery fails, and enough failures in a row
 * disable the endpoint (with the reason). Ending a delivery lets the next one of its lane go.
 */
export async function recordAttempt(ctx: AppContext, queue: JobQueue, claimed: ClaimedDelivery, outcome: AttemptOutcome, jobId: string, policy: RecordPolicy): Promise<RecordResult> {
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<DeliveryRow>(SELECT_DELIVERY, [claimed.id, jobId]);
    const d = rows[0];
    if (!d) return { result: 'lease_lost' }; // the endpoint was deleted meanwhile
    await tx.query(
      `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
      [claimed.id, claimed.attempt, outcome.startedAt, outcome.durationMs, outcome.statusCode, outcome.error, outcome.responseBody],
    );
    // Our lease ran out and another job took the delivery over: the attempt is logged, no more.
    if (d.status !== 'pending' || d.lease_job !== jobId) return { result: 'lease_lost' };
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const now = ctx.now();
    if (ok) {
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'succeeded', completed_at = now(), locked_until = NULL, lease_job = NULL,
                last_status_code = $2, last_error = NULL, updated_at = now() WHERE id = $1`,
        [d.id, outcome.statusCode],
      );
      await tx.query('UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0', [d.endpoint_id]);
      if (d.ordered) await finishLane(tx, queue, d);
      return { result: 'succeeded' };
    }
    const delay = nextAttemptDelay(policy.backoff, d.round_attempts, now.getTime() - d.round_started_at.getTime());
    if (delay !== null) {
      const at = new Date(now.getTime() + delay);
      await tx.query(
        `UPDATE webhook_deliveries SET next_attempt_at = $2, locked_until = NULL, lease_job = NULL,
                last_status_code = $3, last_error = $4, updated_at = now() WHERE id = $1`,
        [d.id, at, outcome.statusCode, outcome.error],
      );
      await queue.enqueueDeliveries(tx, [{ id: d.id, at }]);
      return { result: 'retry', at };
    }
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'failed', completed_at = now(), locked_until = NULL, lease_job = NULL,
              last_status_code = $2, last_error = $3, updated_at = now() WHERE id = $1`,
      [d.id, outcome.statusCode, outcome.error],
    );
    await countFailure(tx, d, claimed, outcome, policy.disableAfter);
    if (d.ordered) await finishLane(tx, queue, d);
    return { result: 'failed' };
  });
}

/** Counts a delivery that failed for good; enough in a row disable the endpoint, with the reason. */
async function countFailure(tx: Queryable, d: DeliveryRow, claimed: ClaimedDelivery, outcome: AttemptOutcome, disableAfter: number): Promise<void> {
  // The increment happens in SQL under the row lock: lanes of one endpoint fail concurrently.
  const { rows } = await tx.query<{ failures: number; enabled: boolean }>(
    `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, updated_at = now()
      WHERE id = $1 RETURNING consecutive_failures AS failures, enabled`,
    [d.endpoint_id],
  );
  const e = rows[0];
  if (!e || !e.enabled || e.failures < disableAfter) return;
  const last = outcome.statusCode !== null ? `HTTP ${outcome.statusCode}` : (outcome.error ?? 'no answer');
  await tx.query(
    `UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, disabled_at = now() WHERE id = $1`,
    [d.endpoint_id, `${e.failures} deliveries in a row failed after their last attempt (last: ${claimed.event.public_id} after ${claimed.attempt} attempts, ${last})`],
  );
}

/** Queues the next pending delivery of the lane (it may have been waiting for this one). */
async function finishLane(tx: Queryable, queue: JobQueue, d: Pick<DeliveryRow, 'endpoint_id' | 'ordering_key'>): Promise<void> {
  const { rows } = await tx.query<{ id: bigint; next_attempt_at: Date }>(
    `SELECT id, next_attempt_at FROM webhook_deliveries
      WHERE endpoint_id = $1 AND ordering_key = $2 AND status = 'pending' AND ordered
      ORDER BY event_id LIMIT 1`,
    [d.endpoint_id, d.ordering_key],
  );
  const next = rows[0];
  if (next) await queue.enqueueDeliveries(tx, [{ id: next.id, at: next.next_attempt_at }]);
}
