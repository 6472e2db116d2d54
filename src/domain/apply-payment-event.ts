import type { CurrencyCode } from './currencies.js';
import type { Money } from './money.js';
import { authorize, cancel, capture, fail, refund, requireAction, type PaymentState } from './payment.js';
import { PaymentRuleError } from './payment-rule-error.js';

/**
 * Something that happened to a payment, as reported by a gateway response or webhook.
 * `id` identifies the event (e.g. the provider's event id) and makes replays no-ops.
 */
export type PaymentEvent =
  | { readonly id: string; readonly kind: 'requires_action'; readonly currency: CurrencyCode }
  | { readonly id: string; readonly kind: 'authorized'; readonly amount: Money; readonly autoCapture?: boolean }
  | { readonly id: string; readonly kind: 'captured'; readonly amount: Money }
  | { readonly id: string; readonly kind: 'refunded'; readonly amount: Money }
  | { readonly id: string; readonly kind: 'canceled' }
  | { readonly id: string; readonly kind: 'failed' };

/** The kinds of {@link PaymentEvent}. */
export type PaymentEventKind = PaymentEvent['kind'];

/**
 * Applies an event idempotently: if `event.id` is already in `state.appliedEventIds` the
 * same state object is returned unchanged (even if the replay's payload differs: the id is
 * the identity; detecting conflicting replays is the store's job). Otherwise the matching
 * operation runs and the id is recorded on the new state.
 *
 * `requires_action` and `authorized` events may create the payment (`state === null`);
 * the others need an existing payment.
 *
 * @throws PaymentRuleError as the underlying operation (`authorize`, `capture`, …);
 *   `invalid_transition` for an event that needs a payment when there is none.
 */
export function applyPaymentEvent(state: PaymentState | null, event: PaymentEvent): PaymentState {
  if (state !== null && state.appliedEventIds.has(event.id)) return state;
  const next = run(state, event);
  return Object.freeze({ ...next, appliedEventIds: new Set([...(state?.appliedEventIds ?? []), event.id]) });
}

function run(state: PaymentState | null, event: PaymentEvent): PaymentState {
  switch (event.kind) {
    case 'requires_action':
      return requireAction(state, event.currency);
    case 'authorized':
      return authorize(state, event.amount, { autoCapture: event.autoCapture === true });
    case 'captured':
      return capture(existing(state, event), event.amount);
    case 'refunded':
      return refund(existing(state, event), event.amount);
    case 'canceled':
      return cancel(existing(state, event));
    case 'failed':
      return fail(existing(state, event));
  }
}

function existing(state: PaymentState | null, event: PaymentEvent): PaymentState {
  if (state !== null) return state;
  throw new PaymentRuleError(
    'invalid_transition',
    `Cannot apply a '${event.kind}' event (id '${event.id}') before the payment exists`,
    { entity: 'payment', from: null, to: event.kind, eventId: event.id },
  );
}

/** Same as {@link applyPaymentEvent} (the name used in the domain brief). */
export const applyEvent = applyPaymentEvent;
