import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineTender, TenderApiError, type TenderConfig } from '../../src/sdk/index.js';
import { AUTH_EXAMPLE, SESSION_EXAMPLE, startFakeServer, type FakeReply, type FakeServer, type RecordedRequest } from './fake-server.js';

const REFRESH_PATH = '/api/content/users-auth-providers/marker/email/users/refresh';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer();
});
afterEach(async () => {
  await server.close();
});

function client(config: Partial<TenderConfig> = {}) {
  return defineTender(server.url, { token: 'app-token', ...config });
}

const unauthorized: FakeReply = {
  status: 401,
  body: { statusCode: 401, message: 'Access token expired', pageData: null, timestamp: '', code: 'unauthorized', requestId: 'r401' },
};

/** A server whose protected routes accept only `Bearer <valid>` and whose refresh rotates tokens. */
function tokenServer(opts: { valid: () => string; onRefresh: (req: RecordedRequest) => FakeReply | Promise<FakeReply> }) {
  return (req: RecordedRequest): FakeReply | Promise<FakeReply> => {
    if (req.path.endsWith('/users/refresh')) return opts.onRefresh(req);
    if (req.headers['authorization'] !== `Bearer ${opts.valid()}`) return unauthorized;
    if (req.path.endsWith('/logout') || req.path.endsWith('/logout-all')) return { body: true };
    return { body: SESSION_EXAMPLE };
  };
}

const requestsTo = (suffix: string) => server.requests.filter((r) => r.path.endsWith(suffix));

describe('automatic refresh on 401', () => {
  it('refreshes with the held refresh token, saves the new one and retries the call once', async () => {
    const saveFunction = vi.fn();
    server.respond(
      tokenServer({
        valid: () => 'access-2',
        onRefresh: () => ({ body: { ...AUTH_EXAMPLE, accessToken: 'access-2', refreshToken: 'refresh-2' } }),
      }),
    );
    const { Payments, AuthProvider } = client({ auth: { refreshToken: 'refresh-1', saveFunction } });

    await expect(Payments.createSession(89, 'session')).resolves.toEqual(SESSION_EXAMPLE);

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/content/payments/sessions',
      `POST ${REFRESH_PATH}`,
      'POST /api/content/payments/sessions',
    ]);
    const [original, refresh, retry] = server.requests;
    expect(original?.headers['authorization']).toBeUndefined();
    expect(refresh?.headers['authorization']).toBeUndefined();
    expect(refresh?.headers['x-app-token']).toBe('app-token');
    expect(refresh?.json).toEqual({ refreshToken: 'refresh-1' });
    expect(retry?.headers['authorization']).toBe('Bearer access-2');
    expect(retry?.headers['idempotency-key']).toBe(original?.headers['idempotency-key']);
    expect(retry?.body).toBe(original?.body);
    expect(saveFunction).toHaveBeenCalledExactlyOnceWith('refresh-2');
    expect(AuthProvider.getRefreshToken()).toBe('refresh-2');
  });

  it('uses the configured providerMarker for the refresh endpoint', async () => {
    server.respond(
      tokenServer({ valid: () => 'a2', onRefresh: () => ({ body: { ...AUTH_EXAMPLE, accessToken: 'a2', refreshToken: 'r2' } }) }),
    );
    await client({ auth: { refreshToken: 'r1', providerMarker: 'phone' } }).Payments.getAccounts();
    expect(server.requests[1]?.path).toBe('/api/content/users-auth-providers/marker/phone/users/refresh');
  });

  it('throws the original 401 without a refresh call when no refresh token is held', async () => {
    server.respond(() => unauthorized);
    const err = await client().Orders.getRefunds(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenderApiError);
    expect(err).toMatchObject({ statusCode: 401, code: 'unauthorized', requestId: 'r401' });
    expect(server.requests).toHaveLength(1);
  });

  it('throws the original 401 and stores nothing when the refresh is refused', async () => {
    const saveFunction = vi.fn();
    server.respond(
      tokenServer({
        valid: () => 'never',
        onRefresh: () => ({ status: 401, body: { statusCode: 401, message: 'revoked', code: 'refresh_token_revoked' } }),
      }),
    );
    const { Payments } = client({ auth: { refreshToken: 'dead', saveFunction } });
    await expect(Payments.getSessions()).rejects.toMatchObject({ statusCode: 401, code: 'unauthorized' });
    expect(requestsTo('/users/refresh')).toHaveLength(1);
    expect(saveFunction).not.toHaveBeenCalled();
    expect(Payments.getRefreshToken()).toBe('dead');
  });

  it('retries only once: a second 401 is thrown', async () => {
    server.respond(
      tokenServer({
        valid: () => 'never',
        onRefresh: () => ({ body: { ...AUTH_EXAMPLE, accessToken: 'a2', refreshToken: 'r2' } }),
      }),
    );
    await expect(client({ auth: { refreshToken: 'r1' } }).Payments.getSessionById(1)).rejects.toMatchObject({ statusCode: 401 });
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/content/payments/sessions/1',
      REFRESH_PATH,
      '/api/content/payments/sessions/1',
    ]);
  });

  it('shares one refresh between concurrent 401s', async () => {
    const saveFunction = vi.fn();
    let valid = 'access-1';
    server.respond(
      tokenServer({
        valid: () => valid,
        onRefresh: async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          valid = 'access-2';
          return { body: { ...AUTH_EXAMPLE, accessToken: 'access-2', refreshToken: 'refresh-2' } };
        },
      }),
    );
    const { Payments, Orders } = client({ auth: { refreshToken: 'refresh-1', saveFunction } });
    Payments.setAccessToken('expired');
    const results = await Promise.all([
      Payments.getSessionById(1),
      Payments.getSessions(),
      Payments.createSession(2),
      Orders.getRefunds(3),
    ]);
    expect(results).toHaveLength(4);
    expect(requestsTo('/users/refresh')).toHaveLength(1);
    expect(saveFunction).toHaveBeenCalledExactlyOnceWith('refresh-2');
    const retried = server.requests.filter((r) => r.headers['authorization'] === 'Bearer access-2');
    expect(retried).toHaveLength(4);
  });

  it('does not refresh again for a 401 that arrives after another call already refreshed', async () => {
    let valid = 'access-1';
    let refreshes = 0;
    server.respond(async (req) => {
      if (req.path.endsWith('/users/refresh')) {
        refreshes++;
        valid = `access-${refreshes + 1}`;
        return { body: { ...AUTH_EXAMPLE, accessToken: valid, refreshToken: `refresh-${refreshes + 1}` } };
      }
      // The slow call answers its 401 only after the fast one has refreshed.
      if (req.path.endsWith('/sessions/2') && req.headers['authorization'] === 'Bearer expired') {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return req.headers['authorization'] === `Bearer ${valid}` ? { body: SESSION_EXAMPLE } : unauthorized;
    });
    const { Payments } = client({ auth: { refreshToken: 'refresh-1' } });
    Payments.setAccessToken('expired');
    await Promise.all([Payments.getSessionById(1), Payments.getSessionById(2)]);
    expect(refreshes).toBe(1);
  });

  it('never refreshes on a 401 from auth() (wrong credentials)', async () => {
    server.respond(() => unauthorized);
    const { AuthProvider } = client({ auth: { refreshToken: 'r1' } });
    await expect(AuthProvider.auth('email', { authData: [{ marker: 'login', value: 'x' }] })).rejects.toMatchObject({
      statusCode: 401,
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe('token state', () => {
  it('auth() stores both tokens and calls saveFunction with the refresh token', async () => {
    const saveFunction = vi.fn();
    server.respond(() => ({ body: AUTH_EXAMPLE }));
    const { AuthProvider, Payments } = client({ auth: { saveFunction } });
    await expect(AuthProvider.auth('email', { authData: [{ marker: 'login', value: 'a' }] })).resolves.toEqual(AUTH_EXAMPLE);
    expect(saveFunction).toHaveBeenCalledExactlyOnceWith('refresh-1');
    expect(Payments.getRefreshToken()).toBe('refresh-1');
  });

  it('refresh() posts the given token, stores the new pair and calls saveFunction', async () => {
    const saveFunction = vi.fn();
    server.respond(() => ({ body: { ...AUTH_EXAMPLE, accessToken: 'a9', refreshToken: 'r9' } }));
    const { AuthProvider, Orders } = client({ auth: { saveFunction } });
    await AuthProvider.refresh('email', 'r8');
    expect(server.requests[0]?.json).toEqual({ refreshToken: 'r8' });
    expect(saveFunction).toHaveBeenCalledExactlyOnceWith('r9');
    await Orders.getRefunds(1);
    expect(server.requests[1]?.headers['authorization']).toBe('Bearer a9');
  });

  it('logout() revokes the token, clears both tokens and calls saveFunction("")', async () => {
    const saveFunction = vi.fn();
    server.respond((req) => (req.path.endsWith('/users/auth') ? { body: AUTH_EXAMPLE } : { body: true }));
    const { AuthProvider, Payments } = client({ auth: { saveFunction } });
    await AuthProvider.auth('email', { authData: [] });
    await expect(AuthProvider.logout('email', 'refresh-1')).resolves.toBe(true);
    expect(server.requests[1]?.json).toEqual({ refreshToken: 'refresh-1' });
    expect(server.requests[1]?.headers['authorization']).toBe('Bearer access-1');
    expect(saveFunction.mock.calls).toEqual([['refresh-1'], ['']]);
    expect(Payments.getRefreshToken()).toBeUndefined();
    await Payments.getAccounts();
    expect(server.requests[2]?.headers['authorization']).toBeUndefined();
  });

  it('logout() after an automatic refresh revokes the rotated refresh token', async () => {
    server.respond(
      tokenServer({ valid: () => 'a2', onRefresh: () => ({ body: { ...AUTH_EXAMPLE, accessToken: 'a2', refreshToken: 'r2' } }) }),
    );
    const { AuthProvider } = client({ auth: { refreshToken: 'r1' } });
    await expect(AuthProvider.logout('email', AuthProvider.getRefreshToken() ?? '')).resolves.toBe(true);
    const logouts = requestsTo('/users/logout');
    expect(logouts.map((r) => r.json)).toEqual([{ refreshToken: 'r1' }, { refreshToken: 'r2' }]);
  });

  it('logoutAll() posts no body, then clears the tokens and calls saveFunction("")', async () => {
    const saveFunction = vi.fn();
    server.respond(() => ({ body: true }));
    const { AuthProvider } = client({ auth: { refreshToken: 'r1', saveFunction } });
    AuthProvider.setAccessToken('a1');
    await expect(AuthProvider.logoutAll('email')).resolves.toBe(true);
    const [req] = server.requests;
    expect(req?.path).toBe('/api/content/users-auth-providers/marker/email/users/logout-all');
    expect(req?.body).toBe('');
    expect(req?.headers['authorization']).toBe('Bearer a1');
    expect(req?.headers['idempotency-key']).toBeDefined();
    expect(saveFunction).toHaveBeenCalledExactlyOnceWith('');
    expect(AuthProvider.getRefreshToken()).toBeUndefined();
  });

  it('keeps the tokens when logout fails', async () => {
    const saveFunction = vi.fn();
    server.respond(() => ({ status: 400, body: { statusCode: 400, message: 'bad', code: 'validation_failed' } }));
    const { AuthProvider } = client({ auth: { refreshToken: 'r1', saveFunction } });
    await expect(AuthProvider.logout('email', 'r1')).rejects.toBeInstanceOf(TenderApiError);
    expect(saveFunction).not.toHaveBeenCalled();
    expect(AuthProvider.getRefreshToken()).toBe('r1');
  });

  it('shares tokens set on one module with every module of the same client only', async () => {
    server.respond(() => ({ body: [] }));
    const a = client();
    const b = client();
    a.Orders.setAccessToken('shared');
    a.Payments.setRefreshToken('r-shared');
    expect(a.AuthProvider.getRefreshToken()).toBe('r-shared');
    expect(b.AuthProvider.getRefreshToken()).toBeUndefined();
    await a.Payments.getAccounts();
    await b.Payments.getAccounts();
    expect(server.requests[0]?.headers['authorization']).toBe('Bearer shared');
    expect(server.requests[1]?.headers['authorization']).toBeUndefined();
  });
});
