import type { AppContext } from '../../context.js';
import { sha256Hex } from '../../crypto.js';
import { PaymentsError } from '../../errors.js';
import type { AuthorizeInput, AuthorizeResult, GatewayEventAction } from '../../gateways/gateway.js';
import { gatewayFor } from '../../gateways/registry.js';
import { getAccount, toGatewayAccount } from '../../store/account-store.js';
import type { Actor } from '../../store/history-store.js';
import { syncCollection } from '../collection-sync.js';
import { moveSession, sessionInput } from '../session-service.js';
import { applyAction } from './apply-action.js';
import { lockSession } from './locks.js';

const OPEN = new Set(['pending', 'requires_more', 'requires_action']);
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
  const prepared = await ctx.db.transaction(async (tx) => {
    const t = await lockSession(tx, sessionId);
    if (owner !== undefined && t.session.user_id !== owner) throw new PaymentsError('session_not_found', `Payment session ${sessionId} not found`);
    if (t.session.status === 'authorized') return { done: true as const, paymentId: t.session.payment_id };
    if (!OPEN.has(t.session.status)) {
      throw new PaymentsError('invalid_transition', `Session ${sessionId} is ${t.session.status} and cannot be paid; create a new session`);
    }
    if (t.session.expires_at !== null && t.session.expires_at <= now) {
      await moveSession(tx, t.session, 'expired', { type: 'system' });
      await syncCollection(tx, t.collection, { type: 'system' });
      return { expired: true as const };
    }
    if (PAID.has(t.collection.status) && !t.collection.allow_split) {
      throw new PaymentsError('order_locked', `Payment collection ${t.collection.id} is already ${t.collection.status}`);
    }
    const accountRow = await getAccount(tx, t.session.account_id);
    if (!accountRow) throw new PaymentsError('account_not_found', 'The session\'s payment account no longer exists');
    const { rows } = await tx.query<{ lines: { productId: number; quantity: number; priceMinor: string; title: string }[] }>(
      'SELECT lines FROM orders WHERE id = $1', [t.session.order_id]);
    return { done: false as const, account: toGatewayAccount(ctx, accountRow), session: t.session, lines: rows[0]?.lines ?? [] };
  });
  if ('expired' in prepared) {
    throw new PaymentsError('session_expired', `Session ${sessionId} has expired; create a new session for the order`);
  }
  if (prepared.done) return { sessionId, paymentId: prepared.paymentId, outcome: 'authorized' };

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
