/**
 * Every refusal the pure domain layer can produce, as a stable snake_case code.
 *
 * These codes are public API (they reach HTTP error bodies through `src/errors.ts`), so
 * never rename one; add new codes instead.
 */
export type DomainErrorCode =
  | 'unknown_currency'
  | 'currency_mismatch'
  | 'invalid_amount'
  | 'invalid_transition'
  | 'amount_exceeds_capturable'
  | 'amount_exceeds_refundable';

/**
 * Base class of every error thrown by `src/domain`.
 *
 * The domain may not import `src/errors.ts` (dependencies point inward), so the HTTP layer
 * translates: `if (err instanceof DomainError) → PaymentsError(err.code, …)`. Subclasses
 * exist only so callers can branch on the family; the `code` is what they should map.
 */
export abstract class DomainError extends Error {
  /** Stable machine-readable reason. */
  abstract readonly code: DomainErrorCode;
  /** Structured context for logs and error bodies (amounts as strings, never bigint). */
  readonly details: Readonly<Record<string, string | number | boolean | null>> | undefined;

  protected constructor(
    message: string,
    details?: Readonly<Record<string, string | number | boolean | null>>,
  ) {
    super(message);
    this.details = details;
  }
}
