/**
 * Every SDK method must put the same request on the wire as the published `oneentry` SDK
 * (method, path, query, JSON body). Each case runs the same call through both SDKs against a
 * recording server; since the lambdas are shared, this also pins the method names and
 * positional signatures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineOneEntry as defineOneEntryOriginal } from 'oneentry';
import { defineTender, type TenderClient } from '../../src/sdk/index.js';
import { AUTH_EXAMPLE, startFakeServer, type FakeServer, type RecordedRequest } from './fake-server.js';

type Call = (sdk: TenderClient) => Promise<unknown>;

const authData = [
  { marker: 'email_reg', value: 'your-user@email.com' },
  { marker: 'password_reg', value: '123456' },
];
const field = { marker: 'name', type: 'string', value: 'Christina Thomas' };
const orderBody = () => ({
  formIdentifier: 'order',
  paymentAccountIdentifier: 'cash',
  formData: [{ ...field }],
  products: [{ productId: 14, quantity: 1 }],
});

const CASES: Array<[string, Call]> = [
  // AuthProvider
  ['signUp, one field, empty phoneSMS', (s) =>
    s.AuthProvider.signUp('email', {
      formIdentifier: 'reg',
      authData,
      formData: { ...field },
      notificationData: { email: 'a@b.c', phonePush: [], phoneSMS: '' },
    })],
  ['signUp, array and langCode', (s) =>
    s.AuthProvider.signUp(
      'email',
      { formIdentifier: 'reg', authData, formData: [{ ...field }], notificationData: { email: 'a@b.c', phonePush: ['p'], phoneSMS: '+1555' } },
      'ru_RU',
    )],
  ['signUp without formData', (s) => s.AuthProvider.signUp('email', { formIdentifier: 'reg', authData, notificationData: { email: 'a@b.c', phonePush: [] } })],
  ['generateCode', (s) => s.AuthProvider.generateCode('email', 'a@b.c', 'reg')],
  ['checkCode', (s) => s.AuthProvider.checkCode('email', 'a@b.c', 'reg', '1234')],
  ['activateUser', (s) => s.AuthProvider.activateUser('email', 'a@b.c', '1234')],
  ['auth', (s) => s.AuthProvider.auth('email', { authData })],
  ['refresh', (s) => s.AuthProvider.refresh('email', 'r1')],
  ['logout', (s) => s.AuthProvider.logout('email', 'r1')],
  ['logoutAll', (s) => s.AuthProvider.logoutAll('email')],
  ['changePassword', (s) => s.AuthProvider.changePassword('email', 'a@b.c', 'recover', 2, '1234', 'new-pass')],
  ['changePassword with repeat', (s) => s.AuthProvider.changePassword('email', 'a@b.c', 'change', 1, '1234', 'a', 'b')],
  ['getAuthProviders', (s) => s.AuthProvider.getAuthProviders()],
  ['getAuthProviders with args', (s) => s.AuthProvider.getAuthProviders('ru_RU', 10, 5)],
  ['getAuthProviderByMarker', (s) => s.AuthProvider.getAuthProviderByMarker('email')],
  ['getAuthProviderByMarker with lang', (s) => s.AuthProvider.getAuthProviderByMarker('email', 'de_DE')],
  ['getActiveSessionsByMarker', (s) => s.AuthProvider.getActiveSessionsByMarker('email')],
  // Orders
  ['getAllOrdersStorage', (s) => s.Orders.getAllOrdersStorage()],
  ['getAllOrdersStorage with args', (s) => s.Orders.getAllOrdersStorage('de_DE', 30, 10)],
  ['getOrdersStorageByMarker', (s) => s.Orders.getOrdersStorageByMarker('orders')],
  ['getOrdersStorageByMarker with lang', (s) => s.Orders.getOrdersStorageByMarker('orders', 'de_DE')],
  ['getAllOrdersByMarker', (s) => s.Orders.getAllOrdersByMarker('orders')],
  ['getAllOrdersByMarker with args', (s) => s.Orders.getAllOrdersByMarker('orders', 'de_DE', 60, 20)],
  ['getOrderByMarkerAndId', (s) => s.Orders.getOrderByMarkerAndId('orders', 89)],
  ['getOrderByMarkerAndId with lang', (s) => s.Orders.getOrderByMarkerAndId('orders', 89, 'de_DE')],
  ['createOrder, array formData', (s) => s.Orders.createOrder('orders', orderBody())],
  ['createOrder, one field, langCode, options', (s) =>
    s.Orders.createOrder(
      'orders',
      { ...orderBody(), formData: { ...field }, couponCode: 'SAVE10', additionalDiscountsMarkers: ['vip'], bonusAmount: 5 },
      'de_DE',
    )],
  ['updateOrderByMarkerAndId', (s) => s.Orders.updateOrderByMarkerAndId('orders', 89, { ...orderBody(), currency: 'USD' })],
  ['updateOrderByMarkerAndId with lang', (s) => s.Orders.updateOrderByMarkerAndId('orders', 89, orderBody(), 'de_DE')],
  ['previewOrder', (s) => s.Orders.previewOrder({ products: [{ productId: 14, quantity: 2 }], couponCode: 'SAVE10' })],
  ['previewOrder with lang', (s) => s.Orders.previewOrder({}, 'de_DE')],
  ['getAllStatusesByStorageMarker', (s) => s.Orders.getAllStatusesByStorageMarker('orders')],
  ['getAllStatusesByStorageMarker with args', (s) => s.Orders.getAllStatusesByStorageMarker('orders', 'de_DE', 5, 15)],
  ['getRefunds', (s) => s.Orders.getRefunds(89)],
  ['createRefundRequest', (s) => s.Orders.createRefundRequest(89, { products: { '14': { quantity: 1 } }, note: 'Broken' })],
  ['cancelRefundRequest', (s) => s.Orders.cancelRefundRequest(89)],
  // Payments
  ['getSessions', (s) => s.Payments.getSessions()],
  ['getSessions with args', (s) => s.Payments.getSessions(30, 10)],
  ['getSessionById', (s) => s.Payments.getSessionById(46)],
  ['getSessionByOrderId', (s) => s.Payments.getSessionByOrderId(89)],
  ['createSession', (s) => s.Payments.createSession(89, 'session')],
  ['createSession intent with tax', (s) => s.Payments.createSession(89, 'intent', true)],
  ['getAccounts', (s) => s.Payments.getAccounts()],
  ['getAccountById', (s) => s.Payments.getAccountById(1)],
];

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer(() => ({ body: AUTH_EXAMPLE }));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

function wire(req: RecordedRequest | undefined) {
  return { method: req?.method, url: req?.url, body: req?.json };
}

describe('wire parity with oneentry@1.0.149', () => {
  it.each(CASES)('%s', async (_name, call) => {
    const original = defineOneEntryOriginal(server.url, { token: 'app-token' }) as unknown as TenderClient;
    await call(original);
    await call(defineTender(server.url, { token: 'app-token' }));
    expect(server.requests).toHaveLength(2);
    const [theirs, ours] = server.requests;
    expect(wire(ours)).toEqual(wire(theirs));
  });

  it('covers every method of the three modules', () => {
    const sdk = defineTender('http://x', { token: 't' });
    const methods = (o: object) =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(o)).filter((m) => m !== 'constructor' && !m.startsWith('#'));
    const covered = CASES.map(([name]) => name.split(/[ ,]/)[0]);
    for (const module of [sdk.AuthProvider, sdk.Orders, sdk.Payments]) {
      for (const method of methods(module)) expect(covered, method).toContain(method);
    }
  });
});
