import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/domain/allocate.js';
import { MoneyError } from '../../src/domain/money-error.js';
import { money } from '../../src/domain/money.js';

const amounts = (parts: { amount: bigint }[]): bigint[] => parts.map((p) => p.amount);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MoneyError);
    return (err as MoneyError).code;
  }
  return undefined;
}

describe('allocate', () => {
  it('splits 100 cents three ways without losing a cent', () => {
    expect(amounts(allocate(money(100n, 'USD'), [1, 1, 1]))).toEqual([34n, 33n, 33n]);
  });

  it('gives leftover units to the largest remainders', () => {
    // exact shares 0.5, 4.5, 5.0 → floors 0, 4, 5, one unit left; ties go to the earlier index
    expect(amounts(allocate(money(10n, 'JPY'), [1, 9, 10]))).toEqual([1n, 4n, 5n]);
    // exact shares 3.3, 6.7 → the 0.7 remainder wins
    expect(amounts(allocate(money(10n, 'USD'), [33n, 67n]))).toEqual([3n, 7n]);
  });

  it('reads number ratios as the decimals they print as', () => {
    expect(amounts(allocate(money(1000n, 'USD'), [0.7, 0.2, 0.1]))).toEqual([700n, 200n, 100n]);
    // exponent notation is fine for ratios: shares 2.5 and 7.5, the tie goes to the first
    expect(amounts(allocate(money(10n, 'USD'), [1e-7, 3e-7]))).toEqual([3n, 7n]);
  });

  it('gives nothing to a zero ratio', () => {
    expect(amounts(allocate(money(5n, 'USD'), [0, 1, 0]))).toEqual([0n, 5n, 0n]);
  });

  it('splits a negative amount symmetrically', () => {
    expect(amounts(allocate(money(-100n, 'USD'), [1, 1, 1]))).toEqual([-34n, -33n, -33n]);
  });

  it('keeps the currency on every part', () => {
    for (const part of allocate(money(1000n, 'KWD'), [1, 2])) expect(part.currency).toBe('KWD');
  });

  it('refuses empty, all-zero, negative and non-finite ratios', () => {
    const total = money(100n, 'USD');
    expect(codeOf(() => allocate(total, []))).toBe('invalid_amount');
    expect(codeOf(() => allocate(total, [0, 0]))).toBe('invalid_amount');
    expect(codeOf(() => allocate(total, [1, -1]))).toBe('invalid_amount');
    expect(codeOf(() => allocate(total, [1n, -1n]))).toBe('invalid_amount');
    expect(codeOf(() => allocate(total, [Number.NaN]))).toBe('invalid_amount');
    expect(codeOf(() => allocate(total, [Number.POSITIVE_INFINITY, 1]))).toBe('invalid_amount');
  });

  it('always sums to the input and stays within one unit of the exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 1, maxLength: 12 }).filter((r) => r.some((x) => x > 0n)),
        (amount, ratios) => {
          const parts = allocate(money(amount, 'USD'), ratios);
          expect(parts).toHaveLength(ratios.length);
          expect(parts.reduce((acc, p) => acc + p.amount, 0n)).toBe(amount);
          const sum = ratios.reduce((a, b) => a + b, 0n);
          parts.forEach((part, i) => {
            const ratio = ratios[i] as bigint;
            // |part − amount·ratio/sum| < 1  ⇔  |part·sum − amount·ratio| < sum
            const diff = part.amount * sum - amount * ratio;
            expect(diff < 0n ? -diff : diff).toBeLessThan(sum);
            if (ratio === 0n) expect(part.amount).toBe(0n);
          });
        },
      ),
    );
  });

  it('sums to the input for decimal number ratios too', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 8 }).filter((r) => r.some((x) => x > 0)),
        (amount, ratios) => {
          const parts = allocate(money(amount, 'EUR'), ratios);
          expect(parts.reduce((acc, p) => acc + p.amount, 0n)).toBe(amount);
          for (const p of parts) expect(p.amount >= 0n).toBe(true);
        },
      ),
    );
  });
});
