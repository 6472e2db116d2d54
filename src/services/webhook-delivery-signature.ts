import { createHmac } from 'node:crypto';

/**
 * `Tender-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`: one HMAC-SHA256 of `"<t>.<body>"`
 * per secret (two while a rotated secret's grace period lasts). Checked by the SDK's
 * verifyWebhook (src/sdk/verify-webhook.ts).
 */
export function webhookSignatureHeader(body: string, secrets: readonly string[], timestamp: number): string {
  const signed = `${timestamp}.${body}`;
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${createHmac('sha256', s).update(signed).digest('hex')}`)].join(',');
}
