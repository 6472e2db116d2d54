/**
 * The test gateway's card network: which number does what, and how a typed card becomes a
 * token. Pure (the clock is passed in). Nothing here keeps the number: `readCard` returns only
 * brand, last four digits, expiry and the scenario the number selects.
 */
import { luhnValid } from '../../domain/luhn.js';

/** What a card does when it is used (NOTE.md lists the numbers). */
export type CardScenario = 'succeeds' | 'requires_action' | 'card_declined' | 'insufficient_funds';

/** The documented test numbers; any other valid (Luhn) number succeeds, as in Stripe's test mode. */
export const TEST_CARDS: Readonly<Record<string, CardScenario>> = Object.freeze({
  '4242424242424242': 'succeeds',
  '4000002760003184': 'requires_action',
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
});

export interface CardInput {
  /** As typed: digits, optionally grouped with spaces or dashes. */
  number: string;
  expMonth: number;
  /** Two or four digits. */
  expYear: number;
  cvc: string;
}

export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  scenario: CardScenario;
}

export type CardCheckCode = 'invalid_number' | 'invalid_expiry' | 'expired_card' | 'invalid_cvc';

export type ReadCardResult = { ok: true; card: CardDetails } | { ok: false; code: CardCheckCode; message: string };

/** Messages never repeat what was typed, so they are safe to render and to log. */
const MESSAGES: Record<CardCheckCode, string> = {
  invalid_number: 'The card number is not valid. Check it and try again.',
  invalid_expiry: 'The expiry date is not valid. Use MM/YY.',
  expired_card: 'The card has expired.',
  invalid_cvc: 'The security code (CVC) must be 3 or 4 digits.',
};

export function readCard(input: CardInput, now: Date): ReadCardResult {
  const digits = input.number.replace(/[ -]/g, '');
  if (!/^[0-9]{12,19}$/.test(digits) || !luhnValid(digits)) return fail('invalid_number');
  const expYear = input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12 || !Number.isInteger(expYear) || expYear < 2000 || expYear > 2199) {
    return fail('invalid_expiry');
  }
  // A card is valid through the last day of its expiry month (UTC, as the network's clock).
  if (expYear * 12 + input.expMonth < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1) return fail('expired_card');
  if (!/^[0-9]{3,4}$/.test(input.cvc)) return fail('invalid_cvc');
  return {
    ok: true,
    card: { brand: cardBrand(digits), last4: digits.slice(-4), expMonth: input.expMonth, expYear, scenario: TEST_CARDS[digits] ?? 'succeeds' },
  };
}

/** Parses the checkout form's "MM/YY" (or "MM / YYYY", "MMYY"). */
export function parseExpiry(value: string): { expMonth: number; expYear: number } | undefined {
  const m = /^\s*(\d{1,2})\s*[/-]?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!m) return undefined;
  return { expMonth: Number(m[1]), expYear: Number(m[2]) };
}

/** Brand from the issuer identification number (first digits), as card networks assign them. */
export function cardBrand(digits: string): string {
  const six = Number(digits.slice(0, 6));
  if (digits.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(digits) || (six >= 222100 && six <= 272099)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  if (/^35(2[89]|[3-8])/.test(digits)) return 'jcb';
  if (/^3(0[0-5]|[689])/.test(digits)) return 'diners';
  if (digits.startsWith('62')) return 'unionpay';
  return 'unknown';
}

function fail(code: CardCheckCode): ReadCardResult {
  return { ok: false, code, message: MESSAGES[code] };
}
