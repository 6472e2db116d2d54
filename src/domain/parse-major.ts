import { currencyExponent, normalizeCurrency } from './currencies.js';
import { MoneyError } from './money-error.js';
import { MAX_STORABLE_AMOUNT, type Money } from './money.js';
import { MAX_EXACT_NUMBER_DIGITS, significantDigits } from './significant-digits.js';

/** Options for {@link parseMajor}. */
export interface ParseMajorOptions {
  /** Accept values below zero (e.g. ledger adjustments). Default `false`. */
  readonly allowNegative?: boolean;
}

/**
 * Most minor-unit digits a parsed amount may have. 18 digits always fit a Postgres
 * `bigint` (max 9223372036854775807, 19 digits), so the limit is simple to state in errors.
 */
export const MAX_MINOR_DIGITS = 18;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses an amount written in major units ("99.99" USD, "1000" JPY, "1.234" KWD) into
 * exact minor units. This is the only way a decimal enters the system.
 *
 * Strings must look like `-?digits(.digits)?`: no `+`, spaces, thousands separators,
 * exponent notation, or bare `.5` / `5.`. Extra fraction digits are refused even when
 * they are zeros ("10.000" USD), so a client bug that sends the wrong scale shows up.
 *
 * Numbers are converted with `String(n)` first (never multiplied as floats). They are
 * refused when `String(n)` uses exponent notation (1e21, 1e-7) or has more than 15
 * significant digits, since a double cannot carry such a value exactly; send a string.
 *
 * @throws MoneyError `unknown_currency`; `invalid_amount` for empty/malformed input, NaN,
 *   ±Infinity, too many fraction digits ("USD has 2 decimal places; got 10.001"), a
 *   negative value without `allowNegative`, more than 18 minor-unit digits.
 */
export function parseMajor(input: string | number, currency: string, options: ParseMajorOptions = {}): Money {
  const code = normalizeCurrency(currency);
  const exponent = currencyExponent(code);
  const text = typeof input === 'number' ? numberToDecimal(input) : checkedString(input);

  const match = DECIMAL.exec(text);
  if (!match) {
    throw invalid(`Amount must be a decimal number such as 12.34; got '${text}'`, text);
  }
  const [, sign = '', int = '', frac = ''] = match;
  if (frac.length > exponent) {
    throw invalid(`${code} has ${exponent} decimal places; got ${text}`, text);
  }

  const minorDigits = (int + frac.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (minorDigits.length > MAX_MINOR_DIGITS) {
    throw invalid(`Amount ${text} ${code} has more than ${MAX_MINOR_DIGITS} digits in minor units`, text);
  }
  const magnitude = BigInt(minorDigits);
  if (magnitude > MAX_STORABLE_AMOUNT) {
    // Unreachable while MAX_MINOR_DIGITS is 18; kept so raising the digit limit stays safe.
    throw invalid(`Amount ${text} ${code} does not fit a 64-bit integer of minor units`, text);
  }
  const amount = sign === '-' ? -magnitude : magnitude;
  if (amount < 0n && options.allowNegative !== true) {
    throw invalid(`Amount must not be negative; got ${text}`, text);
  }
  return Object.freeze({ amount, currency: code });
}

function checkedString(input: unknown): string {
  if (typeof input !== 'string') {
    throw invalid(`Amount must be a decimal string or a number; got ${typeof input}`, null);
  }
  if (input === '') throw invalid('Amount is empty', input);
  return input;
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) {
    throw invalid(`Amount must be a finite number; got ${String(n)}`, String(n));
  }
  const text = String(n);
  if (/e/i.test(text)) {
    throw invalid(`Amount ${text} is in exponent notation; send it as a decimal string`, text);
  }
  if (significantDigits(text.replace(/^-/, '').replace('.', '')) > MAX_EXACT_NUMBER_DIGITS) {
    throw invalid(
      `Amount ${text} has more than ${MAX_EXACT_NUMBER_DIGITS} significant digits, which a JSON number cannot carry exactly; send it as a decimal string`,
      text,
    );
  }
  return text;
}

function invalid(message: string, input: string | null): MoneyError {
  return new MoneyError('invalid_amount', message, { input });
}
