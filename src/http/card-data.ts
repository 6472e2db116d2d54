/**
 * Finds primary account numbers (Luhn-valid runs of 13–19 digits, optionally grouped with single
 * spaces or dashes) anywhere in a request: string values, object keys and JSON numbers, at any
 * depth. Iterative, so a deeply nested body cannot overflow the stack.
 */
import { luhnValid } from '../domain/luhn.js';

export { luhnValid };

const CANDIDATE = /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g;

export function stringHasCardNumber(s: string): boolean {
  if (s.length < 13) return false;
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(s); m !== null; m = CANDIDATE.exec(s)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
    // A run can hide a PAN after its first digit ("x14242…"): retry from the next position.
    CANDIDATE.lastIndex = m.index + 1;
  }
  return false;
}

export function containsCardNumber(value: unknown, maxNodes = 100_000): boolean {
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++seen > maxNodes) return false;
    if (typeof v === 'string') {
      if (stringHasCardNumber(v)) return true;
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && stringHasCardNumber(String(v))) return true;
    } else if (typeof v === 'bigint') {
      if (stringHasCardNumber(v.toString())) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (stringHasCardNumber(k)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/** Replaces every card-number-looking run in a string (for log lines such as URLs). */
export function redactCardNumbers(s: string): string {
  return s.replace(CANDIDATE, (run) => {
    const digits = run.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? '[REDACTED_PAN]' : run;
  });
}
