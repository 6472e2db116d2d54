/**
 * Stripe API clients, one per account key, and the translation of the SDK's errors into errors
 * of our own (SDK types never leave this folder, and no message may carry a key).
 */
import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { GatewayAccount } from '../gateway.js';
import { parseApiBase, redact } from './stripe-text.js';

export { parseApiBase, redact };

/** Stripe's client with the SDK types, for use inside this folder only. */
export type StripeClient = Stripe;

/** Thrown when Stripe could not be asked or answered with something other than a refusal. */
export class StripeGatewayError extends Error {
  readonly code: string;
  /** The HTTP status Stripe answered, if it answered. */
  readonly statusCode: number | null;
  constructor(code: string, message: string, statusCode: number | null = null) {
    super(message);
    this.name = 'StripeGatewayError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** A refusal by Stripe (4xx): a definite answer that changed nothing, safe to return as a value. */
export interface StripeRefusal {
  kind: 'card' | 'request';
  code: string;
  declineCode: string | null;
  message: string;
  statusCode: number;
  /** The PaymentIntent Stripe attached to a card error (its state after the decline). */
  paymentIntent: Stripe.PaymentIntent | null;
}

const clients = new Map<string, Stripe>();
const MAX_CLIENTS = 100;

/**
 * The client for an account's active mode. The key is the decrypted `secrets.secretKey`; the
 * optional `settings.apiBase` (e.g. `http://127.0.0.1:12111`) points the SDK at another host —
 * for tests and egress proxies; by default the SDK talks to api.stripe.com.
 */
export function stripeClient(account: GatewayAccount): Stripe {
  const key = account.secrets.secretKey;
  if (!key) {
    throw new StripeGatewayError('stripe_not_configured',
      `Payment account ${account.identifier} has no Stripe secret key for ${account.testMode ? 'test' : 'live'} mode; set ${account.testMode ? 'testSecrets' : 'secrets'}.secretKey with PATCH /api/admin/accounts/${account.id}`);
  }
  const base = apiBase(account);
  const cacheKey = createHash('sha256').update(`${key}\n${base ?? ''}`).digest('hex');
  const cached = clients.get(cacheKey);
  if (cached) return cached;
  const config: Stripe.StripeConfig = {
    // The SDK retries network failures with the same Idempotency-Key, so a retry never pays twice.
    maxNetworkRetries: 2,
    timeout: 30_000,
    appInfo: { name: 'Tender' },
    telemetry: false,
  };
  if (base) {
    config.host = base.hostname;
    config.port = base.port || (base.protocol === 'http:' ? '80' : '443');
    config.protocol = base.protocol === 'http:' ? 'http' : 'https';
  }
  const client = new Stripe(key, config);
  if (clients.size >= MAX_CLIENTS) clients.clear();
  clients.set(cacheKey, client);
  return client;
}

function apiBase(account: GatewayAccount): URL | null {
  const raw = account.settings.apiBase;
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw new StripeGatewayError('stripe_not_configured', `Payment account ${account.identifier}: settings.apiBase must be a URL string`);
  const url = parseApiBase(raw);
  if (!url) throw new StripeGatewayError('stripe_not_configured', `Payment account ${account.identifier}: settings.apiBase must be an http(s) URL without a path, e.g. http://127.0.0.1:12111`);
  return url;
}


interface SdkError {
  type?: string;
  rawType?: string;
  code?: string;
  decline_code?: string;
  statusCode?: number;
  message?: string;
  raw?: { payment_intent?: Stripe.PaymentIntent };
}

/** A 4xx refusal, as a value; null for anything that leaves the outcome unknown. */
export function refusalOf(err: unknown): StripeRefusal | null {
  const e = err as SdkError | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string') return null;
  if (e.type === 'StripeCardError') {
    return {
      kind: 'card', code: e.code ?? 'card_declined', declineCode: e.decline_code ?? null, message: redact(e.message ?? 'The card was declined'),
      statusCode: e.statusCode ?? 402, paymentIntent: e.raw?.payment_intent ?? null,
    };
  }
  if (e.type === 'StripeInvalidRequestError' || e.type === 'StripeIdempotencyError') {
    return {
      kind: 'request', code: e.code ?? (e.type === 'StripeIdempotencyError' ? 'idempotency_error' : 'invalid_request'), declineCode: null,
      message: redact(e.message ?? 'Stripe refused the request'), statusCode: e.statusCode ?? 400, paymentIntent: null,
    };
  }
  return null;
}

/**
 * Any SDK error → StripeGatewayError with a message that names no key. Authentication,
 * permission, rate-limit, API and connection errors mean "not done or unknown".
 */
export function toGatewayError(err: unknown, what: string): StripeGatewayError {
  if (err instanceof StripeGatewayError) return err;
  const e = err as SdkError | null;
  const type = typeof e?.type === 'string' ? e.type : 'Error';
  const code = e?.code ?? CODES[type] ?? 'stripe_error';
  const message = redact(typeof e?.message === 'string' ? e.message : String(err));
  return new StripeGatewayError(code, `Stripe ${what} failed (${type}): ${message}`, e?.statusCode ?? null);
}

const CODES: Record<string, string> = {
  StripeAuthenticationError: 'stripe_authentication_failed',
  StripePermissionError: 'stripe_permission_denied',
  StripeRateLimitError: 'stripe_rate_limited',
  StripeConnectionError: 'stripe_unreachable',
  StripeAPIError: 'stripe_api_error',
};

