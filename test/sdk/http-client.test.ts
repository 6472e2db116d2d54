import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineTender, TenderApiError, TenderNetworkError, type TenderConfig } from '../../src/sdk/index.js';
import { sleepTimeMs } from '../../src/sdk/http-client.js';
import { formatUuidV4, randomId } from '../../src/sdk/random-id.js';
import { AUTH_EXAMPLE, SESSION_EXAMPLE, startFakeServer, type FakeServer, type RecordedRequest } from './fake-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
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

function error(status: number, code: string, message = code, extra: Record<string, unknown> = {}) {
  return {
    status,
    body: { statusCode: status, message, pageData: null, timestamp: new Date(0).toISOString(), code, requestId: 'req-1', ...extra },
  };
}

const paths = (reqs: RecordedRequest[]) => reqs.map((r) => `${r.method} ${r.path}`);

describe('headers', () => {
  it('sends the app token and no Authorization, Content-Type or Idempotency-Key on an anonymous GET', async () => {
    server.respond(() => ({ body: [] }));
    await client().Payments.getAccounts();
    const [req] = server.requests;
    expect(req?.headers['x-app-token']).toBe('app-token');
    expect(req?.headers['accept']).toBe('application/json');
    expect(req?.headers['authorization']).toBeUndefined();
    expect(req?.headers['content-type']).toBeUndefined();
    expect(req?.headers['idempotency-key']).toBeUndefined();
    expect(req?.headers['x-device-metadata']).toBeUndefined();
  });

  it('sends the Bearer token obtained by auth() from every module', async () => {
    server.respond((req) => (req.path.endsWith('/users/auth') ? { body: AUTH_EXAMPLE } : { body: SESSION_EXAMPLE }));
    const { AuthProvider, Payments, Orders } = client();
    await AuthProvider.auth('email', { authData: [{ marker: 'login', value: 'a@b.c' }] });
    await Payments.getSessionById(46);
    await Orders.getRefunds(1);
    expect(server.requests[0]?.headers['authorization']).toBeUndefined();
    expect(server.requests[1]?.headers['authorization']).toBe('Bearer access-1');
    expect(server.requests[2]?.headers['authorization']).toBe('Bearer access-1');
  });

  it('sends a JSON body, a UUID Idempotency-Key and device metadata on POST', async () => {
    server.respond(() => ({ body: SESSION_EXAMPLE }));
    await client().Payments.createSession(89, 'intent', true);
    const [req] = server.requests;
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['idempotency-key']).toMatch(UUID);
    const meta = JSON.parse(String(req?.headers['x-device-metadata'])) as { fingerprint: string; deviceInfo: object };
    expect(meta.fingerprint).toMatch(/^UQ_/);
    expect(meta.deviceInfo).toEqual({ os: expect.any(String), browser: expect.any(String), location: expect.any(String) });
    expect(req?.json).toEqual({ orderId: 89, type: 'intent', automaticTaxEnabled: true });
  });

  it('sends an Idempotency-Key on PUT and DELETE, a new one per call', async () => {
    server.respond(() => ({ body: true }));
    const { Orders } = client();
    await Orders.cancelRefundRequest(5);
    await Orders.cancelRefundRequest(5);
    await Orders.updateOrderByMarkerAndId('orders', 3, {
      formIdentifier: 'order',
      paymentAccountIdentifier: 'cash',
      formData: [],
      products: [{ productId: 1, quantity: 1 }],
    });
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    keys.forEach((k) => expect(k).toMatch(UUID));
    expect(new Set(keys).size).toBe(3);
    expect(server.requests[0]?.body).toBe('');
    expect(server.requests[0]?.headers['content-type']).toBeUndefined();
  });

  it('URL-encodes query values and path segments', async () => {
    server.respond(() => ({ body: [] }));
    const { Orders } = client();
    await Orders.getAllOrdersStorage('en US&x=1', 0, 5);
    await Orders.getOrdersStorageByMarker('a/b?c');
    expect(server.requests[0]?.url).toBe('/api/content/orders-storage?langCode=en%20US%26x%3D1&limit=5&offset=0');
    expect(server.requests[1]?.url).toBe('/api/content/orders-storage/marker/a%2Fb%3Fc?langCode=en_US');
  });

  it('strips a trailing slash from the project URL', async () => {
    server.respond(() => ({ body: [] }));
    await defineTender(`${server.url}/`, { token: 't' }).Payments.getAccounts();
    expect(server.requests[0]?.url).toBe('/api/content/payments/accounts');
  });
});

describe('errors', () => {
  it('throws TenderApiError with the fields of the error body, without retrying a 400', async () => {
    server.respond(() => error(400, 'validation_failed', 'body/orderId must be integer', { details: [{ path: 'orderId' }] }));
    const err = await client().Payments.createSession(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenderApiError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'TenderApiError',
      statusCode: 400,
      code: 'validation_failed',
      message: 'body/orderId must be integer',
      requestId: 'req-1',
      details: [{ path: 'orderId' }],
    });
    expect((err as TenderApiError).body).toMatchObject({ statusCode: 400, pageData: null });
    expect(server.requests).toHaveLength(1);
  });

  it('falls back to http_error and the x-request-id header for a non-JSON error body', async () => {
    server.respond(() => ({ status: 404, raw: '<html>nope</html>', headers: { 'x-request-id': 'hdr-7' } }));
    const err = (await client().Payments.getSessionById(1).catch((e: unknown) => e)) as TenderApiError;
    expect(err).toMatchObject({ statusCode: 404, code: 'http_error', message: 'HTTP 404', requestId: 'hdr-7', body: '<html>nope</html>' });
  });

  it('rejects a 2xx answer that is not JSON', async () => {
    server.respond(() => ({ raw: 'OK' }));
    await expect(client().Payments.getAccounts()).rejects.toMatchObject({ code: 'invalid_response', statusCode: 200 });
  });

  it('returns undefined for an empty 2xx body', async () => {
    server.respond(() => ({ status: 204 }));
    await expect(client().AuthProvider.generateCode('email', 'a@b.c', 'reg')).resolves.toBeUndefined();
  });

  it('throws TenderNetworkError when the server cannot be reached, after the retries', async () => {
    const url = server.url;
    await server.close();
    server = await startFakeServer(); // for afterEach
    const err = await defineTender(url, { token: 't', retries: 1 }).Payments.getAccounts().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenderNetworkError);
    expect(err).toMatchObject({ code: 'network_error' });
    expect((err as Error).message).toContain('retried 1 times');
    expect((err as Error).cause).toBeDefined();
  });
});

describe('retries', () => {
  it('retries a 503 and returns the later success, with the same Idempotency-Key', async () => {
    server.respond((_req, i) => (i === 0 ? error(503, 'gateway_unavailable') : { body: SESSION_EXAMPLE }));
    await expect(client().Payments.createSession(89)).resolves.toEqual(SESSION_EXAMPLE);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first?.headers['idempotency-key']).toMatch(UUID);
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(second?.body).toBe(first?.body);
  });

  it('retries a dropped connection', async () => {
    server.respond((_req, i) => (i === 0 ? 'destroy' : { body: SESSION_EXAMPLE }));
    await expect(client().Payments.createSession(89)).resolves.toEqual(SESSION_EXAMPLE);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers['idempotency-key']).toBe(server.requests[0]?.headers['idempotency-key']);
  });

  it('retries 429 and 409 idempotency_in_progress', async () => {
    server.respond((_req, i) =>
      i === 0
        ? { ...error(429, 'rate_limited'), headers: { 'retry-after': '0' } }
        : i === 1
          ? error(409, 'idempotency_in_progress')
          : { body: true },
    );
    await expect(client().Orders.createRefundRequest(1, { products: { '2': { quantity: 1 } } })).resolves.toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('does not retry other 409s', async () => {
    server.respond(() => error(409, 'idempotency_conflict'));
    await expect(client().Orders.cancelRefundRequest(1)).rejects.toMatchObject({ statusCode: 409, code: 'idempotency_conflict' });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after `retries` retries and throws the last error', async () => {
    server.respond(() => error(500, 'internal_error'));
    await expect(client().Payments.getSessions()).rejects.toMatchObject({ statusCode: 500, code: 'internal_error' });
    expect(server.requests).toHaveLength(3);
    server.requests.length = 0;
    await expect(client({ retries: 0 }).Payments.getSessions()).rejects.toMatchObject({ statusCode: 500 });
    expect(server.requests).toHaveLength(1);
  });

  it('backs off exponentially with jitter between 100 ms and 2 s', () => {
    for (let i = 0; i < 50; i++) {
      expect(sleepTimeMs(1)).toBeGreaterThanOrEqual(100);
      expect(sleepTimeMs(1)).toBeLessThan(101);
      expect(sleepTimeMs(3)).toBeGreaterThanOrEqual(200);
      expect(sleepTimeMs(3)).toBeLessThan(400);
      expect(sleepTimeMs(10)).toBeGreaterThanOrEqual(1000);
      expect(sleepTimeMs(10)).toBeLessThanOrEqual(2000);
    }
    expect(sleepTimeMs(1, 3)).toBe(3000);
    expect(sleepTimeMs(1, 3600)).toBeLessThan(101);
  });

  it('rejects a negative retry count', () => {
    expect(() => client({ retries: -1 })).toThrow(TypeError);
  });
});

describe('random ids', () => {
  it('formats RFC 4122 v4 UUIDs, with or without crypto.randomUUID', () => {
    expect(randomId()).toMatch(UUID);
    expect(formatUuidV4(new Uint8Array(16).fill(255))).toMatch(UUID);
    // Shadow the prototype method with an own property, as in a browser on plain http.
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 100 }, () => randomId()));
      expect(ids.size).toBe(100);
      ids.forEach((id) => expect(id).toMatch(UUID));
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
  });
});
