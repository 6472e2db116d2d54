/**
 * The admin payment-accounts API: per-type validation, secrets sealed at rest and only ever
 * shown masked, PATCH semantics for secrets, and the Stripe connection test against the fake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken } from '../../src/services/tokens.js';
import { getAccount, toGatewayAccount } from '../../src/store/account-store.js';
import { startStripeFake, type StripeFake } from '../fakes/stripe-fake.js';
import { startTender, type TestTender } from '../support/tender.js';

const SK_TEST = 'sk_test_51AdminApiKey00000000000000000000000000001234';
const SK_TEST_2 = 'sk_test_51AdminApiKeyRotated0000000000000000000005678';
const SK_LIVE = 'sk_live_51AdminApiLiveKey000000000000000000000000009999';
const WHSEC = 'whsec_adminApiSigningSecret0000000000abcd';
const PP_SECRET = 'EPaypalClientSecret0000000000000000000000XYZ9';
const SECRETS = [SK_TEST, SK_TEST_2, SK_LIVE, WHSEC, PP_SECRET];

let t: TestTender;
let fake: StripeFake;
let viewerToken: string;
const responses: string[] = [];

async function call(method: string, path: string, body?: unknown, token = t.adminToken): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

function stripeAccount(identifier: string, over: Record<string, unknown> = {}) {
  return {
    identifier, type: 'stripe', title: 'Card (Stripe)', testMode: true, captureMethod: 'automatic', sessionLifetimeSec: 3600,
    successUrl: 'https://shop.example/thanks', cancelUrl: 'https://shop.example/cart',
    // it.each tables are built before beforeAll starts the fake; those tests never reach it.
    testSettings: { apiBase: fake?.url ?? 'http://127.0.0.1:9', publishableKey: 'pk_test_51AdminApiPublishable' },
    testSecrets: { secretKey: SK_TEST, webhookSecret: WHSEC }, ...over,
  };
}

beforeAll(async () => {
  t = await startTender();
  fake = await startStripeFake([SK_TEST]);
  viewerToken = (await createAdminToken(t.ctx, 'viewer', 'viewer')).token;
});
afterAll(async () => {
  await fake?.close();
  await t?.close();
});

describe('create and read', () => {
  it('creates a Stripe account: 201, secrets masked as {set, last4}, the webhook URL to configure at Stripe', async () => {
    const res = await call('POST', '/api/admin/accounts', stripeAccount('stripe_main'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      identifier: 'stripe_main', type: 'stripe', title: 'Card (Stripe)', isVisible: true, isUsed: false, testMode: true,
      captureMethod: 'automatic', sessionLifetimeSec: 3600, successUrl: 'https://shop.example/thanks', cancelUrl: 'https://shop.example/cart',
      settings: {}, testSettings: { apiBase: fake.url, publishableKey: 'pk_test_51AdminApiPublishable' },
      secrets: { secretKey: { set: false }, webhookSecret: { set: false } },
      testSecrets: { secretKey: { set: true, last4: '1234' }, webhookSecret: { set: true, last4: 'abcd' } },
      webhookUrl: `${t.url}/api/webhooks/${res.body.id}`,
      localizeInfos: { en_US: { title: 'Card (Stripe)' } },
    });
    const got = await call('GET', `/api/admin/accounts/${res.body.id}`);
    expect(got.body).toEqual(res.body);
    const list = await call('GET', '/api/admin/accounts', undefined, viewerToken);
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { identifier: string }) => a.identifier)).toEqual(expect.arrayContaining(['cash', 'stripe_main']));
    expect(list.body.total).toBe(list.body.items.length);
  });

  it('stores secrets only sealed (AES-256-GCM); the adapter gets them decrypted', async () => {
    const { body } = await call('GET', '/api/admin/accounts');
    const id = body.items.find((a: { identifier: string }) => a.identifier === 'stripe_main').id;
    const { rows } = await t.ctx.db.query<{ secrets: string | null; test_secrets: string }>('SELECT secrets, test_secrets FROM payment_accounts WHERE id = $1', [id]);
    expect(rows[0]!.secrets).toBeNull();
    expect(rows[0]!.test_secrets).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const account = toGatewayAccount(t.ctx, (await getAccount(t.ctx.db, id))!);
    expect(account.secrets).toEqual({ secretKey: SK_TEST, webhookSecret: WHSEC });
    expect(account.settings).toMatchObject({ apiBase: fake.url });
  });

  it('creates PayPal, custom and test accounts with their own secret fields', async () => {
    const pp = await call('POST', '/api/admin/accounts', {
      identifier: 'paypal_main', type: 'paypal', title: 'PayPal', testMode: true,
      testSecrets: { clientId: 'AbPaypalClientId0001', clientSecret: PP_SECRET, webhookId: '8PT597110X687430LKGECATA' },
    });
    expect(pp.status).toBe(201);
    expect(pp.body.testSecrets).toEqual({ clientId: { set: true, last4: '0001' }, clientSecret: { set: true, last4: 'XYZ9' }, webhookId: { set: true, last4: 'CATA' } });
    const custom = await call('POST', '/api/admin/accounts', { identifier: 'bank_transfer', type: 'custom', title: 'Bank transfer', settings: { iban: 'DE00 1234' } });
    expect(custom.status).toBe(201);
    expect(custom.body).toMatchObject({ testMode: false, secrets: {}, testSecrets: {} });
    const test = await call('POST', '/api/admin/accounts', { identifier: 'test_cards', type: 'test', title: 'Test cards' });
    expect(test.body).toMatchObject({ type: 'test', testMode: true });
  });

  it('answers 404 for an unknown account, 401 without a token, 403 for writes with a viewer token', async () => {
    expect((await call('GET', '/api/admin/accounts/999999')).status).toBe(404);
    expect((await fetch(`${t.url}/api/admin/accounts`)).status).toBe(401);
    expect((await call('POST', '/api/admin/accounts', stripeAccount('viewer_try'), viewerToken)).status).toBe(403);
    expect((await call('PATCH', '/api/admin/accounts/1', { title: 'x' }, viewerToken)).status).toBe(403);
    expect((await call('POST', '/api/admin/accounts/1/test-connection', undefined, viewerToken)).status).toBe(403);
  });
});

describe('validation per type (messages name the field, never the value)', () => {
  it.each([
    ['a live key in testSecrets', stripeAccount('v1', { testSecrets: { secretKey: SK_LIVE } }), 'testSecrets.secretKey must be a test-mode key'],
    ['a test key in secrets', stripeAccount('v2', { secrets: { secretKey: SK_TEST } }), 'secrets.secretKey must be a live-mode key'],
    ['a publishable key as the secret key', stripeAccount('v3', { testSecrets: { secretKey: 'pk_test_51AdminApiPublishable' } }), 'is a publishable key'],
    ['a malformed webhook secret', stripeAccount('v4', { testSecrets: { webhookSecret: 'not-a-secret' } }), 'testSecrets.webhookSecret must be the endpoint\'s signing secret'],
    ['PayPal fields on a Stripe account', stripeAccount('v5', { testSecrets: { clientSecret: PP_SECRET } }), 'testSecrets.clientSecret is not a secret of stripe accounts (allowed: secretKey, webhookSecret)'],
    ['Stripe fields on a PayPal account', { identifier: 'v6', type: 'paypal', title: 'P', secrets: { secretKey: SK_LIVE } }, 'secrets.secretKey is not a secret of paypal accounts'],
    ['secrets on a custom account', { identifier: 'v7', type: 'custom', title: 'C', secrets: { password: 'hunter2hunter2' } }, 'accounts of type custom take no secrets'],
    ['a secret in (public) settings', stripeAccount('v8', { settings: { apiKey: SK_LIVE } }), 'settings.apiKey looks like a secret'],
    ['a secret value under another name', { identifier: 'v9', type: 'custom', title: 'C', settings: { note: { deep: [WHSEC] } } }, 'settings.note.deep[0] looks like a secret'],
    ['an unknown Stripe setting', stripeAccount('v10', { testSettings: { colour: 'red' } }), 'testSettings.colour is not a Stripe account setting'],
    ['an apiBase with a path', stripeAccount('v11', { testSettings: { apiBase: 'http://127.0.0.1:1/v1' } }), 'testSettings.apiBase must be an http(s) URL with no path'],
    ['a lifetime Stripe Checkout cannot have', stripeAccount('v12', { sessionLifetimeSec: 600 }), 'sessionLifetimeSec must be between 1800 and 86400 for Stripe accounts'],
  ])('refuses %s (400)', async (_name, body, message) => {
    const res = await call('POST', '/api/admin/accounts', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.message).toContain(message);
  });

  it('refuses a duplicate identifier (409), an unknown type and unknown fields (400)', async () => {
    expect((await call('POST', '/api/admin/accounts', stripeAccount('stripe_main'))).status).toBe(409);
    expect((await call('POST', '/api/admin/accounts', { ...stripeAccount('x1'), type: 'bitcoin' })).status).toBe(400);
    expect((await call('POST', '/api/admin/accounts', { ...stripeAccount('x2'), secretKey: SK_TEST })).status).toBe(400);
    expect((await call('POST', '/api/admin/accounts', { ...stripeAccount('bad identifier!') })).status).toBe(400);
  });
});

describe('PATCH', () => {
  let id: number;
  beforeAll(async () => {
    id = (await call('POST', '/api/admin/accounts', stripeAccount('stripe_patch'))).body.id;
  });

  it('replaces only the secrets given and keeps the others', async () => {
    const res = await call('PATCH', `/api/admin/accounts/${id}`, { testSecrets: { secretKey: SK_TEST_2 } });
    expect(res.status).toBe(200);
    expect(res.body.testSecrets).toEqual({ secretKey: { set: true, last4: '5678' }, webhookSecret: { set: true, last4: 'abcd' } });
    expect(toGatewayAccount(t.ctx, (await getAccount(t.ctx.db, id))!).secrets).toEqual({ secretKey: SK_TEST_2, webhookSecret: WHSEC });
  });

  it('keeps all secrets when none are given, and changes plain fields', async () => {
    const res = await call('PATCH', `/api/admin/accounts/${id}`, { title: 'Stripe (cards)', captureMethod: 'manual', successUrl: null, isVisible: false });
    expect(res.body).toMatchObject({ title: 'Stripe (cards)', captureMethod: 'manual', successUrl: null, isVisible: false, cancelUrl: 'https://shop.example/cart' });
    expect(res.body.testSecrets.secretKey).toEqual({ set: true, last4: '5678' });
  });

  it('null removes one secret; null for the whole object removes all', async () => {
    const one = await call('PATCH', `/api/admin/accounts/${id}`, { testSecrets: { webhookSecret: null } });
    expect(one.body.testSecrets).toEqual({ secretKey: { set: true, last4: '5678' }, webhookSecret: { set: false } });
    const all = await call('PATCH', `/api/admin/accounts/${id}`, { testSecrets: null });
    expect(all.body.testSecrets).toEqual({ secretKey: { set: false }, webhookSecret: { set: false } });
    const { rows } = await t.ctx.db.query<{ test_secrets: string | null }>('SELECT test_secrets FROM payment_accounts WHERE id = $1', [id]);
    expect(rows[0]!.test_secrets).toBeNull();
  });

  it('validates what it changes, cannot change the type, and refuses a taken identifier', async () => {
    expect((await call('PATCH', `/api/admin/accounts/${id}`, { testSecrets: { secretKey: SK_LIVE } })).status).toBe(400);
    expect((await call('PATCH', `/api/admin/accounts/${id}`, { type: 'paypal' })).status).toBe(400);
    expect((await call('PATCH', `/api/admin/accounts/${id}`, { identifier: 'stripe_main' })).status).toBe(409);
    expect((await call('PATCH', '/api/admin/accounts/999999', { title: 'x' })).status).toBe(404);
  });
});

describe('test-connection', () => {
  it('answers ok with the key that works (balance.retrieve against the fake)', async () => {
    const { body } = await call('GET', '/api/admin/accounts');
    const id = body.items.find((a: { identifier: string }) => a.identifier === 'stripe_main').id;
    const res = await call('POST', `/api/admin/accounts/${id}/test-connection`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, testMode: true, message: 'Connected to Stripe in test mode (balance currencies: USD)' });
    expect(fake.requestsTo('GET', '/v1/balance')).toHaveLength(1);
  });

  it('answers ok: false with Stripe\'s reason and without the key (the fake echoes a bad key in full)', async () => {
    const created = await call('POST', '/api/admin/accounts', stripeAccount('stripe_badkey', { testSecrets: { secretKey: SK_TEST_2 } }));
    const res = await call('POST', `/api/admin/accounts/${created.body.id}/test-connection`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.message).toContain('StripeAuthenticationError');
    expect(res.body.message).toContain('Invalid API Key provided');
    expect(res.body.message).not.toContain(SK_TEST_2);
    expect(res.body.message).not.toContain(SK_TEST_2.slice(8));
  });

  it('explains a missing key, and accounts without remote credentials', async () => {
    const created = await call('POST', '/api/admin/accounts', stripeAccount('stripe_nokey', { testSecrets: {} }));
    expect((await call('POST', `/api/admin/accounts/${created.body.id}/test-connection`)).body).toMatchObject({ ok: false, message: expect.stringContaining('has no Stripe secret key for test mode') });
    const { body } = await call('GET', '/api/admin/accounts');
    const cash = body.items.find((a: { identifier: string }) => a.identifier === 'cash').id;
    expect((await call('POST', `/api/admin/accounts/${cash}/test-connection`)).body).toMatchObject({ ok: true, testMode: false });
  });
});

describe('no secret leaks', () => {
  it('no API response, log line or unencrypted column holds a secret', async () => {
    const all = responses.join('\n');
    for (const s of SECRETS) expect(all).not.toContain(s);
    const log = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(5);
    for (const s of SECRETS) expect(log).not.toContain(s);
    const { rows: columns } = await t.ctx.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')`);
    const leaks: string[] = [];
    for (const { table_name, column_name } of columns) {
      const { rows } = await t.ctx.db.query<{ v: string | null }>(`SELECT "${column_name}"::text AS v FROM "${table_name}"`);
      for (const { v } of rows) for (const s of SECRETS) if (v?.includes(s)) leaks.push(`${table_name}.${column_name}`);
    }
    expect(leaks).toEqual([]);
  });
});
