import type { AppContext } from '../../context.js';
import { unixSeconds } from './test-events.js';
import { getEvent, recordDelivery } from './test-gateway-store.js';
import { SIGNATURE_HEADER, signatureHeader, webhookSecret } from './test-webhook-signature.js';

export interface WebhookSenderOptions {
  /** Per attempt; a hung receiver must not hold a delivery for long. Default 5 s. */
  timeoutMs?: number;
  /** Pause before each retry after a failed attempt; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
}

export interface WebhookSender {
  /** Starts delivering committed outbox events in the background; never waits, never throws. */
  dispatch(eventIds: readonly string[]): void;
  /** Resolves when no attempt is in flight (scheduled retries are not waited for). */
  idle(): Promise<void>;
  /** Cancels scheduled retries, aborts attempts in flight and waits for them to settle. */
  close(): Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

/**
 * Delivers the test gateway's webhooks to `${publicUrl}/api/webhooks/<accountId>`, signed with
 * the account's secret at send time (as Stripe signs each attempt with a fresh timestamp).
 *
 * Retries are timers in this process: fine for an offline test gateway, but an event whose
 * retries are pending when the process stops stays `pending` in test_gateway_events and is not
 * sent again (NOTE.md). Delivery is at least once; the receiver deduplicates by event id.
 */
export function createWebhookSender(ctx: AppContext, options: WebhookSenderOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const stop = new AbortController();

  function start(id: string, attempt: number): void {
    if (stop.signal.aborted) return;
    const p: Promise<void> = deliver(id, attempt).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  async function deliver(id: string, attempt: number): Promise<void> {
    try {
      const event = await getEvent(ctx.db, id);
      if (!event) return;
      const error = await post(event.account_id, event.body);
      const retryIn = error === null || stop.signal.aborted ? undefined : retryDelays[attempt];
      // Stopped mid-attempt: left `pending` (not given up on), like a retry the stop cancelled.
      const status = error === null ? 'delivered' : retryIn !== undefined || stop.signal.aborted ? 'pending' : 'failed';
      await recordDelivery(ctx.db, id, status, error, true);
      if (error === null) return;
      ctx.log.warn(
        { eventId: id, eventType: event.type, accountId: event.account_id, attempt: attempt + 1, error, retryInMs: retryIn ?? null },
        'test gateway webhook delivery failed',
      );
      if (retryIn === undefined) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        start(id, attempt + 1);
      }, retryIn);
      // A pending retry must not keep the process (or a test run) alive.
      timer.unref();
      timers.add(timer);
    } catch (err) {
      ctx.log.error({ err, eventId: id }, 'test gateway webhook delivery could not be recorded');
    }
  }

  /** One attempt; null when the receiver answered 2xx, else what went wrong. */
  async function post(accountId: number, body: string): Promise<string | null> {
    const header = signatureHeader(webhookSecret(ctx.keys, accountId), body, unixSeconds(ctx.now()));
    try {
      const res = await fetch(`${ctx.config.publicUrl}/api/webhooks/${accountId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: header, 'user-agent': 'tender-test-gateway/1' },
        body,
        signal: AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]),
      });
      // Drain the body so the connection is released; its content is not needed.
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `${e.name}: ${e.cause?.code ?? e.message}`;
    }
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return {
    dispatch(eventIds) {
      for (const id of eventIds) start(id, 0);
    },
    idle,
    async close() {
      stop.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await idle();
    },
  };
}
