/**
 * Amounts on PayPal's wire: a decimal string in major units with the number of decimals PayPal
 * uses for the currency (`"340.00"` USD, `"1000"` JPY). Tender keeps integer minor units at the
 * ISO-4217 exponent of its own table; this file is the only place the two meet.
 */
import { CURRENCY_EXPONENTS, currencyExponent, isCurrency } from '../../domain/currencies.js';
import type { Money } from '../../domain/money.js';
import { PaymentsError } from '../../errors.js';

/**
 * Every currency PayPal's REST API accepts for payments, with the decimals it takes
 * (https://developer.paypal.com/docs/api/reference/currency-codes/). HUF, JPY and TWD take no
 * decimals ("if you pass a decimal amount, an error occurs"). PayPal supports NO 3-decimal
 * currency (KWD, BHD, OMR, JOD, TND): those are refused at initiate. BRL, CNY, INR and MYR
 * work for in-country PayPal accounts only (PayPal answers CURRENCY_NOT_SUPPORTED otherwise).
 */
export const PAYPAL_DECIMALS: Readonly<Record<string, number>> = Object.freeze({
  AUD: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 0, ILS: 2, INR: 2,
  JPY: 0, MXN: 2, MYR: 2, NOK: 2, NZD: 2, PHP: 2, PLN: 2, RUB: 2, SEK: 2, SGD: 2, THB: 2, TWD: 0, USD: 2,
});

/** True when PayPal takes payments in this currency. */
export function paypalSupports(currency: string): boolean {
  return Object.hasOwn(PAYPAL_DECIMALS, currency.trim());
}

/**
 * Refuses, with a message that says what to do, a currency PayPal cannot take.
 * @throws PaymentsError `unknown_currency`
 */
export function assertPaypalCurrency(currency: string): void {
  const code = currency.trim();
  if (paypalSupports(code)) return;
  const threeDecimals = isCurrency(code) && CURRENCY_EXPONENTS[code] === 3;
  throw new PaymentsError(
    'unknown_currency',
    `PayPal does not accept ${code}${threeDecimals ? ' (PayPal supports no 3-decimal currency)' : ''}; ` +
      `pay ${code} orders through another payment account. PayPal takes: ${Object.keys(PAYPAL_DECIMALS).join(', ')}`,
    { currency: code, gateway: 'paypal' },
  );
}

/**
 * Tender minor units → PayPal's decimal string. 34000n USD → "340.00", 1000n JPY → "1000".
 * @throws PaymentsError `unknown_currency` (not a PayPal currency), `invalid_amount` when the
 *   amount has more precision than PayPal takes for the currency (cannot happen for the
 *   currencies Tender and PayPal share today; kept for currencies added later).
 */
export function toPaypalValue(m: Money): string {
  const code = m.currency.trim();
  assertPaypalCurrency(code);
  if (m.amount < 0n) throw new PaymentsError('invalid_amount', `PayPal amounts cannot be negative (${m.amount} ${code})`);
  const decimals = PAYPAL_DECIMALS[code]!;
  const shift = tenderExponent(code) - decimals;
  let units = m.amount;
  if (shift > 0) {
    const scale = 10n ** BigInt(shift);
    if (units % scale !== 0n) {
      throw new PaymentsError('invalid_amount', `PayPal takes ${code} with ${decimals} decimals; ${m.amount} minor units cannot be sent exactly`);
    }
    units /= scale;
  } else if (shift < 0) {
    units *= 10n ** BigInt(-shift);
  }
  const digits = units.toString().padStart(decimals + 1, '0');
  return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * PayPal's `{currency_code, value}` → Tender money. Accepts what PayPal sends ("340.00", "1000",
 * and, leniently, "340" or "340.5" for a 2-decimal currency) and refuses anything that is not
 * an exact non-negative decimal or that Tender's exponent cannot hold.
 */
export function fromPaypalValue(value: string, currencyCode: string): Money {
  const code = currencyCode.trim().toUpperCase();
  const exponent = tenderExponent(code);
  const match = /^(\d{1,18})(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) throw new PaymentsError('invalid_amount', `PayPal sent an unreadable amount "${value.slice(0, 32)}" ${code}`);
  const [, int, frac = ''] = match;
  const extra = frac.slice(exponent);
  if (/[1-9]/.test(extra)) throw new PaymentsError('invalid_amount', `PayPal sent ${value} ${code}, more precise than ${code}'s ${exponent} decimals`);
  const minor = BigInt(int!) * 10n ** BigInt(exponent) + BigInt(frac.slice(0, exponent).padEnd(exponent, '0') || '0');
  return { amount: minor, currency: code };
}

function tenderExponent(code: string): number {
  try {
    return currencyExponent(code);
  } catch {
    throw new PaymentsError('unknown_currency', `Tender does not know the currency ${code.slice(0, 8)}`);
  }
}
