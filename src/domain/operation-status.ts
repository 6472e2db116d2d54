import { assertTransition, type TransitionTable } from './state-machine.js';

/**
 * Status of one gateway operation (a capture or a refund call).
 *
 * - `pending`: recorded before calling the gateway.
 * - `succeeded` / `failed`: the gateway gave a definite answer.
 * - `unknown`: no definite answer (timeout, 5xx, lost connection). The money may or may
 *   not have moved; reconciliation resolves it to `succeeded` or `failed`. Never retry
 *   an `unknown` operation blindly without the same idempotency key.
 */
export type OperationStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

/** Every operation status. */
export const OPERATION_STATUSES: readonly OperationStatus[] = Object.freeze([
  'pending',
  'succeeded',
  'failed',
  'unknown',
] as const);

/** Status of a newly recorded operation. */
export const OPERATION_INITIAL_STATUS: OperationStatus = 'pending';

/** Allowed one-step changes of an operation's status. */
export const OPERATION_TRANSITIONS: TransitionTable<OperationStatus> = Object.freeze({
  pending: ['succeeded', 'failed', 'unknown'],
  unknown: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
});

/** Type guard for strings read from storage. */
export function isOperationStatus(value: unknown): value is OperationStatus {
  return typeof value === 'string' && (OPERATION_STATUSES as readonly string[]).includes(value);
}

/** True for `succeeded` and `failed`. `unknown` is not terminal: reconciliation resolves it. */
export function isOperationTerminal(status: OperationStatus): boolean {
  return OPERATION_TRANSITIONS[status].length === 0;
}

/** @throws InvalidTransitionError (entity `gateway_operation`) */
export function assertOperationTransition(from: OperationStatus, to: OperationStatus): void {
  assertTransition(OPERATION_TRANSITIONS, from, to, 'gateway_operation');
}
