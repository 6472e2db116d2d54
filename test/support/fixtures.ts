import { issueAccessToken } from '../../src/services/access-tokens.js';
import type { TestTender } from './tender.js';

/** A signed-in storefront user (a real login session and access token), without the login route. */
export async function signIn(t: TestTender, email: string): Promise<{ userId: number; token: string }> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO users (auth_provider_id, identifier, password_hash, is_active)
     SELECT id, $1, 'not-a-password', true FROM auth_providers WHERE identifier = 'email'
     ON CONFLICT (auth_provider_id, identifier) DO UPDATE SET is_active = true RETURNING id`,
    [email],
  );
  const userId = rows[0]!.id;
  const s = await t.ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [userId]);
  return { userId, token: await issueAccessToken(t.ctx, { userId, sessionId: s.rows[0]!.id, ttlSec: 3600 }) };
}

/** An order row priced from the catalog (the Orders routes have their own tests). */
export async function insertOrder(t: TestTender, userId: number, productId: number, quantity: number, account = 'cash'): Promise<number> {
  const { rows } = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO orders (storage_id, user_id, form_identifier, payment_account_id, form_data, lines, currency, total, status_identifier)
     SELECT st.id, $3, 'order', a.id, '[]',
            jsonb_build_array(jsonb_build_object('productId', p.id, 'quantity', $2::int, 'priceMinor', p.price::text, 'title', p.title, 'sku', p.sku)),
            p.currency, p.price * $2::int, 'inProgress'
       FROM order_storages st, payment_accounts a, products p
      WHERE st.identifier = 'orders' AND a.identifier = $4 AND p.id = $1 RETURNING id`,
    [productId, quantity, userId, account],
  );
  if (!rows[0]) throw new Error(`could not create an order for product ${productId} with account ${account}`);
  return rows[0].id;
}

export function api(t: TestTender, token?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(path.startsWith('/api/admin') ? { authorization: `Bearer ${t.adminToken}` } : { 'x-app-token': t.appToken }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any, headers: res.headers };
  };
}

/** Order → session → the merchant records the cash: a payment captured in full. */
export async function paidCashOrder(t: TestTender, userId: number, token: string, productId: number, quantity: number): Promise<{ orderId: number; paymentId: number; sessionId: number }> {
  const orderId = await insertOrder(t, userId, productId, quantity);
  const call = api(t, token);
  const s = await call('POST', '/api/content/payments/sessions', { orderId, type: 'session' });
  const admin = api(t);
  const r = await admin('POST', `/api/admin/payments/sessions/${s.body.id}/receive`, {});
  if (r.status !== 200) throw new Error(`receive failed: ${JSON.stringify(r.body)}`);
  return { orderId, paymentId: r.body.paymentId, sessionId: s.body.id };
}

/**
 * A payment authorized but not captured, on the cash account (the manual adapter records
 * captures the merchant makes by hand), built the way the engine builds one.
 */
export async function authorizedPayment(t: TestTender, userId: number, token: string, productId: number, quantity: number): Promise<{ orderId: number; paymentId: number }> {
  const orderId = await insertOrder(t, userId, productId, quantity);
  const s = await api(t, token)('POST', '/api/content/payments/sessions', { orderId, type: 'intent' });
  const { applyAction } = await import('../../src/services/engine/apply-action.js');
  const { lockSession } = await import('../../src/services/engine/locks.js');
  const out = await t.ctx.db.transaction(async (tx) => {
    const target = await lockSession(tx, s.body.id);
    return applyAction(tx, target, { kind: 'authorized', amount: { amount: target.session.amount, currency: target.session.currency.trim() }, captured: false, paymentRef: `auth-${s.body.id}`, gatewayStatus: 'authorized' }, { type: 'gateway', id: 'fixture' });
  });
  return { orderId, paymentId: out.paymentId! };
}
