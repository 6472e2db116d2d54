/**
 * Most significant decimal digits a JS number (IEEE-754 double) carries exactly.
 *
 * Any decimal with at most 15 significant digits survives decimal → double → shortest
 * decimal unchanged (DBL_DIG = 15), so `String(Number(s))` denotes the same value as `s`.
 * With 16 or 17 digits that is no longer guaranteed (9007199254740993 prints as …992).
 */
export const MAX_EXACT_NUMBER_DIGITS = 15;

/**
 * Significant digits in a string of decimal digits (no sign, no point): leading and
 * trailing zeros do not count, so '000120' has 2 and '0' has 0.
 */
export function significantDigits(digits: string): number {
  const trimmed = digits.replace(/^0+/, '').replace(/0+$/, '');
  return trimmed.length;
}
