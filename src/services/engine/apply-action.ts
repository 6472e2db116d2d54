import { authorize, cancel, capture, fail, refund, requireAction } from '../../domain/payment.js';
import type { Money } from '../../domain/money.js';
import type { SessionStatus } from '../../domain/session-status.js';
import { MAX_ID } from '../../contract/common.js';
import { PaymentsError } from '../../errors.js';
import type { GatewayEventAction } from '../../gateways/gateway.js';
import type { Queryable } from '../../store/db.js';
import { appendHistory, deferWrite, type Actor, type DeferredWrite } from '../../store/history-store.js';
import type { CollectionRow, PaymentRow, SessionRow } from '../../store/payment-store.js';
import { syncCollection } from '../collection-sync.js';
import { moveSession, sessionMoved, sessionMoveWrite } from '../session-service.js';
import { notePayment, selfCheck } from '../collection-rows.js';
import { rememberRow } from '../outbox.js';
import type { ReadAfterLock } from './locks.js';
import { ACCOUNT_TYPE, sameRow, savePayment, stateOf, type PaymentDeferral } from './payment-writes.js';

export interface ApplyTarget {
  collection: CollectionRow;
  session: SessionRow;
  payment: PaymentRow | undefined;
  /** For a captured / refunded action: the operations {@link movedMatch} found, read after the locks. */
  matched?: OperationMatch[];
  /**
   * For an authorized / captured / refunded action: what lets the payment's writes join the
   * transaction's last statement (PaymentDeferral), with ids drawn for the rows it may insert
   * ({@link eventDeferral}).
   */
  deferral?: EventDeferral;
}

type DrawnTable = 'payments' | 'captures' | 'refunds';
export type EventDeferral = PaymentDeferral & { ids: Partial<Record<DrawnTable, number>> };

/** An operation row a moved-money event may belong to. */
export interface OperationMatch {
  id: number;
  status: string;
}

/** `applied`: state moved; `duplicate`: already in that state; `stale`: would move it backwards. */
export type ApplyOutcome = { result: 'applied' | 'duplicate' | 'stale' | 'ignored'; detail?: string; paymentId?: number };

const OPEN = new Set(['pending', 'requires_more', 'requires_action']);

/**
 * Applies one normalized gateway outcome to a session and its payment, inside the caller's
 * transaction (which holds the order and collection locks). This is the single path for the
 * direct answer of an authorize call, an inbound webhook, the customer's redirect return and
 * reconciliation, so all of them converge on the same state exactly once: an outcome already
 * reflected is a `duplicate` no-op, one that would move state backwards is `stale` and ignored.
 */
export async function applyAction(tx: Queryable, target: ApplyTarget, action: GatewayEventAction, actor: Actor): Promise<ApplyOutcome> {
  const { session } = target;
  let out: ApplyOutcome;
  switch (action.kind) {
    case 'authorized':
      out = await applyAuthorized(tx, target, action, actor);
      break;
    case 'requires_action':
      out = await applyRequiresAction(tx, target, action, actor);
      break;
    case 'attempt_failed':
      out = await applyAttemptFailed(tx, target, action, actor);
      break;
    case 'requires_more': {
      if (!OPEN.has(session.status)) return { result: 'stale', detail: `session is ${session.status}` };
      if (session.status === 'requires_more') return { result: 'duplicate' };
      await tx.query('UPDATE payment_sessions SET last_error = $2 WHERE id = $1', [session.id, { code: 'requires_more', message: action.reason }]);
      rememberRow(tx, 'payment_session', session.id, undefined);
      await moveSession(tx, session, 'requires_more', actor, { reason: action.reason }, action.gatewayStatus);
      out = { result: 'applied' };
      break;
    }
    case 'captured':
    case 'refunded':
      out = await applyMoved(tx, target, action, actor);
      break;
    case 'canceled':
      out = await applyCanceled(tx, target, action.gatewayStatus, actor);
      break;
    case 'expired':
      if (!OPEN.has(session.status)) return { result: session.status === 'expired' ? 'duplicate' : 'stale', detail: `session is ${session.status}` };
      await moveSession(tx, session, 'expired', actor, undefined, action.gatewayStatus);
      out = { result: 'applied' };
      break;
    case 'dispute': {
      const p = target.payment;
      if (!p) return { result: 'ignored', detail: 'dispute for a session without a payment' };
      await tx.query('UPDATE payments SET disputed = true, updated_at = now() WHERE id = $1', [p.id]);
      rememberRow(tx, 'payment', p.id, undefined);
      await appendHistory(tx, {
        entity: 'payment', entityId: p.id, action: 'dispute_created', from: p.status, to: p.status,
        amount: action.amount?.amount ?? null, currency: p.currency, orderId: p.order_id, collectionId: p.collection_id,
        sessionId: p.session_id, paymentId: p.id, actor, data: { reason: action.reason },
      });
      return { result: 'applied', paymentId: p.id };
    }
    case 'ignored':
      return { result: 'ignored', detail: action.reason };
  }
  if (out.result === 'applied') await syncCollection(tx, target.collection, actor);
  return out;
}

function sameCurrency(session: SessionRow, amount: Money): void {
  if (amount.currency !== session.currency.trim()) {
    throw new PaymentsError('currency_mismatch', `Gateway reported ${amount.currency} for a ${session.currency} session ${session.id}`);
  }
}

async function applyAuthorized(tx: Queryable, t: ApplyTarget, a: Extract<GatewayEventAction, { kind: 'authorized' }>, actor: Actor): Promise<ApplyOutcome> {
  const { session } = t;
  sameCurrency(session, a.amount);
  const existing = t.payment;
  if (existing && existing.status !== 'requires_action') return { result: 'duplicate', paymentId: existing.id };
  const next = authorize(existing ? stateOf(existing) : null, a.amount, { autoCapture: a.captured });
  const open = OPEN.has(session.status);
  let payment: PaymentRow;
  if (existing) {
    payment = await savePayment(tx, existing, next, actor, 'authorized', { amount: a.amount.amount, gatewayStatus: a.gatewayStatus, gatewayRef: a.paymentRef, card: a.card, paymentMethod: a.paymentMethod });
    if (next.captured > 0n) await recordCaptureAtAuthorization(tx, payment, next.captured, a.paymentRef, actor);
    if (open) await moveSession(tx, session, 'authorized', actor, undefined, a.gatewayStatus, payment.id);
  } else {
    // The payment, its automatic capture and the session's move in one statement.
    payment = await insertPayment(tx, session, next.status, next.authorized, next.captured, a.gatewayStatus, a.paymentRef, actor,
      { card: a.card, paymentMethod: a.paymentMethod }, open ? { to: 'authorized', gatewayStatus: a.gatewayStatus } : undefined, t.deferral);
  }
  if (!open && session.status !== 'authorized') {
    // Money arrived for a session Tender had already closed (expired, canceled): never drop it.
    // The payment is recorded so the merchant sees it (and can refund it).
    await appendHistory(tx, {
      entity: 'session', entityId: session.id, action: 'late_authorization', from: session.status, to: session.status,
      amount: a.amount.amount, currency: session.currency, orderId: session.order_id, collectionId: session.collection_id,
      sessionId: session.id, paymentId: payment.id, actor, data: { note: 'authorized at the gateway after the session closed' },
    });
  }
  return { result: 'applied', paymentId: payment.id };
}

/**
 * Inserts a session's payment — with its capture row when money was captured as it was
 * authorized, and the session's move when one is given — in one statement: the transaction's
 * last when `deferral` drew the ids (the rows are then computed here; see PaymentDeferral).
 */
async function insertPayment(tx: Queryable, s: SessionRow, status: string, authorized: bigint, captured: bigint, gatewayStatus: string, gatewayRef: string | null, actor: Actor,
  method: { card?: { brand: string; last4: string }; paymentMethod?: string } = {}, move?: { to: SessionStatus; gatewayStatus: string }, deferral?: EventDeferral): Promise<PaymentRow> {
  const paymentId = deferral?.ids.payments;
  const captureId = captured > 0n ? deferral?.ids.captures : undefined;
  const drawn = paymentId !== undefined && (captured === 0n || captureId !== undefined) ? { paymentId, captureId } : undefined;
  const values = [s.collection_id, s.id, s.order_id, s.user_id, s.account_id, s.currency, s.amount > 0n ? s.amount : authorized || 1n,
    authorized, captured, status, gatewayStatus, gatewayRef, method.card?.brand ?? null, method.card?.last4 ?? null, method.paymentMethod ?? null];
  // The payment (its id drawn beforehand, or the sequence's next), its capture, the session's move.
  const writes: { key: string; write: DeferredWrite }[] = [{
    key: `payment:${paymentId}`,
    write: (n) => ({
      sql: `INSERT INTO payments (collection_id, session_id, order_id, user_id, account_id, currency, amount, authorized_amount,
              captured_amount, status, gateway_status, gateway_ref, card_brand, card_last4, payment_method${drawn ? ', id' : ''})
            VALUES (${values.map((_, i) => `$${n + i}`).join(', ')}${drawn ? `, $${n + values.length}` : ''}) RETURNING *`,
      params: drawn ? [...values, drawn.paymentId] : values,
    }),
  }];
  // The payment's id in the other writes: a placeholder (its first) when drawn, else the INSERT's.
  const idOf = (n: number) => (drawn ? `$${n}::int` : '(SELECT id FROM p)');
  const idParam = drawn ? [drawn.paymentId] : [];
  if (captured > 0n) {
    writes.push({
      key: `captures:${captureId}`,
      write: (n) => {
        const m = n + idParam.length;
        return {
          sql: `INSERT INTO captures (payment_id, amount, currency, status, gateway_ref, actor_type, actor_id${drawn ? ', id' : ''})
                VALUES (${idOf(n)}, $${m}, $${m + 1}, 'succeeded', $${m + 2}, $${m + 3}, $${m + 4}${drawn ? `, $${m + 5}` : ''}) RETURNING id`,
          params: [...idParam, captured, s.currency, gatewayRef ? `${gatewayRef}:auto` : null, actor.type, actor.id ?? null, ...(drawn ? [drawn.captureId] : [])],
        };
      },
    });
  }
  if (move) {
    writes.push({
      key: `session:${s.id}`,
      write: sessionMoveWrite(s, move.to, move.gatewayStatus, drawn ? drawn.paymentId : '(SELECT id FROM p)'),
    });
  }
  let p: PaymentRow & { account_type: string };
  let capId: number | undefined;
  if (drawn && deferral && !selfCheck) {
    for (const w of writes) await deferWrite(tx, w.write, w.key);
    p = insertedRow(values, drawn.paymentId, deferral);
    capId = drawn.captureId;
  } else {
    const params: unknown[] = [];
    const parts = writes.map((w, i) => {
      const x = w.write(params.length + 1);
      params.push(...x.params);
      return `${i === 0 ? 'p' : i === 1 && captured > 0n ? 'cap' : `w${i}`} AS (${x.sql})`;
    });
    const { rows } = await tx.query<PaymentRow & { account_type: string; cap__id?: number }>(
      `WITH ${parts.join(', ')} SELECT p.*, ${ACCOUNT_TYPE}${captured > 0n ? ', (SELECT id FROM cap) AS cap__id' : ''} FROM p`, params);
    const row = rows[0]!;
    capId = row.cap__id;
    delete row.cap__id;
    p = row;
    // The self-check (tests): the row computed for the last statement is the one inserted.
    if (drawn && deferral) sameRow(insertedRow(values, drawn.paymentId, deferral), p, drawn.captureId, capId);
  }
  rememberRow(tx, 'payment', p.id, p);
  notePayment(tx, p);
  await appendHistory(tx, {
    entity: 'payment', entityId: p.id, action: 'created', to: status, amount: authorized > 0n ? authorized : s.amount,
    currency: s.currency, orderId: s.order_id, collectionId: s.collection_id, sessionId: s.id, paymentId: p.id, actor, gatewayRef,
  });
  if (capId !== undefined) await appendCaptureAtAuthorization(tx, p, capId, captured, actor);
  if (move) await sessionMoved(tx, s, move.to, actor, undefined, p.id);
  return p;
}

/** The row insertPayment's INSERT writes (`values` in its column order), with the table's defaults. */
function insertedRow(values: unknown[], id: number, d: PaymentDeferral): PaymentRow & { account_type: string } {
  const [collection_id, session_id, order_id, user_id, account_id, currency, amount, authorized_amount, captured_amount, status, gateway_status,
    gateway_ref, card_brand, card_last4, payment_method] = values;
  return {
    id, collection_id, session_id, order_id, user_id, account_id, currency, amount, authorized_amount, captured_amount, refunded_amount: 0n,
    status, gateway_status, gateway_ref, payment_method, card_brand, card_last4, client_secret: null, next_action: null, disputed: false,
    idempotency_key: null, created_at: d.now, updated_at: d.now, account_type: d.accountType,
  } as PaymentRow & { account_type: string };
}

/**
 * A payment captured as it is authorized (automatic capture, cash received) still gets its
 * capture row, so that a payment's captured sum always equals the sum of its captures.
 */
export async function recordCaptureAtAuthorization(tx: Queryable, p: PaymentRow, amount: bigint, gatewayRef: string | null, actor: Actor): Promise<void> {
  const { rows: c } = await tx.query<{ id: number }>(
    `INSERT INTO captures (payment_id, amount, currency, status, gateway_ref, actor_type, actor_id)
     VALUES ($1, $2, $3, 'succeeded', $4, $5, $6) RETURNING id`,
    [p.id, amount, p.currency, gatewayRef ? `${gatewayRef}:auto` : null, actor.type, actor.id ?? null],
  );
  await appendCaptureAtAuthorization(tx, p, c[0]!.id, amount, actor);
}

function appendCaptureAtAuthorization(tx: Queryable, p: PaymentRow, captureId: number, amount: bigint, actor: Actor): Promise<void> {
  return appendHistory(tx, {
    entity: 'capture', entityId: captureId, action: 'created', to: 'succeeded', amount, currency: p.currency,
    orderId: p.order_id, collectionId: p.collection_id, sessionId: p.session_id, paymentId: p.id, actor, data: { automatic: true },
  });
}

async function applyRequiresAction(tx: Queryable, t: ApplyTarget, a: Extract<GatewayEventAction, { kind: 'requires_action' }>, actor: Actor): Promise<ApplyOutcome> {
  const { session } = t;
  if (!OPEN.has(session.status)) return { result: 'stale', detail: `session is ${session.status}` };
  let paymentId = t.payment?.id;
  if (!t.payment) {
    const next = requireAction(null, session.currency.trim());
    const p = await insertPayment(tx, session, next.status, 0n, 0n, a.gatewayStatus, a.paymentRef, actor);
    paymentId = p.id;
    await tx.query('UPDATE payment_sessions SET payment_id = $2 WHERE id = $1', [session.id, p.id]);
    rememberRow(tx, 'payment_session', session.id, undefined);
  }
  // The client secret (what the storefront confirms the payment with) comes with the provider's
  // direct answer only; the same challenge reported by a webhook or a retrieve carries none, and
  // must not take it from the payment when it arrives second.
  const kept = (t.payment?.next_action as { clientSecret?: unknown } | null | undefined)?.clientSecret;
  const nextAction = a.nextAction.clientSecret === undefined && typeof kept === 'string' ? { ...a.nextAction, clientSecret: kept } : a.nextAction;
  await tx.query('UPDATE payments SET next_action = $2, gateway_status = $3, updated_at = now() WHERE id = $1', [paymentId, nextAction, a.gatewayStatus]);
  rememberRow(tx, 'payment', paymentId!, undefined);
  if (session.status === 'requires_action') return { result: 'duplicate', paymentId };
  // The history is append-only and readable for good: the client secret (shown by the payment
  // view only while the payment awaits the customer) stays out of it.
  const { clientSecret: _secret, ...shown } = a.nextAction;
  await moveSession(tx, session, 'requires_action', actor, { nextAction: shown }, a.gatewayStatus);
  return { result: 'applied', paymentId };
}

async function applyAttemptFailed(tx: Queryable, t: ApplyTarget, a: Extract<GatewayEventAction, { kind: 'attempt_failed' }>, actor: Actor): Promise<ApplyOutcome> {
  const { session } = t;
  if (!OPEN.has(session.status)) return { result: 'stale', detail: `session is ${session.status}` };
  const error = { code: a.code, message: a.message };
  await tx.query('UPDATE payment_sessions SET last_error = $2, updated_at = now() WHERE id = $1', [session.id, error]);
  rememberRow(tx, 'payment_session', session.id, undefined);
  if (t.payment && t.payment.status === 'requires_action') {
    await savePayment(tx, t.payment, fail(stateOf(t.payment)), actor, 'failed', { gatewayStatus: a.gatewayStatus, data: error });
  }
  if (session.status === 'requires_more' && !t.payment) {
    await appendHistory(tx, {
      entity: 'session', entityId: session.id, action: 'attempt_failed', from: session.status, to: session.status,
      amount: session.amount, currency: session.currency, orderId: session.order_id, collectionId: session.collection_id,
      sessionId: session.id, actor, data: error,
    });
    return { result: 'applied' };
  }
  await moveSession(tx, session, 'requires_more', actor, error, a.gatewayStatus);
  return { result: 'applied' };
}

type MovedAction = Extract<GatewayEventAction, { kind: 'captured' | 'refunded' }>;

/** Tender's operation id out of the request key a provider echoed (`tender-capture-12`). */
function operationIdOf(key: string | null | undefined, entity: 'capture' | 'refund'): number | null {
  const m = key ? /^tender-(capture|refund)-([1-9]\d{0,9})$/.exec(key) : null;
  const id = m && m[1] === entity ? Number(m[2]) : null;
  return id !== null && id <= MAX_ID ? id : null; // a key that cannot be a row id names none
}

const MOVED = {
  captured: { table: 'captures', entity: 'capture', reason: null, move: capture },
  refunded: { table: 'refunds', entity: 'refund', reason: 'reported by the gateway', move: refund },
} as const;

/**
 * Money the provider reports moved (a capture or a refund): recorded once. An event whose
 * provider reference is already recorded is a duplicate; one matching an operation Tender
 * started and has not recorded yet (pending / unknown, same amount) settles that operation;
 * anything else is money moved at the provider (e.g. in its dashboard) and gets its own row.
 */
async function applyMoved(tx: Queryable, t: ApplyTarget, a: MovedAction, actor: Actor): Promise<ApplyOutcome> {
  const { table, entity, reason, move } = MOVED[a.kind];
  const p = t.payment;
  // Out of order: money moved at the provider for a payment not recorded yet. Not final —
  // answer a retryable error so the provider delivers it again once the payment exists.
  if (!p) throw new PaymentsError('service_unavailable', `The payment this ${entity} belongs to is not recorded yet; deliver the event again later`);
  const match = t.matched ?? (await readMatch(tx, p.id, a));
  let found = match[0];
  if (found?.status === 'succeeded') return { result: 'duplicate', paymentId: p.id };
  if (found && operationIdOf(a.requestKey, entity) === null && match.length > 1) {
    throw new PaymentsError('service_unavailable', `Two ${table} of this amount are in flight and the event does not say which it answers; deliver it again later`);
  }
  // Money the provider moved for a request Tender recorded as failed is counted as its own movement.
  if (found?.status === 'failed') found = undefined;
  if (a.kind === 'captured' && p.status !== 'authorized' && p.status !== 'partially_captured') {
    return { result: 'duplicate', paymentId: p.id, detail: `payment is ${p.status}` };
  }
  const next = move(stateOf(p), a.amount);
  const history = { entity, amount: a.amount.amount, currency: p.currency, orderId: p.order_id, collectionId: p.collection_id, sessionId: p.session_id, paymentId: p.id, actor, gatewayRef: a.operationRef } as const;
  // The operation row and the payment's new state in one statement: the transaction's last when
  // the target carries a deferral (the new row's id drawn beforehand).
  const settled = found;
  const newId = t.deferral?.ids[table];
  const d = t.deferral && newId !== undefined ? { ...t.deferral, operationId: newId } : undefined;
  await savePayment(tx, p, next, actor, a.kind, { amount: a.amount.amount, gatewayStatus: a.gatewayStatus }, { deferral: d, prelude: settled
    ? {
        known: { id: settled.id, key: `${table}:${settled.id}` },
        write: (n) => ({
          sql: `UPDATE ${table} SET status = 'succeeded', updated_at = now(),
                  gateway_ref = COALESCE(gateway_ref, CASE WHEN EXISTS (SELECT 1 FROM ${table} o WHERE o.payment_id = $${n + 2} AND o.gateway_ref = $${n + 1} AND o.id <> $${n}) THEN NULL ELSE $${n + 1} END)
                WHERE id = $${n} RETURNING id`,
          params: [settled.id, a.operationRef, p.id],
        }),
        history: (id) => ({ ...history, entityId: id, action: 'status_changed', from: settled.status, to: 'succeeded' }),
      }
    : {
        known: d && { id: d.operationId, key: `${table}:${d.operationId}` },
        // With an id drawn beforehand, the row is inserted under it (the columns are GENERATED BY DEFAULT).
        write: (n) => ({
          sql: `INSERT INTO ${table} (payment_id, amount, currency, status, gateway_ref, actor_type, actor_id${reason ? ', reason' : ''}${d ? ', id' : ''})
                VALUES ($${n}, $${n + 1}, $${n + 2}, 'succeeded', $${n + 3}, $${n + 4}, $${n + 5}${reason ? `, $${n + 6}` : ''}${d ? `, $${n + (reason ? 7 : 6)}` : ''}) RETURNING id`,
          params: [p.id, a.amount.amount, p.currency, a.operationRef, actor.type, actor.id ?? null, ...(reason ? [reason] : []), ...(d ? [d.operationId] : [])],
        }),
        history: (id) => ({ ...history, entityId: id, action: 'created', to: 'succeeded' }),
      } });
  return { result: 'applied', paymentId: p.id };
}

/**
 * The operation a moved-money event belongs to, as a column over the live payment `p` (for the
 * statement after the locks): the one whose request the provider names (exact), else the one
 * already holding its reference (a duplicate), else the one in flight for that amount — only
 * when there is exactly one: with two same-amount operations in flight the event cannot say
 * which it answers, and a wrong guess would count one movement twice once both calls return.
 * applyMoved answers 503 then; by its redelivery the calls will have recorded their references
 * (or reconciliation will have) and it matches exactly. At most two rows, best first.
 */
export function movedMatch(a: GatewayEventAction): ReadAfterLock | undefined {
  if (a.kind !== 'captured' && a.kind !== 'refunded') return undefined;
  const { table, entity } = MOVED[a.kind];
  const ownId = operationIdOf(a.requestKey, entity);
  return (n) => ({
    sql: `(SELECT json_agg(json_build_array(m.id, m.status) ORDER BY m.rank) FROM (
             SELECT id, status, row_number() OVER (ORDER BY id = $${n + 2}::int DESC, (status = 'succeeded') DESC, id) AS rank FROM ${table}
              WHERE payment_id = p.id AND (id = $${n + 2}::int OR (status = 'succeeded' AND gateway_ref = $${n + 1}::text)
                 OR ($${n + 2}::int IS NULL AND status IN ('pending', 'unknown') AND amount = $${n}::bigint AND (gateway_ref IS NULL OR gateway_ref = $${n + 1}::text)))
              ORDER BY rank LIMIT 2) m)`,
    params: [a.amount.amount, a.operationRef, ownId],
  });
}

/**
 * For an event that writes a payment, the columns (for the statement after the locks) that let
 * its writes join the transaction's last statement: the transaction's `now()`, the account's
 * type, and ids drawn from the sequences of the tables it may insert into (an id not used — the
 * event settles a row, finds a payment, or is a duplicate — is a gap in the ids, nothing else).
 */
export function eventDeferral(a: GatewayEventAction, accountId: number): ReadAfterLock[] {
  const tables: DrawnTable[] = a.kind === 'authorized' ? (a.captured ? ['payments', 'captures'] : ['payments'])
    : a.kind === 'captured' ? ['captures'] : a.kind === 'refunded' ? ['refunds'] : [];
  if (tables.length === 0) return [];
  return [
    () => ({ sql: 'now()', params: [] }),
    (n) => ({ sql: `(SELECT a.type FROM payment_accounts a WHERE a.id = $${n})`, params: [accountId] }),
    () => ({ sql: `json_build_object(${tables.map((t) => `'${t}', nextval('${t}_id_seq')`).join(', ')})`, params: [] }),
  ];
}

/** The values of {@link eventDeferral}'s columns. */
export function parseDeferral(values: unknown[]): EventDeferral | undefined {
  const [now, accountType, ids] = values;
  if (!(now instanceof Date) || typeof accountType !== 'string' || typeof ids !== 'object' || ids === null) return undefined;
  return { now, accountType, ids: ids as EventDeferral['ids'] };
}

/** The rows of {@link movedMatch}'s column. */
export function parseMatch(value: unknown): OperationMatch[] {
  return ((value ?? []) as [number, string][]).map(([id, status]) => ({ id, status }));
}

async function readMatch(tx: Queryable, paymentId: number, a: MovedAction): Promise<OperationMatch[]> {
  const m = movedMatch(a)!(2);
  const { rows } = await tx.query<{ m: unknown }>(`SELECT ${m.sql} AS m FROM (SELECT $1::int AS id) p`, [paymentId, ...m.params]);
  return parseMatch(rows[0]?.m);
}

async function applyCanceled(tx: Queryable, t: ApplyTarget, gatewayStatus: string, actor: Actor): Promise<ApplyOutcome> {
  const { session, payment } = t;
  let changed = false;
  if (payment && (payment.status === 'requires_action' || payment.status === 'authorized' || payment.status === 'partially_captured')) {
    await savePayment(tx, payment, cancel(stateOf(payment)), actor, 'canceled', { gatewayStatus });
    changed = true;
  }
  if (OPEN.has(session.status)) {
    await moveSession(tx, session, 'canceled', actor, undefined, gatewayStatus);
    changed = true;
  }
  return changed ? { result: 'applied', paymentId: payment?.id } : { result: 'duplicate', paymentId: payment?.id };
}
