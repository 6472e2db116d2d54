import { describe, expect, it } from 'vitest';
import { MoneyError } from '../../src/domain/money-error.js';
import { parseMajor } from '../../src/domain/parse-major.js';

function errorOf(fn: () => unknown): MoneyError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MoneyError);
    return err as MoneyError;
  }
  throw new Error('expected a MoneyError');
}

describe('parseMajor', () => {
  it.each([
    ['99.99', 'USD', 9999n],
    ['1000', 'JPY', 1000n],
    ['1.234', 'KWD', 1234n],
    ['0.05', 'USD', 5n],
    ['10', 'USD', 1000n],
    ['10.5', 'USD', 1050n],
    ['0', 'EUR', 0n],
    ['007.50', 'USD', 750n],
    ['0.001', 'BHD', 1n],
  ] as const)('parses %s %s as %s minor units', (input, currency, amount) => {
    expect(parseMajor(input, currency)).toEqual({ amount, currency });
  });

  it.each([
    [99.99, 'USD', 9999n],
    [0.07, 'USD', 7n], // 0.07 * 100 is 7.000000000000001 as floats; String() avoids that
    [1.1, 'USD', 110n],
    [1000, 'JPY', 1000n],
    [1.234, 'KWD', 1234n],
    [123456789012.345, 'KWD', 123456789012345n],
    [-0, 'USD', 0n],
  ] as const)('parses the number %s %s as %s minor units', (input, currency, amount) => {
    expect(parseMajor(input, currency)).toEqual({ amount, currency });
  });

  it('normalises the currency code', () => {
    expect(parseMajor('1.00', 'usd').currency).toBe('USD');
  });

  it('refuses more fraction digits than the currency has', () => {
    const err = errorOf(() => parseMajor('10.001', 'USD'));
    expect(err.code).toBe('invalid_amount');
    expect(err.message).toBe('USD has 2 decimal places; got 10.001');
    expect(errorOf(() => parseMajor(10.001, 'USD')).message).toBe('USD has 2 decimal places; got 10.001');
    expect(errorOf(() => parseMajor('10.5', 'JPY')).message).toBe('JPY has 0 decimal places; got 10.5');
    expect(errorOf(() => parseMajor('1.2345', 'KWD')).message).toBe('KWD has 3 decimal places; got 1.2345');
  });

  it('refuses extra fraction digits even when they are zeros', () => {
    expect(errorOf(() => parseMajor('10.000', 'USD')).code).toBe('invalid_amount');
    expect(errorOf(() => parseMajor('100.0', 'JPY')).code).toBe('invalid_amount');
  });

  it('refuses negative amounts unless allowed', () => {
    expect(errorOf(() => parseMajor('-1.50', 'USD')).message).toMatch(/must not be negative/);
    expect(errorOf(() => parseMajor(-1.5, 'USD')).code).toBe('invalid_amount');
    expect(parseMajor('-1.50', 'USD', { allowNegative: true }).amount).toBe(-150n);
    expect(parseMajor(-1.5, 'USD', { allowNegative: true }).amount).toBe(-150n);
  });

  it('accepts negative zero as zero', () => {
    expect(parseMajor('-0.00', 'USD').amount).toBe(0n);
  });

  it('refuses NaN and infinities', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(errorOf(() => parseMajor(n, 'USD')).code).toBe('invalid_amount');
    }
  });

  it('refuses numbers printed in exponent notation', () => {
    expect(errorOf(() => parseMajor(1e21, 'USD')).message).toMatch(/exponent notation/);
    expect(errorOf(() => parseMajor(1e-7, 'KWD')).message).toMatch(/exponent notation/);
  });

  it('refuses numbers with more than 15 significant digits', () => {
    expect(errorOf(() => parseMajor(0.1 + 0.2, 'USD')).message).toMatch(/more than 15 significant digits/);
    expect(errorOf(() => parseMajor(9007199254740993, 'JPY')).message).toMatch(/more than 15 significant digits/);
    expect(errorOf(() => parseMajor(1234567890123.456, 'KWD')).code).toBe('invalid_amount');
    expect(parseMajor(999999999999999, 'JPY').amount).toBe(999999999999999n);
  });

  it('accepts strings up to 18 minor-unit digits', () => {
    expect(parseMajor('9999999999999999.99', 'USD').amount).toBe(999999999999999999n);
    expect(parseMajor('999999999999999.999', 'KWD').amount).toBe(999999999999999999n);
    expect(parseMajor('999999999999999999', 'JPY').amount).toBe(999999999999999999n);
  });

  it('refuses strings beyond 18 minor-unit digits', () => {
    expect(errorOf(() => parseMajor('10000000000000000.00', 'USD')).message).toMatch(/more than 18 digits/);
    expect(errorOf(() => parseMajor('9223372036854775807', 'JPY')).code).toBe('invalid_amount');
    expect(errorOf(() => parseMajor('99999999999999999999999', 'JPY')).code).toBe('invalid_amount');
  });

  it.each(['', ' ', '1,000.00', '+1', '1.', '.5', '1e3', '0x10', '١٢', '1 000', 'abc', '--1', '1.2.3', ' 1'])(
    'refuses the malformed string %j',
    (input) => {
      expect(errorOf(() => parseMajor(input, 'USD')).code).toBe('invalid_amount');
    },
  );

  it('says the amount is empty for an empty string', () => {
    expect(errorOf(() => parseMajor('', 'USD')).message).toBe('Amount is empty');
  });

  it('refuses non-string, non-number input from untyped callers', () => {
    expect(errorOf(() => parseMajor(null as unknown as string, 'USD')).code).toBe('invalid_amount');
    expect(errorOf(() => parseMajor(10n as unknown as string, 'USD')).code).toBe('invalid_amount');
  });

  it('refuses an unknown currency', () => {
    expect(errorOf(() => parseMajor('1', 'ABC')).code).toBe('unknown_currency');
  });
});
