import type { PaymentStatus } from './payment-status.js';
import type { SessionStatus } from './session-status.js';
import { assertTransition, type TransitionTable } from './state-machine.js';

/**
 * Status of a PaymentCollection (what an order owes). Never set directly: it is derived
 * from the collection's sessions and payments by {@link deriveCollectionStatus} and the
 * change is checked against {@link COLLECTION_TRANSITIONS}.
 */
export type CollectionStatus =
  | 'not_paid'
  | 'awaiting'
  | 'requires_action'
  | 'authorized'
  | 'partially_authorized'
  | 'partially_captured'
  | 'completed'
  | 'partially_refunded'
  | 'refunded'
  | 'canceled'
  | 'failed';

/** Every collection status. */
export const COLLECTION_STATUSES: readonly CollectionStatus[] = Object.freeze([
  'not_paid',
  'awaiting',
  'requires_action',
  'authorized',
  'partially_authorized',
  'partially_captured',
  'completed',
  'partially_refunded',
  'refunded',
  'canceled',
  'failed',
] as const);

/** Status of a collection with no sessions or payments yet. */
export const COLLECTION_INITIAL_STATUS: CollectionStatus = 'not_paid';

/**
 * Statuses before any money is captured. Sessions come and go and holds are placed and
 * released, so any of these can follow any other.
 */
const BEFORE_CAPTURE = [
  'not_paid',
  'awaiting',
  'requires_action',
  'partially_authorized',
  'authorized',
  'failed',
] as const satisfies readonly CollectionStatus[];

/** Everything a pre-capture status may become: money only moves forward from here. */
const fromBeforeCapture = (self: CollectionStatus): readonly CollectionStatus[] => [
  ...BEFORE_CAPTURE.filter((s) => s !== self),
  'partially_captured',
  'completed',
  'partially_refunded',
  'refunded',
  'canceled',
];

/**
 * Legal changes of the derived status between two consecutive derivations.
 *
 * Captured and refunded sums never decrease, so once money is captured the collection
 * cannot go back to a pre-capture status, and once refunded it cannot go back to
 * `completed`. Pre-capture statuses may jump straight to refund statuses so that a
 * recomputation after several events (e.g. reconciliation) is still legal.
 * `canceled` is only legal before capture: captured money must be refunded, not canceled.
 * `refunded` is terminal; the service must not open sessions on a terminal collection.
 */
export const COLLECTION_TRANSITIONS: TransitionTable<CollectionStatus> = Object.freeze({
  not_paid: fromBeforeCapture('not_paid'),
  awaiting: fromBeforeCapture('awaiting'),
  requires_action: fromBeforeCapture('requires_action'),
  partially_authorized: fromBeforeCapture('partially_authorized'),
  authorized: fromBeforeCapture('authorized'),
  failed: fromBeforeCapture('failed'),
  partially_captured: ['completed', 'partially_refunded', 'refunded'],
  completed: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
  canceled: [],
});

/** What {@link deriveCollectionStatus} needs to know about a collection. */
export interface CollectionSnapshot {
  /** Amount owed, in minor units. */
  readonly amount: bigint;
  /** The merchant canceled the collection. */
  readonly canceled: boolean;
  readonly sessions: readonly { readonly status: SessionStatus }[];
  /** Amounts in minor units of the collection's currency. */
  readonly payments: readonly {
    readonly status: PaymentStatus;
    readonly authorized: bigint;
    readonly captured: bigint;
    readonly refunded: bigint;
  }[];
}

const OPEN_PAYMENT: readonly PaymentStatus[] = ['requires_action', 'authorized', 'partially_captured'];
const OPEN_SESSION: readonly SessionStatus[] = ['pending', 'requires_more', 'requires_action'];

/**
 * Derives a collection's status from its sums, first match wins:
 * 1. `canceled` flag → `canceled`.
 * 2. Over live payments (not `canceled`/`failed`): refunded > 0 → `refunded` when
 *    refunded ≥ captured and nothing is still open (no payment in requires_action /
 *    authorized / partially_captured, no session pending / requires_more / requires_action),
 *    else `partially_refunded`.
 * 3. captured > 0 → `completed` when captured ≥ amount, else `partially_captured`.
 * 4. authorized > 0 → `authorized` when authorized ≥ amount, else `partially_authorized`.
 * 5. any payment or session in `requires_action` → `requires_action`.
 * 6. any session `pending` / `requires_more` → `awaiting`.
 * 7. any payment or session `failed` → `failed`.
 * 8. otherwise `not_paid`.
 *
 * The "nothing open" condition in rule 2 keeps `refunded` terminal: otherwise a fully
 * refunded first capture followed by capturing a still-held authorization would move the
 * collection from `refunded` back to `partially_refunded`.
 */
export function deriveCollectionStatus(input: CollectionSnapshot): CollectionStatus {
  if (input.canceled) return 'canceled';

  const live = input.payments.filter((p) => p.status !== 'canceled' && p.status !== 'failed');
  const sum = (pick: (p: (typeof live)[number]) => bigint): bigint => live.reduce((acc, p) => acc + pick(p), 0n);
  const refunded = sum((p) => p.refunded);
  const captured = sum((p) => p.captured);
  const authorized = sum((p) => p.authorized);

  if (refunded > 0n) {
    const open =
      live.some((p) => OPEN_PAYMENT.includes(p.status)) || input.sessions.some((s) => OPEN_SESSION.includes(s.status));
    return refunded >= captured && !open ? 'refunded' : 'partially_refunded';
  }
  if (captured > 0n) return captured >= input.amount ? 'completed' : 'partially_captured';
  if (authorized > 0n) return authorized >= input.amount ? 'authorized' : 'partially_authorized';
  if (live.some((p) => p.status === 'requires_action') || input.sessions.some((s) => s.status === 'requires_action')) {
    return 'requires_action';
  }
  if (input.sessions.some((s) => s.status === 'pending' || s.status === 'requires_more')) return 'awaiting';
  if (input.payments.some((p) => p.status === 'failed') || input.sessions.some((s) => s.status === 'failed')) {
    return 'failed';
  }
  return 'not_paid';
}

/** Type guard for strings read from storage. */
export function isCollectionStatus(value: unknown): value is CollectionStatus {
  return typeof value === 'string' && (COLLECTION_STATUSES as readonly string[]).includes(value);
}

/** True for `refunded` and `canceled`. */
export function isCollectionTerminal(status: CollectionStatus): boolean {
  return COLLECTION_TRANSITIONS[status].length === 0;
}

/**
 * Checks a recomputed status against the previous one. An unchanged status always passes.
 * @throws InvalidTransitionError (entity `payment_collection`)
 */
export function assertCollectionTransition(from: CollectionStatus, to: CollectionStatus): void {
  if (from === to) return;
  assertTransition(COLLECTION_TRANSITIONS, from, to, 'payment_collection');
}
