import { normalizeCurrency } from './currencies.js';
import { MoneyError } from './money-error.js';
import { MAX_STORABLE_AMOUNT, type Money } from './money.js';

/**
 * Parses an amount already in minor units (as stored in Postgres or sent by gateways such
 * as Stripe): a safe non-negative integer number, a non-negative bigint, or a string of
 * ASCII digits. The result always fits a Postgres `bigint`.
 *
 * @throws MoneyError `unknown_currency`; `invalid_amount` for fractions, negatives,
 *   unsafe integers (> 2^53 − 1 as a number: send a string), values above
 *   9223372036854775807, and anything else (null, '', '1e3', ' 12').
 */
export function parseMinor(input: unknown, currency: string): Money {
  const code = normalizeCurrency(currency);
  return Object.freeze({ amount: toMinor(input), currency: code });
}

function toMinor(input: unknown): bigint {
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) throw invalid(`Minor-unit amount must be an integer; got ${String(input)}`);
    if (input < 0) throw invalid(`Minor-unit amount must not be negative; got ${String(input)}`);
    if (!Number.isSafeInteger(input)) {
      throw invalid(`Minor-unit amount ${String(input)} is beyond 2^53 − 1 and may be rounded; send it as a string`);
    }
    return inRange(BigInt(input));
  }
  if (typeof input === 'bigint') {
    if (input < 0n) throw invalid(`Minor-unit amount must not be negative; got ${input}`);
    return inRange(input);
  }
  if (typeof input === 'string') {
    if (!/^\d+$/.test(input)) throw invalid(`Minor-unit amount must be a string of digits; got '${input}'`);
    return inRange(BigInt(input));
  }
  throw invalid(`Minor-unit amount must be an integer, bigint or digit string; got ${input === null ? 'null' : typeof input}`);
}

function inRange(amount: bigint): bigint {
  if (amount > MAX_STORABLE_AMOUNT) {
    throw invalid(`Minor-unit amount ${amount} exceeds ${MAX_STORABLE_AMOUNT}, the largest storable value`);
  }
  return amount;
}

function invalid(message: string): MoneyError {
  return new MoneyError('invalid_amount', message);
}
