import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminToken } from '../../src/services/tokens.js';
import { addAdminUser, adminLogin, cookieApi, OWNER, VIEWER } from '../admin/admin-users.js';
import { startTender, type TestTender } from '../support/tender.js';

describe('admin users: cookie sessions, CSRF, roles, login throttle', () => {
  let t: TestTender;
  beforeAll(async () => {
    t = await startTender();
    await addAdminUser(t, OWNER.email, OWNER.password, 'owner');
    await addAdminUser(t, VIEWER.email, VIEWER.password, 'viewer');
  });
  afterAll(() => t?.close());

  const login = (email: string, password: string) =>
    fetch(`${t.url}/api/admin/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  it('sets an HttpOnly, SameSite=Strict session cookie and answers the CSRF token', async () => {
    const s = await adminLogin(t, 'Owner@Example.com', OWNER.password);
    expect(s.setCookie).toMatch(/^tender_admin=[A-Za-z0-9_-]{40,};/);
    expect(s.setCookie).toContain('HttpOnly');
    expect(s.setCookie).toContain('SameSite=Strict');
    expect(s.setCookie).toContain('Path=/');
    expect(s.setCookie).not.toContain('Secure'); // served over plain HTTP here
    const me = await cookieApi(t, s)('GET', '/api/admin/auth/session');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: OWNER.email, role: 'owner', mustChangePassword: false });
    expect(me.body.csrfToken).toBe(s.csrfToken);
  });

  it('answers 401 to the admin API without a session or token', async () => {
    for (const path of ['/api/admin/payments', '/api/admin/dashboard', '/api/admin/auth/session', '/api/admin/refund-requests']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(401);
    }
    const forged = await fetch(`${t.url}/api/admin/payments`, { headers: { cookie: 'tender_admin=not-a-session' } });
    expect(forged.status).toBe(401);
  });

  it('refuses a write made with the cookie but without the session\'s x-csrf-token', async () => {
    const s = await adminLogin(t, OWNER.email, OWNER.password);
    const call = cookieApi(t, s);
    const body = { mappings: { completed: 'paid' } };
    expect((await call('PUT', '/api/admin/order-storages/orders/status-mappings', body, { csrf: false })).status).toBe(403);
    const wrong = await fetch(`${t.url}/api/admin/order-storages/orders/status-mappings`, {
      method: 'PUT', headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': 'guess' }, body: JSON.stringify(body),
    });
    expect(wrong.status).toBe(403);
    expect((await call('PUT', '/api/admin/order-storages/orders/status-mappings', body)).status).toBe(200);
  });

  it('lets a viewer read everything and answers 403 to every mutating admin route', async () => {
    const s = await adminLogin(t, VIEWER.email, VIEWER.password);
    const call = cookieApi(t, s);
    for (const path of ['/api/admin/payments', '/api/admin/payments/sessions', '/api/admin/orders', '/api/admin/refund-requests', '/api/admin/dashboard?days=7', '/api/admin/order-storages/orders/status-mappings']) {
      expect((await call('GET', path)).status, path).toBe(200);
    }
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const writes: [string, string][] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/admin/') || path.startsWith('/api/admin/auth/')) continue;
      for (const method of Object.keys(ops)) if (method !== 'get') writes.push([method.toUpperCase(), path.replace(/\{marker\}/g, 'orders').replace(/\{[^}]+\}/g, '1')]);
    }
    expect(writes.length).toBeGreaterThanOrEqual(8);
    for (const [method, path] of writes) {
      const res = await call(method, path, {});
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('forbidden');
    }
  });

  it('keeps Bearer admin tokens working, without CSRF, with their roles', async () => {
    const owner = await fetch(`${t.url}/api/admin/order-storages/orders/status-mappings`, {
      method: 'PUT', headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ mappings: { completed: 'paid' } }),
    });
    expect(owner.status).toBe(200);
    const { token } = await createAdminToken(t.ctx, 'reader', 'viewer');
    const viewer = await fetch(`${t.url}/api/admin/payments/1/cancel`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(viewer.status).toBe(403);
  });

  it('rate-limits an e-mail after five wrong passwords, even for the right one', async () => {
    await addAdminUser(t, 'target@example.com', 'target-password-1', 'owner');
    for (let i = 0; i < 5; i++) {
      const res = await login('target@example.com', `wrong-${i}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('invalid_credentials');
    }
    const locked = await login('target@example.com', 'target-password-1');
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { code: string }).code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another admin is not affected.
    expect((await login(OWNER.email, OWNER.password)).status).toBe(200);
  });

  it('answers the same for an unknown e-mail as for a wrong password', async () => {
    const res = await login('nobody@example.com', 'whatever-1');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe('Wrong e-mail or password');
  });

  it('makes a one-time password useless for anything but changing it', async () => {
    const { createAdminUser } = await import('../../src/services/admin-user-service.js');
    const created = await createAdminUser(t.ctx, { email: 'new@example.com', role: 'owner' });
    expect(created.generated).toBe(true);
    const s = await adminLogin(t, 'new@example.com', created.password);
    const call = cookieApi(t, s);
    const blocked = await call('GET', '/api/admin/payments');
    expect(blocked.status).toBe(403);
    expect(blocked.body.details).toEqual({ reason: 'password_change_required' });
    expect((await call('POST', '/api/admin/auth/password', { currentPassword: created.password, newPassword: 'short' })).status).toBe(400);
    const changed = await call('POST', '/api/admin/auth/password', { currentPassword: created.password, newPassword: 'a-better-password' });
    expect(changed.status).toBe(200);
    expect(changed.body.user.mustChangePassword).toBe(false);
    expect((await call('GET', '/api/admin/payments')).status).toBe(200);
  });

  it('ends the session at logout', async () => {
    const s = await adminLogin(t, OWNER.email, OWNER.password);
    const call = cookieApi(t, s);
    expect((await call('POST', '/api/admin/auth/logout', undefined, { csrf: false })).status).toBe(403);
    const out = await call('POST', '/api/admin/auth/logout');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^tender_admin=; .*Max-Age=0/);
    expect((await call('GET', '/api/admin/payments')).status).toBe(401);
  });

  it('marks the cookie Secure when Tender is served over HTTPS', async () => {
    const prev = t.ctx.config.publicUrl;
    t.ctx.config.publicUrl = 'https://pay.example.com';
    try {
      const s = await adminLogin(t, OWNER.email, OWNER.password);
      expect(s.setCookie).toContain('; Secure');
    } finally {
      t.ctx.config.publicUrl = prev;
    }
  });
});
