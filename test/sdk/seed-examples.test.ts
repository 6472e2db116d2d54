/**
 * The official OneEntry usage examples (seeds 000 and 002) run against Tender with only the
 * import changed, and createOrder wraps formData the way OneEntry does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineOneEntry, defineTender } from '../../src/sdk/index.js';
import {
  AUTH_EXAMPLE,
  CREATED_ORDER_EXAMPLE,
  SESSION_EXAMPLE,
  startFakeServer,
  type FakeReply,
  type FakeServer,
  type RecordedRequest,
} from './fake-server.js';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer(exampleServer);
});
afterEach(async () => {
  await server.close();
});

/** Answers with the documented examples; protected routes need the token from the login. */
function exampleServer(req: RecordedRequest): FakeReply {
  if (req.path.endsWith('/users/auth')) return { body: AUTH_EXAMPLE };
  if (req.headers['authorization'] !== `Bearer ${AUTH_EXAMPLE.accessToken}`) {
    return { status: 401, body: { statusCode: 401, message: 'Unauthorized', pageData: null, code: 'unauthorized' } };
  }
  if (req.path === '/api/content/orders-storage/marker/orders/orders') return { body: CREATED_ORDER_EXAMPLE };
  return { body: SESSION_EXAMPLE };
}

describe('seed 002: payment for the order by a registered user', () => {
  it('runs the final example unchanged except for the import', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const PROJECT_URL = server.url;
    const APP_TOKEN = 'your-app-token';

    // --- verbatim from the seed, after `import { defineOneEntry } from 'oneentry'` ---
    const { AuthProvider, Orders, Payments } = defineOneEntry(PROJECT_URL, {
      token: APP_TOKEN,
    });
    const authData = {
      authData: [
        { marker: 'email_reg', value: 'your-user@email.com' },
        { marker: 'password_reg', value: '123456' },
      ],
    };
    const user = await AuthProvider.auth('email', authData);
    const body = {
      formIdentifier: 'order',
      paymentAccountIdentifier: 'cash',
      formData: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }],
      products: [{ productId: 1, quantity: 1 }],
    };
    const orderData = await Orders.createOrder('orders', body);
    const sessionData = await Payments.createSession(orderData.id, 'session');
    const sessionByOrderId = await Payments.getSessionByOrderId(orderData.id);
    console.log(sessionByOrderId);
    // --- end of seed code ---

    expect(user).toEqual(AUTH_EXAMPLE);
    expect(orderData).toEqual(CREATED_ORDER_EXAMPLE);
    expect(sessionData).toEqual(SESSION_EXAMPLE);
    expect(log).toHaveBeenCalledWith(SESSION_EXAMPLE);
    log.mockRestore();

    expect(server.requests.map((r) => `${r.method} ${r.url} ${r.headers['authorization'] ?? '-'}`)).toEqual([
      'POST /api/content/users-auth-providers/marker/email/users/auth -',
      'POST /api/content/orders-storage/marker/orders/orders Bearer access-1',
      'POST /api/content/payments/sessions Bearer access-1',
      'GET /api/content/payments/sessions/order/89 Bearer access-1',
    ]);
    expect(server.requests.every((r) => r.headers['x-app-token'] === APP_TOKEN)).toBe(true);
    expect(server.requests[1]?.json).toEqual({
      formIdentifier: 'order',
      paymentAccountIdentifier: 'cash',
      formData: { en_US: [{ type: 'string', marker: 'name', value: 'Christina Thomas' }] },
      products: [{ productId: 1, quantity: 1 }],
    });
    expect(server.requests[2]?.json).toEqual({ orderId: 89, type: 'session', automaticTaxEnabled: false });
    // Unlike the OneEntry SDK, the caller's body is not mutated.
    expect(body.formData).toEqual([{ type: 'string', marker: 'name', value: 'Christina Thomas' }]);
  });
});

describe('seed 000: quickstart', () => {
  it('creates a session for an order and exposes id, status and paymentUrl', async () => {
    const { Payments } = defineOneEntry(server.url, { token: 'your-app-token' });
    Payments.setAccessToken(AUTH_EXAMPLE.accessToken);
    const session = await Payments.createSession(179, 'session');
    expect([session.id, session.status, session.paymentUrl]).toEqual([46, 'waiting', null]);
    expect(server.requests[0]?.json).toEqual({ orderId: 179, type: 'session', automaticTaxEnabled: false });
  });
});

describe('createOrder formData wrapping', () => {
  const base = { formIdentifier: 'order', paymentAccountIdentifier: 'cash', products: [{ productId: 1, quantity: 2 }] };
  const field = { marker: 'name', type: 'string', value: 'Ann' };

  async function sentFormData(call: (sdk: ReturnType<typeof defineTender>) => Promise<unknown>, langCode?: string) {
    const sdk = defineTender(server.url, { token: 't', ...(langCode ? { langCode } : {}) });
    sdk.Orders.setAccessToken(AUTH_EXAMPLE.accessToken);
    server.requests.length = 0;
    await call(sdk);
    return (server.requests[0]?.json as { formData: unknown }).formData;
  }

  it('wraps an array under the default language', async () => {
    expect(await sentFormData((s) => s.Orders.createOrder('orders', { ...base, formData: [field] }))).toEqual({ en_US: [field] });
  });

  it('wraps a single field into a one-item array', async () => {
    expect(await sentFormData((s) => s.Orders.createOrder('orders', { ...base, formData: field }))).toEqual({ en_US: [field] });
  });

  it('uses the langCode argument, else the client langCode', async () => {
    expect(await sentFormData((s) => s.Orders.createOrder('orders', { ...base, formData: [field] }, 'fr_FR'))).toEqual({
      fr_FR: [field],
    });
    expect(await sentFormData((s) => s.Orders.createOrder('orders', { ...base, formData: [field] }), 'de_DE')).toEqual({
      de_DE: [field],
    });
  });

  it('sends an empty list, not [null], when formData is missing at runtime', async () => {
    const untyped = { ...base } as unknown as Parameters<ReturnType<typeof defineTender>['Orders']['createOrder']>[1];
    expect(await sentFormData((s) => s.Orders.createOrder('orders', untyped))).toEqual({ en_US: [] });
  });

  it('wraps formData of updateOrderByMarkerAndId the same way and sends langCode in the query', async () => {
    expect(
      await sentFormData((s) => s.Orders.updateOrderByMarkerAndId('orders', 7, { ...base, formData: field }, 'fr_FR')),
    ).toEqual({ fr_FR: [field] });
    expect(server.requests[0]?.url).toBe('/api/content/orders-storage/marker/orders/orders/7?langCode=fr_FR');
  });
});
