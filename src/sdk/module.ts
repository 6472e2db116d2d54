import type { HttpClient } from './http-client.js';

/**
 * Base of the SDK modules. Every module of one `defineTender` call shares the same
 * {@link HttpClient}, so setting a token on one module sets it for all of them.
 */
export abstract class TenderModule {
  /** @internal */
  protected readonly http: HttpClient;

  constructor(http: HttpClient) {
    this.http = http;
  }

  /** Sets the Bearer access token used by every module of this client (`''` clears it). */
  setAccessToken(accessToken: string): void {
    this.http.accessToken = accessToken || undefined;
  }

  /** Sets the refresh token used by the automatic refresh (`''` clears it). Does not call `saveFunction`. */
  setRefreshToken(refreshToken: string): void {
    this.http.refreshToken = refreshToken || undefined;
  }

  /** The refresh token currently held (after login, refresh or rotation), if any. */
  getRefreshToken(): string | undefined {
    return this.http.refreshToken;
  }
}
