import { assertTransition, type TransitionTable } from './state-machine.js';

/**
 * Status of a PaymentSession: one checkout attempt of a customer against one gateway.
 *
 * - `pending`: created, waiting for the customer (OneEntry shows gateway status "waiting").
 * - `requires_more`: the gateway needs another payment method or more input, e.g. after a
 *   decline; the customer can retry within the same session.
 * - `requires_action`: the customer must act, e.g. 3-D Secure.
 * - `authorized`: a Payment exists now. Terminal for the session: from here the money
 *   lives on the payment.
 * - `canceled`: canceled by the merchant or customer before authorization.
 * - `expired`: the session's deadline passed before authorization.
 * - `failed`: hard failure that cannot be retried in this session.
 */
export type SessionStatus =
  | 'pending'
  | 'requires_more'
  | 'requires_action'
  | 'authorized'
  | 'canceled'
  | 'expired'
  | 'failed';

/** Every session status, in lifecycle order. */
export const SESSION_STATUSES: readonly SessionStatus[] = Object.freeze([
  'pending',
  'requires_more',
  'requires_action',
  'authorized',
  'canceled',
  'expired',
  'failed',
] as const);

/** Status of a newly created session. */
export const SESSION_INITIAL_STATUS: SessionStatus = 'pending';

/** Allowed one-step changes of a session's status. */
export const SESSION_TRANSITIONS: TransitionTable<SessionStatus> = Object.freeze({
  pending: ['requires_more', 'requires_action', 'authorized', 'canceled', 'expired', 'failed'],
  requires_more: ['requires_action', 'authorized', 'canceled', 'expired', 'failed'],
  requires_action: ['requires_more', 'authorized', 'canceled', 'expired', 'failed'],
  authorized: [],
  canceled: [],
  expired: [],
  failed: [],
});

/** Type guard for strings read from storage or requests. */
export function isSessionStatus(value: unknown): value is SessionStatus {
  return typeof value === 'string' && (SESSION_STATUSES as readonly string[]).includes(value);
}

/** True for `authorized`, `canceled`, `expired`, `failed`: the session can no longer change. */
export function isSessionTerminal(status: SessionStatus): boolean {
  return SESSION_TRANSITIONS[status].length === 0;
}

/** @throws InvalidTransitionError (entity `payment_session`) */
export function assertSessionTransition(from: SessionStatus, to: SessionStatus): void {
  assertTransition(SESSION_TRANSITIONS, from, to, 'payment_session');
}
