/**
 * Confirming an intent with a card token, and the 3-D Secure challenge that follows for the
 * `requires_action` card. Runs inside a provider unit of work (test-provider.ts).
 */
import { safeEqual } from '../../crypto.js';
import type { GatewayAccount } from '../gateway.js';
import type { CardScenario } from './test-cards.js';
import { claimToken, getIntent, insertOperation, lockToken, operationByKey, saveIntent, type IntentRow, type OperationRow } from './test-gateway-store.js';
import { randomId } from './test-ids.js';
import { expireIfDue, requestHash, type Work } from './test-work.js';

export interface ConfirmRequest {
  tokenId: string;
  /** The caller's key: the same key answers the first result again. Pages pass none. */
  idempotencyKey?: string;
  /** Where the customer returns after a challenge. */
  returnUrl?: string | null;
  /** Tender's session the caller expects the intent to belong to. */
  sessionId?: number;
  /** Required when the storefront confirms from the browser (client-side confirmation). */
  clientSecret?: string;
}

export type ConfirmOutcome =
  | { outcome: 'authorized'; intent: IntentRow }
  | { outcome: 'requires_action'; intent: IntentRow; nextAction: Record<string, unknown> }
  | { outcome: 'declined'; code: string; message: string; intent: IntentRow | null };

/** What the operations log keeps of a confirm, enough to answer a retry identically. */
interface StoredConfirm {
  outcome: ConfirmOutcome['outcome'];
  code?: string;
  message?: string;
  nextAction?: Record<string, unknown>;
}

export async function confirmIntent(w: Work, account: GatewayAccount, intentId: string, req: ConfirmRequest): Promise<ConfirmOutcome> {
  // The intent's lock comes first so that two retries with one key serialize on it.
  let intent = await getIntent(w.tx, intentId, true);
  const hash = requestHash('confirm', intentId, req.tokenId);
  if (req.idempotencyKey !== undefined) {
    const previous = await operationByKey(w.tx, account.id, req.idempotencyKey);
    if (previous) return replay(w, previous, hash);
  }
  if (!intent || intent.account_id !== account.id || (req.sessionId !== undefined && intent.tender_session_id !== req.sessionId)) {
    return declined('resource_missing', 'No such payment intent for this account', null);
  }
  if (req.clientSecret !== undefined && !safeEqual(req.clientSecret, intent.client_secret)) {
    return declined('invalid_client_secret', 'The client secret does not belong to this payment intent', null);
  }
  intent = await expireIfDue(w, intent);
  switch (intent.status) {
    case 'requires_capture':
    case 'succeeded':
      // Already paid (a double submission): answer the truth, with no second effect.
      return { outcome: 'authorized', intent };
    case 'canceled':
      return intent.cancellation_reason === 'expired'
        ? declined('session_expired', 'This payment session has expired; start a new one', intent)
        : declined('payment_intent_canceled', 'This payment was canceled', intent);
    case 'requires_payment_method':
    case 'requires_action':
      break;
  }
  if (intent.amount <= 0n) return declined('amount_too_small', 'A card payment needs an amount above zero', intent);
  const token = await lockToken(w.tx, req.tokenId);
  if (!token) return declined('invalid_token', 'No such card token; create one with POST /test-gateway/v1/tokens', intent);
  if (token.intent_id !== null && token.intent_id !== intent.id) {
    return declined('token_already_used', 'This card token was already used for another payment; tokenize the card again', intent);
  }
  await claimToken(w.tx, token.id, intent.id);
  intent.token_id = token.id;
  intent.card_brand = token.brand;
  intent.card_last4 = token.last4;
  intent.last_error = null;
  if (req.returnUrl) intent.return_url = req.returnUrl;
  const outcome = await applyScenario(w, intent, token.scenario);
  const stored: StoredConfirm = { outcome: outcome.outcome };
  if (outcome.outcome === 'declined') Object.assign(stored, { code: outcome.code, message: outcome.message });
  if (outcome.outcome === 'requires_action') stored.nextAction = outcome.nextAction;
  await insertOperation(w.tx, {
    id: randomId('tgcf_'), account_id: account.id, intent_id: intent.id, kind: 'confirm',
    idempotency_key: req.idempotencyKey ?? randomId('page_'), request_hash: hash, amount: null,
    succeeded: outcome.outcome !== 'declined', result: stored as unknown as Record<string, unknown>,
  }, w.now);
  return outcome;
}

/** The customer's answer on the challenge page. Anything but a pending challenge answers the current state. */
export async function resolveChallenge(w: Work, account: GatewayAccount, intentId: string, approve: boolean): Promise<ConfirmOutcome> {
  const found = await getIntent(w.tx, intentId, true);
  if (!found || found.account_id !== account.id) return declined('resource_missing', 'No such payment intent for this account', null);
  const intent = await expireIfDue(w, found);
  if (intent.status !== 'requires_action') return currentOutcome(intent);
  return approve ? authorize(w, intent) : fail(w, intent, 'authentication_failed', 'The customer did not complete 3-D Secure authentication.');
}

/** The outcome an intent's present state stands for (used when nothing is left to do). */
export function currentOutcome(intent: IntentRow): ConfirmOutcome {
  switch (intent.status) {
    case 'requires_capture':
    case 'succeeded':
      return { outcome: 'authorized', intent };
    case 'requires_action':
      return { outcome: 'requires_action', intent, nextAction: intent.next_action ?? {} };
    case 'canceled':
      return intent.cancellation_reason === 'expired'
        ? declined('session_expired', 'This payment session has expired; start a new one', intent)
        : declined('payment_intent_canceled', 'This payment was canceled', intent);
    case 'requires_payment_method':
      return intent.last_error
        ? declined(intent.last_error.code, intent.last_error.message, intent)
        : declined('payment_intent_unexpected_state', 'This payment is waiting for a card', intent);
  }
}

async function applyScenario(w: Work, intent: IntentRow, scenario: CardScenario): Promise<ConfirmOutcome> {
  switch (scenario) {
    case 'succeeds':
      return authorize(w, intent);
    case 'requires_action': {
      const nextAction = { type: 'redirect_to_url', url: `${w.publicUrl}/test-gateway/challenge/${intent.id}` };
      intent.status = 'requires_action';
      intent.next_action = nextAction;
      await saveIntent(w.tx, intent, w.now);
      await w.emit('payment_intent.requires_action', intent);
      return { outcome: 'requires_action', intent, nextAction };
    }
    case 'card_declined':
      return fail(w, intent, 'card_declined', 'Your card was declined.');
    case 'insufficient_funds':
      return fail(w, intent, 'insufficient_funds', 'Your card has insufficient funds.');
  }
}

/** Automatic capture takes the money now; manual capture holds it for later captures. */
async function authorize(w: Work, intent: IntentRow): Promise<ConfirmOutcome> {
  intent.authorized_at = w.now;
  intent.next_action = null;
  intent.last_error = null;
  if (intent.capture_method === 'automatic') {
    intent.status = 'succeeded';
    intent.amount_captured = intent.amount;
  } else {
    intent.status = 'requires_capture';
    intent.amount_capturable = intent.amount;
  }
  await saveIntent(w.tx, intent, w.now);
  await w.emit(intent.status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.amount_capturable_updated', intent);
  return { outcome: 'authorized', intent };
}

/** A failed attempt: the intent waits for another card, as Stripe's does after a decline. */
async function fail(w: Work, intent: IntentRow, code: string, message: string): Promise<ConfirmOutcome> {
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.last_error = { code, message };
  await saveIntent(w.tx, intent, w.now);
  await w.emit('payment_intent.payment_failed', intent);
  return declined(code, message, intent);
}

async function replay(w: Work, op: OperationRow, hash: string): Promise<ConfirmOutcome> {
  if (op.kind !== 'confirm' || op.request_hash !== hash) {
    return declined('idempotency_conflict', 'This idempotency key was already used for another request; use a new key', null);
  }
  const intent = (await getIntent(w.tx, op.intent_id))!;
  const stored = op.result as unknown as StoredConfirm;
  switch (stored.outcome) {
    case 'authorized':
      return { outcome: 'authorized', intent };
    case 'requires_action':
      return { outcome: 'requires_action', intent, nextAction: stored.nextAction ?? {} };
    case 'declined':
      return declined(stored.code ?? 'card_declined', stored.message ?? 'The payment was declined', intent);
  }
}

function declined(code: string, message: string, intent: IntentRow | null): ConfirmOutcome {
  return { outcome: 'declined', code, message, intent };
}
