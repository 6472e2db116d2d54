import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTender, type TestTender } from '../support/tender.js';

// ---------------------------------------------------------------------------------------------
// Helpers (kept in this file: test/http/*.test.ts are the only files of this module under test/)
// ---------------------------------------------------------------------------------------------

const BASE = '/api/content/users-auth-providers';
const USERS = `${BASE}/marker/email/users`;
const DEMO_AUTH = {
  authData: [
    { marker: 'email_reg', value: 'your-user@email.com' },
    { marker: 'password_reg', value: '123456' },
  ],
};

interface CallResult {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

interface CallOptions {
  body?: unknown;
  /** A raw body string, sent as is (e.g. '' for an empty body). */
  rawBody?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

/** Every response body seen by {@link api}, to assert that nothing secret ever leaves the server. */
const seenBodies: string[] = [];

/** One real HTTP request, shaped like the OneEntry SDK's (JSON content type even without a body). */
async function api(t: TestTender, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-app-token': t.appToken, ...options.headers };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const res = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await res.text();
  seenBodies.push(text);
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

interface Tokens {
  userIdentifier: string;
  authProviderIdentifier: string;
  accessToken: string;
  refreshToken: string;
}

function authBody(email: string, password: string) {
  return { authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: password }] };
}

async function login(t: TestTender, email = 'your-user@email.com', password = '123456', marker = 'email'): Promise<Tokens> {
  const res = await api(t, 'POST', `${BASE}/marker/${marker}/users/auth`, { body: authBody(email, password) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body as Tokens;
}

async function signUpUser(t: TestTender, email: string, password: string, marker = 'email'): Promise<CallResult> {
  return api(t, 'POST', `${BASE}/marker/${marker}/users/sign-up`, {
    body: {
      formIdentifier: 'reg',
      authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: password }],
      formData: { en_US: [{ marker: 'name', type: 'string', value: 'Test User' }] },
      notificationData: { email, phonePush: [] },
      langCode: 'en_US',
    },
  });
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

/** A clock the test can move; Tender reads it through ctx.now. */
function movableClock(): { now: () => Date; advance(sec: number): void } {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(sec: number) {
      offsetMs += sec * 1000;
    },
  };
}

const SDK_DEVICE = JSON.stringify({ fingerprint: 'UQ_abc', deviceInfo: { os: 'Node.js', browser: 'Node.js/abc', location: 'en-US' } });

function errorOf(res: CallResult): { statusCode: number; code: string; message: string; pageData: null; details?: unknown } {
  return res.body as { statusCode: number; code: string; message: string; pageData: null; details?: unknown };
}

function expectError(res: CallResult, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(errorOf(res)).toMatchObject({ statusCode: status, code, pageData: null });
  expect(typeof errorOf(res).message).toBe('string');
}

// ---------------------------------------------------------------------------------------------

describe('AuthProvider over HTTP (demo project)', () => {
  let t: TestTender;
  const clock = movableClock();
  beforeAll(async () => {
    t = await startTender({ now: clock.now });
  });
  afterAll(() => t?.close());

  describe('providers', () => {
    it('lists providers as a plain array, every config key a string or null', async () => {
      const res = await api(t, 'GET', `${BASE}?langCode=en_US&offset=0&limit=30`);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      const [provider] = res.body as Record<string, unknown>[];
      expect(provider).toEqual({
        id: expect.any(Number),
        identifier: 'email',
        type: 'email',
        formIdentifier: 'reg',
        userGroupIdentifier: expect.any(String),
        isActive: true,
        isCheckCode: false,
        version: expect.any(Number),
        localizeInfos: { title: 'E-mail' },
        config: {
          accessTokenTtlSec: '900',
          refreshTokenTtlMc: String(2592000 * 1000),
          deleteNoneActiveUsersAfterDays: null,
          systemCodeTlsSec: '600',
          systemCodeLength: '6',
          oauthAuthUrl: null,
          systemCodeOnlyNumbers: 'true',
        },
      });
      const page = await api(t, 'GET', `${BASE}?langCode=en_US&offset=1&limit=30`);
      expect(page.body).toEqual([]);
    });

    it('answers one provider by marker, and 404 provider_not_found for an unknown marker', async () => {
      const one = await api(t, 'GET', `${BASE}/marker/email?langCode=en_US`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ identifier: 'email', formIdentifier: 'reg' });
      expectError(await api(t, 'GET', `${BASE}/marker/nope?langCode=en_US`), 404, 'provider_not_found');
      expectError(await api(t, 'POST', `${BASE}/marker/nope/users/auth`, { body: DEMO_AUTH }), 404, 'provider_not_found');
      expectError(await api(t, 'POST', `${BASE}/marker/nope/users/refresh`, { body: { refreshToken: 'x' } }), 404, 'provider_not_found');
    });

    it('requires the app token', async () => {
      expectError(await api(t, 'GET', BASE, { headers: { 'x-app-token': 'undefined' } }), 401, 'app_token_required');
    });
  });

  describe('auth', () => {
    it('signs the demo user in with the seed authData and answers exactly the four fields', async () => {
      const res = await api(t, 'POST', `${USERS}/auth`, { body: DEMO_AUTH, headers: { 'x-device-metadata': SDK_DEVICE } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        userIdentifier: 'your-user@email.com',
        authProviderIdentifier: 'email',
        accessToken: expect.stringMatching(/^eyJ/),
        refreshToken: expect.any(String),
      });
      expect(res.text).not.toContain('statusCode');
    });

    it('answers 401 invalid_credentials with one message for a wrong password and for an unknown login', async () => {
      const wrong = await api(t, 'POST', `${USERS}/auth`, { body: authBody('your-user@email.com', 'nope-nope') });
      const unknown = await api(t, 'POST', `${USERS}/auth`, { body: authBody('nobody@example.com', 'nope-nope') });
      expectError(wrong, 401, 'invalid_credentials');
      expectError(unknown, 401, 'invalid_credentials');
      expect(errorOf(wrong).message).toBe(errorOf(unknown).message);
      await login(t); // a success clears the failure count again
    });

    it('treats the login case-insensitively and accepts the SDK JSDoc markers login/password', async () => {
      const res = await api(t, 'POST', `${USERS}/auth`, {
        body: { authData: [{ marker: 'login', value: '  Your-User@Email.com ' }, { marker: 'password', value: '123456' }] },
      });
      expect(res.status, res.text).toBe(200);
      expect((res.body as Tokens).userIdentifier).toBe('your-user@email.com');
    });

    it('refuses authData without a password with 400', async () => {
      const res = await api(t, 'POST', `${USERS}/auth`, { body: { authData: [{ marker: 'email_reg', value: 'your-user@email.com' }] } });
      expectError(res, 400, 'validation_failed');
    });
  });

  describe('sessions', () => {
    it("lists the caller's live sessions with the device from x-device-metadata, tolerating a missing or garbage header", async () => {
      const email = 'devices@example.com';
      expect((await signUpUser(t, email, 'devices-pw')).status).toBe(200);
      const headers = [SDK_DEVICE, undefined, '{not json', JSON.stringify({ deviceInfo: { os: 42 } })];
      const sessions: Tokens[] = [];
      for (const h of headers) {
        const res = await api(t, 'POST', `${USERS}/auth`, { body: authBody(email, 'devices-pw'), headers: h === undefined ? {} : { 'x-device-metadata': h } });
        expect(res.status, res.text).toBe(200);
        sessions.push(res.body as Tokens);
      }
      const list = await api(t, 'GET', `${USERS}/sessions`, { bearer: sessions[0]!.accessToken });
      expect(list.status).toBe(200);
      const unknown = { os: 'unknown', browser: 'unknown', location: 'unknown' };
      expect(list.body).toEqual([
        { deviceInfo: { os: 'Node.js', browser: 'Node.js/abc', location: 'en-US' } },
        { deviceInfo: unknown },
        { deviceInfo: unknown },
        { deviceInfo: unknown },
      ]);
    });

    it('answers 401 without a Bearer token and with a forged one', async () => {
      expectError(await api(t, 'GET', `${USERS}/sessions`), 401, 'unauthorized');
      expectError(await api(t, 'GET', `${USERS}/sessions`, { bearer: 'eyJhbGciOiJIUzI1NiJ9.e30.x' }), 401, 'unauthorized');
    });
  });

  describe('refresh', () => {
    it('rotates: the new pair works, the old token is refused after the grace window and its whole session ends', async () => {
      const first = await login(t);
      const r1 = await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: first.refreshToken } });
      expect(r1.status, r1.text).toBe(200);
      const second = r1.body as Tokens;
      expect(second).toEqual({
        userIdentifier: 'your-user@email.com',
        authProviderIdentifier: 'email',
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
      });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect((await api(t, 'GET', `${USERS}/sessions`, { bearer: second.accessToken })).status).toBe(200);

      clock.advance(31);
      expectError(await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: first.refreshToken } }), 401, 'invalid_refresh_token');
      // Reuse after the grace window is theft: the session is gone, with everything issued on it.
      expectError(await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: second.refreshToken } }), 401, 'invalid_refresh_token');
      expectError(await api(t, 'GET', `${USERS}/sessions`, { bearer: second.accessToken }), 401, 'session_revoked');
    });

    it('lets a just-rotated token be used again within 30 s, each time with a fresh working pair', async () => {
      const first = await login(t);
      const a = await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: first.refreshToken } });
      clock.advance(20);
      const b = await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: first.refreshToken } });
      expect([a.status, b.status]).toEqual([200, 200]);
      const pa = a.body as Tokens;
      const pb = b.body as Tokens;
      expect(pa.refreshToken).not.toBe(pb.refreshToken);
      for (const p of [pa, pb]) {
        expect((await api(t, 'GET', `${USERS}/sessions`, { bearer: p.accessToken })).status).toBe(200);
        expect((await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: p.refreshToken } })).status).toBe(200);
      }
    });

    it('gives every concurrent refresh with one token its own working pair', async () => {
      const first = await login(t);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: first.refreshToken } })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      const pairs = results.map((r) => r.body as Tokens);
      expect(new Set(pairs.map((p) => p.refreshToken)).size).toBe(8);
      for (const p of pairs) {
        expect((await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: p.refreshToken } })).status).toBe(200);
      }
    });

    it('refuses a missing, empty, null or unknown refresh token with a 401 JSON error', async () => {
      for (const options of [{ body: {} }, { rawBody: '' }, { body: { refreshToken: '' } }, { body: { refreshToken: null } }, { body: { refreshToken: 'tnd_rt_unknown' } }]) {
        expectError(await api(t, 'POST', `${USERS}/refresh`, options), 401, 'invalid_refresh_token');
      }
    });

    it('refuses an expired refresh token', async () => {
      await t.ctx.db.query(`UPDATE auth_providers SET refresh_token_ttl_sec = 60 WHERE identifier = 'email'`);
      try {
        const tokens = await login(t);
        clock.advance(61);
        expectError(await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: tokens.refreshToken } }), 401, 'invalid_refresh_token');
      } finally {
        await t.ctx.db.query(`UPDATE auth_providers SET refresh_token_ttl_sec = 2592000 WHERE identifier = 'email'`);
      }
    });
  });

  describe('logout', () => {
    it("ends the token's session: its access token gets 401, its refresh token is refused, other sessions live on", async () => {
      const a = await login(t);
      const b = await login(t);
      const res = await api(t, 'POST', `${USERS}/logout`, { bearer: a.accessToken, body: { refreshToken: a.refreshToken } });
      expect(res.status).toBe(200);
      expect(res.text).toBe('true');
      expectError(await api(t, 'GET', `${USERS}/sessions`, { bearer: a.accessToken }), 401, 'session_revoked');
      expectError(await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: a.refreshToken } }), 401, 'invalid_refresh_token');
      expect((await api(t, 'GET', `${USERS}/sessions`, { bearer: b.accessToken })).status).toBe(200);
      expect((await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: b.refreshToken } })).status).toBe(200);
    });

    it("with another user's refresh token ends only the caller's own session", async () => {
      expect((await signUpUser(t, 'victim@example.com', 'victim-pw')).status).toBe(200);
      const victim = await login(t, 'victim@example.com', 'victim-pw');
      const attacker = await login(t);
      const res = await api(t, 'POST', `${USERS}/logout`, { bearer: attacker.accessToken, body: { refreshToken: victim.refreshToken } });
      expect(res.text).toBe('true');
      expectError(await api(t, 'GET', `${USERS}/sessions`, { bearer: attacker.accessToken }), 401, 'session_revoked');
      expect((await api(t, 'GET', `${USERS}/sessions`, { bearer: victim.accessToken })).status).toBe(200);
      expect((await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: victim.refreshToken } })).status).toBe(200);
    });

    it("without a body ends the caller's current session", async () => {
      const a = await login(t);
      const res = await api(t, 'POST', `${USERS}/logout`, { bearer: a.accessToken, rawBody: '' });
      expect(res.text).toBe('true');
      expectError(await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: a.refreshToken } }), 401, 'invalid_refresh_token');
    });

    it('requires a Bearer token', async () => {
      const a = await login(t);
      expectError(await api(t, 'POST', `${USERS}/logout`, { body: { refreshToken: a.refreshToken } }), 401, 'unauthorized');
    });

    it('logout-all accepts an empty body with a JSON content type and ends every session of the user', async () => {
      expect((await signUpUser(t, 'many@example.com', 'many-devices')).status).toBe(200);
      const sessions = [await login(t, 'many@example.com', 'many-devices'), await login(t, 'many@example.com', 'many-devices')];
      const other = await login(t);
      const res = await api(t, 'POST', `${USERS}/logout-all`, { bearer: sessions[0]!.accessToken, rawBody: '', headers: { 'content-length': '0' } });
      expect(res.status, res.text).toBe(200);
      expect(res.text).toBe('true');
      for (const s of sessions) {
        expectError(await api(t, 'GET', `${USERS}/sessions`, { bearer: s.accessToken }), 401, 'session_revoked');
        expectError(await api(t, 'POST', `${USERS}/refresh`, { body: { refreshToken: s.refreshToken } }), 401, 'invalid_refresh_token');
      }
      expect((await api(t, 'GET', `${USERS}/sessions`, { bearer: other.accessToken })).status).toBe(200);
    });
  });

  describe('sign-up', () => {
    it('registers an active user (no check-code) and answers the user without any secret', async () => {
      const res = await api(t, 'POST', `${USERS}/sign-up`, {
        body: {
          formIdentifier: 'reg',
          authData: [{ marker: 'email_reg', value: 'New.User@Example.com' }, { marker: 'password_reg', value: 'Sekret-Passw0rd!' }],
          formData: { en_US: [{ marker: 'name', type: 'string', value: 'New User' }, { marker: 'password_reg', type: 'password', value: 'Sekret-Passw0rd!' }] },
          notificationData: { email: 'new.user@example.com', phonePush: [], phoneSMS: '+15550100' },
          langCode: 'en_US',
          somethingElse: 1,
        },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({
        id: expect.any(Number),
        identifier: 'new.user@example.com',
        isActive: true,
        formData: [{ marker: 'name', type: 'string', value: 'New User' }],
        notificationData: { email: 'new.user@example.com', phonePush: [], phoneSMS: '+15550100' },
        version: expect.any(Number),
        createdDate: expect.any(String),
        updatedDate: expect.any(String),
        locale: 'en_US',
        isDeleted: false,
        state: {},
      });
      expect(res.text).not.toContain('Sekret');
      expect(res.text).not.toContain('argon2');
      expect((await login(t, 'new.user@example.com', 'Sekret-Passw0rd!')).userIdentifier).toBe('new.user@example.com');
    });

    it('answers 409 user_exists for a login that is taken, in any letter case, also under concurrency', async () => {
      expectError(await signUpUser(t, 'YOUR-USER@email.com', 'another-pw'), 409, 'user_exists');
      const results = await Promise.all([1, 2, 3].map(() => signUpUser(t, 'race@example.com', 'race-pw-1')));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    });

    it('refuses a malformed e-mail, a short or long password, and another form', async () => {
      expectError(await signUpUser(t, 'not-an-email', 'long-enough'), 400, 'validation_failed');
      expectError(await signUpUser(t, 'short@example.com', '12345'), 400, 'validation_failed');
      expectError(await signUpUser(t, 'long@example.com', 'x'.repeat(201)), 400, 'validation_failed');
      const otherForm = await api(t, 'POST', `${USERS}/sign-up`, {
        body: { formIdentifier: 'order', authData: authBody('f@example.com', 'long-enough').authData },
      });
      expectError(otherForm, 400, 'validation_failed');
      expect((await signUpUser(t, 'ok6@example.com', '123456')).status).toBe(200);
    });
  });

  describe('one-time codes (demo notifier)', () => {
    it('generate-code sends a code that check-code accepts (repeatedly) and a wrong code does not', async () => {
      const gen = await api(t, 'POST', `${USERS}/generate-code`, { body: { userIdentifier: 'your-user@email.com', eventIdentifier: 'verify' } });
      expect(gen.status).toBe(200);
      expect(gen.text).toBe('true');
      const code = lastCode(t, 'your-user@email.com', 'verify')!;
      expect(code).toMatch(/^\d{6}$/);
      const check = (c: string) => api(t, 'POST', `${USERS}/check-code`, { body: { userIdentifier: 'your-user@email.com', eventIdentifier: 'verify', code: c } });
      expect((await check(code)).text).toBe('true');
      expect((await check(code)).text).toBe('true');
      expect((await check(code === '000000' ? '111111' : '000000')).text).toBe('false');
      expect((await api(t, 'POST', `${USERS}/check-code`, { body: { userIdentifier: 'your-user@email.com', eventIdentifier: 'other', code } })).text).toBe('false');
    });

    it('burns a code after 5 wrong attempts', async () => {
      await api(t, 'POST', `${USERS}/generate-code`, { body: { userIdentifier: 'your-user@email.com', eventIdentifier: 'burn' } });
      const code = lastCode(t, 'your-user@email.com', 'burn')!;
      const wrong = code === '000000' ? '111111' : '000000';
      const check = (c: string) => api(t, 'POST', `${USERS}/check-code`, { body: { userIdentifier: 'your-user@email.com', eventIdentifier: 'burn', code: c } });
      for (let i = 0; i < 5; i++) expect((await check(wrong)).text).toBe('false');
      expect((await check(code)).text).toBe('false');
    });

    it('answers true for an unknown user and sends nothing', async () => {
      const res = await api(t, 'POST', `${USERS}/generate-code`, { body: { userIdentifier: 'ghost@example.com', eventIdentifier: 'verify' } });
      expect(res.text).toBe('true');
      expect(lastCode(t, 'ghost@example.com', 'verify')).toBeUndefined();
      expect((await api(t, 'POST', `${USERS}/check-code`, { body: { userIdentifier: 'ghost@example.com', eventIdentifier: 'verify', code: '123456' } })).text).toBe('false');
    });

    it('limits how many codes one login may request', async () => {
      const gen = () => api(t, 'POST', `${USERS}/generate-code`, { body: { userIdentifier: 'flood@example.com', eventIdentifier: 'verify' } });
      for (let i = 0; i < 5; i++) expect((await gen()).status).toBe(200);
      const res = await gen();
      expectError(res, 429, 'rate_limited');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('change-password: mismatch 400, bad code 422, then sets the password and ends every session', async () => {
      const email = 'recover@example.com';
      expect((await signUpUser(t, email, 'old-password')).status).toBe(200);
      const session = await login(t, email, 'old-password');
      await api(t, 'POST', `${USERS}/generate-code`, { body: { userIdentifier: email, eventIdentifier: 'recovery' } });
      const code = lastCode(t, email, 'recovery')!;
      const change = (body: Record<string, unknown>) =>
        api(t, 'POST', `${USERS}/change-password`, { body: { userIdentifier: email, eventIdentifier: 'recovery', type: 2, ...body } });
      expectError(await change({ code, password1: 'new-password', password2: 'other-password' }), 400, 'validation_failed');
      expectError(await change({ code: code === '000000' ? '111111' : '000000', password1: 'new-password', password2: 'new-password' }), 422, 'invalid_code');
      const ok = await change({ code, password1: 'new-password', password2: 'new-password' });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.text).toBe('true');
      expectError(await change({ code, password1: 'newer-password', password2: 'newer-password' }), 422, 'invalid_code');
      expectError(await api(t, 'GET', `${USERS}/sessions`, { bearer: session.accessToken }), 401, 'session_revoked');
      expectError(await api(t, 'POST', `${USERS}/auth`, { body: authBody(email, 'old-password') }), 401, 'invalid_credentials');
      expect((await login(t, email, 'new-password')).userIdentifier).toBe(email);
    });

    it('change-password for an unknown user answers 422 like a wrong code', async () => {
      const res = await api(t, 'POST', `${USERS}/change-password`, {
        body: { userIdentifier: 'ghost@example.com', eventIdentifier: 'recovery', type: 1, code: '123456', password1: 'new-password', password2: 'new-password' },
      });
      expectError(res, 422, 'invalid_code');
    });
  });

  describe('leaks', () => {
    it('never answers a password hash, and never logs a password or a token', async () => {
      const all = seenBodies.join('\n');
      expect(all).not.toContain('$argon2');
      expect(all).not.toMatch(/password_?hash/i);
      const tokens = seenBodies.flatMap((b) => [...b.matchAll(/"(?:accessToken|refreshToken)":"([^"]+)"/g)].map((m) => m[1]!));
      expect(tokens.length).toBeGreaterThan(20);
      const logs = t.logs.join('\n');
      for (const token of tokens) expect(logs).not.toContain(token);
      for (const password of ['Sekret-Passw0rd!', 'new-password', 'old-password', 'devices-pw']) expect(logs).not.toContain(password);
    });
  });
});

describe('AuthProvider brute-force protection', () => {
  let t: TestTender;
  const clock = movableClock();
  beforeAll(async () => {
    t = await startTender({ now: clock.now });
  });
  afterAll(() => t?.close());

  it('locks a login for the rest of the 15-minute window after 5 failures, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expectError(await api(t, 'POST', `${USERS}/auth`, { body: authBody('your-user@email.com', 'wrong-one') }), 401, 'invalid_credentials');
    const locked = await api(t, 'POST', `${USERS}/auth`, { body: DEMO_AUTH });
    expectError(locked, 429, 'rate_limited');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(errorOf(locked).details).toEqual({ retryAfterSec: retryAfter });
    // Other logins are not affected.
    expect((await signUpUser(t, 'bystander@example.com', 'bystander')).status).toBe(200);
    expect((await login(t, 'bystander@example.com', 'bystander')).userIdentifier).toBe('bystander@example.com');

    clock.advance(retryAfter - 5);
    expectError(await api(t, 'POST', `${USERS}/auth`, { body: DEMO_AUTH }), 429, 'rate_limited');
    clock.advance(10);
    expect((await login(t)).userIdentifier).toBe('your-user@email.com');
  });

  it('resets the count on a success', async () => {
    for (let i = 0; i < 4; i++) await api(t, 'POST', `${USERS}/auth`, { body: authBody('your-user@email.com', 'wrong-one') });
    await login(t);
    for (let i = 0; i < 4; i++) expectError(await api(t, 'POST', `${USERS}/auth`, { body: authBody('your-user@email.com', 'wrong-one') }), 401, 'invalid_credentials');
    await login(t);
  });

  it('counts unknown logins too, and lets no more than 5 concurrent attempts through', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api(t, 'POST', `${USERS}/auth`, { body: authBody('nobody@example.com', 'guess-guess') })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  });
});

describe('AuthProvider with a check-code provider', () => {
  let t: TestTender;
  const CHECKED = `${BASE}/marker/email_check/users`;
  beforeAll(async () => {
    t = await startTender({
      project: { authProviders: [{ identifier: 'email_check', title: 'E-mail with code', formIdentifier: 'reg', isCheckCode: true }] },
    });
  });
  afterAll(() => t?.close());

  it('signs up inactive, refuses login with 403 until activated with the code sent at sign-up', async () => {
    const email = 'checked@example.com';
    const res = await signUpUser(t, email, 'checked-pw', 'email_check');
    expect(res.status, res.text).toBe(200);
    expect((res.body as { isActive: boolean }).isActive).toBe(false);
    expectError(await api(t, 'POST', `${CHECKED}/auth`, { body: authBody(email, 'checked-pw') }), 403, 'user_inactive');

    const code = lastCode(t, email, 'activate')!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    expectError(await api(t, 'POST', `${CHECKED}/activate`, { body: { userIdentifier: email, code: wrong } }), 422, 'invalid_code');
    const ok = await api(t, 'POST', `${CHECKED}/activate`, { body: { userIdentifier: email, code } });
    expect(ok.text).toBe('true');
    expectError(await api(t, 'POST', `${CHECKED}/activate`, { body: { userIdentifier: email, code } }), 422, 'invalid_code');
    expect((await login(t, email, 'checked-pw', 'email_check')).authProviderIdentifier).toBe('email_check');
  });

  it('lists both providers with their isCheckCode', async () => {
    const res = await api(t, 'GET', `${BASE}?langCode=en_US&offset=0&limit=30`);
    expect((res.body as { identifier: string; isCheckCode: boolean }[]).map((p) => [p.identifier, p.isCheckCode])).toEqual([
      ['email', false],
      ['email_check', true],
    ]);
  });
});

describe('AuthProvider outside demo mode (no notification channel)', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender({
      config: { demo: false },
      project: { authProviders: [{ identifier: 'email_check', title: 'E-mail with code', formIdentifier: 'reg', isCheckCode: true }] },
    });
  });
  afterAll(() => t?.close());

  it('answers generate-code with 503 service_unavailable, for known and unknown users alike', async () => {
    for (const userIdentifier of ['your-user@email.com', 'ghost@example.com']) {
      const res = await api(t, 'POST', `${USERS}/generate-code`, { body: { userIdentifier, eventIdentifier: 'verify' } });
      expectError(res, 503, 'service_unavailable');
      expect(errorOf(res).message).toMatch(/notification channel/);
    }
  });

  it('refuses a sign-up that needs an activation code, and keeps no user behind', async () => {
    expectError(await signUpUser(t, 'nocode@example.com', 'nocode-pw', 'email_check'), 503, 'service_unavailable');
    const { rows } = await t.ctx.db.query(`SELECT 1 FROM users WHERE identifier = 'nocode@example.com'`);
    expect(rows).toEqual([]);
    expect((await signUpUser(t, 'nocode@example.com', 'nocode-pw', 'email')).status).toBe(200);
  });
});
