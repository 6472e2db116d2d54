/**
 * PayPal signs webhooks with a certificate; Tender asks PayPal to check the signature
 * (POST /v1/notifications/verify-webhook-signature) with the transmission headers, the
 * account's webhook id and the event. The SDK has no method for this call.
 */
import { WebhookSignatureError } from '../gateway.js';
import type { PaypalClient } from './paypal-client.js';
import { PaypalApiError } from './paypal-errors.js';

const HEADERS = {
  auth_algo: 'paypal-auth-algo',
  cert_url: 'paypal-cert-url',
  transmission_id: 'paypal-transmission-id',
  transmission_sig: 'paypal-transmission-sig',
  transmission_time: 'paypal-transmission-time',
} as const;

/**
 * Resolves when PayPal answers `verification_status: SUCCESS`. Throws WebhookSignatureError
 * when the request cannot be from PayPal for this account (headers missing, FAILURE, PayPal
 * refusing the verification request), and a plain error when PayPal cannot be asked (network,
 * 5xx, Tender's own credentials refused): then the webhook is answered 400 and PayPal retries.
 */
export async function verifyPaypalWebhook(client: PaypalClient, rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<void> {
  const webhookId = client.credentials.webhookId;
  if (!webhookId) {
    throw new WebhookSignatureError('this PayPal account has no webhookId: copy the Webhook ID shown for this URL in the PayPal app (Apps & Credentials → Webhooks) into the account secrets');
  }
  const fields: Record<string, string> = {};
  for (const [field, name] of Object.entries(HEADERS)) {
    const value = header(headers, name);
    if (!value) throw new WebhookSignatureError(`the ${name} header is missing; PayPal sends it with every webhook`);
    fields[field] = value;
  }
  if (!isJsonObject(rawBody)) throw new WebhookSignatureError('the body is not a JSON object, so it is not a PayPal event');
  // The event goes back to PayPal byte for byte: PayPal checks the signature over the body it
  // sent, and re-serialized JSON (key order, spacing, number format) can differ from it.
  const request = `{${Object.entries({ ...fields, webhook_id: webhookId }).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')},"webhook_event":${rawBody}}`;
  let answer: { status: number; body: unknown };
  try {
    answer = await client.postJson('verify webhook signature', '/v1/notifications/verify-webhook-signature', request);
  } catch (err) {
    if (err instanceof PaypalApiError && err.status === 400) {
      throw new WebhookSignatureError(`PayPal refused to verify it (${err.issue ?? err.paypalName ?? 'INVALID_REQUEST'}): the transmission headers are not PayPal's`);
    }
    throw err;
  }
  const status = (answer.body as { verification_status?: unknown } | null)?.verification_status;
  if (status !== 'SUCCESS') {
    throw new WebhookSignatureError(`PayPal answered verification_status ${typeof status === 'string' ? status.slice(0, 20) : 'missing'}: the event is forged or altered, or was sent for another webhook than this account's webhookId`);
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  let v = headers[name];
  if (v === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : headers[key];
  }
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' && first.length > 0 && first.length <= 4096 ? first : null;
}

function isJsonObject(raw: string): boolean {
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}
