import { createHmac } from 'node:crypto';
import { safeEqual, type KeyRing } from '../../crypto.js';
import { WebhookSignatureError } from '../gateway.js';

/** The header the test gateway signs its webhooks with (lower case, as Node delivers headers). */
export const SIGNATURE_HEADER = 'tender-test-signature';

/** A signed webhook older or newer than this is refused (Stripe's default tolerance). */
export const SIGNATURE_TOLERANCE_SEC = 300;

/**
 * The per-account signing secret: 64 hex characters derived from Tender's master key, so a test
 * account needs no configuration, and a signature made for one account never verifies for
 * another. The HMAC key is this hex string's UTF-8 bytes (as Stripe uses its `whsec_…` string).
 */
export function webhookSecret(keys: KeyRing, accountId: number): string {
  return keys.derive(`test-gateway-webhook:${accountId}`).toString('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signatureHeader(secret: string, body: string, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, `${timestampSec}.${body}`)}`;
}

/**
 * Verifies a signature header over the raw body; throws WebhookSignatureError, with a message
 * that says what to check, when it is missing, malformed, forged or outside the tolerance.
 * Every `v1=` value is tried (a sender may sign with several secrets while rotating).
 */
export function verifySignature(secret: string, body: string, header: string | string[] | undefined, nowSec: number): void {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value === '') {
    throw new WebhookSignatureError(`Missing ${SIGNATURE_HEADER} header: webhooks of a test account must be sent by Tender's test gateway`);
  }
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v !== undefined && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    if (k === 'v1' && v !== undefined) signatures.push(v);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookSignatureError(`Malformed ${SIGNATURE_HEADER} header: expected "t=<unix seconds>,v1=<hex HMAC-SHA256>"`);
  }
  const expected = hmacHex(secret, `${timestamp}.${body}`);
  // Compare every candidate (no early exit) in constant time per candidate.
  const matched = signatures.reduce((ok, s) => safeEqual(s, expected) || ok, false);
  if (!matched) {
    throw new WebhookSignatureError(
      'Webhook signature does not match: the body was altered after signing, or it was signed for another payment account (each account id has its own secret)',
    );
  }
  const skew = Math.abs(nowSec - timestamp);
  if (skew > SIGNATURE_TOLERANCE_SEC) {
    throw new WebhookSignatureError(
      `Webhook timestamp is ${skew} s away from now (tolerance ${SIGNATURE_TOLERANCE_SEC} s): a replayed event, or check the server clock`,
    );
  }
}

function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}
