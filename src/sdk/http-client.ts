/**
 * Transport of the Tender SDK: one instance per `defineTender` call, shared by every module,
 * so a token obtained by `AuthProvider.auth` is used by `Orders` and `Payments` too.
 *
 * Runs on Node >= 18 and in browsers: only global `fetch` and `crypto` are used, and no
 * server code is imported at runtime (contract types are `import type`).
 */
import { apiErrorFromResponse, TenderApiError, TenderError, TenderNetworkError } from './errors.js';
import { randomId } from './random-id.js';

/** The subset of `fetch` the SDK needs; pass your own (e.g. undici, a mock) via config. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Called with the new refresh token after login/refresh, and with `''` after logout. */
export type SaveFunction = (refreshToken: string) => void | Promise<void>;

/** Settings of a {@link HttpClient}. */
export interface HttpClientConfig {
  /** Project URL without trailing slash. */
  url: string;
  /** App token sent as `x-app-token`. */
  token: string;
  /** Default language code. */
  langCode: string;
  /** Initial refresh token, to resume a session. */
  refreshToken?: string | undefined;
  saveFunction?: SaveFunction | undefined;
  /** Provider marker of the automatic refresh endpoint. */
  providerMarker: string;
  fetch?: FetchLike | undefined;
  /** Retries after the first attempt on network errors, 5xx, 429 and 409 `idempotency_in_progress`. */
  retries: number;
  /**
   * `credentials` of every fetch, e.g. `'same-origin'` for the admin panel's session cookie.
   * Default: left to fetch (browsers send same-origin cookies; Node's fetch sends none).
   */
  credentials?: RequestCredentials | undefined;
  /** Extra headers computed per attempt (e.g. the panel's `x-csrf-token`). */
  headers?: ((method: HttpMethod) => Record<string, string>) | undefined;
}

/** HTTP methods the API uses; every non-GET call carries an `Idempotency-Key`. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One logical SDK call. */
export interface RequestSpec {
  method: HttpMethod;
  /** Path from the project URL, with path segments already encoded (see {@link seg}). */
  path: string;
  /** Ordered query parameters; `undefined`/`null` values are left out, others encoded. */
  query?: ReadonlyArray<readonly [string, string | number | boolean | null | undefined]>;
  /** JSON body, or a function computing it on each attempt (e.g. after a token rotation). */
  body?: unknown;
  /** Refresh the tokens and retry once on 401. Default true; false for credential endpoints. */
  autoRefresh?: boolean;
  /** Send `Authorization: Bearer` when an access token is held. Default true. */
  bearer?: boolean;
  /**
   * `Idempotency-Key` of a write, e.g. one the caller persisted to retry safely across process
   * restarts. Default: a new random key per call (reused by that call's own retries).
   */
  idempotencyKey?: string | undefined;
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The access token sent with this attempt, to tell whether someone refreshed since. */
  sentAccessToken: string | undefined;
}

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;
/** Retry-After values above this are ignored (as stripe-node does), the backoff applies. */
const MAX_RETRY_AFTER_S = 60;

/** Encodes one path segment. */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}

/**
 * Sends SDK calls: headers (`x-app-token`, Bearer, `Idempotency-Key`), retries with backoff,
 * the shared automatic token refresh on 401, and error mapping to {@link TenderApiError}.
 */
export class HttpClient {
  readonly url: string;
  readonly langCode: string;
  readonly providerMarker: string;
  /** Bearer token held for protected calls. */
  accessToken: string | undefined;
  /** Refresh token held for the automatic refresh. */
  refreshToken: string | undefined;

  readonly #token: string;
  readonly #saveFunction: SaveFunction | undefined;
  readonly #fetch: FetchLike;
  readonly #retries: number;
  readonly #deviceMetadata: string;
  readonly #credentials: RequestCredentials | undefined;
  readonly #headers: HttpClientConfig['headers'];
  #refreshInFlight: Promise<boolean> | undefined;

  constructor(config: HttpClientConfig) {
    this.url = config.url;
    this.langCode = config.langCode;
    this.providerMarker = config.providerMarker;
    this.refreshToken = config.refreshToken || undefined;
    this.#token = config.token;
    this.#saveFunction = config.saveFunction;
    this.#retries = config.retries;
    this.#credentials = config.credentials;
    this.#headers = config.headers;
    if (config.fetch) {
      this.#fetch = config.fetch;
    } else if (typeof globalThis.fetch === 'function') {
      // Called through globalThis: browsers throw "Illegal invocation" for a detached fetch.
      this.#fetch = (input, init) => globalThis.fetch(input, init);
    } else {
      throw new TenderError('No global fetch (Node < 18?): pass `fetch` in the config.');
    }
    this.#deviceMetadata = deviceMetadata();
  }

  /** Performs one SDK call and returns its parsed JSON (`undefined` for an empty body). */
  async request<T>(spec: RequestSpec): Promise<T> {
    // One key per logical call, reused across this call's retries so the server can dedupe.
    const idempotencyKey = spec.method === 'GET' ? undefined : (spec.idempotencyKey ?? randomId());
    let res = await this.#sendWithRetries(spec, idempotencyKey);
    if (res.status === 401 && spec.autoRefresh !== false && (await this.#recoverFrom401(res.sentAccessToken))) {
      res = await this.#sendWithRetries(spec, idempotencyKey);
    }
    return parseResponse<T>(res);
  }

  /** Stores a new token pair and hands the refresh token to `saveFunction`. */
  async storeTokens(accessToken: string, refreshToken: string): Promise<void> {
    this.accessToken = accessToken;
    this.refreshToken = refreshToken;
    if (refreshToken) await this.#saveFunction?.(refreshToken);
  }

  /** Forgets both tokens and calls `saveFunction('')`. */
  async clearTokens(): Promise<void> {
    this.accessToken = undefined;
    this.refreshToken = undefined;
    await this.#saveFunction?.('');
  }

  /**
   * After a 401: true when the call should be retried with fresh tokens. Concurrent callers
   * share one refresh; a caller whose 401 arrives after another call already refreshed just
   * retries, so a rotating refresh token is never spent twice.
   */
  async #recoverFrom401(sentAccessToken: string | undefined): Promise<boolean> {
    if (this.#refreshInFlight) return this.#refreshInFlight;
    if (this.accessToken !== undefined && this.accessToken !== sentAccessToken) return true;
    if (!this.refreshToken) return false;
    this.#refreshInFlight = this.#refresh().finally(() => {
      this.#refreshInFlight = undefined;
    });
    return this.#refreshInFlight;
  }

  async #refresh(): Promise<boolean> {
    const res = await this.#sendWithRetries(
      {
        method: 'POST',
        path: `/api/content/users-auth-providers/marker/${seg(this.providerMarker)}/users/refresh`,
        body: { refreshToken: this.refreshToken },
        bearer: false,
      },
      randomId(),
    );
    if (res.status < 200 || res.status >= 300) return false;
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      return false;
    }
    const { accessToken, refreshToken } = (body ?? {}) as { accessToken?: unknown; refreshToken?: unknown };
    if (typeof accessToken !== 'string' || !accessToken || typeof refreshToken !== 'string' || !refreshToken) {
      return false;
    }
    await this.storeTokens(accessToken, refreshToken);
    return true;
  }

  async #sendWithRetries(spec: RequestSpec, idempotencyKey: string | undefined): Promise<RawResponse> {
    for (let retries = 0; ; retries++) {
      let res: RawResponse | undefined;
      let failure: unknown;
      try {
        res = await this.#send(spec, idempotencyKey);
      } catch (error) {
        failure = error;
      }
      if (!this.#shouldRetry(res, retries)) {
        if (res) return res;
        const reason = failure instanceof Error ? failure.message : String(failure);
        const retried = retries > 0 ? ` (retried ${retries} times)` : '';
        throw new TenderNetworkError(`${spec.method} ${spec.path} failed: ${reason}${retried}`, failure);
      }
      await sleep(sleepTimeMs(retries + 1, res ? retryAfterSeconds(res.headers) : undefined));
    }
  }

  /** Same policy as stripe-node's RequestSender._shouldRetry, plus 429. */
  #shouldRetry(res: RawResponse | undefined, retries: number): boolean {
    if (retries >= this.#retries) return false;
    if (!res) return true; // network error: safe to retry, the Idempotency-Key dedupes writes
    if (res.status === 429 || res.status >= 500) return true;
    // Another request with the same key is still running: wait for it, then get its replay.
    return res.status === 409 && errorCode(res.text) === 'idempotency_in_progress';
  }

  async #send(spec: RequestSpec, idempotencyKey: string | undefined): Promise<RawResponse> {
    // An empty app token (the admin panel has none) sends no header rather than an empty one.
    const headers: Record<string, string> = { Accept: 'application/json', ...(this.#token !== '' ? { 'x-app-token': this.#token } : {}), ...this.#headers?.(spec.method) };
    const body = typeof spec.body === 'function' ? (spec.body as () => unknown)() : spec.body;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.method === 'POST') headers['x-device-metadata'] = this.#deviceMetadata;
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    const sentAccessToken = spec.bearer === false ? undefined : this.accessToken;
    if (sentAccessToken) headers.Authorization = `Bearer ${sentAccessToken}`;

    const init: RequestInit = { method: spec.method, headers };
    if (this.#credentials) init.credentials = this.#credentials;
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await this.#fetch(this.url + spec.path + queryString(spec.query), init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, sentAccessToken };
  }
}

function parseResponse<T>(res: RawResponse): T {
  const requestId = res.headers.get('x-request-id');
  if (res.status < 200 || res.status >= 300) throw apiErrorFromResponse(res.status, res.text, requestId);
  if (res.text === '') return undefined as T;
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new TenderApiError({
      statusCode: res.status,
      code: 'invalid_response',
      message: `Expected a JSON body, got: ${res.text.slice(0, 100)}`,
      requestId: requestId ?? undefined,
      body: res.text,
    });
  }
}

function queryString(query: RequestSpec['query']): string {
  if (!query) return '';
  const parts = query
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function errorCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { code?: unknown } | null;
    return typeof body?.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/**
 * Exponential backoff with jitter, as stripe-node's `_getSleepTimeInMS`: base·2^(n-1) capped,
 * scaled into [½, 1) of itself, never below the base, and at least a reasonable Retry-After.
 */
export function sleepTimeMs(numRetries: number, retryAfterS?: number): number {
  let ms = Math.min(BASE_DELAY_MS * 2 ** (numRetries - 1), MAX_DELAY_MS);
  ms *= 0.5 * (1 + Math.random());
  ms = Math.max(BASE_DELAY_MS, ms);
  if (retryAfterS !== undefined && retryAfterS <= MAX_RETRY_AFTER_S) ms = Math.max(ms, retryAfterS * 1000);
  return ms;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface EnvGlobals {
  navigator?: { userAgent?: string; platform?: string; language?: string };
  process?: { platform?: string; versions?: { node?: string } };
}

/** `x-device-metadata` in the OneEntry shape; the server shows it in the active-session list. */
function deviceMetadata(): string {
  const env = globalThis as EnvGlobals;
  const node = env.process?.versions?.node;
  const os = env.navigator?.platform || env.process?.platform || 'unknown';
  const browser = node ? `Node.js/${node}` : (env.navigator?.userAgent ?? 'unknown').replace(/\s+/g, '_');
  const location = env.navigator?.language ?? 'en-US';
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?'); // header values must be Latin-1
  return ascii(JSON.stringify({ fingerprint: `UQ_${randomId()}`, deviceInfo: { os, browser, location } }));
}
