import { describe, expect, it } from 'vitest';
import {
  CURRENCIES,
  CURRENCY_EXPONENTS,
  currencyExponent,
  isCurrency,
  normalizeCurrency,
} from '../../src/domain/currencies.js';
import { MoneyError } from '../../src/domain/money-error.js';

const required: Record<string, number> = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2,
  CZK: 2, INR: 2, BRL: 2, MXN: 2, CNY: 2, HKD: 2, SGD: 2, NZD: 2, ZAR: 2, RUB: 2,
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0,
  KWD: 3, BHD: 3, OMR: 3, JOD: 3, TND: 3,
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MoneyError);
    return (err as MoneyError).code;
  }
  return undefined;
}

describe('currencies', () => {
  it.each(Object.entries(required))('knows %s has %i decimal places', (code, exponent) => {
    expect(isCurrency(code)).toBe(true);
    expect(currencyExponent(code)).toBe(exponent);
  });

  it('lists every code of the table once, all three upper-case letters', () => {
    expect(CURRENCIES).toEqual(Object.keys(CURRENCY_EXPONENTS));
    for (const code of CURRENCIES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('refuses an unknown currency with unknown_currency', () => {
    expect(codeOf(() => currencyExponent('XXX'))).toBe('unknown_currency');
    expect(codeOf(() => currencyExponent('usd'))).toBe('unknown_currency');
  });

  it('does not mistake Object.prototype members for currencies', () => {
    expect(isCurrency('constructor')).toBe(false);
    expect(isCurrency('toString')).toBe(false);
    expect(isCurrency('__proto__')).toBe(false);
  });

  it('normalises currency codes case-insensitively', () => {
    expect(normalizeCurrency('usd')).toBe('USD');
    expect(normalizeCurrency('Kwd')).toBe('KWD');
    expect(normalizeCurrency('JPY')).toBe('JPY');
  });

  it('refuses to normalise unknown or padded codes', () => {
    expect(codeOf(() => normalizeCurrency('usdollar'))).toBe('unknown_currency');
    expect(codeOf(() => normalizeCurrency(' usd'))).toBe('unknown_currency');
    expect(codeOf(() => normalizeCurrency(''))).toBe('unknown_currency');
  });

  it('says in the error which code was unknown', () => {
    expect(() => normalizeCurrency('abc')).toThrow(/Unknown currency 'abc'/);
  });
});
