/**
 * The AuthProvider module driven by the real, unmodified `oneentry@1.0.149` SDK (strict response
 * validation, errors thrown), as a storefront would use it.
 */
import { defineOneEntry } from 'oneentry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTender, type TestTender } from '../support/tender.js';

const USERS = '/api/content/users-auth-providers/marker/email/users';
const DEMO_AUTH = {
  authData: [
    { marker: 'email_reg', value: 'your-user@email.com' },
    { marker: 'password_reg', value: '123456' },
  ],
};

interface Tokens {
  userIdentifier: string;
  authProviderIdentifier: string;
  accessToken: string;
  refreshToken: string;
}

function authData(email: string, password: string) {
  return { authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: password }] };
}

/** The last one-time code the demo notifier logged for (user, event). */
function lastCode(t: TestTender, userIdentifier: string, eventIdentifier: string): string | undefined {
  let code: string | undefined;
  for (const line of t.logs) {
    if (!line.includes('one-time code')) continue;
    const entry = JSON.parse(line) as { userIdentifier?: string; eventIdentifier?: string; code?: string };
    if (entry.userIdentifier === userIdentifier && entry.eventIdentifier === eventIdentifier) code = entry.code;
  }
  return code;
}

/** Every response body the process received over fetch (the SDK uses the global fetch). */
const responses: string[] = [];
const originalFetch = globalThis.fetch;

describe('AuthProvider through the published oneentry SDK', () => {
  let t: TestTender;
  let offsetMs = 0;
  const advance = (sec: number) => {
    offsetMs += sec * 1000;
  };

  beforeAll(async () => {
    t = await startTender({
      now: () => new Date(Date.now() + offsetMs),
      project: { authProviders: [{ identifier: 'email_check', title: 'E-mail with code', formIdentifier: 'reg', isCheckCode: true }] },
    });
    globalThis.fetch = async (input, init) => {
      const res = await originalFetch(input, init);
      responses.push(await res.clone().text());
      return res;
    };
  });
  afterAll(async () => {
    globalThis.fetch = originalFetch;
    await t?.close();
  });

  /** A storefront client: its own token state, errors thrown, strict validation. */
  function client(auth: { refreshToken?: string } = {}) {
    const saved: string[] = [];
    const sdk = defineOneEntry(t.url, {
      token: t.appToken,
      errors: { isShell: false },
      validation: { enabled: true, strictMode: true, logErrors: false },
      auth: { ...auth, saveFunction: (token: string) => void saved.push(token) },
    });
    return { AuthProvider: sdk.AuthProvider, saved };
  }

  async function refreshRaw(refreshToken: string): Promise<number> {
    const res = await originalFetch(`${t.url}${USERS}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-app-token': t.appToken },
      body: JSON.stringify({ refreshToken }),
    });
    await res.text();
    return res.status;
  }

  async function signUp(email: string, password: string, marker = 'email') {
    const { AuthProvider } = client();
    return AuthProvider.signUp(marker, {
      formIdentifier: 'reg',
      authData: authData(email, password).authData,
      formData: [{ marker: 'name', type: 'string', value: 'SDK User' }],
      notificationData: { email, phonePush: [], phoneSMS: '' },
    });
  }

  it('auth with the seed authData returns and stores all four fields under strict validation', async () => {
    const { AuthProvider, saved } = client();
    const user = (await AuthProvider.auth('email', DEMO_AUTH)) as Tokens;
    expect(user).toEqual({
      userIdentifier: 'your-user@email.com',
      authProviderIdentifier: 'email',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(saved).toEqual([user.refreshToken]);
    const sessions = (await AuthProvider.getActiveSessionsByMarker('email')) as unknown as { deviceInfo: { os: string } }[];
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.at(-1)!.deviceInfo).toEqual({ os: 'Node.js', browser: expect.stringMatching(/^Node\.js\//), location: expect.any(String) });
  });

  it('getAuthProviders passes strict validation; getAuthProviderByMarker answers one provider', async () => {
    const { AuthProvider } = client();
    const providers = (await AuthProvider.getAuthProviders()) as unknown as Record<string, unknown>[];
    expect(Array.isArray(providers)).toBe(true);
    expect(providers.map((p) => p.identifier)).toEqual(['email', 'email_check']);
    expect(providers[0]).toMatchObject({ formIdentifier: 'reg', isCheckCode: false, localizeInfos: { title: 'E-mail' } });
    const one = (await AuthProvider.getAuthProviderByMarker('email_check')) as unknown as Record<string, unknown>;
    expect(one).toMatchObject({ identifier: 'email_check', isCheckCode: true });
    await expect(AuthProvider.getAuthProviderByMarker('nope')).rejects.toMatchObject({ statusCode: 404, code: 'provider_not_found' });
  });

  it('refresh rotates the token; the old one fails once the grace window has passed, and the session with it', async () => {
    const { AuthProvider, saved } = client();
    const first = (await AuthProvider.auth('email', DEMO_AUTH)) as Tokens;
    const second = (await AuthProvider.refresh('email', first.refreshToken)) as Tokens;
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(saved.at(-1)).toBe(second.refreshToken);
    expect(Array.isArray(await AuthProvider.getActiveSessionsByMarker('email'))).toBe(true);

    advance(31);
    await expect(AuthProvider.refresh('email', first.refreshToken)).rejects.toMatchObject({ statusCode: 401, code: 'invalid_refresh_token' });
    expect(await refreshRaw(second.refreshToken)).toBe(401);
  });

  it('concurrent 401s of one client all recover through the automatic refresh', async () => {
    const { AuthProvider } = client();
    await AuthProvider.auth('email', DEMO_AUTH);
    AuthProvider.setAccessToken('expired-or-garbage');
    const results = await Promise.all(Array.from({ length: 5 }, () => AuthProvider.getActiveSessionsByMarker('email')));
    for (const r of results) expect(Array.isArray(r)).toBe(true);
  });

  it('several clients resuming with the same refresh token at once all succeed within the grace window', async () => {
    const { AuthProvider } = client();
    const { refreshToken } = (await AuthProvider.auth('email', DEMO_AUTH)) as Tokens;
    const clients = Array.from({ length: 4 }, () => client({ refreshToken }));
    const results = await Promise.all(clients.map((c) => c.AuthProvider.getActiveSessionsByMarker('email')));
    for (const r of results) expect(Array.isArray(r)).toBe(true);
    const issued = clients.map((c) => c.saved.at(-1));
    expect(new Set(issued).size).toBe(4);
    for (const token of issued) expect(await refreshRaw(token!)).toBe(200);
  });

  it('a new client given only auth.refreshToken recovers on its first protected call (401 → refresh → retry)', async () => {
    const first = client();
    const { refreshToken } = (await first.AuthProvider.auth('email', DEMO_AUTH)) as Tokens;
    const resumed = client({ refreshToken });
    const sessions = await resumed.AuthProvider.getActiveSessionsByMarker('email');
    expect(Array.isArray(sessions)).toBe(true);
    expect(resumed.saved).toHaveLength(1);
    expect(resumed.saved[0]).not.toBe(refreshToken);
  });

  it('logout ends the session: a protected call then throws 401 and the refresh token is refused', async () => {
    const { AuthProvider, saved } = client();
    const user = (await AuthProvider.auth('email', DEMO_AUTH)) as Tokens;
    expect(await AuthProvider.logout('email', user.refreshToken)).toBe(true);
    expect(saved.at(-1)).toBe('');
    await expect(AuthProvider.getActiveSessionsByMarker('email')).rejects.toMatchObject({ statusCode: 401 });
    expect(await refreshRaw(user.refreshToken)).toBe(401);
    const old = await originalFetch(`${t.url}${USERS}/sessions`, {
      headers: { 'content-type': 'application/json', 'x-app-token': t.appToken, authorization: `Bearer ${user.accessToken}` },
    });
    expect(old.status).toBe(401);
  });

  it('logoutAll ends the sessions of every device of the user', async () => {
    await signUp('two-devices@example.com', 'two-devices');
    const phone = client();
    const laptop = client();
    await phone.AuthProvider.auth('email', authData('two-devices@example.com', 'two-devices'));
    const laptopTokens = (await laptop.AuthProvider.auth('email', authData('two-devices@example.com', 'two-devices'))) as Tokens;
    expect(await phone.AuthProvider.logoutAll('email')).toBe(true);
    expect(phone.saved.at(-1)).toBe('');
    await expect(laptop.AuthProvider.getActiveSessionsByMarker('email')).rejects.toMatchObject({ statusCode: 401 });
    expect(await refreshRaw(laptopTokens.refreshToken)).toBe(401);
  });

  it('brute force: after 5 wrong passwords the SDK gets 429', async () => {
    await signUp('target@example.com', 'target-pw');
    const { AuthProvider } = client();
    for (let i = 0; i < 5; i++) {
      await expect(AuthProvider.auth('email', authData('target@example.com', 'wrong-pw'))).rejects.toMatchObject({ statusCode: 401, code: 'invalid_credentials' });
    }
    await expect(AuthProvider.auth('email', authData('target@example.com', 'target-pw'))).rejects.toMatchObject({
      statusCode: 429,
      code: 'rate_limited',
      details: { retryAfterSec: expect.any(Number) },
    });
  });

  it('signUp passes strict validation; the same e-mail again throws 409 user_exists', async () => {
    const user = (await signUp('sdk-signup@example.com', 'sdk-signup')) as unknown as Record<string, unknown>;
    expect(user).not.toHaveProperty('statusCode');
    expect(user).toMatchObject({ identifier: 'sdk-signup@example.com', isActive: true, notificationData: { email: 'sdk-signup@example.com', phonePush: [] } });
    expect(user.formData).toEqual([{ marker: 'name', type: 'string', value: 'SDK User' }]);
    await expect(signUp('sdk-signup@example.com', 'sdk-signup')).rejects.toMatchObject({ statusCode: 409, code: 'user_exists' });
  });

  it('codes: generateCode → checkCode → changePassword, then auth with the new password', async () => {
    const email = 'sdk-recover@example.com';
    await signUp(email, 'first-password');
    const { AuthProvider } = client();
    expect(await AuthProvider.generateCode('email', email, 'recovery')).toBe(true);
    const code = lastCode(t, email, 'recovery')!;
    expect(await AuthProvider.checkCode('email', email, 'recovery', code)).toBe(true);
    expect(await AuthProvider.checkCode('email', email, 'recovery', code === '000000' ? '111111' : '000000')).toBe(false);
    expect(await AuthProvider.changePassword('email', email, 'recovery', 2, code, 'second-password')).toBe(true);
    await expect(AuthProvider.changePassword('email', email, 'recovery', 2, code, 'third-password')).rejects.toMatchObject({ statusCode: 422, code: 'invalid_code' });
    expect(((await AuthProvider.auth('email', authData(email, 'second-password'))) as Tokens).userIdentifier).toBe(email);
  });

  it('activation: a check-code provider signs up inactive (403 on auth) until activateUser', async () => {
    const email = 'sdk-activate@example.com';
    const user = (await signUp(email, 'activate-me', 'email_check')) as unknown as { isActive: boolean };
    expect(user.isActive).toBe(false);
    const { AuthProvider } = client();
    await expect(AuthProvider.auth('email_check', authData(email, 'activate-me'))).rejects.toMatchObject({ statusCode: 403, code: 'user_inactive' });
    expect(await AuthProvider.activateUser('email_check', email, lastCode(t, email, 'activate')!)).toBe(true);
    const tokens = (await AuthProvider.auth('email_check', authData(email, 'activate-me'))) as Tokens;
    expect(tokens.authProviderIdentifier).toBe('email_check');
  });

  it('no response ever carried a password hash; refresh tokens appeared once, access tokens only in token pairs', () => {
    expect(responses.length).toBeGreaterThan(40);
    expect(responses.join('\n')).not.toContain('$argon2');
    const pairs = responses.filter((b) => b.includes('"refreshToken"')).map((b) => JSON.parse(b) as Tokens);
    expect(pairs.length).toBeGreaterThan(20);
    for (const pair of pairs) {
      expect(responses.filter((b) => b.includes(pair.refreshToken))).toHaveLength(1);
      // Two refreshes of one session within a second may sign the same JWT; it still never shows up elsewhere.
      for (const b of responses.filter((r) => r.includes(pair.accessToken))) expect(JSON.parse(b)).toMatchObject({ userIdentifier: pair.userIdentifier });
    }
  });
});
