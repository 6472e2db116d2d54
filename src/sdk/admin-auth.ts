import type { HttpClient } from './http-client.js';
import type { AdminSessionInfo } from './admin-types.js';

/** Where the panel's session keeps its CSRF token between calls. */
export interface CsrfHolder {
  token: string | undefined;
}

/**
 * Sign-in of admin users (`/api/admin/auth`) for a browser on Tender's own origin: the session
 * is an HttpOnly cookie the SDK never sees; the CSRF token it answers is kept in memory and sent
 * as `x-csrf-token` on every write of the same {@link defineTenderAdmin} client.
 */
export class AdminAuthClient {
  readonly #http: HttpClient;
  readonly #csrf: CsrfHolder;

  /** @internal Built by `defineTenderAdmin`. */
  constructor(http: HttpClient, csrf: CsrfHolder) {
    this.#http = http;
    this.#csrf = csrf;
  }

  #remember(info: AdminSessionInfo): AdminSessionInfo {
    this.#csrf.token = info.csrfToken;
    return info;
  }

  /**
   * Signs in; the server sets the session cookie. `POST /api/admin/auth/login`.
   * @throws TenderApiError `invalid_credentials` (401), `rate_limited` (429) after 5 failures in 15 minutes.
   */
  async login(email: string, password: string): Promise<AdminSessionInfo> {
    return this.#remember(await this.#http.request<AdminSessionInfo>({ method: 'POST', path: '/api/admin/auth/login', body: { email, password }, autoRefresh: false }));
  }

  /** The signed-in admin (and the CSRF token) after a reload. `GET /api/admin/auth/session`; 401 when signed out. */
  async session(): Promise<AdminSessionInfo> {
    return this.#remember(await this.#http.request<AdminSessionInfo>({ method: 'GET', path: '/api/admin/auth/session', autoRefresh: false }));
  }

  /** Changes the password (a one-time one must be changed first). `POST /api/admin/auth/password`. */
  async changePassword(currentPassword: string, newPassword: string): Promise<AdminSessionInfo> {
    return this.#remember(await this.#http.request<AdminSessionInfo>({ method: 'POST', path: '/api/admin/auth/password', body: { currentPassword, newPassword }, autoRefresh: false }));
  }

  /** Ends the session and clears the cookie. `POST /api/admin/auth/logout`. */
  async logout(): Promise<void> {
    await this.#http.request<boolean>({ method: 'POST', path: '/api/admin/auth/logout', autoRefresh: false });
    this.#csrf.token = undefined;
  }
}
