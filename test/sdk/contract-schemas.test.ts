/**
 * The wire schemas in src/contract compile under Fastify (Ajv validation with its default
 * coercion, fast-json-stringify serialization, @fastify/swagger) and encode the contract's
 * quirks. Routes here are throwaway echoes; the real routes live in src/http.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { FormatRegistry, Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as admin from '../../src/contract/admin.js';
import * as auth from '../../src/contract/auth.js';
import * as common from '../../src/contract/common.js';
import * as orders from '../../src/contract/orders.js';
import * as payments from '../../src/contract/payments.js';
import { AUTH_EXAMPLE, CREATED_ORDER_EXAMPLE, SESSION_EXAMPLE } from './fake-server.js';

const MODULES = { admin, auth, common, orders, payments };

function exportedSchemas(): Array<[string, TSchema]> {
  return Object.entries(MODULES).flatMap(([file, mod]) =>
    Object.entries(mod)
      .filter((entry): entry is [string, TSchema] => typeof entry[1] === 'object' && entry[1] !== null && Kind in entry[1])
      .map(([name, schema]): [string, TSchema] => [`${file}.${name}`, schema]),
  );
}

let app: FastifyInstance;
let echoed: unknown;

beforeAll(async () => {
  app = Fastify();
  await app.register(swagger, { openapi: { info: { title: 'contract test', version: '0' } } });
  const echo = (schema: object) => ({ schema, handler: async (req: { body?: unknown; params?: unknown; query?: unknown }) => {
    echoed = { body: req.body, params: req.params, query: req.query };
    return {};
  } });
  app.post('/session', echo({ body: payments.CreateSessionBody }));
  app.post('/refresh', echo({ body: auth.RefreshBody }));
  app.post('/sign-up', echo({ body: auth.SignUpBody }));
  app.post('/change-password', echo({ body: auth.ChangePasswordBody }));
  app.post('/order', echo({ body: orders.CreateOrderBody }));
  app.put('/order', echo({ body: orders.UpdateOrderBody }));
  app.post('/preview', echo({ body: orders.PreviewOrderBody }));
  app.post('/refund', echo({ body: orders.CreateRefundRequestBody }));
  app.post('/receive/:id', echo({ params: common.IdParam, body: admin.ReceivePaymentBody }));
  app.get('/orders/:marker/:id', echo({ params: common.MarkerIdParam, querystring: common.LangCodeQuery }));
  app.get('/list', echo({ querystring: common.LangPaginationQuery }));
  app.get('/admin/orders', echo({ querystring: admin.AdminOrdersQuery }));

  // Serializers: the handler returns whatever the test put in `reply`.
  let reply: unknown;
  const out = (url: string, schema: TSchema) =>
    app.post(url, { schema: { response: { 200: schema, '4xx': common.ErrorBody } } }, async (req) => {
      reply = req.body;
      return reply;
    });
  out('/out/session', payments.PaymentSession);
  out('/out/sessions', payments.SessionsPage);
  out('/out/by-order', payments.SessionByOrder);
  out('/out/order', orders.OrderEntity);
  out('/out/created', orders.CreateOrderResponse);
  out('/out/auth', auth.AuthEntity);
  out('/out/providers', auth.AuthProvidersList);
  out('/out/admin-orders', admin.AdminOrdersPage);
  out('/out/admin-sessions', admin.AdminSessionsPage);
  out('/out/refunds', orders.RefundRequestList);
  out('/out/accounts', payments.PaymentAccountsList);
  out('/out/preview', orders.OrderPreview);
  out('/out/storages', orders.OrdersStorageList);
  out('/out/statuses', orders.OrderStatusList);
  out('/out/sign-up', auth.SignUpEntity);
  out('/out/active', auth.ActiveSessionsList);
  out('/out/bool', common.BooleanResult);
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

async function post(url: string, payload: unknown, method: 'POST' | 'PUT' = 'POST') {
  echoed = undefined;
  const res = await app.inject({ method, url, payload: payload as object });
  return { status: res.statusCode, json: res.body ? (JSON.parse(res.body) as unknown) : undefined };
}

async function get(url: string) {
  echoed = undefined;
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode };
}

const order = {
  formIdentifier: 'order',
  paymentAccountIdentifier: 'cash',
  formData: { en_US: [{ marker: 'name', type: 'string', value: 'Christina Thomas' }] },
  products: [{ productId: 1, quantity: 1 }],
};

describe('schema metadata', () => {
  it('gives every exported schema a title and description and no $id', () => {
    const schemas = exportedSchemas();
    expect(schemas.length).toBeGreaterThan(40);
    for (const [name, schema] of schemas) {
      expect(schema.$id, name).toBeUndefined();
      expect(typeof schema.title, name).toBe('string');
      expect(typeof schema.description, name).toBe('string');
    }
  });

  it('generates an OpenAPI document', () => {
    const doc = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/order');
  });
});

describe('request validation under Fastify defaults', () => {
  it('accepts createSession and rejects an unknown session type', async () => {
    expect((await post('/session', { orderId: 89, type: 'session', automaticTaxEnabled: false })).status).toBe(200);
    expect((await post('/session', { orderId: 89, type: 'intent' })).status).toBe(200);
    expect((await post('/session', { orderId: 89, type: 'foo' })).status).toBe(400);
    expect((await post('/session', { orderId: 0, type: 'session' })).status).toBe(400);
    expect((await post('/session', { orderId: 2147483648, type: 'session' })).status).toBe(400);
  });

  it('lets an empty refresh body through to the handler, which must answer 401', async () => {
    expect((await post('/refresh', {})).status).toBe(200);
    expect(echoed).toMatchObject({ body: {} });
  });

  it('accepts formData keyed by language or as a plain array', async () => {
    expect((await post('/order', order)).status).toBe(200);
    expect((await post('/order', { ...order, formData: order.formData.en_US })).status).toBe(200);
    expect((await post('/order', { ...order, formData: { 'not a lang': [] } })).status).toBe(400);
    expect((await post('/order', { ...order, formData: { en_US: [null] } })).status).toBe(400);
    expect((await post('/order', { ...order, currency: 'USD' }, 'PUT')).status).toBe(200);
  });

  it('bounds order lines', async () => {
    expect((await post('/order', { ...order, products: [] })).status).toBe(400);
    expect((await post('/order', { ...order, products: [{ productId: 1, quantity: 0 }] })).status).toBe(400);
    expect((await post('/order', { ...order, products: [{ productId: 1, quantity: 10001 }] })).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => ({ productId: i + 1, quantity: 1 }));
    expect((await post('/order', { ...order, products: many })).status).toBe(400);
  });

  it('accepts amounts as numbers or decimal strings and hands the handler the decimal string', async () => {
    expect((await post('/order', { ...order, bonusAmount: 12.5 })).status).toBe(200);
    expect(echoed).toMatchObject({ body: { bonusAmount: '12.5' } });
    expect((await post('/order', { ...order, bonusAmount: '12.50' })).status).toBe(200);
    expect(echoed).toMatchObject({ body: { bonusAmount: '12.50' } });
    expect((await post('/preview', { bonusAmount: '12,50' })).status).toBe(400);
    expect((await post('/preview', { bonusAmount: 'abc' })).status).toBe(400);
    expect((await post('/preview', { bonusAmount: -1 })).status).toBe(400);
    expect((await post('/preview', {})).status).toBe(200);
  });

  it('strips unknown body keys', async () => {
    expect((await post('/session', { orderId: 1, type: 'session', userId: 99 })).status).toBe(200);
    expect(echoed).toMatchObject({ body: { orderId: 1, type: 'session' } });
    expect((echoed as { body: object }).body).not.toHaveProperty('userId');
  });

  it('validates refund request bodies', async () => {
    expect((await post('/refund', { products: { '14': { quantity: 1 } }, note: 'Broken' })).status).toBe(200);
    expect((await post('/refund', { products: {} })).status).toBe(200); // everything still refundable
    expect((await post('/refund', { products: { abc: { quantity: 1 } } })).status).toBe(400);
    expect((await post('/refund', { products: { '0': { quantity: 1 } } })).status).toBe(400);
    expect((await post('/refund', { products: { '14': { quantity: 0 } } })).status).toBe(400);
    expect((await post('/refund', { products: { '14': { quantity: 1 } }, note: 'x'.repeat(2001) })).status).toBe(400);
  });

  it('validates change-password type 1 or 2 and sign-up bodies', async () => {
    const cp = { userIdentifier: 'u', eventIdentifier: 'e', code: 'c', password1: 'p', password2: 'p' };
    expect((await post('/change-password', { ...cp, type: 2 })).status).toBe(200);
    expect((await post('/change-password', { ...cp, type: 3 })).status).toBe(400);
    const signUp = {
      formIdentifier: 'reg',
      authData: [{ marker: 'login', value: 'a@b.c' }],
      formData: { en_US: [{ marker: 'last_name', type: 'string', value: 'N' }] },
      notificationData: { email: 'a@b.c', phonePush: [], phoneSMS: '+1' },
      langCode: 'en_US',
    };
    expect((await post('/sign-up', signUp)).status).toBe(200);
  });

  it('coerces numeric ids and pagination from the URL, with defaults', async () => {
    expect((await get('/orders/orders/89?langCode=en_US')).status).toBe(200);
    expect(echoed).toMatchObject({ params: { marker: 'orders', id: 89 }, query: { langCode: 'en_US' } });
    expect((await get('/orders/orders/abc')).status).toBe(400);
    expect((await get('/orders/orders/0')).status).toBe(400);
    expect((await get('/list')).status).toBe(200);
    expect(echoed).toMatchObject({ query: { langCode: 'en_US', offset: 0, limit: 30 } });
    expect((await get('/list?limit=101')).status).toBe(400);
    expect((await get('/list?offset=-1')).status).toBe(400);
    expect((await get('/admin/orders?status=inProgress&userId=3&limit=5')).status).toBe(200);
    expect(echoed).toMatchObject({ query: { status: 'inProgress', userId: 3, limit: 5, offset: 0 } });
  });

  it('validates the admin receive body', async () => {
    expect((await post('/receive/5', { note: 'cash at desk', reference: 'R-1' })).status).toBe(200);
    expect((await post('/receive/5', {})).status).toBe(200);
    expect((await post('/receive/5', { reference: 'x'.repeat(201) })).status).toBe(400);
  });
});

describe('response serialization', () => {
  const tenderSession = {
    ...SESSION_EXAMPLE,
    amount: 12.5,
    amountMinor: 1250,
    currency: 'USD',
    gatewayStatus: null,
    sessionId: null,
    expiresAt: null,
    paymentId: null,
    somethingNew: 'kept',
  };

  it('keeps nullable keys, leaves out undefined optionals and passes extra fields', async () => {
    const { json } = await post('/out/session', { ...tenderSession, clientSecret: undefined });
    expect(json).toEqual(tenderSession);
    expect(json).toHaveProperty('paymentUrl', null);
    expect(json).not.toHaveProperty('clientSecret');
  });

  it('serializes session pages and the by-order union', async () => {
    expect((await post('/out/sessions', { items: [SESSION_EXAMPLE], total: 1 })).json).toEqual({ items: [SESSION_EXAMPLE], total: 1 });
    expect((await post('/out/by-order', SESSION_EXAMPLE)).json).toEqual(SESSION_EXAMPLE);
    expect((await post('/out/by-order', [SESSION_EXAMPLE])).json).toEqual([SESSION_EXAMPLE]);
  });

  it('serializes the create-order example with a numeric totalSum', async () => {
    expect((await post('/out/created', { ...CREATED_ORDER_EXAMPLE, totalMinor: 34000 })).json).toEqual({
      ...CREATED_ORDER_EXAMPLE,
      totalMinor: 34000,
    });
  });

  it('serializes a get/list order with a string totalSum', async () => {
    const entity = {
      id: 55,
      storageId: 1,
      createdDate: '2025-03-22T21:12:42.371Z',
      statusIdentifier: 'inProgress',
      formIdentifier: 'orderForm',
      formData: [{ marker: 'order_name', value: 'Ivan', type: 'string' }],
      totalSum: '300.00',
      currency: 'USD',
      paymentAccountIdentifier: 'cash',
      paymentAccountLocalizeInfos: { title: 'Cash' },
      paymentUrl: null,
      products: [{ id: 2957, title: 'Cosmo', sku: null, previewImage: null, price: 150, quantity: 2, isGift: false }],
      isCompleted: false,
      totalMinor: 30000,
    };
    expect((await post('/out/order', entity)).json).toEqual(entity);
    const adminOrder = { ...entity, userId: 3, userIdentifier: 'a@b.c', storageIdentifier: 'orders' };
    expect((await post('/out/admin-orders', { items: [adminOrder], total: 1 })).json).toEqual({ items: [adminOrder], total: 1 });
  });

  it('serializes the auth answer and JSON true', async () => {
    expect((await post('/out/auth', AUTH_EXAMPLE)).json).toEqual(AUTH_EXAMPLE);
    const res = await app.inject({ method: 'POST', url: '/out/bool', payload: 'true', headers: { 'content-type': 'application/json' } });
    expect(res.body).toBe('true');
  });

  it('matches the documented examples', () => {
    // TypeBox's Value.Check knows no formats by default (Fastify's Ajv uses ajv-formats).
    if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)));
    expect(Value.Check(payments.PaymentSession, SESSION_EXAMPLE)).toBe(true);
    expect(Value.Check(payments.PaymentSession, tenderSession)).toBe(true);
    expect(Value.Check(payments.PaymentSession, { ...SESSION_EXAMPLE, clientSecret: null })).toBe(false);
    expect(Value.Check(payments.PaymentSession, { ...SESSION_EXAMPLE, paymentUrl: undefined })).toBe(false);
    expect(Value.Check(orders.CreateOrderResponse, CREATED_ORDER_EXAMPLE)).toBe(true);
    expect(Value.Check(orders.CreateOrderResponse, { ...CREATED_ORDER_EXAMPLE, totalSum: '340.00' })).toBe(false);
    expect(Value.Check(orders.CreateOrderResponse, { ...CREATED_ORDER_EXAMPLE, statusIdentifier: null })).toBe(false);
    expect(Value.Check(auth.AuthEntity, AUTH_EXAMPLE)).toBe(true);
    expect(Value.Check(auth.AuthEntity, { accessToken: 'a', refreshToken: 'r' })).toBe(false);
    // Nullable keys are required (zod 4 rejects a missing `coupon`); Value.Check would accept a
    // missing unknown-typed key, so check the JSON Schema itself.
    expect(orders.OrderDiscountConfig.required).toEqual(expect.arrayContaining(['bonus', 'coupon']));
    expect(payments.PaymentSession.required).toContain('paymentUrl');
    expect(payments.PaymentSession.required).not.toContain('clientSecret');
    expect(orders.OrderEntity.required).toEqual(expect.arrayContaining(['paymentUrl', 'isCompleted', 'totalSum']));
    expect(orders.OrderEntity.required).not.toContain('statusIdentifier');
  });
});
