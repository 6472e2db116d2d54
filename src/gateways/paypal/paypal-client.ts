/**
 * One PayPal SDK client per account (and per set of credentials): the official
 * `@paypal/paypal-server-sdk` with Sandbox or Production by the account's mode, an OAuth token
 * shared by the SDK and the one call it lacks (webhook signature verification), and — for tests
 * only — an `apiBase` setting that points it at a local fake of PayPal's REST API.
 */
import { createHash } from 'node:crypto';
import axios, { type AxiosAdapter } from 'axios';
import {
  Client, Environment, OrdersController, PaymentsController, type ClientCredentialsAuthManager, type OAuthToken,
} from '@paypal/paypal-server-sdk';
import { PaymentsError } from '../../errors.js';
import type { GatewayAccount } from '../gateway.js';
import { toPaypalError } from './paypal-errors.js';

const SANDBOX_HOST = 'api-m.sandbox.paypal.com';
const LIVE_HOST = 'api-m.paypal.com';
const DEFAULT_TIMEOUT_MS = 30_000;
/** A token is renewed this long before PayPal says it expires (tokens last ~9 hours). */
const TOKEN_MARGIN_SEC = 120n;
const MAX_CLIENTS = 64;

export interface PaypalCredentials {
  clientId: string;
  clientSecret: string;
  /** The id PayPal gave the webhook subscription of this account's URL (for signature checks). */
  webhookId: string | null;
}

export interface PaypalClient {
  orders: OrdersController;
  payments: PaymentsController;
  credentials: PaypalCredentials;
  /**
   * Runs one SDK call; any failure is rethrown as a PaypalApiError / PaypalNetworkError /
   * plain Error that carries no header, token or secret.
   */
  call<T>(operation: string, fn: () => Promise<T>): Promise<T>;
  /** POSTs a raw JSON body with the account's bearer token; answers status and parsed body. */
  postJson(operation: string, path: string, rawJson: string): Promise<{ status: number; body: unknown }>;
  /** GETs a path the SDK has no method for, with the account's bearer token. */
  getJson(operation: string, path: string): Promise<{ status: number; body: unknown }>;
  /** Fetches (or reuses) an OAuth token: resolves when PayPal accepts the client credentials. */
  authenticate(): Promise<void>;
}

const clients = new Map<string, PaypalClient>();

/** The account's client, built once per account, mode, credentials and API base. */
export function paypalClient(account: GatewayAccount): PaypalClient {
  const credentials = credentialsOf(account);
  const apiBase = apiBaseOf(account);
  const timeout = timeoutOf(account);
  const key = JSON.stringify([account.id, account.testMode, apiBase?.href ?? null, timeout, credentials.clientId,
    createHash('sha256').update(credentials.clientSecret).digest('hex'), credentials.webhookId]);
  const cached = clients.get(key);
  if (cached) return cached;
  const client = buildClient(account.testMode, credentials, apiBase, timeout);
  if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
  clients.set(key, client);
  return client;
}

function buildClient(testMode: boolean, credentials: PaypalCredentials, apiBase: URL | null, timeout: number): PaypalClient {
  const adapter = rewritingAdapter(apiBase);
  const tokens = tokenCache();
  const sdk = new Client({
    environment: testMode ? Environment.Sandbox : Environment.Production,
    timeout,
    clientCredentialsAuthCredentials: {
      oAuthClientId: credentials.clientId,
      oAuthClientSecret: credentials.clientSecret,
      oAuthTokenProvider: (_last, manager) => tokens.get(manager),
    },
    // The SDK has no base-URL option; its axios instance takes an adapter (see apiBaseOf).
    unstable_httpClientOptions: { adapter },
  });
  const secrets = () => [credentials.clientSecret, ...tokens.current()];
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const status = (err as { statusCode?: unknown } | null)?.statusCode;
      if (status === 401) tokens.clear(); // revoked or expired early: fetch a new one next time
      throw toPaypalError(operation, err, secrets());
    }
  };
  const host = testMode ? SANDBOX_HOST : LIVE_HOST;
  return {
    orders: new OrdersController(sdk),
    payments: new PaymentsController(sdk),
    credentials,
    call,
    postJson: (operation, path, rawJson) => raw(operation, 'POST', path, rawJson),
    getJson: (operation, path) => raw(operation, 'GET', path, undefined),
    authenticate: () => call('get OAuth token', async () => {
      await tokens.get(sdk.clientCredentialsAuthManager);
    }),
  };

  /** A call the SDK has no method for, through the same adapter, token and error handling. */
  async function raw(operation: string, method: 'GET' | 'POST', path: string, rawJson: string | undefined): Promise<{ status: number; body: unknown }> {
    return call(operation, async () => {
      const token = await tokens.get(sdk.clientCredentialsAuthManager);
      const res = await axios.request<string>({
        method,
        url: `https://${host}${path}`,
        ...(rawJson === undefined ? {} : { data: rawJson }),
        headers: { ...(rawJson === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json', authorization: `Bearer ${token.accessToken}` },
        adapter,
        timeout,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        validateStatus: () => true,
      });
      if (res.status === 401) tokens.clear();
      if (res.status >= 300) throw { statusCode: res.status, body: res.data };
      let body: unknown = null;
      try {
        body = JSON.parse(typeof res.data === 'string' ? res.data : '');
      } catch {
        body = null;
      }
      return { status: res.status, body };
    });
  }
}

/** One token per client, fetched once for concurrent callers and renewed before it expires. */
function tokenCache() {
  let token: OAuthToken | undefined;
  let inflight: Promise<OAuthToken> | undefined;
  const fresh = (t: OAuthToken | undefined): t is OAuthToken =>
    t !== undefined && (t.expiry === undefined || t.expiry - TOKEN_MARGIN_SEC > BigInt(Math.floor(Date.now() / 1000)));
  return {
    get(manager: ClientCredentialsAuthManager): Promise<OAuthToken> {
      if (fresh(token)) return Promise.resolve(token);
      inflight ??= manager.fetchToken().then(
        (t) => { token = t; inflight = undefined; return t; },
        (err: unknown) => { inflight = undefined; throw err; },
      );
      return inflight;
    },
    clear() { token = undefined; },
    current(): string[] { return token ? [token.accessToken] : []; },
  };
}

/**
 * The SDK only knows api-m.sandbox.paypal.com and api-m.paypal.com. With `settings.apiBase`
 * (for tests: a local fake of PayPal's API) every request to either host goes to that base
 * instead, through axios's own http adapter. Without it requests go to PayPal unchanged.
 */
function rewritingAdapter(apiBase: URL | null): AxiosAdapter {
  const http = axios.getAdapter('http');
  if (!apiBase) return http;
  return (config) => http(config.url ? { ...config, url: rewritePaypalUrl(config.url, apiBase) } : config);
}

/** `https://api-m.sandbox.paypal.com/v2/x?y` → `{apiBase}/v2/x?y`; other hosts are left alone. */
export function rewritePaypalUrl(url: string, apiBase: URL): string {
  const u = new URL(url);
  if (u.host !== SANDBOX_HOST && u.host !== LIVE_HOST) return url;
  const base = apiBase.href.replace(/\/+$/, '');
  return `${base}${u.pathname}${u.search}`;
}

function credentialsOf(account: GatewayAccount): PaypalCredentials {
  const { clientId, clientSecret, webhookId } = account.secrets;
  if (typeof clientId !== 'string' || !clientId || typeof clientSecret !== 'string' || !clientSecret) {
    throw new PaymentsError('gateway_unavailable',
      `PayPal account ${account.identifier} has no clientId/clientSecret for its ${account.testMode ? 'sandbox (test)' : 'live'} mode; ` +
      'set them from the PayPal developer dashboard (Apps & Credentials)');
  }
  return { clientId, clientSecret, webhookId: typeof webhookId === 'string' && webhookId ? webhookId : null };
}

function apiBaseOf(account: GatewayAccount): URL | null {
  const raw = account.settings.apiBase;
  if (raw === undefined || raw === null || raw === '') return null;
  let url: URL | null = null;
  try {
    url = typeof raw === 'string' ? new URL(raw) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new PaymentsError('gateway_unavailable', `PayPal account ${account.identifier}: settings.apiBase must be an http(s) URL (it is for tests; leave it unset for PayPal itself)`);
  }
  return url;
}

function timeoutOf(account: GatewayAccount): number {
  const t = account.settings.timeoutMs;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : DEFAULT_TIMEOUT_MS;
}
