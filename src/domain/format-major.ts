import { currencyExponent } from './currencies.js';
import { MoneyError } from './money-error.js';
import type { Money } from './money.js';
import { MAX_EXACT_NUMBER_DIGITS, significantDigits } from './significant-digits.js';

/**
 * Exact major-unit decimal string with exactly the currency's number of decimal places:
 * 1234n KWD → "1.234", 1000n JPY → "1000", 5n USD → "0.05", -150n USD → "-1.50".
 * @throws MoneyError `unknown_currency`
 */
export function formatMajor(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const negative = m.amount < 0n;
  const digits = (negative ? -m.amount : m.amount).toString().padStart(exponent + 1, '0');
  const int = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent);
  return (negative ? '-' : '') + (exponent === 0 ? int : `${int}.${frac}`);
}

const FAST_LIMIT = 10n ** BigInt(MAX_EXACT_NUMBER_DIGITS);
/** 10^exponent for the exponents currencies have (exact doubles); others take the string path. */
const POWERS_OF_TEN: readonly number[] = [1, 10, 100, 1000, 10_000];

/**
 * Major-unit amount as a JS number. Only for the OneEntry wire format, which carries amounts
 * as JSON decimal numbers; everything else must use minor-unit bigints or {@link formatMajor}.
 *
 * Exact: it is `Number(formatMajor(m))`, and for a decimal string with at most 15
 * significant digits the shortest round-trip representation of `Number(s)` is `s` itself
 * (trailing zeros aside), so the receiver's `JSON.parse` sees exactly the intended value.
 *
 * @throws MoneyError `invalid_amount` when |amount| has more than 15 significant digits,
 *   where a double could silently round it; `unknown_currency`.
 */
export function toMajorNumber(m: Money): number {
  // Below 10^15 the amount has at most 15 digits, and both it and 10^exponent are exact
  // doubles, so the division — correctly rounded by IEEE-754 — yields the double nearest
  // a / 10^exponent, which is what Number() of the decimal string yields too: the same number
  // without the string (a getSessions page renders 30; property-tested against it).
  const divisor = POWERS_OF_TEN[currencyExponent(m.currency)];
  if (divisor !== undefined && m.amount < FAST_LIMIT && m.amount > -FAST_LIMIT) return Number(m.amount) / divisor;
  const magnitude = (m.amount < 0n ? -m.amount : m.amount).toString();
  if (significantDigits(magnitude) > MAX_EXACT_NUMBER_DIGITS) {
    throw new MoneyError(
      'invalid_amount',
      `Amount ${formatMajor(m)} ${m.currency} has more than ${MAX_EXACT_NUMBER_DIGITS} significant digits and cannot be sent as a JSON number exactly`,
      { amount: m.amount.toString(), currency: m.currency },
    );
  }
  return Number(formatMajor(m));
}
