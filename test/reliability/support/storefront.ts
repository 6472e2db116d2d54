import { randomUUID } from 'node:crypto';
import { send, type HttpResponse, type SendOptions } from './http.js';
import type { Stats } from './stats.js';

export interface Credentials {
  appToken: string;
  adminToken: string;
}

export type Auth = { kind: 'user'; token: string } | { kind: 'admin' } | { kind: 'none' };

export interface CallOptions {
  auth: Auth;
  json?: unknown;
  /** A body sent as these exact bytes (a signed webhook). */
  raw?: string;
  key?: string;
  headers?: Record<string, string>;
  /** Retry network errors, 5xx and 409 idempotency_in_progress with the same key until this deadline (ms epoch). */
  retryUntil?: number;
  /** Called for every attempt that failed on the network (counted by the caller). */
  onNetError?: (err: Error) => void;
}

/** A client of a Tender cluster: picks a process per request, signs requests as user or admin. */
export function client(creds: Credentials, pick: () => string, stats: Stats) {
  function headersFor(o: CallOptions): Record<string, string> {
    const h: Record<string, string> = { ...o.headers };
    if (o.auth.kind === 'user') Object.assign(h, { 'x-app-token': creds.appToken, authorization: `Bearer ${o.auth.token}` });
    if (o.auth.kind === 'admin') h.authorization = `Bearer ${creds.adminToken}`;
    if (o.key) h['idempotency-key'] = o.key;
    return h;
  }

  async function call(method: string, path: string, o: CallOptions): Promise<HttpResponse> {
    const opts: SendOptions = { headers: headersFor(o), ...(o.json !== undefined ? { json: o.json } : {}), ...(o.raw !== undefined ? { raw: o.raw } : {}), timeoutMs: 60_000 };
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = stats.add(await send(pick(), method, path, opts));
      } catch (err) {
        stats.error();
        o.onNetError?.(err as Error);
        if (o.retryUntil === undefined || Date.now() > o.retryUntil) throw err;
        await sleep(100 + Math.random() * 200);
        continue;
      }
      const retryable = res.status >= 500 || (res.status === 409 && res.body?.code === 'idempotency_in_progress');
      if (!retryable || o.retryUntil === undefined || Date.now() > o.retryUntil) return res;
      await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
    }
  }
  return { call };
}

export type Client = ReturnType<typeof client>;

export interface PaymentFixture {
  orderId: number;
  sessionId: number;
  paymentId: number;
  intentId: string;
  amountMinor: number;
}

/** Order → intent session → card token → authorize, over HTTP, as a storefront does. */
export async function createPayment(c: Client, token: string, account: string, quantity: number, retryUntil?: number): Promise<PaymentFixture> {
  const user: Auth = { kind: 'user', token };
  const order = await createOrder(c, token, account, quantity, retryUntil);
  const session = await c.call('POST', '/api/content/payments/sessions', { auth: user, json: { orderId: order, type: 'intent' }, key: randomUUID(), retryUntil });
  if (session.status !== 200) throw new Error(`session: ${session.status} ${session.text}`);
  const tok = await c.call('POST', '/test-gateway/v1/tokens', { auth: { kind: 'none' }, json: { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }, retryUntil });
  if (tok.status !== 200) throw new Error(`token: ${tok.status} ${tok.text}`);
  const auth = await c.call('POST', `/api/content/payments/sessions/${session.body.id}/authorize`, { auth: user, json: { token: tok.body.id }, key: randomUUID(), retryUntil });
  if (auth.status !== 200 || !auth.body.payment) throw new Error(`authorize: ${auth.status} ${auth.text}`);
  return { orderId: order, sessionId: session.body.id, paymentId: auth.body.payment.id, intentId: auth.body.payment.gatewayRef ?? '', amountMinor: auth.body.payment.amountMinor };
}

export async function createOrder(c: Client, token: string, account: string, quantity: number, retryUntil?: number, name = 'Reliability'): Promise<number> {
  const res = await c.call('POST', '/api/content/orders-storage/marker/orders/orders', {
    auth: { kind: 'user', token }, key: randomUUID(), retryUntil,
    json: { formIdentifier: 'order', paymentAccountIdentifier: account, formData: [{ marker: 'name', type: 'string', value: name }], products: [{ productId: 1, quantity }] },
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  return res.body.id as number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
