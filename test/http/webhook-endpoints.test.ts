import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken } from '../../src/services/tokens.js';
import { api } from '../support/fixtures.js';
import { startTender, type TestTender } from '../support/tender.js';

describe('webhook endpoints (admin API)', () => {
  let t: TestTender;
  let viewer: string;
  beforeAll(async () => {
    t = await startTender({ demo: false });
    viewer = (await createAdminToken(t.ctx, 'viewer', 'viewer')).token;
  });
  afterAll(() => t?.close());
  const call = (...args: Parameters<ReturnType<typeof api>>) => api(t)(...args);
  const create = (body: Record<string, unknown>) => call('POST', '/api/admin/webhook-endpoints', body);

  it('shows the signing secret once, at creation, and keeps it sealed at rest', async () => {
    const res = await create({ url: 'https://shop.example.com/hooks/tender#frag', eventTypes: ['payment.captured', 'payment.refunded', 'payment.captured'], description: 'shop' });
    expect(res.status).toBe(201);
    const { endpoint, secret } = res.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({
      url: 'https://shop.example.com/hooks/tender', eventTypes: ['payment.captured', 'payment.refunded'], description: 'shop',
      enabled: true, disabledReason: null, consecutiveFailures: 0, previousSecretExpiresAt: null,
    });
    for (const path of ['/api/admin/webhook-endpoints', `/api/admin/webhook-endpoints/${endpoint.id}`]) {
      const read = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${t.adminToken}` } });
      const text = await read.text();
      expect(read.status).toBe(200);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('secret_sealed');
      expect(text).not.toMatch(/"secret"/);
    }
    const { rows } = await t.ctx.db.query<{ secret_sealed: string }>('SELECT secret_sealed FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    expect(rows[0]!.secret_sealed).not.toContain(secret.slice(6));
    expect(t.ctx.keys.open(rows[0]!.secret_sealed, 'webhook-endpoint-secrets')).toBe(secret);
    expect(t.logs.join('\n')).not.toContain(secret);
  });

  it('accepts only http(s) URLs without credentials, and known event types', async () => {
    const bad = [
      { url: 'ftp://example.com/x', eventTypes: ['*'] },
      { url: 'javascript:alert(1)', eventTypes: ['*'] },
      { url: 'https://user:pw@example.com/x', eventTypes: ['*'] },
      { url: 'not a url at all', eventTypes: ['*'] },
      { url: 'https://example.com/x', eventTypes: ['payment.exploded'] },
      { url: 'https://example.com/x', eventTypes: [] },
      { url: 'https://example.com/x', eventTypes: ['*'], secret: 'mine' },
    ];
    for (const body of bad) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toMatch(/^(validation_failed|bad_request)$/);
    }
    expect((await create({ url: 'https://example.com/x', eventTypes: ['payment.exploded'] })).body.message).toMatch(/Known: payment_session\.created/);
    expect((await create({ url: 'http://127.0.0.1:9/x', eventTypes: ['*', 'payment.failed'] })).body.endpoint.eventTypes).toEqual(['*']);
  });

  it('updates, disables, enables and deletes an endpoint', async () => {
    const id = (await create({ url: 'https://a.example.com/', eventTypes: ['*'] })).body.endpoint.id;
    const patched = await call('PATCH', `/api/admin/webhook-endpoints/${id}`, { url: 'https://b.example.com/in', eventTypes: ['order.status_changed'], description: null, enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: 'https://b.example.com/in', eventTypes: ['order.status_changed'], description: null, enabled: false });
    expect((await call('PATCH', `/api/admin/webhook-endpoints/${id}`, { enabled: true })).body.enabled).toBe(true);
    expect((await call('PATCH', `/api/admin/webhook-endpoints/${id}`, {})).status).toBe(400);
    expect((await call('PATCH', `/api/admin/webhook-endpoints/${id}`, { url: 'file:///etc/passwd' })).status).toBe(400);
    expect((await call('DELETE', `/api/admin/webhook-endpoints/${id}`)).status).toBe(204);
    for (const [method, path] of [['GET', `/api/admin/webhook-endpoints/${id}`], ['PATCH', `/api/admin/webhook-endpoints/${id}`], ['DELETE', `/api/admin/webhook-endpoints/${id}`], ['POST', `/api/admin/webhook-endpoints/${id}/rotate-secret`]] as const) {
      const res = await call(method, path, method === 'PATCH' ? { enabled: true } : method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('not_found');
    }
  });

  it('rotates the secret: a new one shown once, the old one valid for the grace period', async () => {
    const first = (await create({ url: 'https://r.example.com/', eventTypes: ['*'] })).body;
    const before = Date.now();
    const rotated = await call('POST', `/api/admin/webhook-endpoints/${first.endpoint.id}/rotate-secret`, { graceSeconds: 600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(first.secret);
    const until = Date.parse(rotated.body.endpoint.previousSecretExpiresAt);
    expect(until).toBeGreaterThanOrEqual(before + 599_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 601_000);
    const noBody = await call('POST', `/api/admin/webhook-endpoints/${first.endpoint.id}/rotate-secret`);
    expect(noBody.status).toBe(200);
    expect(Date.parse(noBody.body.endpoint.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(86_000_000);
    const now = await call('POST', `/api/admin/webhook-endpoints/${first.endpoint.id}/rotate-secret`, { graceSeconds: 0 });
    expect(now.body.endpoint.previousSecretExpiresAt).toBeNull();
    expect((await call('POST', `/api/admin/webhook-endpoints/${first.endpoint.id}/rotate-secret`, { graceSeconds: 8 * 86400 })).status).toBe(400);
  });

  it('lets a viewer token read but not write', async () => {
    const asViewer = (method: string, path: string, body?: unknown) => api(t)(method, path, body, { authorization: `Bearer ${viewer}` });
    expect((await asViewer('GET', '/api/admin/webhook-endpoints')).status).toBe(200);
    expect((await asViewer('GET', '/api/admin/events')).status).toBe(200);
    const denied = await asViewer('POST', '/api/admin/webhook-endpoints', { url: 'https://v.example.com/', eventTypes: ['*'] });
    expect(denied.status).toBe(403);
    expect((await api(t)('GET', '/api/admin/webhook-endpoints', undefined, { authorization: '' })).status).toBe(401);
  });

  // Stored idempotent answers are sealed at rest (src/http/plugins/idempotency.ts); a replay
  // with the same key still answers the same body.
  it('does not keep the one-time secret in plain text in the idempotency store', async () => {
    const res = await call('POST', '/api/admin/webhook-endpoints', { url: 'https://i.example.com/', eventTypes: ['*'] }, { 'idempotency-key': 'create-endpoint-1' });
    expect(res.status).toBe(201);
    const { rows } = await t.ctx.db.query<{ response_body: string }>("SELECT response_body FROM idempotency_keys WHERE key = 'create-endpoint-1'");
    expect(rows[0]?.response_body ?? '').not.toContain(res.body.secret);
    expect(rows[0]?.response_body).toMatch(/^v1\./);
    const again = await call('POST', '/api/admin/webhook-endpoints', { url: 'https://i.example.com/', eventTypes: ['*'] }, { 'idempotency-key': 'create-endpoint-1' });
    expect([again.status, again.body.secret, again.headers.get('idempotent-replayed')]).toEqual([201, res.body.secret, 'true']);
  });
});
