import { MoneyError } from './money-error.js';

/**
 * An upper-case ISO-4217 alphabetic code that is present in {@link CURRENCY_EXPONENTS}.
 *
 * Kept a plain `string` alias so rows read from the database and JSON bodies flow through
 * without casts; validity is enforced at the edges with {@link normalizeCurrency}.
 */
export type CurrencyCode = string;

/**
 * The one table of supported currencies: ISO-4217 code → exponent (number of minor-unit
 * digits, e.g. USD 2 means 1 USD = 100 minor units).
 *
 * Used only to parse and display; amounts are always stored and computed in minor units.
 * Exponents follow ISO-4217 (ISK and CLP are 0; KWD/BHD/OMR/JOD/TND are 3). Add a currency
 * here and nowhere else.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<CurrencyCode, number>> = Object.freeze({
  USD: 2,
  EUR: 2,
  GBP: 2,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  INR: 2,
  BRL: 2,
  MXN: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  NZD: 2,
  ZAR: 2,
  RUB: 2,
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
});

/** Every supported currency code, in table order. */
export const CURRENCIES: readonly CurrencyCode[] = Object.freeze(Object.keys(CURRENCY_EXPONENTS));

/**
 * True when `code` is a supported currency spelled exactly (upper case).
 * Use {@link normalizeCurrency} to accept user input such as `'usd'`.
 */
export function isCurrency(code: unknown): code is CurrencyCode {
  // Object.hasOwn, not `in`: 'constructor' or 'toString' must not count as currencies.
  return typeof code === 'string' && Object.hasOwn(CURRENCY_EXPONENTS, code);
}

/**
 * Minor-unit digits of a supported currency (USD → 2, JPY → 0, KWD → 3).
 * @throws MoneyError `unknown_currency` when `code` is not in the table (case-sensitive).
 */
export function currencyExponent(code: CurrencyCode): number {
  if (!isCurrency(code)) throw unknownCurrency(code);
  return CURRENCY_EXPONENTS[code] as number;
}

/**
 * Canonical form of a currency code from user input: case-insensitive, so `'usd'` → `'USD'`.
 * Surrounding whitespace is not trimmed; that is a request-validation concern.
 * @throws MoneyError `unknown_currency` when the code is not supported.
 */
export function normalizeCurrency(input: string): CurrencyCode {
  const code = typeof input === 'string' ? input.toUpperCase() : input;
  if (!isCurrency(code)) throw unknownCurrency(input);
  return code;
}

function unknownCurrency(code: unknown): MoneyError {
  const shown = typeof code === 'string' ? `'${code}'` : String(code);
  return new MoneyError(
    'unknown_currency',
    `Unknown currency ${shown}; expected an ISO-4217 code such as ${CURRENCIES.slice(0, 3).join(', ')}`,
    { currency: typeof code === 'string' ? code : null },
  );
}
