import { MoneyError } from './money-error.js';
import type { Money } from './money.js';

/**
 * Splits `total` in proportion to `ratios` by the largest-remainder method.
 *
 * - The parts always sum to exactly `total`; no minor unit is created or lost.
 * - Each part is the exact share rounded down or up by at most one minor unit.
 * - Leftover units go to the largest fractional remainders; ties go to the earlier index,
 *   so the result is deterministic. A zero ratio always gets zero.
 * - A negative total is split as its magnitude and then negated.
 *
 * Number ratios are read as the decimal they print as (`0.1` means one tenth, not the
 * nearest double), so `[0.7, 0.3]` splits exactly 70/30.
 *
 * @param ratios non-negative, finite, at least one non-zero.
 * @throws MoneyError `invalid_amount` for an empty list, a negative, non-finite or all-zero ratio list.
 */
export function allocate(total: Money, ratios: readonly number[] | readonly bigint[]): Money[] {
  const weights = toIntegerWeights(ratios);
  const sum = weights.reduce((acc, w) => acc + w, 0n);
  if (sum === 0n) {
    throw new MoneyError('invalid_amount', 'Cannot allocate by ratios that are all zero');
  }

  const negative = total.amount < 0n;
  const magnitude = negative ? -total.amount : total.amount;
  const parts = weights.map((w) => (magnitude * w) / sum);
  const remainders = weights.map((w) => (magnitude * w) % sum);

  // Each remainder is < sum, so the leftover is < weights.length and every index that gets
  // an extra unit has a non-zero remainder (hence a non-zero ratio).
  let leftover = magnitude - parts.reduce((acc, p) => acc + p, 0n);
  const order = remainders
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (leftover === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    leftover -= 1n;
  }

  return parts.map((p) => Object.freeze({ amount: negative ? -p : p, currency: total.currency }));
}

/** Scales every ratio to an exact integer weight over a common power of ten. */
function toIntegerWeights(ratios: readonly number[] | readonly bigint[]): bigint[] {
  if (ratios.length === 0) {
    throw new MoneyError('invalid_amount', 'Cannot allocate by an empty list of ratios');
  }
  const decimals = (ratios as readonly (number | bigint)[]).map(toDecimal);
  const scale = decimals.reduce((max, d) => Math.max(max, d.scale), 0);
  return decimals.map((d) => d.digits * 10n ** BigInt(scale - d.scale));
}

/** A non-negative ratio as `digits / 10^scale`. */
function toDecimal(ratio: number | bigint): { digits: bigint; scale: number } {
  if (typeof ratio === 'bigint') {
    if (ratio < 0n) throw badRatio(ratio);
    return { digits: ratio, scale: 0 };
  }
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0) throw badRatio(ratio);
  // String(n) is the shortest decimal that round-trips, which is what the caller wrote.
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(ratio));
  if (!match) throw badRatio(ratio);
  const [, int = '', frac = '', exp = '0'] = match;
  const scale = frac.length - Number(exp);
  const digits = BigInt(int + frac);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

function badRatio(ratio: unknown): MoneyError {
  return new MoneyError(
    'invalid_amount',
    `Allocation ratios must be finite and non-negative; got ${String(ratio)}`,
  );
}
