import { normalizeCurrency, type CurrencyCode } from './currencies.js';
import { MAX_STORABLE_AMOUNT, type Money } from './money.js';
import { canPaymentMove, PAYMENT_TRANSITIONS, type PaymentStatus } from './payment-status.js';
import { PaymentRuleError } from './payment-rule-error.js';
import { nextStates } from './state-machine.js';

/**
 * The payment aggregate as an immutable value. All amounts are minor units of `currency`.
 *
 * Invariant (see `checkPaymentInvariants`): 0 ≤ refunded ≤ captured ≤ authorized, and the
 * status agrees with the amounts.
 */
export interface PaymentState {
  readonly status: PaymentStatus;
  readonly currency: CurrencyCode;
  /**
   * Amount currently authorized: held plus captured. A cancel releases the uncaptured
   * remainder, so afterwards `authorized === captured` (0 for a canceled payment).
   * The original authorization stays visible in the event history.
   */
  readonly authorized: bigint;
  /** Amount captured so far. Never decreases. */
  readonly captured: bigint;
  /** Amount refunded so far. Never decreases; never above `captured`. */
  readonly refunded: bigint;
  /**
   * Ids of gateway/webhook events already applied by `applyPaymentEvent`, which makes
   * replays no-ops. Kept on the state so idempotency is a pure function of the state; the
   * store rebuilds it from the `payment_events` rows. Direct operations carry it over.
   */
  readonly appliedEventIds: ReadonlySet<string>;
}

/** Options for {@link authorize}. */
export interface AuthorizeOptions {
  /** The gateway captures on authorization (the payment becomes `captured` at once). */
  readonly autoCapture?: boolean;
}

/**
 * Creates a payment waiting for customer action (3-D Secure): nothing authorized yet.
 * @throws PaymentRuleError `invalid_transition` when `state` already exists.
 * @throws MoneyError `unknown_currency`
 */
export function requireAction(state: PaymentState | null, currency: string): PaymentState {
  if (state !== null) throw refused(state.status, 'requires_action', 'the payment already exists');
  return freeze({
    status: 'requires_action',
    currency: normalizeCurrency(currency),
    authorized: 0n,
    captured: 0n,
    refunded: 0n,
    appliedEventIds: new Set(),
  });
}

/**
 * Records a successful authorization: creates the payment (`state === null`) or completes
 * one in `requires_action`. With `autoCapture` the whole amount is captured at once.
 * Incremental authorization is not modelled: authorizing an authorized payment is refused.
 * @throws PaymentRuleError `invalid_transition`, `invalid_amount`, `currency_mismatch`
 */
export function authorize(state: PaymentState | null, amount: Money, options: AuthorizeOptions = {}): PaymentState {
  const to: PaymentStatus = options.autoCapture === true ? 'captured' : 'authorized';
  const base = state ?? requireAction(null, amount.currency);
  if (base.status !== 'requires_action') throw refused(base.status, to, 'the payment is already authorized');
  const value = checkAmount(base, amount);
  return moveTo(base, to, {
    authorized: value,
    captured: to === 'captured' ? value : 0n,
  });
}

/**
 * Captures `amount` of the uncaptured authorization. The status becomes `captured` when
 * nothing is left to capture (or `partially_refunded` if refunds were already made while
 * partially captured), otherwise `partially_captured`.
 * @throws PaymentRuleError `invalid_transition` (not authorized / partially captured),
 *   `invalid_amount`, `currency_mismatch`, `amount_exceeds_capturable`.
 */
export function capture(state: PaymentState, amount: Money): PaymentState {
  if (state.status !== 'authorized' && state.status !== 'partially_captured') {
    throw refused(state.status, 'captured', 'only an authorized or partially captured payment can be captured');
  }
  const value = checkAmount(state, amount);
  const capturable = state.authorized - state.captured;
  if (value > capturable) {
    throw new PaymentRuleError(
      'amount_exceeds_capturable',
      `Cannot capture ${value} minor units of ${state.currency}; only ${capturable} remain authorized and uncaptured`,
      { requested: value.toString(), capturable: capturable.toString(), currency: state.currency },
    );
  }
  const captured = state.captured + value;
  const to = captured === state.authorized ? settledStatus(captured, state.refunded) : 'partially_captured';
  return moveTo(state, to, { captured });
}

/**
 * Refunds `amount` of the captured, not yet refunded money.
 *
 * On a `partially_captured` payment the refund is allowed for the captured part and the
 * status stays `partially_captured`, because the remainder can still be captured; the final
 * capture or a cancel then settles it to `partially_refunded`/`refunded`. Otherwise the
 * status becomes `refunded` when everything captured is refunded, else `partially_refunded`.
 * @throws PaymentRuleError `invalid_transition`, `invalid_amount`, `currency_mismatch`,
 *   `amount_exceeds_refundable`.
 */
export function refund(state: PaymentState, amount: Money): PaymentState {
  const { status } = state;
  if (status !== 'partially_captured' && status !== 'captured' && status !== 'partially_refunded') {
    throw refused(status, 'refunded', 'nothing captured can be refunded');
  }
  const value = checkAmount(state, amount);
  const refundable = state.captured - state.refunded;
  if (value > refundable) {
    throw new PaymentRuleError(
      'amount_exceeds_refundable',
      `Cannot refund ${value} minor units of ${state.currency}; only ${refundable} are captured and not yet refunded`,
      { requested: value.toString(), refundable: refundable.toString(), currency: state.currency },
    );
  }
  const refunded = state.refunded + value;
  const to = status === 'partially_captured' ? 'partially_captured' : settledStatus(state.captured, refunded);
  return moveTo(state, to, { refunded });
}

/**
 * Releases the uncaptured authorization.
 * - `requires_action` / `authorized` → `canceled` (nothing was captured; `authorized` becomes 0).
 * - `partially_captured` → `captured` with `authorized` reduced to `captured` (or
 *   `partially_refunded`/`refunded` when refunds were made), so the captured money can
 *   still be refunded. `canceled` is reserved for payments with nothing captured.
 * @throws PaymentRuleError `invalid_transition` from any other status.
 */
export function cancel(state: PaymentState): PaymentState {
  if (state.status === 'requires_action' || state.status === 'authorized') {
    return moveTo(state, 'canceled', { authorized: state.captured });
  }
  if (state.status === 'partially_captured') {
    return moveTo(state, settledStatus(state.captured, state.refunded), { authorized: state.captured });
  }
  throw refused(state.status, 'canceled', 'only a payment with an uncaptured authorization can be canceled');
}

/**
 * Records a hard failure of a payment waiting for customer action. Once funds are held a
 * payment ends by capture or cancel, never by failure.
 * @throws PaymentRuleError `invalid_transition` unless the status is `requires_action`.
 */
export function fail(state: PaymentState): PaymentState {
  if (state.status !== 'requires_action') {
    throw refused(state.status, 'failed', 'only a payment waiting for customer action can fail');
  }
  return moveTo(state, 'failed', {});
}

/** Status of a payment with nothing left to capture. */
function settledStatus(captured: bigint, refunded: bigint): PaymentStatus {
  if (refunded === 0n) return 'captured';
  return refunded === captured ? 'refunded' : 'partially_refunded';
}

/** Validates an operation amount against the payment and returns it in minor units. */
function checkAmount(state: PaymentState, amount: Money): bigint {
  if (amount.currency !== state.currency) {
    throw new PaymentRuleError(
      'currency_mismatch',
      `Amount is in ${amount.currency} but the payment is in ${state.currency}`,
      { expected: state.currency, got: amount.currency },
    );
  }
  if (typeof amount.amount !== 'bigint' || amount.amount <= 0n || amount.amount > MAX_STORABLE_AMOUNT) {
    throw new PaymentRuleError('invalid_amount', `Amount must be a positive number of minor units; got ${String(amount.amount)}`, {
      amount: String(amount.amount),
    });
  }
  return amount.amount;
}

/**
 * Returns the next state after checking the status change against the payment table (a
 * last line of defence: the operations above already only compute legal targets).
 */
function moveTo(
  state: PaymentState,
  to: PaymentStatus,
  changes: Partial<Pick<PaymentState, 'authorized' | 'captured' | 'refunded'>>,
): PaymentState {
  if (!canPaymentMove(state.status, to)) throw refused(state.status, to, 'not allowed by the payment table');
  return freeze({ ...state, ...changes, status: to });
}

function refused(from: PaymentStatus, to: PaymentStatus, why: string): PaymentRuleError {
  const allowed = nextStates(PAYMENT_TRANSITIONS, from);
  return new PaymentRuleError(
    'invalid_transition',
    `Cannot move payment from '${from}' to '${to}': ${why}; from '${from}' it can move to ${
      allowed.length === 0 ? 'nothing (terminal)' : allowed.map((s) => `'${s}'`).join(', ')
    }`,
    { entity: 'payment', from, to },
  );
}

function freeze(state: PaymentState): PaymentState {
  return Object.freeze(state);
}
