import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { capture, cancel, refund } from '../../domain/payment.js';
import type { Money } from '../../domain/money.js';
import { PaymentsError } from '../../errors.js';
import type { GatewayAccount, OperationResult, PaymentRef } from '../../gateways/gateway.js';
import { gatewayFor } from '../../gateways/registry.js';
import { toGatewayAccount } from '../../store/account-store.js';
import type { Queryable } from '../../store/db.js';
import { appendHistory, type Actor } from '../../store/history-store.js';
import type { PaymentRow } from '../../store/payment-store.js';
import { syncCollection } from '../collection-sync.js';
import { moveSession } from '../session-service.js';
import { lockPayment, lockPaymentOperation, lockPaymentWithAccount } from './locks.js';
import { savePayment, stateOf, type PaymentPrelude } from './payment-writes.js';

export type OperationKind = 'capture' | 'refund';
export type OperationStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

export interface OperationRow {
  id: number;
  payment_id: number;
  amount: bigint;
  currency: string;
  status: OperationStatus;
  gateway_ref: string | null;
  error: { code: string; message: string } | null;
  reason?: string | null;
  refund_request_id?: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface OperationInput {
  /** Undefined: everything still capturable / refundable. */
  amount?: Money;
  reason?: string | null;
  refundRequestId?: number | null;
  /** The client's Idempotency-Key: a retry resumes the same operation instead of starting another. */
  idempotencyKey?: string;
  /** Runs under the locks before a new operation is reserved; throws to refuse it. */
  precheck?: (tx: Queryable) => Promise<void>;
}

const TABLE: Record<OperationKind, 'captures' | 'refunds'> = { capture: 'captures', refund: 'refunds' };

/**
 * Captures or refunds part or all of a payment, exactly:
 * 1. under the order and collection locks, the amount is checked against what is left —
 *    capturable = authorized − captured − in-flight captures, refundable = captured − refunded −
 *    in-flight refunds — and reserved as a `pending` operation row;
 * 2. the gateway is called outside the transaction, with a key derived from that row, so a
 *    retry can never move money twice;
 * 3. the outcome is recorded under the locks again: `succeeded` moves the payment's sums
 *    (through the pure domain, which refuses anything that would break an invariant),
 *    `failed` releases the reservation, and a call that threw leaves the row `unknown` for
 *    reconciliation — never guessed.
 */
export async function runOperation(ctx: AppContext, kind: OperationKind, paymentId: number, input: OperationInput, actor: Actor): Promise<{ operation: OperationRow; payment: PaymentRow }> {
  const table = TABLE[kind];
  const reserved = await ctx.db.transaction(async (tx) => {
    const { payment, account, sessionRef } = await lockPaymentWithAccount(tx, paymentId);
    if (!account) throw new PaymentsError('account_not_found', `Payment account ${payment.account_id} no longer exists`);
    const gateway = { account: toGatewayAccount(ctx, account), ref: refOf(payment, sessionRef) };
    if (input.idempotencyKey) {
      const { rows } = await tx.query<OperationRow>(`SELECT * FROM ${table} WHERE payment_id = $1 AND idempotency_key = $2`, [paymentId, input.idempotencyKey]);
      const prior = rows[0];
      if (prior) return { operation: prior, payment, gateway, resume: prior.status === 'pending' || prior.status === 'unknown' };
    }
    if (input.precheck) await input.precheck(tx);
    const state = stateOf(payment);
    const base = kind === 'capture' ? state.authorized - state.captured : state.captured - state.refunded;
    // The in-flight sum is read, and the operation reserved with its history row, in one
    // statement after the locks: the amount (or, when none was given, everything left) is
    // inserted, then checked below by the pure domain against the sums with the in-flight
    // amounts taken out; a refusal throws, and the transaction's rollback takes the row back.
    const { rows } = await tx.query<OperationRow & { held: bigint }>(
      `WITH held AS (
         SELECT COALESCE(sum(amount), 0)::bigint AS sum FROM ${table} WHERE payment_id = $1 AND status IN ('pending', 'unknown')),
       op AS (
         INSERT INTO ${table} (payment_id, amount, currency, status, actor_type, actor_id, idempotency_key${kind === 'refund' ? ', reason, refund_request_id' : ''})
         SELECT $1, COALESCE($2::bigint, $12::bigint - held.sum), $3, 'pending', $4, $5, $6${kind === 'refund' ? ', $13, $14' : ''} FROM held
          WHERE COALESCE($2::bigint, $12::bigint - held.sum) > 0
         RETURNING *),
       history AS (
         INSERT INTO payment_events (entity, entity_id, action, to_status, amount, currency, order_id, collection_id, session_id, payment_id, actor_type, actor_id, data)
         SELECT $7, op.id, 'created', 'pending', op.amount, op.currency, $8::int, $9::int, $10::int, op.payment_id, $4, $5, $11::jsonb FROM op)
       SELECT held.sum AS held, op.* FROM held LEFT JOIN op ON true`,
      [paymentId, input.amount?.amount ?? null, payment.currency, actor.type, actor.id ?? null, input.idempotencyKey ?? null,
        kind, payment.order_id, payment.collection_id, payment.session_id, input.reason ? { reason: input.reason } : null, base,
        ...(kind === 'refund' ? [input.reason ?? null, input.refundRequestId ?? null] : [])],
    );
    const { held, ...reservedRow } = rows[0]!;
    const left = base - held;
    const open = kind === 'capture' ? ['authorized', 'partially_captured'] : ['partially_captured', 'captured', 'partially_refunded'];
    if (input.amount === undefined && left <= 0n && open.includes(state.status)) {
      throw new PaymentsError(kind === 'capture' ? 'amount_exceeds_capturable' : 'amount_exceeds_refundable',
        `Nothing is left to ${kind} on payment ${paymentId}${held > 0n ? ' (other operations are in flight)' : ''}`);
    }
    const amount = input.amount ?? { amount: left, currency: payment.currency.trim() };
    // The pure domain checks status, currency, sign and the limit against the sums with the
    // in-flight amounts already taken out.
    const probe = { ...state, ...(kind === 'capture' ? { captured: state.captured + held } : { refunded: state.refunded + held }) };
    if (kind === 'capture') capture(probe, amount);
    else refund(probe, amount);
    if (reservedRow.id === null) throw new Error(`${kind} of payment ${paymentId} passed the payment rules but was not reserved`);
    return { operation: reservedRow as OperationRow, payment, gateway, resume: true };
  });
  if (!reserved.resume) return { operation: reserved.operation, payment: reserved.payment };

  const { account, ref } = reserved.gateway;
  const money = { amount: reserved.operation.amount, currency: reserved.operation.currency.trim() };
  const gatewayKey = `tender-${kind}-${reserved.operation.id}`;
  let result: OperationResult | undefined;
  try {
    const gateway = gatewayFor(account.type);
    result = kind === 'capture'
      ? await gateway.capture(account, ref, money, gatewayKey)
      : await gateway.refund(account, ref, money, input.reason ?? null, gatewayKey);
  } catch (err) {
    ctx.log.error({ err, paymentId, operationId: reserved.operation.id, kind }, 'gateway call failed; outcome unknown');
  }
  const releaseRemainder = kind === 'capture' && gatewayFor(account.type).singleCapture === true;
  return ctx.db.transaction((tx) => recordOutcome(tx, kind, reserved.operation.id, paymentId, result, { type: 'gateway', id: `${account.type}:${kind}` }, releaseRemainder));
}

/** Records a gateway's answer for an in-flight operation (also used by reconciliation). */
export async function recordOutcome(tx: Queryable, kind: OperationKind, operationId: number, paymentId: number, result: OperationResult | undefined, actor: Actor, releaseRemainder = false): Promise<{ operation: OperationRow; payment: PaymentRow }> {
  const table = TABLE[kind];
  // The order, collection, payment and operation rows locked in one statement: the operation's
  // status is its latest (a webhook may have settled it first; then there is nothing to record).
  const locked = await lockPaymentOperation<OperationRow>(tx, paymentId, table, operationId);
  if (!locked) throw new PaymentsError('not_found', `No ${kind} ${operationId} of payment ${paymentId}`);
  const { collection, payment, operation: current } = locked;
  const history = (op: OperationRow, from: OperationStatus) => ({
    entity: kind, entityId: op.id, action: 'status_changed', from, amount: op.amount, currency: op.currency,
    orderId: payment.order_id, collectionId: payment.collection_id, sessionId: payment.session_id, paymentId, actor,
  } as const);
  const settle = async (to: OperationStatus, set = '', params: unknown[] = []) => {
    const { rows } = await tx.query<OperationRow>(`UPDATE ${table} SET status = '${to}', updated_at = now()${set} WHERE id = $1 RETURNING *`, [operationId, ...params]);
    return rows[0]!;
  };
  const unsettled = current.status === 'pending' || current.status === 'unknown';
  if (!result) {
    if (current.status !== 'pending') return { operation: current, payment };
    const u = await settle('unknown');
    await appendHistory(tx, { ...history(u, current.status), to: 'unknown' });
    return { operation: u, payment };
  }
  if (result.outcome === 'failed') {
    if (!unsettled) return { operation: current, payment };
    const f = await settle('failed', ', error = $2', [{ code: result.code, message: result.message }]);
    await appendHistory(tx, { ...history(f, current.status), to: 'failed', data: { code: result.code, message: result.message } });
    return { operation: f, payment };
  }
  if (!unsettled) return { operation: current, payment };
  const money = { amount: current.amount, currency: current.currency.trim() };
  const next = kind === 'capture' ? capture(stateOf(payment), money) : refund(stateOf(payment), money);
  // The operation settles with the payment's new state, in one statement that also reads the
  // collection's rows for syncCollection. Two in-flight operations of the same amount can be
  // matched to each other's webhooks; the money is the same either way, so a provider reference
  // already taken by the twin is left off rather than recorded twice.
  const prelude: PaymentPrelude = {
    write: (n) => ({
      sql: `UPDATE ${table} t SET status = 'succeeded', updated_at = now(),
              gateway_ref = COALESCE(t.gateway_ref, CASE WHEN EXISTS (SELECT 1 FROM ${table} o WHERE o.payment_id = $${n + 2} AND o.gateway_ref = $${n + 1} AND o.id <> $${n}) THEN NULL ELSE $${n + 1} END)
            WHERE t.id = $${n} RETURNING t.*`,
      params: [operationId, result.gatewayRef, paymentId],
    }),
    history: () => ({ ...history(current, current.status), to: 'succeeded', gatewayRef: result.gatewayRef }),
    returning: ['status', 'gateway_ref', 'updated_at'],
  };
  let saved = await savePayment(tx, payment, next, actor, kind === 'capture' ? 'captured' : 'refunded',
    { amount: current.amount, gatewayStatus: result.gatewayStatus }, { prelude, childRows: true });
  const op = { ...current, ...(prelude.result as Pick<OperationRow, 'status' | 'gateway_ref' | 'updated_at'>) };
  if (releaseRemainder && saved.status === 'partially_captured') {
    // The provider released the rest of the authorization with this capture.
    saved = await savePayment(tx, saved, cancel(stateOf(saved)), actor, 'remainder_released', {
      amount: saved.authorized_amount - saved.captured_amount, data: { reason: 'the gateway allows one capture per authorization' },
    });
  }
  await syncCollection(tx, collection, actor);
  return { operation: op, payment: saved };
}

/** Releases an uncaptured authorization (and closes the session if it is still open). */
export async function cancelPayment(ctx: AppContext, paymentId: number, actor: Actor): Promise<PaymentRow> {
  const payment = await ctx.db.transaction(async (tx) => {
    const { payment: p, account, sessionRef } = await lockPaymentWithAccount(tx, paymentId);
    if (p.status === 'canceled') return { p, done: true };
    if (!account) throw new PaymentsError('account_not_found', `Payment account ${p.account_id} no longer exists`);
    cancel(stateOf(p)); // refuses what cannot be canceled
    const busy = await tx.query(`SELECT 1 FROM captures WHERE payment_id = $1 AND status IN ('pending', 'unknown')`, [paymentId]);
    if (busy.rowCount > 0) throw new PaymentsError('conflict', `A capture of payment ${paymentId} is in flight; cancel after it settles`);
    return { p, done: false, account: toGatewayAccount(ctx, account), ref: refOf(p, sessionRef) };
  });
  if (payment.done) return payment.p;
  const { account, ref } = payment as { account: GatewayAccount; ref: PaymentRef };
  let result: OperationResult | undefined;
  try {
    result = await gatewayFor(account.type).cancel(account, ref, `tender-cancel-${paymentId}`);
  } catch (err) {
    ctx.log.error({ err, paymentId }, 'gateway cancel failed');
    throw new PaymentsError('gateway_timeout', 'The gateway did not confirm the cancel; retry');
  }
  if (result.outcome === 'failed') throw new PaymentsError('gateway_declined', `The gateway refused the cancel: ${result.message}`);
  return ctx.db.transaction(async (tx) => {
    const { collection, payment: p } = await lockPayment(tx, paymentId);
    if (p.status === 'canceled') return p;
    const saved = await savePayment(tx, p, cancel(stateOf(p)), actor, 'canceled', { gatewayStatus: result.gatewayStatus });
    const { rows } = await tx.query<import('../../store/payment-store.js').SessionRow>('SELECT * FROM payment_sessions WHERE id = $1 FOR UPDATE', [p.session_id]);
    const s = rows[0];
    if (s && (s.status === 'pending' || s.status === 'requires_more' || s.status === 'requires_action')) await moveSession(tx, s, 'canceled', actor);
    await syncCollection(tx, collection, actor);
    return saved;
  });
}

/** What the gateway needs to find the payment. */
function refOf(p: PaymentRow, sessionRef: string | null): PaymentRef {
  return { gatewayRef: p.gateway_ref, sessionRef, amount: { amount: p.authorized_amount, currency: p.currency.trim() } };
}

export function newOperationKey(): string {
  return randomUUID();
}
