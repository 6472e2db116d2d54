import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCIES } from '../../src/domain/currencies.js';
import { MoneyError } from '../../src/domain/money-error.js';
import { add, compare, isZero, min, money, subtract, type Money } from '../../src/domain/money.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MoneyError);
    return (err as MoneyError).code;
  }
  return undefined;
}

const usd = (n: bigint): Money => money(n, 'USD');

describe('money', () => {
  it('builds a frozen value with a normalised currency', () => {
    const m = money(150n, 'usd');
    expect(m).toEqual({ amount: 150n, currency: 'USD' });
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('refuses a float amount even from untyped callers', () => {
    expect(codeOf(() => money(1.5 as unknown as bigint, 'USD'))).toBe('invalid_amount');
  });

  it('refuses an unknown currency', () => {
    expect(codeOf(() => money(1n, 'ZZZ'))).toBe('unknown_currency');
  });

  it('adds and subtracts exactly in minor units', () => {
    expect(add(usd(1999n), usd(1n))).toEqual(usd(2000n));
    expect(subtract(usd(100n), usd(250n))).toEqual(usd(-150n));
    expect(add(usd(9007199254740993n), usd(1n)).amount).toBe(9007199254740994n);
  });

  it('compares values of one currency', () => {
    expect(compare(usd(1n), usd(2n))).toBe(-1);
    expect(compare(usd(2n), usd(2n))).toBe(0);
    expect(compare(usd(3n), usd(2n))).toBe(1);
  });

  it('knows zero', () => {
    expect(isZero(usd(0n))).toBe(true);
    expect(isZero(usd(-1n))).toBe(false);
  });

  it('picks the smallest value', () => {
    expect(min(usd(5n), usd(-2n), usd(3n))).toEqual(usd(-2n));
    expect(min(usd(7n))).toEqual(usd(7n));
  });

  it('refuses mixed-currency arithmetic with currency_mismatch', () => {
    const pairs = fc.tuple(fc.constantFrom(...CURRENCIES), fc.constantFrom(...CURRENCIES)).filter(([a, b]) => a !== b);
    fc.assert(
      fc.property(pairs, fc.bigInt(), fc.bigInt(), ([ca, cb], x, y) => {
        const a = money(x, ca);
        const b = money(y, cb);
        expect(codeOf(() => add(a, b))).toBe('currency_mismatch');
        expect(codeOf(() => subtract(a, b))).toBe('currency_mismatch');
        expect(codeOf(() => compare(a, b))).toBe('currency_mismatch');
        expect(codeOf(() => min(a, b))).toBe('currency_mismatch');
      }),
    );
  });

  it('names both currencies when refusing to mix them', () => {
    expect(() => add(usd(1n), money(1n, 'EUR'))).toThrow(/USD with EUR/);
  });

  it('keeps add and subtract inverse for any amounts', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt(), (x, y) => {
        expect(subtract(add(usd(x), usd(y)), usd(y))).toEqual(usd(x));
      }),
    );
  });
});
