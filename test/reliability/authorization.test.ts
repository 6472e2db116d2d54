import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../src/services/access-tokens.js';
import { createAdminToken } from '../../src/services/tokens.js';
import { authorizedPayment, paidCashOrder, signIn } from '../support/fixtures.js';
import { startTender, TEST_SECRET_KEY, type TestTender } from '../support/tender.js';
import { recordFigures } from './support/figures.js';
import { hasErrorBody, send, type HttpResponse } from './support/http.js';
import { fillPath, loadOperations, sample, type Operation } from './support/openapi.js';
import { Stats } from './support/stats.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Case {
  name: string;
  applies: (op: Operation) => boolean;
  headers: () => Record<string, string>;
  expect: (op: Operation) => number[];
}

describe('authorization matrix: every route × every wrong credential', () => {
  let t: TestTender;
  let ops: Operation[];
  const tok: Record<string, string> = {};
  /** User A's resources, by path parameter (B tries to reach them). */
  let owned: Record<string, string>;
  let aEmail: string;
  beforeAll(async () => {
    t = await startTender();
    aEmail = 'authz-a@example.com';
    const a = await signIn(t, aEmail);
    const b = await signIn(t, 'authz-b@example.com');
    const paid = await paidCashOrder(t, a.userId, a.token, 1, 1);
    const auth = await authorizedPayment(t, a.userId, a.token, 2, 1);
    const { rows } = await t.ctx.db.query<{ id: number }>('SELECT collection_id AS id FROM payments WHERE id = $1', [paid.paymentId]);
    owned = { id: String(paid.paymentId), orderId: String(paid.orderId), sessionId: String(paid.sessionId), collectionId: String(rows[0]!.id), authPaymentId: String(auth.paymentId) };
    tok.userA = a.token;
    tok.userB = b.token;
    // Expired: issued two hours ago with a one-hour lifetime (the clock is injectable).
    const realNow = t.ctx.now;
    t.ctx.now = () => new Date(Date.now() - 2 * 3600_000);
    const s = await t.ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [a.userId]);
    tok.expired = await issueAccessToken(t.ctx, { userId: a.userId, sessionId: s.rows[0]!.id, ttlSec: 3600 });
    t.ctx.now = realNow;
    // Revoked: a live token whose login session was ended.
    const r = await t.ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [a.userId]);
    tok.revoked = await issueAccessToken(t.ctx, { userId: a.userId, sessionId: r.rows[0]!.id, ttlSec: 3600 });
    await t.ctx.db.query('UPDATE user_sessions SET revoked_at = now() WHERE id = $1', [r.rows[0]!.id]);
    tok.viewer = (await createAdminToken(t.ctx, 'matrix viewer', 'viewer')).token;
    const revokedAdmin = await createAdminToken(t.ctx, 'matrix revoked', 'owner');
    await t.ctx.db.query('UPDATE admin_tokens SET revoked_at = now() WHERE id = $1', [revokedAdmin.id]);
    tok.revokedAdmin = revokedAdmin.token;
    ops = await loadOperations(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 401/403/404 as expected and leaks nothing of another user or any secret', async () => {
    const user = (o: Operation) => o.auth === 'user';
    const app = (o: Operation) => o.auth === 'app' || o.auth === 'user';
    const admin = (o: Operation) => o.auth === 'admin';
    const app401 = () => [401];
    const cases: Case[] = [
      { name: 'no app token', applies: app, headers: () => ({ authorization: `Bearer ${tok.userA}` }), expect: app401 },
      { name: 'wrong app token', applies: app, headers: () => ({ 'x-app-token': 'tender_app_wrong', authorization: `Bearer ${tok.userA}` }), expect: app401 },
      { name: 'admin token as app token', applies: app, headers: () => ({ 'x-app-token': t.adminToken, authorization: `Bearer ${tok.userA}` }), expect: app401 },
      { name: 'no user token', applies: user, headers: () => ({ 'x-app-token': t.appToken }), expect: app401 },
      { name: 'malformed user token', applies: user, headers: () => ({ 'x-app-token': t.appToken, authorization: 'Bearer not.a.jwt' }), expect: app401 },
      { name: 'user token signed with another key', applies: user, headers: () => ({ 'x-app-token': t.appToken, authorization: `Bearer ${forge(tok.userA!)}` }), expect: app401 },
      { name: 'expired user token', applies: user, headers: () => ({ 'x-app-token': t.appToken, authorization: `Bearer ${tok.expired}` }), expect: app401 },
      { name: 'revoked user token', applies: user, headers: () => ({ 'x-app-token': t.appToken, authorization: `Bearer ${tok.revoked}` }), expect: app401 },
      {
        name: "another user's token", applies: (o) => user(o) && touchesOwned(o), headers: () => ({ 'x-app-token': t.appToken, authorization: `Bearer ${tok.userB}` }),
        expect: () => [404],
      },
      { name: 'no admin token', applies: admin, headers: () => ({}), expect: app401 },
      { name: 'wrong admin token', applies: admin, headers: () => ({ authorization: 'Bearer tender_admin_wrong' }), expect: app401 },
      { name: 'app token as admin token', applies: admin, headers: () => ({ authorization: `Bearer ${t.appToken}` }), expect: app401 },
      { name: 'user access token as admin token', applies: admin, headers: () => ({ authorization: `Bearer ${tok.userA}` }), expect: app401 },
      { name: 'revoked admin token', applies: admin, headers: () => ({ authorization: `Bearer ${tok.revokedAdmin}` }), expect: app401 },
      { name: 'viewer admin on a mutating route', applies: (o) => admin(o) && MUTATING.has(o.method), headers: () => ({ authorization: `Bearer ${tok.viewer}` }), expect: () => [403] },
    ];

    function touchesOwned(o: Operation): boolean {
      if (o.path.startsWith('/api/content/payments/accounts/') || o.path.startsWith('/api/content/users-auth-providers')) return false;
      return o.params.some((p) => ['id', 'orderId'].includes(p)) || (o.method === 'POST' && /\/payments\/(sessions|process|collections)$/.test(o.path));
    }
    function pathFor(o: Operation): string {
      const id = o.path.includes('/sessions/') ? owned.sessionId! : o.path.includes('/collections/') ? owned.collectionId! : owned.id!;
      const values: Record<string, string> = { id, orderId: owned.orderId!, marker: o.path.includes('users-auth-providers') ? 'email' : 'orders', accountId: '1', intentId: 'tgpi_x' };
      if (o.path.startsWith('/api/content/orders-storage/marker/{marker}/orders/{id}')) values.id = owned.orderId!;
      return fillPath(o.path, values);
    }
    /** Valid bodies (a 400 from validation would hide whether ownership is checked). */
    const orderId = () => Number(owned.orderId);
    const bodies: Record<string, () => unknown> = {
      'PUT /api/content/orders-storage/marker/{marker}/orders/{id}': () => ({ formIdentifier: 'order', paymentAccountIdentifier: 'cash', formData: [{ marker: 'name', type: 'string', value: 'B' }], products: [{ productId: 1, quantity: 2 }] }),
      'POST /api/content/payments/process': () => ({ orderId: orderId(), currency: 'USD', token: 'tok_x' }),
      'POST /api/content/payments/collections': () => ({ orderId: orderId() }),
      'POST /api/content/payments/sessions': () => ({ orderId: orderId(), type: 'session' }),
      'POST /api/content/payments/sessions/{id}/authorize': () => ({ token: 'tok_x' }),
      'POST /api/content/payments/collections/{id}/sessions': () => ({ accountIdentifier: 'cash' }),
      'POST /api/content/orders/{orderId}/refund': () => ({ products: { '1': { quantity: 1 } } }),
    };
    function bodyFor(o: Operation): unknown {
      const given = bodies[`${o.method} ${o.path}`];
      if (given) return given();
      const b = sample(o.body);
      if (b && typeof b === 'object' && !Array.isArray(b) && 'orderId' in b) (b as Record<string, unknown>).orderId = orderId();
      return b ?? {};
    }

    const stats = new Stats();
    const bad: string[] = [];
    const responses: { who: string; res: HttpResponse }[] = [];
    let cells = 0;
    for (const o of ops) {
      for (const c of cases) {
        if (!c.applies(o)) continue;
        cells++;
        const res = stats.add(await send(t.url, o.method, pathFor(o), { headers: c.headers(), ...(MUTATING.has(o.method) ? { json: bodyFor(o) } : {}) }));
        responses.push({ who: c.name, res });
        const want = c.expect(o);
        if (!want.includes(res.status) || !hasErrorBody(res)) bad.push(`${o.method} ${o.path} × ${c.name}: ${res.status} ${res.text.slice(0, 160)} (want ${want.join('/')})`);
      }
    }
    // B's own lists hold nothing of A's.
    const lists: [string, string][] = [
      ['/api/content/payments/sessions', owned.sessionId!], ['/api/content/payments/payments', owned.id!],
      ['/api/content/orders-storage/marker/orders/orders', owned.orderId!], ['/api/content/payments/payments', owned.authPaymentId!],
    ];
    for (const [path, theirs] of lists) {
      const res = stats.add(await send(t.url, 'GET', path, { headers: { 'x-app-token': t.appToken, authorization: `Bearer ${tok.userB}` } }));
      responses.push({ who: "B's lists", res });
      cells++;
      const items = (res.body?.items ?? []) as { id?: number }[];
      if (res.status !== 200 || items.some((i) => String(i.id) === theirs)) bad.push(`GET ${path} as B: ${res.status} ${res.text.slice(0, 200)}`);
    }

    // Leaks: no secret, hash or other user's data in any of these answers.
    const { rows: secrets } = await t.ctx.db.query<{ s: string }>(
      `SELECT password_hash AS s FROM users WHERE password_hash LIKE '$argon2%' UNION ALL SELECT token_hash FROM app_tokens UNION ALL SELECT token_hash FROM admin_tokens
       UNION ALL SELECT secrets::text FROM payment_accounts WHERE secrets IS NOT NULL AND secrets::text NOT IN ('{}', 'null')`);
    const forbidden = [TEST_SECRET_KEY, t.adminToken, t.appToken, tok.viewer!, aEmail, '$argon2', ...secrets.map((r) => r.s)];
    const leaks: string[] = [];
    for (const { who, res } of responses) for (const f of forbidden) if (f && res.text.includes(f)) leaks.push(`${who}: a response holds ${f.slice(0, 12)}…`);
    const figures = stats.figures('authorization', bad.length + leaks.length, { routes: ops.length, cells, credentials: cases.length, statuses: stats.statuses() });
    recordFigures(figures);
    console.log(`authorization: ${JSON.stringify(figures)}`);
    expect(bad.slice(0, 30)).toEqual([]);
    expect(leaks.slice(0, 10)).toEqual([]);
  });
});

/** The same claims, signed with a key Tender never had. */
function forge(jwt: string): string {
  const [h, p] = jwt.split('.');
  return `${h}.${p}.${Buffer.from('forged-signature-forged-signature').toString('base64url')}`;
}
