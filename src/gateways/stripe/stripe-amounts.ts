/**
 * The one conversion between Tender's amounts (bigint minor units at the ISO-4217 exponent of
 * src/domain/currencies.ts) and the integer "smallest unit" Stripe's API expects for a currency.
 * Stripe mostly follows ISO, with exceptions (https://docs.stripe.com/currencies#special-cases):
 *
 * - zero-decimal currencies (JPY, KRW, VND, CLP): 1000 JPY is sent as `1000`, never `100000`;
 * - ISK is zero-decimal in ISO but stays two-decimal in Stripe's API, whole krónur only:
 *   5 ISK is sent as `500` (Stripe refuses amounts not divisible by 100);
 * - three-decimal currencies (BHD, JOD, KWD, OMR, TND) are sent in fils (1.230 KWD = `1230`),
 *   but Stripe requires the last digit to be 0. Tender NEVER rounds money: an amount such as
 *   1.234 KWD is refused with a clear error before anything is sent.
 */
import { currencyExponent } from '../../domain/currencies.js';
import { formatMajor } from '../../domain/format-major.js';
import type { Money } from '../../domain/money.js';
import { PaymentsError } from '../../errors.js';

interface StripeUnit {
  /** Digits of Stripe's smallest unit for this currency. */
  exponent: number;
  /** Stripe only accepts multiples of this (in its own unit). */
  multipleOf: bigint;
}

const TWO: StripeUnit = { exponent: 2, multipleOf: 1n };
const ZERO: StripeUnit = { exponent: 0, multipleOf: 1n };
const THREE: StripeUnit = { exponent: 3, multipleOf: 10n };

/** Every currency Tender knows (src/domain/currencies.ts) as Stripe counts it. */
export const STRIPE_UNITS: Readonly<Record<string, StripeUnit>> = Object.freeze({
  USD: TWO, EUR: TWO, GBP: TWO, CHF: TWO, CAD: TWO, AUD: TWO, SEK: TWO, NOK: TWO, DKK: TWO, PLN: TWO,
  CZK: TWO, INR: TWO, BRL: TWO, MXN: TWO, CNY: TWO, HKD: TWO, SGD: TWO, NZD: TWO, ZAR: TWO, RUB: TWO,
  JPY: ZERO, KRW: ZERO, VND: ZERO, CLP: ZERO,
  ISK: { exponent: 2, multipleOf: 100n },
  KWD: THREE, BHD: THREE, JOD: THREE, OMR: THREE, TND: THREE,
});

/**
 * An amount Stripe cannot take as it is (Tender does not round money to make it fit). A
 * client-actionable refusal: the API answers 400 `invalid_amount` with this message.
 */
export class StripeAmountError extends PaymentsError {
  constructor(message: string) {
    super('invalid_amount', message);
    this.name = 'StripeAmountError';
  }
}

function unitOf(currency: string): { unit: StripeUnit; tenderExponent: number } {
  const code = currency.trim().toUpperCase();
  const unit = STRIPE_UNITS[code];
  if (!unit) throw new StripeAmountError(`Stripe adapter: currency ${code} has no entry in the Stripe unit table (src/gateways/stripe/stripe-amounts.ts)`);
  // Tender's exponents come from the one currency table; a test checks every Tender currency is here.
  return { unit, tenderExponent: currencyExponent(code) };
}

/** Can Stripe take this amount exactly? */
export function isStripeAmount(m: Money): boolean {
  try {
    toStripeAmount(m);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tender minor units → Stripe's integer amount and lower-case currency.
 * @throws StripeAmountError when Stripe would need the amount rounded, or it is out of range.
 */
export function toStripeAmount(m: Money): { amount: number; currency: string } {
  const { unit, tenderExponent } = unitOf(m.currency);
  if (m.amount < 0n) throw new StripeAmountError(`Stripe adapter: negative amount for ${m.currency}`);
  const scaled = m.amount * 10n ** BigInt(unit.exponent - Math.min(unit.exponent, tenderExponent));
  if (scaled % unit.multipleOf !== 0n) {
    throw new StripeAmountError(
      `${describe(m)} cannot be charged through Stripe: Stripe only accepts ${m.currency.trim()} amounts in multiples of ` +
      `${describe({ amount: unit.multipleOf / 10n ** BigInt(unit.exponent - tenderExponent), currency: m.currency })}` +
      ' (https://docs.stripe.com/currencies#special-cases); Tender never rounds money — change the price',
    );
  }
  if (scaled > BigInt(Number.MAX_SAFE_INTEGER)) throw new StripeAmountError(`Stripe adapter: ${describe(m)} is too large for Stripe`);
  return { amount: Number(scaled), currency: m.currency.trim().toLowerCase() };
}

/**
 * Stripe's integer amount → Tender minor units.
 * @throws StripeAmountError for a fraction Tender's currency cannot hold (e.g. 1050 ISK-cents).
 */
export function fromStripeAmount(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new StripeAmountError(`Stripe reported an invalid amount for ${currency}`);
  const code = currency.trim().toUpperCase();
  const { unit, tenderExponent } = unitOf(code);
  const divisor = 10n ** BigInt(unit.exponent - Math.min(unit.exponent, tenderExponent));
  const value = BigInt(amount);
  if (value % divisor !== 0n) throw new StripeAmountError(`Stripe reported ${amount} (${code}), which is not a whole amount in Tender's unit`);
  return { amount: value / divisor, currency: code };
}

function describe(m: Money): string {
  const code = m.currency.trim().toUpperCase();
  return `${formatMajor({ amount: m.amount, currency: code })} ${code}`;
}
