/**
 * Shared setup of the seed and SDK lifecycle tests: a payment account on the built-in test
 * gateway, products at the seeds' prices, test-card tokens, and the SDK signed in as the demo
 * user. The test gateway and its cards are documented in src/gateways/test/NOTE.md.
 */
import { expect } from 'vitest';
import { defineTender, type TenderAdminClient } from '../../src/sdk/index.js';
import { DEMO_EMAIL, DEMO_PASSWORD } from '../support/login.js';
import type { TestTender } from '../support/tender.js';

/** The test gateway's documented cards (NOTE.md). */
export const CARDS = {
  succeeds: '4242 4242 4242 4242',
  threeDSecure: '4000 0027 6000 3184',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
} as const;

/** A payment account of type `test`, allowed in the demo storage `orders`. */
export async function addTestAccount(t: TestTender, identifier: string, captureMethod: 'automatic' | 'manual'): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO payment_accounts (identifier, type, test_mode, capture_method) VALUES ($1, 'test', true, $2) RETURNING id`,
    [identifier, captureMethod],
  );
  const id = rows[0]!.id;
  await t.ctx.db.query(`INSERT INTO order_storage_accounts (storage_id, account_id) SELECT id, $1 FROM order_storages WHERE identifier = 'orders'`, [id]);
  return id;
}

/** A catalog product; `priceMinor` in minor units (9999 = 99.99 USD). */
export async function addProduct(t: TestTender, title: string, priceMinor: number, currency = 'USD'): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    'INSERT INTO products (sku, title, price, currency) VALUES ($1, $1, $2, $3) RETURNING id', [title, priceMinor, currency]);
  return rows[0]!.id;
}

/** The demo user's id (seeded by the demo project). */
export async function demoUserId(t: TestTender): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>('SELECT id FROM users WHERE identifier = $1', [DEMO_EMAIL]);
  return rows[0]!.id;
}

/**
 * Our SDK, signed in as the demo user through `AuthProvider.auth` (the seeds' own login), with
 * the admin token for the merchant operations.
 */
export async function signedInSdk(t: TestTender): Promise<{ sdk: TenderAdminClient; accessToken: string }> {
  const sdk = defineTender(t.url, { token: t.appToken, adminToken: t.adminToken });
  const auth = await sdk.AuthProvider.auth('email', {
    authData: [{ marker: 'email_reg', value: DEMO_EMAIL }, { marker: 'password_reg', value: DEMO_PASSWORD }],
  });
  return { sdk, accessToken: auth.accessToken };
}

/**
 * What a storefront's card form does instead of Stripe.js: sends the card to the gateway's
 * tokenization endpoint (never to Tender's API) and keeps only the token id.
 */
export async function tokenize(t: TestTender, number: string): Promise<string> {
  const res = await fetch(`${t.url}/test-gateway/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' }),
  });
  const body = (await res.json()) as { id?: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.id).toMatch(/^tok_test_/);
  return body.id!;
}

/**
 * What the customer's browser does with `nextAction.url`: opens the 3-D Secure challenge page,
 * then submits its form with the button named `result` (`approve` or `fail`), following the
 * redirects. Returns the final page's status and URL.
 */
export async function completeChallenge(url: string, result: 'approve' | 'fail' = 'approve'): Promise<{ status: number; url: string }> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form[^>]*\smethod="post"[^>]*\saction="([^"]+)"/i.exec(html)?.[1];
  const button = new RegExp(`<button[^>]*\\sname="([^"]+)"[^>]*\\svalue="${result}"`, 'i').exec(html);
  expect(action, 'challenge page has a POST form').toBeTruthy();
  expect(button, `challenge page has a ${result} button`).toBeTruthy();
  const target = new URL(action!.replace(/&amp;/g, '&'), url);
  const done = await fetch(target, { method: 'POST', body: new URLSearchParams({ [button![1]!]: result }) });
  return { status: done.status, url: done.url };
}

/** Rows in `payments` for an order. */
export async function paymentRows(t: TestTender, orderId: number): Promise<number> {
  const { rows } = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE order_id = $1', [orderId]);
  return rows[0]!.n;
}
