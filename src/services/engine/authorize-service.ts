import type { AppContext } from '../../context.js';
import { sha256Hex } from '../../crypto.js';
import { PaymentsError } from '../../errors.js';
import type { AuthorizeInput, AuthorizeResult, GatewayEventAction } from '../../gateways/gateway.js';
import { gatewayFor } from '../../gateways/registry.js';
import { toGatewayAccount } from '../../store/account-store.js';
import type { SessionRow } from '../../store/payment-store.js';
import type { Actor } from '../../store/history-store.js';
import { syncCollection } from '../collection-sync.js';
import { moveSession, sessionInput } from '../session-service.js';
import { applyAction } from './apply-action.js';
import { ACCOUNT_SELECT, accountFrom, lockSession } from './locks.js';

const OPEN = new Set(['pending', 'requires_more', 'requires_action']);
type OrderLines = { productId: number; quantity: number; priceMinor: string; title: string }[];

const PAID = new Set(['authorized', 'partially_authorized', 'partially_captured', 'completed', 'partially_refunded', 'refunded']);

export interface AuthorizeOutcome {
  sessionId: number;
  paymentId: number | null;
  /** What the gateway answered this time (a decline is an outcome, not an error). */
  outcome: AuthorizeResult['outcome'];
  declineCode?: string;
  message?: string;
}

/**
 * Authorizes a session with what the customer submitted (a gateway token, never card data).
 * The gateway is called outside any transaction; its answer is then applied under the order
 * and collection locks through the same path as webhooks, so a webhook that raced ahead makes
 * this a no-op rather than a second payment. Retrying after `requires_action` or a decline is
 * allowed while the session is open.
 */
export interface AuthorizeOptions {
  /**
   * Only observe (the customer's redirect return): a gateway answer of "needs more" then leaves
   * the session as it is instead of recording requires_more — nothing was attempted.
   */
  observeOnly?: boolean;
}

export async function authorizeSession(ctx: AppContext, sessionId: number, input: AuthorizeInput, actor: Actor, idempotencyKey: string, owner?: number, options: AuthorizeOptions = {}): Promise<AuthorizeOutcome> {
  const now = ctx.now();
  // The checks before the gateway call are read without locks: nothing is written, and the
  // gateway's answer is applied under the locks afterwards (applyAction re-checks everything),
  // exactly as it would be had the state changed during the call.
  const { rows } = await ctx.db.query<SessionRow & { collection_status: string; allow_split: boolean; lines: OrderLines | null }>(
    `SELECT s.*, c.status AS collection_status, c.allow_split, o.lines, ${ACCOUNT_SELECT('a')}
       FROM payment_sessions s JOIN payment_collections c ON c.id = s.collection_id LEFT JOIN orders o ON o.id = s.order_id
       LEFT JOIN payment_accounts a ON a.id = s.account_id
      WHERE s.id = $1`,
    [sessionId],
  );
  const session = rows[0];
  if (!session || (owner !== undefined && session.user_id !== owner)) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
  if (session.status === 'authorized') return { sessionId, paymentId: session.payment_id, outcome: 'authorized' };
  if (!OPEN.has(session.status)) {
    throw new PaymentsError('invalid_transition', `Session ${sessionId} is ${session.status} and cannot be paid; create a new session`);
  }
  if (session.expires_at !== null && session.expires_at <= now) {
    await expireSession(ctx, sessionId, now);
    throw new PaymentsError('session_expired', `Session ${sessionId} has expired; create a new session for the order`);
  }
  if (PAID.has(session.collection_status) && !session.allow_split) {
    throw new PaymentsError('order_locked', `Payment collection ${session.collection_id} is already ${session.collection_status}`);
  }
  const accountRow = accountFrom(session as unknown as Record<string, unknown>);
  if (!accountRow) throw new PaymentsError('account_not_found', 'The session\'s payment account no longer exists');
  const prepared = { account: toGatewayAccount(ctx, accountRow), session, lines: session.lines ?? [] };

  const gateway = gatewayFor(prepared.account.type);
  let result: AuthorizeResult;
  try {
    result = await gateway.authorize(
      prepared.account,
      { ...sessionInput(prepared.session, { id: prepared.session.order_id ?? 0, lines: prepared.lines }), gatewayRef: prepared.session.gateway_ref },
      input,
      // Scoped to the session so that a client key can never collide across customers.
      `tender-authorize-${sessionId}-${sha256Hex(idempotencyKey).slice(0, 32)}`,
    );
  } catch (err) {
    // We do not know whether the provider authorized: leave the session open for reconciliation
    // (retrieve) or the provider's webhook to settle; never guess.
    ctx.log.error({ err, sessionId }, 'gateway authorize failed; outcome unknown');
    await ctx.db.query(`UPDATE payment_sessions SET data = data || '{"authorizeUnknown": true}'::jsonb, updated_at = now() WHERE id = $1`, [sessionId]);
    throw new PaymentsError('gateway_timeout', 'The gateway did not answer; the payment outcome will be reconciled. Poll the session or retry with the same Idempotency-Key.');
  }

  const action: GatewayEventAction = options.observeOnly && result.outcome === 'requires_more' ? { kind: 'ignored', reason: result.reason } : toAction(result);
  const applied = await ctx.db.transaction(async (tx) => {
    const t = await lockSession(tx, sessionId);
    return applyAction(tx, t, action, { type: 'gateway', id: `${prepared.account.type}:authorize` });
  });
  const paymentId = applied.paymentId ?? (await currentPaymentId(ctx, sessionId));
  if (result.outcome === 'declined') {
    return { sessionId, paymentId, outcome: 'declined', declineCode: result.declineCode, message: result.message };
  }
  if (result.outcome === 'requires_more') return { sessionId, paymentId, outcome: 'requires_more', message: result.reason };
  return { sessionId, paymentId, outcome: result.outcome };
}

/** Moves an open session past its lifetime to `expired` (under the locks; a no-op if it moved on). */
async function expireSession(ctx: AppContext, sessionId: number, now: Date): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const t = await lockSession(tx, sessionId);
    if (!OPEN.has(t.session.status) || t.session.expires_at === null || t.session.expires_at > now) return;
    await moveSession(tx, t.session, 'expired', { type: 'system' });
    await syncCollection(tx, t.collection, { type: 'system' });
  });
}

async function currentPaymentId(ctx: AppContext, sessionId: number): Promise<number | null> {
  const { rows } = await ctx.db.query<{ payment_id: number | null }>('SELECT payment_id FROM payment_sessions WHERE id = $1', [sessionId]);
  return rows[0]?.payment_id ?? null;
}

export function toAction(result: AuthorizeResult): GatewayEventAction {
  switch (result.outcome) {
    case 'authorized':
      return { kind: 'authorized', amount: result.amount, captured: result.captured, paymentRef: result.gatewayRef, gatewayStatus: result.gatewayStatus, card: result.card, paymentMethod: result.paymentMethod };
    case 'requires_action':
      return { kind: 'requires_action', gatewayStatus: result.gatewayStatus, nextAction: { ...result.nextAction, ...(result.clientSecret ? { clientSecret: result.clientSecret } : {}) }, paymentRef: result.gatewayRef };
    case 'declined':
      return { kind: 'attempt_failed', gatewayStatus: result.gatewayStatus, code: result.declineCode, message: result.message, paymentRef: null };
    case 'requires_more':
      return { kind: 'requires_more', gatewayStatus: result.gatewayStatus, reason: result.reason };
  }
}
