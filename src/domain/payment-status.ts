import { assertTransition, canTransition, type TransitionTable } from './state-machine.js';

/**
 * Status of a Payment. A payment is created at the first authorization attempt that is not
 * an outright decline (declines stay on the session). Amounts live on the payment
 * (`authorized ≥ captured ≥ refunded`, see `payment.ts`); the status summarises them.
 *
 * - `requires_action`: the gateway accepted the attempt but the customer must act (3-D Secure).
 * - `authorized`: funds are held; nothing captured yet.
 * - `partially_captured`: some of the hold is captured and the rest can still be captured.
 *   Refunds of the captured part are allowed here and keep this status (see `payment.ts`).
 * - `captured`: everything that will ever be captured is captured (the full hold, or what
 *   was captured before the remainder was released by a cancel). Nothing refunded yet.
 * - `partially_refunded`: captured in full, part of it refunded.
 * - `refunded`: captured in full and all of it refunded.
 * - `canceled`: released before anything was captured.
 * - `failed`: the authorization failed after the customer action.
 */
export type PaymentStatus =
  | 'requires_action'
  | 'authorized'
  | 'partially_captured'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'canceled'
  | 'failed';

/** Every payment status, in lifecycle order. */
export const PAYMENT_STATUSES: readonly PaymentStatus[] = Object.freeze([
  'requires_action',
  'authorized',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'canceled',
  'failed',
] as const);

/**
 * Root of the transition table: every status is reachable from here. A payment may also be
 * created directly in one of {@link PAYMENT_CREATION_STATUSES}.
 */
export const PAYMENT_INITIAL_STATUS: PaymentStatus = 'requires_action';

/**
 * Statuses a payment can be created in: `requires_action` (3-D Secure pending),
 * `authorized`, or `captured` (auto-capture gateways).
 */
export const PAYMENT_CREATION_STATUSES: readonly PaymentStatus[] = Object.freeze([
  'requires_action',
  'authorized',
  'captured',
] as const);

/**
 * Allowed one-step status changes of a payment.
 *
 * Deliberate choices:
 * - `authorized → failed` is absent: once funds are held, the payment ends by cancel or capture.
 * - `partially_captured → canceled` is absent: canceling a partially captured payment
 *   releases the uncaptured remainder and moves to `captured` (or `partially_refunded` /
 *   `refunded` when refunds were already made), so refunds of the captured part stay
 *   possible. `canceled` means nothing was ever captured.
 * - `partially_captured → partially_refunded | refunded` happen when the final capture or
 *   the cancel settles a payment that already had refunds.
 * - Staying in `partially_captured` (another partial capture or a refund) and in
 *   `partially_refunded` (another partial refund) is "no status change", allowed by
 *   {@link canPaymentMove} without being listed here.
 */
export const PAYMENT_TRANSITIONS: TransitionTable<PaymentStatus> = Object.freeze({
  requires_action: ['authorized', 'captured', 'failed', 'canceled'],
  authorized: ['partially_captured', 'captured', 'canceled'],
  partially_captured: ['captured', 'partially_refunded', 'refunded'],
  captured: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
  canceled: [],
  failed: [],
});

/** Statuses an amount change may leave unchanged (a second partial capture or refund). */
export const PAYMENT_REPEATABLE_STATUSES: readonly PaymentStatus[] = Object.freeze([
  'partially_captured',
  'partially_refunded',
] as const);

/** Type guard for strings read from storage or gateways. */
export function isPaymentStatus(value: unknown): value is PaymentStatus {
  return typeof value === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** True for `refunded`, `canceled`, `failed`. */
export function isPaymentTerminal(status: PaymentStatus): boolean {
  return PAYMENT_TRANSITIONS[status].length === 0;
}

/** Table transitions plus the allowed "no status change" of {@link PAYMENT_REPEATABLE_STATUSES}. */
export function canPaymentMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return (from === to && PAYMENT_REPEATABLE_STATUSES.includes(from)) || canTransition(PAYMENT_TRANSITIONS, from, to);
}

/**
 * Strict table check (no self-transitions).
 * @throws InvalidTransitionError (entity `payment`)
 */
export function assertPaymentTransition(from: PaymentStatus, to: PaymentStatus): void {
  assertTransition(PAYMENT_TRANSITIONS, from, to, 'payment');
}
