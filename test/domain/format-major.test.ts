import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent } from '../../src/domain/currencies.js';
import { formatMajor, toMajorNumber } from '../../src/domain/format-major.js';
import { MoneyError } from '../../src/domain/money-error.js';
import { money } from '../../src/domain/money.js';
import { parseMajor } from '../../src/domain/parse-major.js';

const ROUND_TRIP_CURRENCIES = ['USD', 'JPY', 'KWD', 'BHD'] as const;
const MAX_18_DIGITS = 10n ** 18n - 1n;

/** Decimals with at most 15 significant digits, the ones a JSON number carries exactly. */
const fifteenDigitAmount = fc
  .tuple(fc.bigInt({ min: -(10n ** 15n - 1n), max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 3 }))
  .map(([digits, zeros]) => digits * 10n ** BigInt(zeros));

describe('formatMajor', () => {
  it.each([
    [1234n, 'KWD', '1.234'],
    [1000n, 'JPY', '1000'],
    [5n, 'USD', '0.05'],
    [-150n, 'USD', '-1.50'],
    [0n, 'USD', '0.00'],
    [0n, 'JPY', '0'],
    [-5n, 'BHD', '-0.005'],
    [999999999999999999n, 'USD', '9999999999999999.99'],
  ] as const)('formats %s minor units of %s as %s', (amount, currency, text) => {
    expect(formatMajor(money(amount, currency))).toBe(text);
  });

  it.each(ROUND_TRIP_CURRENCIES)('round-trips every amount exactly through format and parse in %s', (currency) => {
    fc.assert(
      fc.property(fc.bigInt({ min: -MAX_18_DIGITS, max: MAX_18_DIGITS }), (amount) => {
        const m = money(amount, currency);
        expect(parseMajor(formatMajor(m), currency, { allowNegative: true })).toEqual(m);
      }),
    );
  });

  it.each(ROUND_TRIP_CURRENCIES)('round-trips canonical decimal strings through parse and format in %s', (currency) => {
    const exponent = currencyExponent(currency);
    const canonical = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^(0|[1-9]\d{0,14})$/),
        fc.stringMatching(new RegExp(`^\\d{${exponent}}$`)),
      )
      .filter(([negative, int, frac]) => !(negative && /^0+$/.test(int + frac)))
      .map(([negative, int, frac]) => `${negative ? '-' : ''}${int}${exponent > 0 ? `.${frac}` : ''}`);
    fc.assert(
      fc.property(canonical, (text) => {
        expect(formatMajor(parseMajor(text, currency, { allowNegative: true }))).toBe(text);
      }),
    );
  });
});

describe('toMajorNumber', () => {
  it('converts to the decimal number OneEntry expects', () => {
    expect(toMajorNumber(money(9999n, 'USD'))).toBe(99.99);
    expect(toMajorNumber(money(7n, 'USD'))).toBe(0.07);
    expect(toMajorNumber(money(1234n, 'KWD'))).toBe(1.234);
    expect(toMajorNumber(money(1000n, 'JPY'))).toBe(1000);
    expect(toMajorNumber(money(-150n, 'USD'))).toBe(-1.5);
  });

  it('accepts trailing zeros beyond 15 digits because they are not significant', () => {
    expect(toMajorNumber(money(100000000000000000n, 'USD'))).toBe(1e15);
  });

  it('refuses amounts with more than 15 significant digits', () => {
    let thrown: unknown;
    try {
      toMajorNumber(money(1234567890123456n, 'USD'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MoneyError);
    expect((thrown as MoneyError).code).toBe('invalid_amount');
  });

  it.each(ROUND_TRIP_CURRENCIES)('divides below 10^15 to exactly the number of the decimal string in %s', (currency) => {
    // 10^15 itself takes the string path (one significant digit); 35 × 0.01 would be 0.35000000000000003.
    for (const amount of [0n, 1n, -1n, 5n, 35n, 105n, 123_456_789_012_345n, 10n ** 15n - 1n, -(10n ** 15n - 1n), 10n ** 15n]) {
      expect(toMajorNumber(money(amount, currency))).toBe(Number(formatMajor(money(amount, currency))));
    }
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n - 1n), max: 10n ** 15n - 1n }), (amount) => {
        expect(toMajorNumber(money(amount, currency))).toBe(Number(formatMajor(money(amount, currency))));
      }),
      { numRuns: 2000 },
    );
  });

  it.each(ROUND_TRIP_CURRENCIES)('is exact: the JSON number parses back to the same amount in %s', (currency) => {
    fc.assert(
      fc.property(fifteenDigitAmount, (amount) => {
        const m = money(amount, currency);
        const n = toMajorNumber(m);
        expect(Number(formatMajor(m))).toBe(n);
        const overTheWire = JSON.parse(JSON.stringify({ amount: n })) as { amount: number };
        expect(parseMajor(overTheWire.amount, currency, { allowNegative: true })).toEqual(m);
      }),
    );
  });
});
