/**
 * "Test connection" for a PayPal account (used by the admin accounts API): are the client
 * credentials accepted, does the webhook id exist in that app, does it point at this account's
 * URL and receive every event Tender uses? The answer never contains a secret.
 */
import type { GatewayAccount } from '../gateway.js';
import { paypalClient } from './paypal-client.js';
import { PaypalApiError } from './paypal-errors.js';
import { PAYPAL_EVENT_TYPES } from './paypal-events.js';

export interface ConnectionCheck { ok: boolean; message: string }

interface WebhookBody { url?: unknown; event_types?: { name?: unknown }[] }

export async function testPaypalConnection(account: GatewayAccount): Promise<ConnectionCheck> {
  const mode = account.testMode ? 'sandbox' : 'live';
  const client = paypalClient(account);
  try {
    await client.authenticate();
  } catch (err) {
    return { ok: false, message: `PayPal (${mode}) refused the client credentials: ${(err as Error).message}` };
  }
  const webhookId = client.credentials.webhookId;
  const accepted = `PayPal (${mode}) accepted the client credentials.`;
  if (!webhookId) return { ok: false, message: `${accepted} No webhookId is set: add a webhook for /api/webhooks/${account.id} in the PayPal app and copy its Webhook ID into the account secrets.` };
  let webhook: WebhookBody;
  try {
    webhook = ((await client.getJson('get webhook', `/v1/notifications/webhooks/${encodeURIComponent(webhookId)}`)).body ?? {}) as WebhookBody;
  } catch (err) {
    if (err instanceof PaypalApiError && err.status === 404) {
      return { ok: false, message: `${accepted} But this app has no webhook with the configured webhookId: copy the Webhook ID of the app these credentials belong to.` };
    }
    return { ok: false, message: `${accepted} The webhook could not be read: ${(err as Error).message}` };
  }
  const problems: string[] = [];
  const url = typeof webhook.url === 'string' ? webhook.url : '';
  if (!new RegExp(`/api/webhooks/${account.id}/?$`).test(url)) problems.push(`its URL ${url || '(none)'} is not this account's /api/webhooks/${account.id}`);
  const names = new Set((webhook.event_types ?? []).map((e) => e.name));
  const missing = names.has('*') ? [] : PAYPAL_EVENT_TYPES.filter((t) => !names.has(t));
  if (missing.length) problems.push(`it does not receive ${missing.join(', ')}`);
  return problems.length
    ? { ok: false, message: `${accepted} The webhook exists, but ${problems.join('; and ')}.` }
    : { ok: true, message: `${accepted} The webhook points to ${url} and receives every event Tender uses.` };
}
