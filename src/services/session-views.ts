import type { PaymentSession } from '../contract/payments.js';
import { toMajorNumber } from '../domain/format-major.js';
import type { SessionRow } from '../store/payment-store.js';
import { isoFromTimestamptz } from '../store/timestamp-parser.js';

/**
 * The status string the OneEntry wire shows for a session ("free-form": `waiting` until paid,
 * `completed` once the money is captured). Once authorized, the session shows its payment's
 * state; the provider's own string stays in `gatewayStatus`.
 */
export function sessionWireStatus(row: Pick<SessionRow, 'status' | 'payment_status'>): string {
  switch (row.status) {
    case 'pending':
      return 'waiting';
    case 'requires_more':
      // Still unpaid, but the gateway needs something more (e.g. another card after a decline).
      return 'requires_more';
    case 'requires_action':
      return 'requires_action';
    case 'canceled':
    case 'expired':
    case 'failed':
      return row.status;
    case 'authorized':
      switch (row.payment_status) {
        case 'captured':
          return 'completed';
        case 'authorized':
        case 'partially_captured':
        case 'partially_refunded':
        case 'refunded':
        case 'canceled':
        case 'failed':
        case 'requires_action':
          return row.payment_status;
        default:
          return 'authorized';
      }
  }
}

/** The columns sessionView reads (list queries select only these). */
export const SESSION_VIEW_COLUMNS = [
  'id', 'order_id', 'amount', 'currency', 'status', 'created_at', 'updated_at', 'type', 'account_id', 'payment_url',
  'gateway_status', 'gateway_ref', 'expires_at', 'payment_id', 'client_secret',
] as const;

/** Timestamps come as Dates, or as PostgreSQL's text where a list selects them `::text` (SESSION_LIST_TIMES). */
type Instant = Date | string;

export type SessionViewRow = Omit<Pick<SessionRow, (typeof SESSION_VIEW_COLUMNS)[number] | 'payment_status'>, 'created_at' | 'updated_at' | 'expires_at'> & {
  created_at: Instant;
  updated_at: Instant;
  expires_at: Instant | null;
};

/** The view's timestamps: a list selects these as text and renders them without a Date each. */
export const SESSION_LIST_TIMES: ReadonlySet<string> = new Set(['created_at', 'updated_at', 'expires_at']);

function iso(t: Instant): string {
  return typeof t === 'string' ? isoFromTimestamptz(t) : t.toISOString();
}

export function sessionView(row: SessionViewRow): PaymentSession {
  const view: PaymentSession = {
    id: row.id,
    // A session of a collection made without an order has no order id (never on the OneEntry
    // routes, which list order sessions only).
    orderId: row.order_id as number,
    amount: toMajorNumber({ amount: row.amount, currency: row.currency }),
    amountMinor: Number(row.amount),
    currency: row.currency,
    status: sessionWireStatus(row),
    createdDate: iso(row.created_at),
    updatedDate: iso(row.updated_at),
    type: row.type,
    paymentAccountId: row.account_id,
    paymentUrl: row.payment_url,
    gatewayStatus: row.gateway_status,
    sessionId: row.gateway_ref,
    expiresAt: row.expires_at ? iso(row.expires_at) : null,
    paymentId: row.payment_id,
  };
  // Optional, never null (contract §5): leave the key out when there is no secret.
  if (row.client_secret) view.clientSecret = row.client_secret;
  return view;
}
