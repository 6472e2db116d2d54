/**
 * Checking Tender webhooks in a merchant's receiver. Uses Web Crypto (`globalThis.crypto`), so it
 * runs on Node ≥ 20, Deno, Bun and edge runtimes without a Node-only import.
 */
import type { TenderEvent } from '../contract/webhooks.js';
import { TenderError } from './errors.js';

/** Why {@link verifyWebhook} refused a request. */
export type WebhookSignatureFailure = 'missing_header' | 'malformed_header' | 'timestamp_out_of_tolerance' | 'signature_mismatch' | 'invalid_body';

/** The webhook was not signed by Tender with this secret, or is too old: do not act on it. */
export class WebhookSignatureError extends TenderError {
  /** Stable code of this error class. */
  readonly code = 'webhook_signature_invalid';
  readonly reason: WebhookSignatureFailure;

  constructor(reason: WebhookSignatureFailure, message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
    this.reason = reason;
  }
}

/** A webhook's body: `{id, type, created, data: {object, …}}`. */
export type TenderWebhookEvent = TenderEvent;

const encoder = new TextEncoder();

/**
 * Verifies the `Tender-Signature` header of a webhook and returns the parsed event.
 *
 * The header is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with a second
 * `v1=` while the endpoint's previous secret is still in its rotation grace period; one
 * matching `v1` is enough. Signatures are compared in constant time (Web Crypto `verify`).
 *
 * @param rawBody The request body exactly as received (string or bytes) — not re-serialized JSON,
 *   which would change the bytes and fail the check.
 * @param signatureHeader The `Tender-Signature` header value.
 * @param secret The endpoint's signing secret (`whsec_…`), or several (e.g. while you rotate).
 * @param toleranceSeconds Largest accepted distance between `t` and now, in seconds (default 300),
 *   which bounds replays of a captured request.
 * @throws {WebhookSignatureError} if the header is missing or malformed, the timestamp is outside
 *   the tolerance, no signature matches, or the body is not JSON.
 * @example
 * // Express: app.post('/tender', express.raw({ type: 'application/json' }), async (req, res) => {
 * const event = await verifyWebhook(req.body, req.get('tender-signature'), process.env.TENDER_WEBHOOK_SECRET);
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  secret: string | readonly string[],
  toleranceSeconds = 300,
): Promise<TenderWebhookEvent> {
  if (!signatureHeader) {
    throw new WebhookSignatureError('missing_header', 'No Tender-Signature header: is this request from Tender, and does your framework pass headers through?');
  }
  const { timestamp, signatures } = parseHeader(signatureHeader);
  const now = Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > toleranceSeconds) {
    throw new WebhookSignatureError('timestamp_out_of_tolerance',
      `Tender-Signature timestamp ${timestamp} is ${now - timestamp} s from now (tolerance ${toleranceSeconds} s): a replayed request, or this server's clock is wrong`);
  }
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const signed = concat(encoder.encode(`${timestamp}.`), body);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0 || secrets.some((s) => typeof s !== 'string' || s === '')) {
    throw new TypeError('verifyWebhook needs the endpoint\'s signing secret (whsec_…), shown when the endpoint was created or its secret rotated');
  }
  let matched = false;
  for (const s of secrets) {
    const key = await crypto.subtle.importKey('raw', encoder.encode(s), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    for (const sig of signatures) {
      if (await crypto.subtle.verify('HMAC', key, sig, signed)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookSignatureError('signature_mismatch',
      'No Tender-Signature v1 value matches this body and secret: check that you pass the raw body (not parsed and re-serialized JSON) and this endpoint\'s current secret');
  }
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)) as TenderWebhookEvent;
  } catch {
    throw new WebhookSignatureError('invalid_body', 'The signed body is not JSON');
  }
}

function parseHeader(header: string): { timestamp: number; signatures: Uint8Array<ArrayBuffer>[] } {
  let timestamp: number | undefined;
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^[0-9]{1,12}$/.test(value)) timestamp = Number(value);
    // Other schemes (v0, future versions) are ignored, as Stripe does.
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(hexBytes(value));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookSignatureError('malformed_header', 'Tender-Signature must look like "t=<unix seconds>,v1=<64 hex digits>"');
  }
  return { timestamp, signatures };
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
