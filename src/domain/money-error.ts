import { DomainError } from './domain-error.js';

/** Why a money value or operation was refused. */
export type MoneyErrorCode = 'unknown_currency' | 'currency_mismatch' | 'invalid_amount';

/**
 * Thrown by currency lookup, parsing, formatting and arithmetic on {@link Money} values.
 *
 * - `unknown_currency`: the code is not in the currency table (`currencies.ts`).
 * - `currency_mismatch`: arithmetic or comparison across two currencies.
 * - `invalid_amount`: unparseable, out of range, too precise, or negative where not allowed.
 */
export class MoneyError extends DomainError {
  override readonly name = 'MoneyError';
  readonly code: MoneyErrorCode;

  constructor(
    code: MoneyErrorCode,
    message: string,
    details?: Readonly<Record<string, string | number | boolean | null>>,
  ) {
    super(message, details);
    this.code = code;
  }
}
