/**
 * What each payment account type accepts as secrets and settings. Messages name the field and
 * what is expected, never the value (a mistyped key must not end up in a response or a log).
 */
import type { AccountType } from '../gateways/gateway.js';
import { parseApiBase } from '../gateways/stripe/stripe-text.js';
import { PaymentsError } from '../errors.js';

export type Mode = 'live' | 'test';

/** The secret fields of each account type (the only keys `secrets`/`testSecrets` may hold). */
export const SECRET_FIELDS: Readonly<Record<AccountType, readonly string[]>> = {
  stripe: ['secretKey', 'webhookSecret'],
  paypal: ['clientId', 'clientSecret', 'webhookId'],
  custom: [],
  test: [],
};

type Check = (value: string, mode: Mode) => string | null;

const SECRET_CHECKS: Record<string, Check> = {
  'stripe.secretKey': (v, mode) => {
    if (/^pk_/.test(v)) return 'is a publishable key; the secret key starts with sk_ (or rk_ for a restricted key). Publishable keys go to settings.publishableKey';
    const m = /^(sk|rk)_(live|test)_[A-Za-z0-9]{8,240}$/.exec(v);
    if (!m) return 'must be a Stripe secret key (sk_live_…, sk_test_…) or restricted key (rk_…)';
    if (m[2] !== mode) return mode === 'test' ? 'must be a test-mode key (sk_test_… / rk_test_…) in testSecrets' : 'must be a live-mode key (sk_live_… / rk_live_…) in secrets; put test keys in testSecrets and set testMode';
    return null;
  },
  'stripe.webhookSecret': (v) => (/^whsec_[A-Za-z0-9+/=_-]{8,200}$/.test(v) ? null : 'must be the endpoint\'s signing secret (whsec_…)'),
  'paypal.clientId': (v) => (/^[A-Za-z0-9_-]{8,200}$/.test(v) ? null : 'must be a PayPal REST app client id (letters, digits, - and _)'),
  'paypal.clientSecret': (v) => (/^[A-Za-z0-9_-]{8,200}$/.test(v) ? null : 'must be a PayPal REST app secret (letters, digits, - and _)'),
  'paypal.webhookId': (v) => (/^[A-Za-z0-9_-]{1,100}$/.test(v) ? null : 'must be the PayPal webhook id'),
};

export function validateSecrets(type: AccountType, mode: Mode, secrets: Record<string, string>): void {
  const field = mode === 'test' ? 'testSecrets' : 'secrets';
  const allowed = SECRET_FIELDS[type];
  for (const [key, value] of Object.entries(secrets)) {
    if (!allowed.includes(key)) {
      throw invalid(`${field}.${key}`, allowed.length === 0
        ? `accounts of type ${type} take no secrets`
        : `is not a secret of ${type} accounts (allowed: ${allowed.join(', ')})`);
    }
    const problem = SECRET_CHECKS[`${type}.${key}`]?.(value, mode) ?? null;
    if (problem) throw invalid(`${field}.${key}`, problem);
  }
}

const STRIPE_SETTINGS: Record<string, (v: unknown) => string | null> = {
  apiBase: (v) => (typeof v === 'string' && parseApiBase(v) ? null : 'must be an http(s) URL with no path, e.g. http://127.0.0.1:12111 (for tests and proxies)'),
  publishableKey: (v) => (typeof v === 'string' && /^pk_(live|test)_[A-Za-z0-9]{8,240}$/.test(v) ? null : 'must be a Stripe publishable key (pk_live_… / pk_test_…)'),
  allowedPaymentMethodTypes: (v) =>
    Array.isArray(v) && v.length > 0 && v.length <= 40 && v.every((t) => typeof t === 'string' && /^[a-z_]{2,40}$/.test(t))
      ? null : 'must be a list of Stripe payment method types, e.g. ["card"]',
};

/** Settings are public (the storefront sees them): known keys per type, and never a secret. */
export function validateSettings(type: AccountType, field: 'settings' | 'testSettings', settings: Record<string, unknown>): void {
  if (JSON.stringify(settings).length > 10_000) throw invalid(field, 'is larger than 10 000 characters of JSON');
  const leak = secretPath(settings, field);
  if (leak) throw invalid(leak, 'looks like a secret; settings are public — put secrets in secrets/testSecrets');
  if (type !== 'stripe') return;
  for (const [key, value] of Object.entries(settings)) {
    const check = STRIPE_SETTINGS[key];
    if (!check) throw invalid(`${field}.${key}`, `is not a Stripe account setting (known: ${Object.keys(STRIPE_SETTINGS).join(', ')})`);
    const problem = check(value);
    if (problem) throw invalid(`${field}.${key}`, problem);
  }
}

/** Stripe Checkout Sessions live between 30 minutes and 24 hours. */
export function validateLifetime(type: AccountType, seconds: number): void {
  if (type === 'stripe' && (seconds < 1800 || seconds > 86400)) {
    throw invalid('sessionLifetimeSec', 'must be between 1800 and 86400 for Stripe accounts (Stripe Checkout Sessions expire after 30 minutes to 24 hours)');
  }
}

const SECRET_VALUE = /^(sk|rk)_(live|test)_|^whsec_|^-----BEGIN [A-Z ]*PRIVATE KEY/;
const SECRET_NAME = /secret|password|private|^apikey$/i;

function secretPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = secretPath(v, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_NAME.test(k) && v !== null && v !== '') return `${path}.${k}`;
      const found = secretPath(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return null;
}

function invalid(path: string, problem: string): PaymentsError {
  return new PaymentsError('validation_failed', `${path} ${problem}`, { issues: [{ path, message: problem }] });
}
