import type { PaymentState } from '../../domain/payment.js';
import type { Queryable } from '../../store/db.js';
import { appendHistory, type Actor, type DeferredWrite, type HistoryEvent } from '../../store/history-store.js';
import type { PaymentRow } from '../../store/payment-store.js';
import { childRowsColumns, holdChildRows, notePayment } from '../collection-rows.js';
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
}

/** Writes a payment's new state (computed by the pure domain) and its history row. */
export async function savePayment(
  tx: Queryable,
  before: PaymentRow,
  next: PaymentState,
  actor: Actor,
  action: string,
  extra: {
    amount?: bigint; gatewayStatus?: string; gatewayRef?: string | null; data?: Record<string, unknown>;
    card?: { brand: string; last4: string }; paymentMethod?: string;
  } = {},
  more: {
    prelude?: PaymentPrelude;
    /** Read the collection's sessions and payments (as they were before this write) for syncCollection. */
    childRows?: boolean;
  } = {},
): Promise<PaymentRow> {
  const { prelude } = more;
  const pre = prelude?.write(11);
  const { rows } = await tx.query<PaymentRow & { account_type: string; pre__id?: number; lk__sessions?: unknown; lk__payments?: unknown }>(
    `${pre ? `WITH pre AS (${pre.sql})` : ''}
     UPDATE payments AS up SET status = $2, authorized_amount = $3, captured_amount = $4, refunded_amount = $5,
       gateway_status = COALESCE($6, gateway_status), gateway_ref = COALESCE(gateway_ref, $7),
       card_brand = COALESCE($8, card_brand), card_last4 = COALESCE($9, card_last4), payment_method = COALESCE($10, payment_method),
       updated_at = now()
     WHERE id = $1 RETURNING *, ${ACCOUNT_TYPE}${pre ? ['id', ...(prelude!.returning ?? [])].map((c) => `, (SELECT ${c} FROM pre) AS pre__${c}`).join('') : ''}${more.childRows ? `, ${childRowsColumns('up.collection_id')}` : ''}`,
    [before.id, next.status, next.authorized, next.captured, next.refunded, extra.gatewayStatus ?? null, extra.gatewayRef ?? null,
      extra.card?.brand ?? null, extra.card?.last4 ?? null, extra.paymentMethod ?? null, ...(pre?.params ?? [])],
  );
  if (more.childRows) {
    // Read in this statement's snapshot, i.e. before its own write, which notePayment adds below.
    holdChildRows(tx, before.collection_id, rows[0] as unknown as Record<string, unknown>);
    delete rows[0]!.lk__sessions;
    delete rows[0]!.lk__payments;
  }
  if (prelude) {
    const row = rows[0] as unknown as Record<string, unknown>;
    const returned: Record<string, unknown> = {};
    prelude.result = returned;
    for (const c of ['id', ...(prelude.returning ?? [])]) {
      returned[c] = row[`pre__${c}`];
      delete row[`pre__${c}`];
    }
    const id = returned.id as number | null;
    if (id === undefined || id === null) throw new Error(`the write that goes with payment ${before.id} returned no id`);
    await appendHistory(tx, prelude.history(id));
  }
  // The outbox renders this payment's events from the row in hand; the session's cached row (its
  // payment_status is joined from this payment) is dropped.
  rememberRow(tx, 'payment', before.id, rows[0]);
  notePayment(tx, rows[0]!);
  rememberRow(tx, 'payment_session', before.session_id, undefined);
  await appendHistory(tx, {
    entity: 'payment', entityId: before.id, action, from: before.status, to: next.status, amount: extra.amount ?? null,
    currency: before.currency, orderId: before.order_id, collectionId: before.collection_id, sessionId: before.session_id,
    paymentId: before.id, actor, gatewayRef: extra.gatewayRef ?? before.gateway_ref, data: extra.data ?? null,
  });
  return rows[0]!;
}
