import { describe, expect, it } from 'vitest';
import { PaymentsError } from '../../src/errors.js';
import {
  assertValidLogin,
  assertValidPassword,
  credentialMarkers,
  normalizeIdentifier,
  readCredentials,
} from '../../src/services/auth-credentials.js';

const emailProvider = { type: 'email' } as Parameters<typeof readCredentials>[0];
const demoForm = [
  { marker: 'email_reg', type: 'email', isLogin: true },
  { marker: 'password_reg', type: 'password', isPassword: true },
  { marker: 'name', type: 'string' },
];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof PaymentsError ? err.code : 'not a PaymentsError';
  }
}

describe('credentialMarkers', () => {
  it("puts the form's isLogin / isPassword markers first, then the fallbacks", () => {
    expect(credentialMarkers(demoForm)).toEqual({ login: ['email_reg', 'login'], password: ['password_reg', 'password'] });
  });

  it('falls back to login/password and email_reg/password_reg without flagged attributes', () => {
    expect(credentialMarkers([])).toEqual({ login: ['login', 'email_reg'], password: ['password', 'password_reg'] });
  });
});

describe('readCredentials', () => {
  const markers = credentialMarkers(demoForm);

  it('reads the seed authData and normalizes the e-mail', () => {
    const creds = readCredentials(emailProvider, markers, [
      { marker: 'email_reg', value: ' Your-User@Email.com ' },
      { marker: 'password_reg', value: ' 123456 ' },
    ]);
    expect(creds).toEqual({ identifier: 'your-user@email.com', password: ' 123456 ' });
  });

  it('prefers the flagged marker when both it and a fallback are sent', () => {
    const creds = readCredentials(emailProvider, markers, [
      { marker: 'login', value: 'other@example.com' },
      { marker: 'email_reg', value: 'flagged@example.com' },
      { marker: 'password', value: 'p1' },
      { marker: 'password_reg', value: 'p2' },
    ]);
    expect(creds).toEqual({ identifier: 'flagged@example.com', password: 'p2' });
  });

  it('answers 400 validation_failed when the login or the password is missing', () => {
    expect(codeOf(() => readCredentials(emailProvider, markers, [{ marker: 'email_reg', value: 'a@b.c' }]))).toBe('validation_failed');
    expect(codeOf(() => readCredentials(emailProvider, markers, [{ marker: 'password_reg', value: 'secret' }]))).toBe('validation_failed');
  });
});

describe('login and password rules', () => {
  it('lower-cases e-mail logins only', () => {
    expect(normalizeIdentifier({ type: 'email' }, ' A@B.Com ')).toBe('a@b.com');
    expect(normalizeIdentifier({ type: 'phone' }, ' +1 ABC ')).toBe('+1 ABC');
  });

  it.each([
    ['a@b.co', undefined],
    ['first.last+tag@example.org', undefined],
    ['no-at-sign', 'validation_failed'],
    ['two@@example.com', 'validation_failed'],
    ['spaces in@example.com', 'validation_failed'],
    ['nodot@example', 'validation_failed'],
    [`${'x'.repeat(250)}@b.co`, 'validation_failed'],
  ])('e-mail %s → %s', (email, code) => {
    expect(codeOf(() => assertValidLogin({ type: 'email' }, email))).toBe(code);
  });

  it.each([
    ['12345', 'validation_failed'],
    ['123456', undefined],
    ['x'.repeat(200), undefined],
    ['x'.repeat(201), 'validation_failed'],
  ])('password of %#th case → %s', (password, code) => {
    expect(codeOf(() => assertValidPassword(password))).toBe(code);
  });
});
