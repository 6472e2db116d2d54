import type { AppContext } from '../../context.js';
import { DomainError } from '../../domain/domain-error.js';
import { MAX_ID } from '../../contract/common.js';
import { PaymentsError } from '../../errors.js';
import { WebhookSignatureError, type GatewayEvent, type GatewayEventAction } from '../../gateways/gateway.js';
import { gatewayFor } from '../../gateways/registry.js';
import { getCachedEngineAccount, toGatewayAccount } from '../../store/account-store.js';
import type { Queryable } from '../../store/db.js';
import { deferWrite } from '../../store/history-store.js';
import { applyAction, eventDeferral, movedMatch, parseDeferral, parseMatch, type ApplyOutcome, type ApplyTarget } from './apply-action.js';
import { authorizeSession } from './authorize-service.js';
import { lockAccountSession, lockSession, type ReadAfterLock } from './locks.js';

export interface IngestResult {
  sessionId?: number;
  eventId: string;
  result: 'applied' | 'duplicate' | 'ignored' | 'stale' | 'unmatched';
  /** Work to run after the event's transaction committed (see ingestWebhook). */
  followUp?: () => Promise<void>;
}

const MONEY_MOVES = new Set<GatewayEventAction['kind']>(['authorized', 'captured', 'refunded']);

/** Reason prefix an adapter uses for "the customer approved at the provider; authorize now". */
export const CUSTOMER_APPROVED = 'customer_approved:';

/**
 * Inbound webhook: verify the signature over the raw body with the account's secret, then —
 * in ONE transaction, under the order, collection and session locks — check the event's provider
 * id against those recorded (repeated and concurrent deliveries; the unique key backs it up),
 * apply it, and record it with its result (applyEvent). Either the event is recorded and
 * applied, or neither is and the provider retries.
 */
export async function ingestWebhook(ctx: AppContext, accountId: number, rawBody: string, headers: Record<string, string | string[] | undefined>, remote?: string): Promise<IngestResult> {
  const row = await getCachedEngineAccount(ctx, ctx.db, accountId);
  if (!row) {
    await reject(ctx, null, 'unknown account', remote);
    throw new PaymentsError('account_not_found', `No payment account ${accountId}; check the webhook URL configured at the provider`);
  }
  const account = toGatewayAccount(ctx, row);
  const gateway = gatewayFor(account.type);
  if (!gateway.parseWebhook) {
    await reject(ctx, accountId, 'account type has no webhooks', remote);
    throw new PaymentsError('not_found', `Accounts of type ${account.type} do not receive webhooks`);
  }
  let event: GatewayEvent;
  try {
    event = await gateway.parseWebhook(account, rawBody, headers);
  } catch (err) {
    const reason = err instanceof WebhookSignatureError ? err.message : 'unreadable event';
    await reject(ctx, accountId, reason, remote);
    throw new PaymentsError('webhook_signature_invalid', `Webhook rejected: ${reason}. Check the signing secret configured for account ${account.identifier}.`);
  }
  const out = await applyEvent(ctx, accountId, event, 'webhook', event.bodyIsJson ? rawBody : safePayload(rawBody));
  if (event.action.kind === 'ignored' && event.action.reason.startsWith(CUSTOMER_APPROVED) && out.sessionId) {
    const sessionId = out.sessionId;
    out.followUp = async () => {
      await authorizeSession(ctx, sessionId, {}, { type: 'gateway', id: `webhook:${event.id}` }, `approved-${event.id}`, undefined, { observeOnly: true });
    };
  }
  return out;
}

/**
 * Applies a normalized event from any source (webhook, retrieve) exactly once per event id.
 * `payload` is recorded as the event's jsonb: an object, or JSON text as the provider sent it.
 */
export async function applyEvent(ctx: AppContext, accountId: number, event: GatewayEvent, source: 'webhook' | 'retrieve' | 'direct', payload: unknown): Promise<IngestResult> {
  try {
    return await ctx.db.transaction(async (tx) => {
      // The session the event names is locked first. Every delivery of an event takes that lock
      // before it records the event, so a second delivery waits for the first to commit; the
      // statement after the locks then reads whether the event's id is recorded (the unique key
      // (account_id, provider_event_id) backs this up) and, for a moved-money event, the
      // operation it answers. A new event's row is inserted once, with its result, by the
      // transaction's last statement. An event that names no session of this account is
      // recorded first and placed by the provider's references.
      const named = event.tenderSessionId;
      const match = movedMatch(event.action);
      const seen: ReadAfterLock = (n) => ({
        sql: `(SELECT json_build_array(id, result) FROM gateway_events WHERE account_id = $${n} AND provider_event_id = $${n + 1})`,
        params: [accountId, event.id],
      });
      // For an event that writes a payment: what lets those writes join the last statement.
      const deferral = eventDeferral(event.action, accountId);
      const locked = named && Number.isSafeInteger(named) && named > 0 && named <= MAX_ID
        ? await lockAccountSession(tx, named, accountId, [seen, ...(match ? [match] : []), ...deferral])
        : undefined;
      let target: ApplyTarget | undefined = locked && {
        ...locked,
        matched: match ? parseMatch(locked.read[1]) : undefined,
        deferral: deferral.length > 0 ? parseDeferral(locked.read.slice(match ? 2 : 1)) : undefined,
      };
      // The event's row: none yet (inserted by finish), or the id of the row this transaction
      // inserted or locked (updated by finish).
      let rowId: string | undefined;
      let seenBefore: boolean;
      if (locked) {
        const prior = locked.read[0] as [string | number, string] | null | undefined;
        if (prior && prior[1] !== 'error') return { eventId: event.id, result: 'duplicate' as const };
        seenBefore = Boolean(prior);
      } else {
        rowId = (await tx.query<{ id: string }>(
          `INSERT INTO gateway_events (account_id, provider_event_id, type, source, result, payload)
           VALUES ($1, $2, $3, $4, 'received', $5) ON CONFLICT (account_id, provider_event_id) DO NOTHING RETURNING id`,
          [accountId, event.id, event.type, source, payload],
        )).rows[0]?.id;
        seenBefore = rowId === undefined;
      }
      if (seenBefore) {
        // Re-apply only if the earlier attempt failed (recorded as `error`). That row is written
        // outside the session's lock, so it is locked, and checked again, here.
        const retry = await tx.query<{ id: string }>(
          `SELECT id FROM gateway_events WHERE account_id = $1 AND provider_event_id = $2 AND result = 'error' FOR UPDATE`,
          [accountId, event.id],
        );
        rowId = retry.rows[0]?.id;
        if (!rowId) return { eventId: event.id, result: 'duplicate' as const };
      }
      const record = { accountId, event, source, payload };
      const sessionId = target?.session.id ?? (await findSession(tx, accountId, event));
      if (sessionId === undefined) {
        if (MONEY_MOVES.has(event.action.kind)) {
          // Money moved for something Tender cannot place yet (events can overtake each other):
          // not final, so the provider delivers it again.
          throw new PaymentsError('service_unavailable', 'No payment matches this event yet; deliver it again later');
        }
        await finish(tx, rowId, record, 'unmatched', 'no session matches this event', null, null);
        return { eventId: event.id, result: 'unmatched' as const };
      }
      target ??= await lockSession(tx, sessionId);
      const outcome: ApplyOutcome = await applyAction(tx, target, event.action, { type: 'gateway', id: `${source}:${event.id}` });
      const result = outcome.result === 'duplicate' ? 'ignored' : outcome.result;
      await finish(tx, rowId, record, result, outcome.detail ?? null, sessionId, outcome.paymentId ?? target.payment?.id ?? null);
      return { eventId: event.id, result: outcome.result, sessionId };
    });
  } catch (err) {
    if (err instanceof DomainError) {
      // The provider reports something our state cannot take (e.g. a refund above what was
      // captured): record it for the merchant and acknowledge, since retrying cannot help.
      await ctx.db.query(
        `INSERT INTO gateway_events (account_id, provider_event_id, type, source, result, detail, payload, processed_at)
         VALUES ($1, $2, $3, $4, 'stale', $5, $6, now()) ON CONFLICT (account_id, provider_event_id) DO UPDATE SET result = 'stale', detail = EXCLUDED.detail`,
        [accountId, event.id, event.type, source, err.message.slice(0, 500), payload],
      );
      ctx.log.warn({ eventId: event.id, accountId, reason: err.message }, 'gateway event refused by the payment rules');
      return { eventId: event.id, result: 'stale' };
    }
    if (err instanceof PaymentsError && err.status < 500) throw err;
    const expected = err instanceof PaymentsError && err.code === 'service_unavailable';
    ctx.log[expected ? 'warn' : 'error']({ err, eventId: event.id, accountId }, 'applying a gateway event failed; the provider will deliver it again');
    await ctx.db.query(
      `INSERT INTO gateway_events (account_id, provider_event_id, type, source, result, detail, payload)
       VALUES ($1, $2, $3, $4, 'error', $5, $6) ON CONFLICT (account_id, provider_event_id) DO UPDATE SET result = 'error', detail = EXCLUDED.detail`,
      [accountId, event.id, event.type, source, (err as Error).message?.slice(0, 500) ?? 'error', payload],
    );
    throw new PaymentsError('service_unavailable', 'The event could not be applied now; it was recorded and will be retried');
  }
}

async function findSession(tx: Queryable, accountId: number, event: GatewayEvent): Promise<number | undefined> {
  if (event.sessionRef) {
    const { rows } = await tx.query<{ id: number }>(
      'SELECT id FROM payment_sessions WHERE account_id = $1 AND gateway_ref = $2 ORDER BY id DESC LIMIT 1', [accountId, event.sessionRef]);
    if (rows[0]) return rows[0].id;
  }
  const ref = paymentRefOf(event.action);
  if (ref) {
    const { rows } = await tx.query<{ session_id: number }>(
      `SELECT session_id FROM payments WHERE account_id = $1 AND gateway_ref = $2
       UNION ALL SELECT id FROM payment_sessions WHERE account_id = $1 AND gateway_ref = $2 LIMIT 1`, [accountId, ref]);
    if (rows[0]) return rows[0].session_id;
  }
  return undefined;
}

function paymentRefOf(a: GatewayEventAction): string | null {
  return 'paymentRef' in a ? a.paymentRef : null;
}

/**
 * Records the event's result with the transaction's last statement (nothing reads it before
 * COMMIT): a new event's row is inserted with it; a row already inserted or locked is updated.
 */
async function finish(tx: Queryable, rowId: string | undefined, e: { accountId: number; event: GatewayEvent; source: string; payload: unknown },
  result: string, detail: string | null, sessionId: number | null, paymentId: number | null): Promise<void> {
  await deferWrite(tx, (n) => rowId === undefined
    ? {
        sql: `INSERT INTO gateway_events (account_id, provider_event_id, type, source, result, detail, session_id, payment_id, payload, processed_at)
              VALUES ($${n}, $${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}, now())`,
        params: [e.accountId, e.event.id, e.event.type, e.source, result, detail, sessionId, paymentId, e.payload],
      }
    : {
        sql: `UPDATE gateway_events SET result = $${n + 1}, detail = $${n + 2}, session_id = $${n + 3}, payment_id = $${n + 4}, processed_at = now()
               WHERE id = $${n}`,
        params: [rowId, result, detail, sessionId, paymentId],
      });
}

async function reject(ctx: AppContext, accountId: number | null, reason: string, remote?: string): Promise<void> {
  await ctx.db.query('INSERT INTO webhook_rejections (account_id, reason, remote_address) VALUES ($1, $2, $3)', [accountId, reason.slice(0, 300), remote ?? null]);
}

function safePayload(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return { raw: raw.slice(0, 10_000) };
  }
}
