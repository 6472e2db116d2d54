/**
 * The admin SDK entry: everything the panel at /admin does, usable from any code.
 *
 * Two ways to authenticate:
 * - `adminToken` (server side: scripts, back offices): `Authorization: Bearer`, no CSRF;
 * - no token (a browser page on Tender's own origin, like the panel): `Auth.login()` sets the
 *   HttpOnly session cookie, and every write carries the session's `x-csrf-token`.
 */
import { AdminAccountsClient } from './admin-accounts.js';
import { AdminAuthClient, type CsrfHolder } from './admin-auth.js';
import { AdminWebhooksClient } from './admin-webhooks.js';
import { AdminClient } from './admin.js';
import { HttpClient, type FetchLike } from './http-client.js';

export interface TenderAdminConfig {
  /** An admin API token (`tender admin-token create NAME`). Leave out in a browser: sign in with `Auth.login`. */
  adminToken?: string;
  /** Custom fetch implementation. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Retries of a failed attempt (network error, 5xx, 429, 409 `idempotency_in_progress`). Default 2; sign-in never retries. */
  retries?: number;
}

export interface TenderAdmin {
  /** Sign-in of admin users (cookie sessions). */
  Auth: AdminAuthClient;
  /** Payments, sessions, orders, refund requests, status mappings, dashboard. */
  Admin: AdminClient;
  /** Payment accounts. */
  Accounts: AdminAccountsClient;
  /** Webhook endpoints, deliveries, events, replays. */
  Webhooks: AdminWebhooksClient;
}

/**
 * Creates an admin client for a Tender server.
 * @param url Tender's URL (`''` for the page's own origin, as the panel does).
 * @example
 * // In a browser page served by Tender:
 * const { Auth, Admin } = defineTenderAdmin('');
 * await Auth.login('admin@example.com', password);
 * const { items } = await Admin.listPayments({ status: 'captured', sort: 'amount_desc' });
 */
export function defineTenderAdmin(url: string, config: TenderAdminConfig = {}): TenderAdmin {
  const csrf: CsrfHolder = { token: undefined };
  const transport = (retries: number) => {
    const http = new HttpClient({
      url: url.replace(/\/+$/, ''),
      token: '',
      langCode: 'en_US',
      providerMarker: 'email',
      fetch: config.fetch,
      retries,
      credentials: config.adminToken === undefined ? 'same-origin' : undefined,
      headers: (method): Record<string, string> => (method !== 'GET' && csrf.token && config.adminToken === undefined ? { 'x-csrf-token': csrf.token } : {}),
    });
    if (config.adminToken !== undefined) http.accessToken = config.adminToken;
    return http;
  };
  const http = transport(config.retries ?? 2);
  return {
    Auth: new AdminAuthClient(transport(0), csrf),
    Admin: new AdminClient(http),
    Accounts: new AdminAccountsClient(http),
    Webhooks: new AdminWebhooksClient(http),
  };
}

export { AdminAuthClient, AdminAccountsClient, AdminWebhooksClient, AdminClient };
export type * from './admin-types.js';
export type { AdminAccount, AdminAccountsList, CreateAccountBody, UpdateAccountBody, TestConnectionResult } from './admin-accounts.js';
export type {
  WebhookEndpoint, WebhookEndpointWithSecret, WebhookDelivery, WebhookDeliveryList, ReplayResult, TenderEventItem, EventsPage,
} from './admin-webhooks.js';
export type { AdminOrdersPage, AdminRefundRequestsPage } from './admin.js';
export { TenderApiError, TenderNetworkError } from './errors.js';
