/**
 * Capture, refund and cancel with the provider's own rules: never capture more than is held,
 * never refund more than was captured, never cancel captured money. Each is idempotent by the
 * caller's key (Stripe semantics): a retry gets the stored result and has no second effect; the
 * same key with other parameters fails with `idempotency_conflict`.
 */
import { formatMajor } from '../../domain/format-major.js';
import type { Money } from '../../domain/money.js';
import type { GatewayAccount, OperationResult } from '../gateway.js';
import { getIntent, insertOperation, operationByKey, saveIntent, type IntentRow, type OperationKind } from './test-gateway-store.js';
import { randomId } from './test-ids.js';
import { expireIfDue, requestHash, type Work } from './test-work.js';

const OPERATION_PREFIX: Record<OperationKind, string> = { confirm: 'tgcf_', capture: 'tgcp_', refund: 'tgre_', cancel: 'tgcn_' };

export async function captureIntent(w: Work, account: GatewayAccount, intentId: string, amount: Money, key: string): Promise<OperationResult> {
  const hash = requestHash('capture', intentId, amount.amount, amount.currency);
  const start = await begin(w, account, intentId, key, hash);
  if ('done' in start) return start.done;
  const { intent } = start;
  const op: Op = { w, account, intent, kind: 'capture', key, hash, amount: amount.amount };
  const invalid = checkAmount(intent, amount);
  if (invalid) return record(op, invalid);
  if (intent.status !== 'requires_capture') {
    const message = intent.status === 'succeeded'
      ? intent.capture_method === 'automatic' ? 'This payment was captured automatically when it was authorized' : 'This payment is already fully captured'
      : `A payment cannot be captured while it is ${intent.status}`;
    return record(op, failed(intent, 'payment_intent_unexpected_state', message));
  }
  if (amount.amount > intent.amount_capturable) {
    return record(op, failed(intent, 'amount_too_large', `Cannot capture ${show(amount)}: only ${show({ amount: intent.amount_capturable, currency: intent.currency })} is capturable`));
  }
  // Several partial captures are allowed (Tender models them); the intent succeeds when the
  // whole held amount is captured. Stripe releases the rest on the first capture instead.
  intent.amount_capturable -= amount.amount;
  intent.amount_captured += amount.amount;
  if (intent.amount_capturable === 0n) intent.status = 'succeeded';
  const opId = randomId(OPERATION_PREFIX.capture);
  await saveIntent(w.tx, intent, w.now);
  await w.emit('charge.captured', intent, { id: opId, object: 'capture', amount: amount.amount.toString(), currency: amount.currency, request_key: key });
  return record(op, { outcome: 'succeeded', gatewayRef: opId, gatewayStatus: intent.status }, opId);
}

export async function refundIntent(
  w: Work, account: GatewayAccount, intentId: string, amount: Money, reason: string | null, key: string,
): Promise<OperationResult> {
  const hash = requestHash('refund', intentId, amount.amount, amount.currency);
  const start = await begin(w, account, intentId, key, hash);
  if ('done' in start) return start.done;
  const { intent } = start;
  const op: Op = { w, account, intent, kind: 'refund', key, hash, amount: amount.amount, reason };
  const invalid = checkAmount(intent, amount);
  if (invalid) return record(op, invalid);
  const refundable = intent.amount_captured - intent.amount_refunded;
  if (intent.amount_captured === 0n) return record(op, failed(intent, 'payment_intent_unexpected_state', 'Nothing has been captured yet, so nothing can be refunded; cancel the payment instead'));
  if (amount.amount > refundable) {
    return record(op, failed(intent, 'amount_too_large', `Cannot refund ${show(amount)}: only ${show({ amount: refundable, currency: intent.currency })} is refundable`));
  }
  intent.amount_refunded += amount.amount;
  const opId = randomId(OPERATION_PREFIX.refund);
  await saveIntent(w.tx, intent, w.now);
  await w.emit('charge.refunded', intent, { id: opId, object: 'refund', amount: amount.amount.toString(), currency: amount.currency, request_key: key });
  return record(op, { outcome: 'succeeded', gatewayRef: opId, gatewayStatus: intent.status }, opId);
}

export async function cancelIntent(w: Work, account: GatewayAccount, intentId: string, key: string): Promise<OperationResult> {
  const hash = requestHash('cancel', intentId);
  const start = await begin(w, account, intentId, key, hash);
  if ('done' in start) return start.done;
  const { intent } = start;
  const op: Op = { w, account, intent, kind: 'cancel', key, hash, amount: null };
  // Already canceled (by the merchant, or expired): the desired state holds, nothing to do.
  if (intent.status === 'canceled') return record(op, { outcome: 'succeeded', gatewayRef: null, gatewayStatus: intent.status });
  if (intent.status === 'succeeded' || intent.amount_captured > 0n) {
    return record(op, failed(intent, 'payment_intent_unexpected_state', 'Money of this payment has been captured; refund it instead of canceling'));
  }
  intent.status = 'canceled';
  intent.cancellation_reason = 'requested_by_merchant';
  intent.amount_capturable = 0n;
  intent.next_action = null;
  const opId = randomId(OPERATION_PREFIX.cancel);
  await saveIntent(w.tx, intent, w.now);
  await w.emit('payment_intent.canceled', intent);
  return record(op, { outcome: 'succeeded', gatewayRef: opId, gatewayStatus: intent.status }, opId);
}

interface Op {
  w: Work;
  account: GatewayAccount;
  intent: IntentRow;
  kind: OperationKind;
  key: string;
  hash: string;
  amount: bigint | null;
  reason?: string | null;
}

/** Locks the intent, then answers a retry from the log, or hands over the (unexpired) intent. */
async function begin(w: Work, account: GatewayAccount, intentId: string, key: string, hash: string): Promise<{ done: OperationResult } | { intent: IntentRow }> {
  const intent = await getIntent(w.tx, intentId, true);
  const previous = await operationByKey(w.tx, account.id, key);
  if (previous) {
    return {
      done: previous.request_hash === hash
        ? (previous.result as unknown as OperationResult)
        : { outcome: 'failed', gatewayStatus: intent?.status ?? 'unknown', code: 'idempotency_conflict', message: 'This idempotency key was already used for another request; use a new key' },
    };
  }
  if (!intent || intent.account_id !== account.id) {
    return { done: { outcome: 'failed', gatewayStatus: 'not_found', code: 'resource_missing', message: 'No such payment intent for this account' } };
  }
  return { intent: await expireIfDue(w, intent) };
}

/** Logs the operation (successful or refused) under its key, so that a retry answers the same. */
async function record(op: Op, result: OperationResult, id = randomId(OPERATION_PREFIX[op.kind])): Promise<OperationResult> {
  await insertOperation(op.w.tx, {
    id, account_id: op.account.id, intent_id: op.intent.id, kind: op.kind, idempotency_key: op.key, request_hash: op.hash,
    amount: op.amount !== null && op.amount > 0n ? op.amount : null, succeeded: result.outcome === 'succeeded',
    result: result as unknown as Record<string, unknown>, reason: op.reason ?? null,
  }, op.w.now);
  return result;
}

function checkAmount(intent: IntentRow, amount: Money): OperationResult | undefined {
  if (amount.currency !== intent.currency) {
    return failed(intent, 'currency_mismatch', `This payment is in ${intent.currency}, not ${amount.currency}`);
  }
  if (amount.amount <= 0n) return failed(intent, 'invalid_amount', 'The amount must be above zero');
  return undefined;
}

function failed(intent: IntentRow, code: string, message: string): OperationResult {
  return { outcome: 'failed', gatewayStatus: intent.status, code, message };
}

function show(m: Money): string {
  return `${formatMajor(m)} ${m.currency}`;
}
