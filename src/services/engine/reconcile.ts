import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { GatewayEventAction } from '../../gateways/gateway.js';
import { gatewayFor } from '../../gateways/registry.js';
import { getAccount, toGatewayAccount } from '../../store/account-store.js';
import { syncCollection } from '../collection-sync.js';
import { moveSession } from '../session-service.js';
import { applyEvent } from './gateway-events.js';
import { lockSession } from './locks.js';
import { recordOutcome, type OperationKind } from './operations.js';

export interface ReconcileReport {
  sessionsChecked: number;
  sessionsExpired: number;
  operationsChecked: number;
  operationsResolved: number;
  actionsApplied: number;
  errors: number;
}

export interface ReconcileOptions {
  /** Only operations and sessions untouched for this long are examined (default 60 s). */
  olderThanSec?: number;
  /** At most this many of each kind per run (default 200). */
  limit?: number;
}

const OPEN = ['pending', 'requires_more', 'requires_action'];

/**
 * Brings Tender's state to what the gateways know, for everything left unsettled: captures and
 * refunds whose gateway call never answered (`unknown`) or was never recorded (`pending`),
 * sessions whose authorization outcome was unknown, and open sessions past their lifetime. It
 * asks the provider (`retrieve`) and applies the answer through the same path as a webhook, so a
 * webhook that arrives later (or earlier) changes nothing twice. Nothing is guessed: an
 * operation is marked failed only when the provider's full account of the payment lacks it.
 * Safe to run from several processes at once (every write happens under the row locks).
 */
export async function reconcile(ctx: AppContext, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const olderThan = new Date(ctx.now().getTime() - (options.olderThanSec ?? 60) * 1000);
  const limit = options.limit ?? 200;
  const report: ReconcileReport = { sessionsChecked: 0, sessionsExpired: 0, operationsChecked: 0, operationsResolved: 0, actionsApplied: 0, errors: 0 };

  const ops = await ctx.db.query<{ kind: OperationKind; id: number; payment_id: number; session_id: number }>(
    `(SELECT 'capture' AS kind, c.id, c.payment_id, p.session_id FROM captures c JOIN payments p ON p.id = c.payment_id
        WHERE c.status IN ('pending', 'unknown') AND c.updated_at < $1 ORDER BY c.id LIMIT $2)
     UNION ALL
     (SELECT 'refund' AS kind, r.id, r.payment_id, p.session_id FROM refunds r JOIN payments p ON p.id = r.payment_id
        WHERE r.status IN ('pending', 'unknown') AND r.updated_at < $1 ORDER BY r.id LIMIT $2)`,
    [olderThan, limit],
  );
  const sessions = await ctx.db.query<{ id: number; expired: boolean }>(
    `SELECT id, expires_at IS NOT NULL AND expires_at < $1 AS expired FROM payment_sessions
      WHERE status = ANY($2::text[]) AND updated_at < $3
        AND ((expires_at IS NOT NULL AND expires_at < $1) OR (data ->> 'authorizeUnknown') = 'true' OR status = 'requires_action')
      ORDER BY id LIMIT $4`,
    [ctx.now(), OPEN, olderThan, limit],
  );

  const checked = new Map<number, GatewayEventAction[] | null>();
  const retrieveFor = async (sessionId: number): Promise<GatewayEventAction[] | null> => {
    if (checked.has(sessionId)) return checked.get(sessionId)!;
    let actions: GatewayEventAction[] | null = null;
    try {
      actions = await retrieveAndApply(ctx, sessionId, report);
    } catch (err) {
      report.errors++;
      ctx.log.warn({ err, sessionId }, 'reconcile: retrieve failed; will try again next run');
    }
    checked.set(sessionId, actions);
    return actions;
  };

  for (const op of ops.rows) {
    report.operationsChecked++;
    const actions = await retrieveFor(op.session_id);
    if (actions === null) continue;
    const settled = await ctx.db.query<{ status: string }>(`SELECT status FROM ${op.kind === 'capture' ? 'captures' : 'refunds'} WHERE id = $1`, [op.id]);
    const status = settled.rows[0]?.status;
    if (status === 'succeeded' || status === 'failed') {
      report.operationsResolved++;
      continue;
    }
    // The provider gave its full list of captures/refunds and this one is not among them.
    await ctx.db.transaction((tx) => recordOutcome(tx, op.kind, op.id, op.payment_id,
      { outcome: 'failed', gatewayStatus: 'not_found', code: 'not_at_gateway', message: 'The gateway has no record of this operation' },
      { type: 'job', id: 'reconcile' }));
    report.operationsResolved++;
  }

  for (const s of sessions.rows) {
    report.sessionsChecked++;
    await retrieveFor(s.id);
    if (!s.expired) continue;
    // The gateway may have reported the expiry itself (applied above); otherwise expire it here.
    const expired = await ctx.db.transaction(async (tx) => {
      const t = await lockSession(tx, s.id);
      if (t.session.status === 'expired') return true;
      if (!OPEN.includes(t.session.status) || !t.session.expires_at || t.session.expires_at >= ctx.now()) return false;
      await moveSession(tx, t.session, 'expired', { type: 'job', id: 'reconcile' });
      await syncCollection(tx, t.collection, { type: 'job', id: 'reconcile' });
      return true;
    });
    if (expired) report.sessionsExpired++;
  }
  return report;
}

/** Asks the gateway about one session and applies what it says; null when it cannot be asked. */
export async function retrieveAndApply(ctx: AppContext, sessionId: number, report?: ReconcileReport): Promise<GatewayEventAction[] | null> {
  const { rows } = await ctx.db.query<{ account_id: number; gateway_ref: string | null; payment_ref: string | null }>(
    `SELECT s.account_id, s.gateway_ref, (SELECT gateway_ref FROM payments WHERE session_id = s.id AND status <> 'failed' ORDER BY id DESC LIMIT 1) AS payment_ref
       FROM payment_sessions s WHERE s.id = $1`, [sessionId]);
  const s = rows[0];
  if (!s) return null;
  const accountRow = await getAccount(ctx.db, s.account_id);
  if (!accountRow) return null;
  const account = toGatewayAccount(ctx, accountRow);
  const gateway = gatewayFor(account.type);
  if (!gateway.retrieve) return [];
  const result = await gateway.retrieve(account, { id: sessionId, gatewayRef: s.gateway_ref, paymentRef: s.payment_ref });
  for (const action of result.actions) {
    const out = await applyEvent(ctx, account.id, {
      id: retrieveEventId(sessionId, action),
      type: `retrieve.${action.kind}`,
      occurredAt: ctx.now(),
      tenderSessionId: sessionId,
      action,
    }, 'retrieve', { gatewayStatus: result.gatewayStatus, action: action.kind });
    if (out.result === 'applied' && report) report.actionsApplied++;
  }
  return result.actions;
}

/** A stable id per observed fact, so that re-observing it is a recorded duplicate. */
function retrieveEventId(sessionId: number, a: GatewayEventAction): string {
  const parts: string[] = [String(sessionId), a.kind];
  if ('operationRef' in a && a.operationRef) parts.push(a.operationRef);
  else if ('paymentRef' in a && a.paymentRef) parts.push(a.paymentRef);
  if ('amount' in a && a.amount) parts.push(`${a.amount.amount}${a.amount.currency}`);
  if (a.kind === 'attempt_failed') parts.push(a.code);
  return `retrieve:${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32)}`;
}
