import { describe, expect, it } from 'vitest';
import { CURRENCIES } from '../../src/domain/currencies.js';
import { STRIPE_UNITS, StripeAmountError, fromStripeAmount, isStripeAmount, toStripeAmount } from '../../src/gateways/stripe/stripe-amounts.js';

const m = (amount: bigint, currency: string) => ({ amount, currency });

describe('Stripe amount conversion (one table)', () => {
  it('covers every currency Tender knows, and nothing else', () => {
    expect(Object.keys(STRIPE_UNITS).sort()).toEqual([...CURRENCIES].sort());
  });

  it.each([
    // [Tender minor units, currency, what Stripe receives]
    [34_000n, 'USD', 34_000, 'usd'],
    [1_250n, 'EUR', 1_250, 'eur'],
    [1n, 'GBP', 1, 'gbp'],
    [1_000n, 'JPY', 1_000, 'jpy'], // zero-decimal: 1000 JPY is 1000, never 100000
    [50_000n, 'KRW', 50_000, 'krw'],
    [25_000n, 'VND', 25_000, 'vnd'],
    [990n, 'CLP', 990, 'clp'],
    [5n, 'ISK', 500, 'isk'], // zero-decimal in ISO, two-decimal in Stripe's API
    [1_230n, 'KWD', 1_230, 'kwd'], // three-decimal, last digit 0
    [10n, 'BHD', 10, 'bhd'],
    [123_450n, 'JOD', 123_450, 'jod'],
    [0n, 'OMR', 0, 'omr'],
    [7_770n, 'TND', 7_770, 'tnd'],
  ])('%s %s → %s %s, and back', (minor, currency, stripeAmount, stripeCurrency) => {
    expect(toStripeAmount(m(minor, currency))).toEqual({ amount: stripeAmount, currency: stripeCurrency });
    expect(fromStripeAmount(stripeAmount, stripeCurrency)).toEqual(m(minor, currency));
  });

  it.each(['KWD', 'BHD', 'JOD', 'OMR', 'TND'])('refuses %s amounts whose last digit is not 0 (never rounds)', (currency) => {
    expect(() => toStripeAmount(m(1_234n, currency))).toThrow(StripeAmountError);
    expect(() => toStripeAmount(m(1_234n, currency))).toThrow(`1.234 ${currency} cannot be charged through Stripe: Stripe only accepts ${currency} amounts in multiples of 0.010 ${currency}`);
    expect(isStripeAmount(m(1_234n, currency))).toBe(false);
    expect(isStripeAmount(m(1_240n, currency))).toBe(true);
  });

  it('refuses a Stripe amount that is not whole in Tender\'s unit (ISK cents)', () => {
    expect(() => fromStripeAmount(550, 'isk')).toThrow(StripeAmountError);
  });

  it('refuses negative, fractional, unknown-currency and oversized amounts', () => {
    expect(() => toStripeAmount(m(-1n, 'USD'))).toThrow(StripeAmountError);
    expect(() => toStripeAmount(m(1n, 'XYZ'))).toThrow(/no entry in the Stripe unit table/);
    expect(() => toStripeAmount(m(2n ** 60n, 'USD'))).toThrow(/too large/);
    expect(() => fromStripeAmount(1.5, 'usd')).toThrow(StripeAmountError);
    expect(() => fromStripeAmount(-5, 'usd')).toThrow(StripeAmountError);
  });

  it('accepts Stripe\'s lower-case and Tender\'s upper-case (or char(3)-padded) codes', () => {
    expect(toStripeAmount(m(100n, 'usd'))).toEqual({ amount: 100, currency: 'usd' });
    expect(toStripeAmount(m(100n, 'JPY '))).toEqual({ amount: 100, currency: 'jpy' });
    expect(fromStripeAmount(100, 'JPY')).toEqual(m(100n, 'JPY'));
  });
});
