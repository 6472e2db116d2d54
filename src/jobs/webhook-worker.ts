import type PgBoss from 'pg-boss';
import type { AppContext } from '../context.js';
import { eventView } from '../services/events-service.js';
import { postWebhook } from '../services/webhook-delivery-http.js';
import { webhookSignatureHeader } from '../services/webhook-delivery-signature.js';
import { claimDelivery, recordAttempt } from '../services/webhook-delivery-store.js';
import type { WebhookConfig } from './job-config.js';
import type { JobQueue } from './queue.js';

export interface DeliveryJobData {
  deliveryId: number;
}

/**
 * One attempt of one delivery: claim (short transaction), POST (no transaction open), record
 * (short transaction that also queues the next attempt or the next delivery of the lane).
 * A process that dies mid-attempt leaves the pg-boss job active; it expires and pg-boss runs it
 * again under the same job id, which may take over its own lease: at-least-once.
 */
export async function deliver(ctx: AppContext, queue: JobQueue, config: WebhookConfig, job: PgBoss.Job<DeliveryJobData>): Promise<string> {
  const leaseMs = Math.max(60_000, 2 * config.timeoutMs + 30_000);
  const claim = await claimDelivery(ctx, queue, job.data.deliveryId, job.id, leaseMs);
  if (claim.kind === 'endpoint_disabled') {
    queue.wake();
    return claim.kind;
  }
  if (claim.kind === 'skipped') return claim.reason;
  const d = claim.delivery;
  const body = JSON.stringify(eventView(d.event));
  const outcome = await postWebhook({
    url: d.url,
    body,
    timeoutMs: config.timeoutMs,
    headers: () => ({
      'tender-signature': webhookSignatureHeader(body, d.secrets, Math.floor(ctx.now().getTime() / 1000)),
      'tender-event-id': d.event.public_id,
      'tender-event-type': d.event.type,
      'tender-delivery-id': String(d.id),
      'tender-delivery-attempt': String(d.attempt),
    }),
  });
  const recorded = await recordAttempt(ctx, queue, d, outcome, job.id, { backoff: config.backoff, disableAfter: config.disableAfter });
  if (recorded.result === 'succeeded' || recorded.result === 'failed') queue.wake();
  // A retry due soon is picked up on time rather than at the next poll (any process may take it).
  if (recorded.result === 'retry') queue.wakeAt(recorded.at);
  ctx.log.debug({ deliveryId: String(d.id), attempt: d.attempt, statusCode: outcome.statusCode, result: recorded.result }, 'webhook attempt');
  return recorded.result;
}
