import { describe, expect, it } from 'vitest';
import { MoneyError } from '../../src/domain/money-error.js';
import { parseMinor } from '../../src/domain/parse-minor.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MoneyError);
    return (err as MoneyError).code;
  }
  return undefined;
}

describe('parseMinor', () => {
  it('accepts safe non-negative integers, bigints and digit strings', () => {
    expect(parseMinor(1999, 'USD')).toEqual({ amount: 1999n, currency: 'USD' });
    expect(parseMinor(0, 'JPY')).toEqual({ amount: 0n, currency: 'JPY' });
    expect(parseMinor(Number.MAX_SAFE_INTEGER, 'USD').amount).toBe(9007199254740991n);
    expect(parseMinor(12n, 'kwd')).toEqual({ amount: 12n, currency: 'KWD' });
    expect(parseMinor('9223372036854775807', 'USD').amount).toBe(9223372036854775807n);
    expect(parseMinor('000123', 'USD').amount).toBe(123n);
  });

  it('refuses fractions', () => {
    expect(codeOf(() => parseMinor(10.5, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor('10.5', 'USD'))).toBe('invalid_amount');
  });

  it('refuses negatives', () => {
    expect(codeOf(() => parseMinor(-1, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor(-1n, 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor('-1', 'USD'))).toBe('invalid_amount');
  });

  it('refuses integers a double cannot hold exactly', () => {
    expect(() => parseMinor(2 ** 53, 'USD')).toThrow(/send it as a string/);
  });

  it('refuses amounts that do not fit a Postgres bigint', () => {
    expect(codeOf(() => parseMinor('9223372036854775808', 'USD'))).toBe('invalid_amount');
    expect(codeOf(() => parseMinor(9223372036854775808n, 'USD'))).toBe('invalid_amount');
  });

  it.each([null, undefined, '', ' 1', '1e3', '0x1f', true, {}, [], Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses %j',
    (input) => {
      expect(codeOf(() => parseMinor(input, 'USD'))).toBe('invalid_amount');
    },
  );

  it('refuses an unknown currency', () => {
    expect(codeOf(() => parseMinor(1, 'XYZ'))).toBe('unknown_currency');
  });
});
