import { normalizeCurrency, type CurrencyCode } from './currencies.js';
import { MoneyError } from './money-error.js';

/**
 * An exact amount of one currency.
 *
 * Values are frozen; every operation returns a new one.
 */
export interface Money {
  /** Integer amount in minor units of `currency` (cents for USD, yen for JPY, fils for KWD). May be negative. */
  readonly amount: bigint;
  /** Upper-case ISO-4217 code from the currency table. */
  readonly currency: CurrencyCode;
}

/**
 * Largest amount a Postgres `bigint` column holds (2^63 − 1). Parsers refuse anything whose
 * magnitude is larger so a parsed value can always be stored.
 */
export const MAX_STORABLE_AMOUNT = 9223372036854775807n;

/**
 * Builds a {@link Money} from minor units. The currency is normalised (`'usd'` → `'USD'`).
 * @throws MoneyError `unknown_currency`; `invalid_amount` when `amount` is not a bigint.
 */
export function money(amount: bigint, currency: string): Money {
  if (typeof amount !== 'bigint') {
    // Guards JS callers and `as` casts: a float here would silently break exactness.
    throw new MoneyError('invalid_amount', `Money amount must be a bigint of minor units; got ${typeof amount}`);
  }
  return Object.freeze({ amount, currency: normalizeCurrency(currency) });
}

/**
 * Throws unless both values have the same currency.
 * @throws MoneyError `currency_mismatch`
 */
export function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError(
      'currency_mismatch',
      `Cannot combine ${a.currency} with ${b.currency}; convert explicitly first`,
      { left: a.currency, right: b.currency },
    );
  }
}

/** `a + b`. @throws MoneyError `currency_mismatch` */
export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return Object.freeze({ amount: a.amount + b.amount, currency: a.currency });
}

/** `a − b` (may go negative). @throws MoneyError `currency_mismatch` */
export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return Object.freeze({ amount: a.amount - b.amount, currency: a.currency });
}

/**
 * Orders two values of the same currency: −1 when `a < b`, 0 when equal, 1 when `a > b`.
 * @throws MoneyError `currency_mismatch`
 */
export function compare(a: Money, b: Money): -1 | 0 | 1 {
  assertSameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

/** True when the amount is zero minor units. */
export function isZero(m: Money): boolean {
  return m.amount === 0n;
}

/**
 * The smallest of one or more values (the first one on ties).
 * @throws MoneyError `currency_mismatch` when the currencies differ.
 */
export function min(first: Money, ...rest: readonly Money[]): Money {
  let smallest = first;
  for (const m of rest) {
    if (compare(m, smallest) < 0) smallest = m;
  }
  return smallest;
}
