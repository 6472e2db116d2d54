import { DomainError } from './domain-error.js';

/** Why the payment aggregate refused an operation. */
export type PaymentRuleErrorCode =
  | 'amount_exceeds_capturable'
  | 'amount_exceeds_refundable'
  | 'invalid_amount'
  | 'currency_mismatch'
  | 'invalid_transition';

/**
 * Thrown by the pure payment aggregate (`payment.ts`, `apply-payment-event.ts`) when an
 * operation breaks a rule. The state passed in is never modified.
 *
 * - `amount_exceeds_capturable`: capture > authorized − captured.
 * - `amount_exceeds_refundable`: refund > captured − refunded.
 * - `invalid_amount`: amount ≤ 0 or above the storable maximum.
 * - `currency_mismatch`: amount in another currency than the payment.
 * - `invalid_transition`: the operation is not allowed in the current status. Same code as
 *   `InvalidTransitionError`, so the HTTP mapping is one entry; `details.from`/`details.to`
 *   carry the statuses.
 */
export class PaymentRuleError extends DomainError {
  override readonly name = 'PaymentRuleError';
  readonly code: PaymentRuleErrorCode;

  constructor(
    code: PaymentRuleErrorCode,
    message: string,
    details?: Readonly<Record<string, string | number | boolean | null>>,
  ) {
    super(message, details);
    this.code = code;
  }
}
