import { createAdminUser, type AdminRole } from '../../src/services/admin-user-service.js';
import type { TestTender } from '../support/tender.js';

export const OWNER = { email: 'owner@example.com', password: 'owner-password-1' };
export const VIEWER = { email: 'viewer@example.com', password: 'viewer-password-1' };

export async function addAdminUser(t: TestTender, email: string, password: string, role: AdminRole): Promise<void> {
  await createAdminUser(t.ctx, { email, password, role });
}

export interface CookieSession {
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

/** Signs in over HTTP and returns the cookie to send back and the CSRF token. */
export async function adminLogin(t: TestTender, email: string, password: string): Promise<CookieSession> {
  const res = await fetch(`${t.url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie };
}

/** A fetch as the browser would send it with the session (CSRF header on writes unless told not to). */
export function cookieApi(t: TestTender, s: CookieSession) {
  return async (method: string, path: string, body?: unknown, opts: { csrf?: boolean } = {}) => {
    const headers: Record<string, string> = { cookie: s.cookie };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && opts.csrf !== false) headers['x-csrf-token'] = s.csrfToken;
    const res = await fetch(`${t.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any, headers: res.headers };
  };
}
