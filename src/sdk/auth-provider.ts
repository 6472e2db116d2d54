import type {
  ActiveSession,
  AuthBody,
  AuthEntity,
  AuthProvider,
  ChangePasswordBody,
  SignUpBody,
  SignUpEntity,
} from '../contract/auth.js';
import type { FormDataItem } from '../contract/common.js';
import { seg } from './http-client.js';
import { TenderModule } from './module.js';

const BASE = '/api/content/users-auth-providers';

/** Sign-up data: like {@link SignUpBody}, but `formData` is one field or an array (the SDK wraps it by language). */
export type SignUpInput = Omit<SignUpBody, 'formData'> & { formData?: FormDataItem | FormDataItem[] };

/**
 * Users of an auth provider (email/password): registration, login, tokens, codes.
 * Same methods, paths and bodies as the OneEntry SDK's `AuthProvider`.
 */
export class AuthProviderClient extends TenderModule {
  /**
   * Registers a user. `POST …/marker/{marker}/users/sign-up`.
   * The body is copied (never mutated): `langCode` is set, `formData` becomes
   * `{[langCode]: [...]}`, and an empty `notificationData.phoneSMS` is left out.
   * @param marker Auth provider marker, e.g. `email`.
   * @param langCode Language of the form data. Default: the client's `langCode`.
   * @returns The new user; no tokens are stored.
   */
  async signUp(marker: string, body: SignUpInput, langCode: string = this.http.langCode): Promise<SignUpEntity> {
    const { formData, notificationData, ...rest } = body;
    const wire: SignUpBody = { ...rest, langCode };
    if (formData !== undefined) wire.formData = { [langCode]: Array.isArray(formData) ? formData : [formData] };
    if (notificationData) {
      const { phoneSMS, ...channels } = notificationData;
      // The server refuses phoneSMS = '' (as OneEntry does): leave the key out.
      wire.notificationData = phoneSMS ? { ...channels, phoneSMS } : channels;
    }
    return this.http.request({ method: 'POST', path: `${BASE}/marker/${seg(marker)}/users/sign-up`, body: wire, autoRefresh: false });
  }

  /**
   * Sends a one-time code to the user. `POST …/marker/{marker}/users/generate-code`.
   * @param eventIdentifier Marker of the event that carries the code.
   */
  async generateCode(marker: string, userIdentifier: string, eventIdentifier: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/generate-code`,
      body: { userIdentifier, eventIdentifier },
      autoRefresh: false,
    });
  }

  /**
   * Checks a one-time code. `POST …/marker/{marker}/users/check-code`.
   * @returns `true` when the code is valid.
   */
  async checkCode(marker: string, userIdentifier: string, eventIdentifier: string, code: string): Promise<boolean> {
    const result = await this.http.request<unknown>({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/check-code`,
      body: { userIdentifier, eventIdentifier, code },
      autoRefresh: false,
    });
    return result === true;
  }

  /**
   * Activates a user with the code sent at sign-up. `POST …/marker/{marker}/users/activate`.
   * @returns `true` on success.
   */
  async activateUser(marker: string, userIdentifier: string, code: string): Promise<boolean> {
    const result = await this.http.request<unknown>({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/activate`,
      body: { userIdentifier, code },
      autoRefresh: false,
    });
    return result === true;
  }

  /**
   * Logs in and stores the token pair for every module of this client; calls
   * `saveFunction(refreshToken)`. `POST …/marker/{marker}/users/auth`, body sent verbatim.
   * @param body `{authData: [{marker, value}, …]}`, e.g. login and password fields.
   * @throws TenderApiError on wrong credentials (no refresh is attempted).
   */
  async auth(marker: string, body: AuthBody): Promise<AuthEntity> {
    const result = await this.http.request<AuthEntity>({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/auth`,
      body,
      autoRefresh: false,
    });
    await this.#store(result);
    return result;
  }

  /**
   * Exchanges a refresh token for a new pair, stores it and calls `saveFunction`.
   * `POST …/marker/{marker}/users/refresh`. Normally not needed: protected calls refresh
   * automatically on 401.
   */
  async refresh(marker: string, token: string): Promise<AuthEntity> {
    const result = await this.http.request<AuthEntity>({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/refresh`,
      body: { refreshToken: token },
      autoRefresh: false,
    });
    await this.#store(result);
    return result;
  }

  /**
   * Revokes one refresh token and its session, then forgets the held tokens and calls
   * `saveFunction('')`. `POST …/marker/{marker}/users/logout`. Requires authorization.
   * @param token The refresh token to revoke, usually `getRefreshToken()`.
   * @returns `true` on success. On an error nothing is cleared.
   */
  async logout(marker: string, token: string): Promise<boolean> {
    const heldAtCall = this.http.refreshToken;
    const result = await this.http.request<unknown>({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/logout`,
      // If an automatic refresh rotates the held token before the retry, revoke the new one.
      body: () => ({ refreshToken: token === heldAtCall ? (this.http.refreshToken ?? token) : token }),
    });
    await this.http.clearTokens();
    return result === true;
  }

  /**
   * Revokes every session of the current user, then forgets the held tokens and calls
   * `saveFunction('')`. `POST …/marker/{marker}/users/logout-all` (no body). Requires authorization.
   * @returns `true` on success.
   */
  async logoutAll(marker: string): Promise<boolean> {
    const result = await this.http.request<unknown>({ method: 'POST', path: `${BASE}/marker/${seg(marker)}/users/logout-all` });
    await this.http.clearTokens();
    return result === true;
  }

  /**
   * Changes (`type` 1) or recovers (`type` 2) a password with a one-time code.
   * `POST …/marker/{marker}/users/change-password`.
   * @param repeatPassword Confirmation; defaults to `newPassword`.
   * @returns `true` on success.
   */
  async changePassword(
    marker: string,
    userIdentifier: string,
    eventIdentifier: string,
    type: ChangePasswordBody['type'],
    code: string,
    newPassword: string,
    repeatPassword?: string,
  ): Promise<boolean> {
    const body: ChangePasswordBody = {
      userIdentifier,
      eventIdentifier,
      code,
      type,
      password1: newPassword,
      password2: repeatPassword ?? newPassword,
    };
    const result = await this.http.request<unknown>({
      method: 'POST',
      path: `${BASE}/marker/${seg(marker)}/users/change-password`,
      body,
      autoRefresh: false,
    });
    return result === true;
  }

  async #store(result: AuthEntity): Promise<void> {
    if (typeof result?.accessToken === 'string' && typeof result.refreshToken === 'string') {
      await this.http.storeTokens(result.accessToken, result.refreshToken);
    }
  }

  /**
   * Lists auth providers. `GET /api/content/users-auth-providers?langCode&offset&limit`.
   * @param offset Items to skip. Default 0.
   * @param limit Page size (1..100). Default 30.
   * @returns A plain array.
   */
  getAuthProviders(langCode: string = this.http.langCode, offset = 0, limit = 30): Promise<AuthProvider[]> {
    return this.http.request({
      method: 'GET',
      path: BASE,
      query: [['langCode', langCode], ['offset', offset], ['limit', limit]],
    });
  }

  /** One auth provider. `GET …/marker/{marker}?langCode`. */
  getAuthProviderByMarker(marker: string, langCode: string = this.http.langCode): Promise<AuthProvider> {
    return this.http.request({ method: 'GET', path: `${BASE}/marker/${seg(marker)}`, query: [['langCode', langCode]] });
  }

  /**
   * Devices where the current user is logged in. `GET …/marker/{marker}/users/sessions`.
   * Requires authorization.
   */
  getActiveSessionsByMarker(marker: string): Promise<ActiveSession[]> {
    return this.http.request({ method: 'GET', path: `${BASE}/marker/${seg(marker)}/users/sessions` });
  }
}
