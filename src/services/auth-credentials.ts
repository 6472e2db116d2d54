import type { AuthDataItem } from '../contract/auth.js';
import { PaymentsError } from '../errors.js';
import type { FormAttribute, ProviderRow } from '../store/user-store.js';

/** Markers tried when the provider's form flags no login / password attribute. */
const FALLBACK_LOGIN_MARKERS = ['login', 'email_reg'];
const FALLBACK_PASSWORD_MARKERS = ['password', 'password_reg'];

export const PASSWORD_MIN_LENGTH = 6;
export const PASSWORD_MAX_LENGTH = 200;
const EMAIL_MAX_LENGTH = 254;
// Deliberately loose (one @, a dot in the domain, no spaces): the real check is the activation mail.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CredentialMarkers {
  login: string[];
  password: string[];
}

/** Login and password markers in priority order: the form's `isLogin`/`isPassword` attributes first. */
export function credentialMarkers(attributes: readonly FormAttribute[]): CredentialMarkers {
  const login = attributes.filter((a) => a.isLogin).map((a) => a.marker);
  const password = attributes.filter((a) => a.isPassword).map((a) => a.marker);
  return {
    login: [...login, ...FALLBACK_LOGIN_MARKERS.filter((m) => !login.includes(m))],
    password: [...password, ...FALLBACK_PASSWORD_MARKERS.filter((m) => !password.includes(m))],
  };
}

export interface Credentials {
  /** Normalized login (an e-mail is trimmed and lower-cased). */
  identifier: string;
  password: string;
}

/** Finds the login and the password in `authData`; 400 when either is missing. */
export function readCredentials(provider: ProviderRow, markers: CredentialMarkers, authData: readonly AuthDataItem[]): Credentials {
  const login = firstValue(authData, markers.login);
  const password = firstValue(authData, markers.password);
  if (login === undefined || password === undefined) {
    throw new PaymentsError(
      'validation_failed',
      `authData must hold the login (marker ${markers.login[0]}) and the password (marker ${markers.password[0]})`,
    );
  }
  return { identifier: normalizeIdentifier(provider, login), password };
}

function firstValue(authData: readonly AuthDataItem[], markers: readonly string[]): string | undefined {
  for (const marker of markers) {
    const item = authData.find((d) => d.marker === marker);
    if (item) return item.value;
  }
  return undefined;
}

/** E-mail logins are case-insensitive: stored and looked up trimmed and lower-cased. */
export function normalizeIdentifier(provider: Pick<ProviderRow, 'type'>, raw: string): string {
  const trimmed = raw.trim();
  return provider.type === 'email' ? trimmed.toLowerCase() : trimmed;
}

export function isEmail(value: string): boolean {
  return value.length <= EMAIL_MAX_LENGTH && EMAIL_SHAPE.test(value);
}

/** Checks a login for a new account: an e-mail for `email` providers, else 1–254 characters. */
export function assertValidLogin(provider: Pick<ProviderRow, 'type'>, identifier: string): void {
  if (provider.type === 'email' ? !isEmail(identifier) : identifier.length === 0 || identifier.length > EMAIL_MAX_LENGTH) {
    throw new PaymentsError('validation_failed', provider.type === 'email' ? 'The login must be an e-mail address' : 'The login must be 1–254 characters');
  }
}

export function assertValidPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new PaymentsError('validation_failed', `The password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters long`);
  }
}
