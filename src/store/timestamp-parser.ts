import parsePostgresDate from 'postgres-date';

/**
 * Parses a `timestamptz` as PostgreSQL writes it. Tender's connections run in UTC, so the text is
 * always `YYYY-MM-DD HH:MM:SS[.ffffff]+00`; that form is read by position. Anything else (another
 * offset, BC, years past 9999, infinity) goes to `postgres-date`, the parser pg uses by default.
 *
 * Why our own fast path: postgres-date matches regular expressions and took 7 % of the CPU of a
 * `getSessions` page (three timestamps per row, docs/benchmarks-history.md); reading fixed positions is
 * about four times faster. A property test checks it against postgres-date.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  if (isUtcForm(text, n)) {
    let ms = 0;
    for (let i = 20, scale = 100; i < n - 3 && scale >= 1; i++, scale /= 10) ms += d(text, i) * scale;
    return new Date(Date.UTC(
      d(text, 0) * 1000 + d(text, 1) * 100 + d(text, 2) * 10 + d(text, 3),
      d(text, 5) * 10 + d(text, 6) - 1,
      d(text, 8) * 10 + d(text, 9),
      d(text, 11) * 10 + d(text, 12),
      d(text, 14) * 10 + d(text, 15),
      d(text, 17) * 10 + d(text, 18),
      ms,
    ));
  }
  return parsePostgresDate(text) as Date; // ±Infinity / null only for values Tender never stores
}

/**
 * The same instant as `parseTimestamptz(text).toISOString()` (milliseconds truncated, as there),
 * written straight from the text: a list that only renders its timestamps (a getSessions page,
 * three per row) selects them as text and skips a Date and its formatting for each. Property-
 * tested against that expression.
 */
export function isoFromTimestamptz(text: string): string {
  const n = text.length;
  if (!isUtcForm(text, n)) return parseTimestamptz(text).toISOString();
  const fraction = n === 22 ? '000' : text.slice(20, Math.min(23, n - 3)).padEnd(3, '0');
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]+00` with a year of 1000–9999 (Date.UTC reads 0–99 as 19xx). */
function isUtcForm(text: string, n: number): boolean {
  return n >= 22 && n <= 29 &&
    text.charCodeAt(n - 3) === 43 /* + */ && text.charCodeAt(n - 2) === 48 && text.charCodeAt(n - 1) === 48 &&
    text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 32 &&
    text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58 &&
    (n === 22 || (text.charCodeAt(19) === 46 /* . */ && n >= 24)) &&
    text.charCodeAt(0) !== 48 &&
    allDigits(text, n);
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function allDigits(text: string, n: number): boolean {
  for (const i of DIGIT_POSITIONS) if (!isDigit(text.charCodeAt(i))) return false;
  for (let i = 20; i < n - 3; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function d(text: string, i: number): number {
  return text.charCodeAt(i) - 48;
}
