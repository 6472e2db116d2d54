import type { PaymentState } from '../../domain/payment.js';
import type { Queryable } from '../../store/db.js';
import { appendHistory, deferWrite, type Actor, type DeferredWrite, type HistoryEvent } from '../../store/history-store.js';
import type { PaymentRow } from '../../store/payment-store.js';
import { childRowsColumns, holdChildRows, notePayment, selfCheck } from '../collection-rows.js';
import { rememberRow } from '../outbox.js';

/** The account type a payment view shows, selected alongside a written payment row. */
export const ACCOUNT_TYPE = '(SELECT a.type FROM payment_accounts a WHERE a.id = account_id) AS account_type';

export function stateOf(p: PaymentRow): PaymentState {
  return {
    status: p.status,
    currency: p.currency,
    authorized: p.authorized_amount,
    captured: p.captured_amount,
    refunded: p.refunded_amount,
    appliedEventIds: new Set(),
  };
}

/**
 * A write that goes with a payment's new state, in the same statement (e.g. the capture row the
 * money moved by): its SQL returns `id`, and its history row is appended before the payment's.
 */
export interface PaymentPrelude {
  write: DeferredWrite;
  history: (id: number) => HistoryEvent;
  /** Columns of the prelude's RETURNING to bring back (`id` always)… */
  returning?: string[];
  /** …here, once savePayment has run. */
  result?: Record<string, unknown>;
  /**
   * The id of the row the write inserts or updates, when known beforehand (drawn from the
   * table's sequence, or an update's own row): `key` names the write, and the payment's write
   * may then join the transaction's last statement (see PaymentDeferral).
   */
  known?: { id: number; key: string };
}

/**
 * What lets savePayment write a payment with its transaction's last statement instead of a
 * statement of its own: the transaction's `now()` (the row's updated_at; every statement of one
 * transaction sees the same) and the account's type (the payment view shows it). The new row is
 * then computed here, as the UPDATE writes it. Nothing in a transaction reads a payment row after
 * saving it: the outbox renders it from the row in hand, syncCollection from notePayment's copy.
 * With the self-check on (tests) the write runs at once instead, and its RETURNING row must equal
 * the computed one.
 */
export interface PaymentDeferral {
  now: Date;
  accountType: string;
}

type Extra = {
  amount?: bigint; gatewayStatus?: string; gatewayRef?: string | null; data?: Record<string, unknown>;
  card?: { brand: string; last4: string }; paymentMethod?: string;
};

/** The payment's UPDATE, its placeholders from `n` (the payment's id first). */
function paymentUpdate(before: PaymentRow, next: PaymentState, extra: Extra): DeferredWrite {
  return (n) => ({
    sql: `UPDATE payments AS up SET status = $${n + 1}, authorized_amount = $${n + 2}, captured_amount = $${n + 3}, refunded_amount = $${n + 4},
       gateway_status = COALESCE($${n + 5}, gateway_status), gateway_ref = COALESCE(gateway_ref, $${n + 6}),
       card_brand = COALESCE($${n + 7}, card_brand), card_last4 = COALESCE($${n + 8}, card_last4), payment_method = COALESCE($${n + 9}, payment_method),
       updated_at = now()
     WHERE id = $${n}`,
    params: [before.id, next.status, next.authorized, next.captured, next.refunded, extra.gatewayStatus ?? null, extra.gatewayRef ?? null,
      extra.card?.brand ?? null, extra.card?.last4 ?? null, extra.paymentMethod ?? null],
  });
}

/** The row paymentUpdate writes, computed from the row before it (which the caller holds under its lock). */
function updatedRow(before: PaymentRow, next: PaymentState, extra: Extra, d: PaymentDeferral): PaymentRow & { account_type: string } {
  return {
    ...before,
    status: next.status,
    authorized_amount: next.authorized,
    captured_amount: next.captured,
    refunded_amount: next.refunded,
    gateway_status: extra.gatewayStatus ?? before.gateway_status,
    gateway_ref: before.gateway_ref ?? extra.gatewayRef ?? null,
    card_brand: extra.card?.brand ?? before.card_brand,
    card_last4: extra.card?.last4 ?? before.card_last4,
    payment_method: extra.paymentMethod ?? before.payment_method,
    updated_at: d.now,
    account_type: d.accountType,
  };
}

/** Writes a payment's new state (computed by the pure domain) and its history row. */
export async function savePayment(
  tx: Queryable,
  before: PaymentRow,
  next: PaymentState,
  actor: Actor,
  action: string,
  extra: Extra = {},
  more: {
    prelude?: PaymentPrelude;
    /** Read the collection's sessions and payments (as they were before this write) for syncCollection. */
    childRows?: boolean;
    /** Write with the transaction's last statement when the prelude's id is known (see PaymentDeferral). */
    deferral?: PaymentDeferral;
  } = {},
): Promise<PaymentRow> {
  const { prelude, deferral } = more;
  const computed = deferral && !more.childRows && (!prelude || (prelude.known && !prelude.returning))
    ? updatedRow(before, next, extra, deferral)
    : undefined;
  let row: PaymentRow & { account_type: string };
  if (computed && !selfCheck) {
    if (prelude) await deferWrite(tx, prelude.write, prelude.known!.key);
    await deferWrite(tx, paymentUpdate(before, next, extra), `payment:${before.id}`);
    row = computed;
    if (prelude) prelude.result = { id: prelude.known!.id };
  } else {
    const pre = prelude?.write(11);
    const update = paymentUpdate(before, next, extra)(1);
    const { rows } = await tx.query<PaymentRow & { account_type: string; pre__id?: number; lk__sessions?: unknown; lk__payments?: unknown }>(
      `${pre ? `WITH pre AS (${pre.sql})` : ''}
       ${update.sql} RETURNING *, ${ACCOUNT_TYPE}${pre ? ['id', ...(prelude!.returning ?? [])].map((c) => `, (SELECT ${c} FROM pre) AS pre__${c}`).join('') : ''}${more.childRows ? `, ${childRowsColumns('up.collection_id')}` : ''}`,
      [...update.params, ...(pre?.params ?? [])],
    );
    const r0 = rows[0]!;
    if (more.childRows) {
      // Read in this statement's snapshot, i.e. before its own write, which notePayment adds below.
      holdChildRows(tx, before.collection_id, r0 as unknown as Record<string, unknown>);
      delete r0.lk__sessions;
      delete r0.lk__payments;
    }
    row = r0;
    if (prelude) {
      const r = row as unknown as Record<string, unknown>;
      const returned: Record<string, unknown> = {};
      prelude.result = returned;
      for (const c of ['id', ...(prelude.returning ?? [])]) {
        returned[c] = r[`pre__${c}`];
        delete r[`pre__${c}`];
      }
    }
    if (computed) sameRow(computed, row, prelude?.known?.id, prelude?.result?.id);
  }
  if (prelude) {
    const id = prelude.result!.id as number | null | undefined;
    if (id === undefined || id === null) throw new Error(`the write that goes with payment ${before.id} returned no id`);
    await appendHistory(tx, prelude.history(id));
  }
  // The outbox renders this payment's events from the row in hand; the session's cached row (its
  // payment_status is joined from this payment) is dropped.
  rememberRow(tx, 'payment', before.id, row);
  notePayment(tx, row);
  rememberRow(tx, 'payment_session', before.session_id, undefined);
  await appendHistory(tx, {
    entity: 'payment', entityId: before.id, action, from: before.status, to: next.status, amount: extra.amount ?? null,
    currency: before.currency, orderId: before.order_id, collectionId: before.collection_id, sessionId: before.session_id,
    paymentId: before.id, actor, gatewayRef: extra.gatewayRef ?? before.gateway_ref, data: extra.data ?? null,
  });
  return row;
}

/**
 * The self-check of a deferred write (tests): the row computed for the last statement is the one
 * the statement wrote, field by field, and the id drawn for the row that goes with it is the one
 * it got.
 */
export function sameRow(computed: object, written: object, knownId?: number, writtenId?: unknown): void {
  const a = computed as Record<string, unknown>;
  const b = written as Record<string, unknown>;
  const text = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));
  const diff = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => text(a[k]) !== text(b[k]));
  if (knownId !== undefined && knownId !== writtenId) diff.push(`id of the row with it: ${knownId} ≠ ${String(writtenId)}`);
  if (diff.length > 0) throw new Error(`self-check: the payment row computed for the last statement differs from the one written: ${diff.join(', ')}`);
}
