import { CURRENCY_EXPONENTS } from '../../src/domain/currencies.js';

/**
 * Money and dates in the browser's locale. Amounts arrive as integers in minor units with a
 * currency; they become an exact decimal STRING (never a float) with the currency's exponent
 * from Tender's one currency table, which Intl.NumberFormat formats as it is.
 */
export function exponentOf(currency: string): number {
  const known = CURRENCY_EXPONENTS[currency];
  if (known !== undefined) return known;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `12345`, `USD` → `"123.45"`; `-5`, `KWD` → `"-0.005"`. */
export function minorToDecimal(minor: number | string | bigint, currency: string): string {
  const exp = exponentOf(currency);
  const text = BigInt(minor).toString();
  const negative = text.startsWith('-');
  const digits = (negative ? text.slice(1) : text).padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  return `${negative ? '-' : ''}${whole}${exp > 0 ? `.${frac}` : ''}`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number | string | bigint, currency: string): string {
  let nf = moneyFormats.get(currency);
  if (!nf) {
    const exp = exponentOf(currency);
    nf = new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: exp, maximumFractionDigits: exp });
    moneyFormats.set(currency, nf);
  }
  return nf.format(minorToDecimal(minor, currency) as Intl.StringNumericLiteral);
}

/**
 * Parses what an admin typed (`12`, `12.5`, `12.50`; a comma is taken as the decimal point)
 * into minor units, or undefined when it is not an amount in this currency.
 */
export function parseAmount(input: string, currency: string): bigint | undefined {
  const exp = exponentOf(currency);
  const text = input.trim().replace(',', '.');
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const frac = m[2] ?? '';
  if (frac.length > exp) return undefined;
  return BigInt(m[1]!) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, '0') || '0');
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** A `YYYY-MM-DD` day of the dashboard (UTC) in the browser's locale. */
export function formatDay(day: string): string {
  return dateOnly.format(new Date(`${day}T00:00:00Z`));
}

const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
/** A dashboard day as a short axis label (`Nov 21`). */
export function formatShortDay(day: string): string {
  return shortDay.format(new Date(`${day}T00:00:00Z`));
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : percent.format(rate);
}

/** Wire statuses as words: `partially_refunded` → `partially refunded`. */
export function words(status: string): string {
  return status.replace(/_/g, ' ');
}
