import { assertTransition, type TransitionTable } from './state-machine.js';

/**
 * Status of a customer's refund request (OneEntry `createRefundRequest`), which a merchant
 * reviews before any money moves.
 *
 * - `pending`: submitted, awaiting review.
 * - `approved`: accepted; the refund itself is a separate gateway operation.
 * - `rejected`: declined by the merchant.
 * - `canceled`: withdrawn by the customer (OneEntry `cancelRefundRequest`).
 */
export type RefundRequestStatus = 'pending' | 'approved' | 'rejected' | 'canceled';

/** Every refund-request status. */
export const REFUND_REQUEST_STATUSES: readonly RefundRequestStatus[] = Object.freeze([
  'pending',
  'approved',
  'rejected',
  'canceled',
] as const);

/** Status of a newly submitted refund request. */
export const REFUND_REQUEST_INITIAL_STATUS: RefundRequestStatus = 'pending';

/** Allowed one-step changes of a refund request's status. */
export const REFUND_REQUEST_TRANSITIONS: TransitionTable<RefundRequestStatus> = Object.freeze({
  pending: ['approved', 'rejected', 'canceled'],
  approved: [],
  rejected: [],
  canceled: [],
});

/** Type guard for strings read from storage or requests. */
export function isRefundRequestStatus(value: unknown): value is RefundRequestStatus {
  return typeof value === 'string' && (REFUND_REQUEST_STATUSES as readonly string[]).includes(value);
}

/** True for `approved`, `rejected`, `canceled`. */
export function isRefundRequestTerminal(status: RefundRequestStatus): boolean {
  return REFUND_REQUEST_TRANSITIONS[status].length === 0;
}

/** @throws InvalidTransitionError (entity `refund_request`) */
export function assertRefundRequestTransition(from: RefundRequestStatus, to: RefundRequestStatus): void {
  assertTransition(REFUND_REQUEST_TRANSITIONS, from, to, 'refund_request');
}
