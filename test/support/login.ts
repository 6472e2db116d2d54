import { issueAccessToken } from '../../src/services/access-tokens.js';
import type { TestTender } from './tender.js';

export const DEMO_EMAIL = 'your-user@email.com';
export const DEMO_PASSWORD = '123456';

export interface LoggedIn {
  userId: number;
  accessToken: string;
  /** How the token was obtained: the real auth route, or a session written directly (route not there yet). */
  via: 'http' | 'direct';
}

/**
 * Signs a user in through `POST /api/content/users-auth-providers/marker/email/users/auth`.
 * Only when that route does not exist (404 route_not_found: the AuthProvider module is built
 * in parallel) does it fall back to writing a user_sessions row and issuing the access token
 * directly; any other failure of the route is a real failure and throws.
 */
export async function login(t: TestTender, email = DEMO_EMAIL, password = DEMO_PASSWORD): Promise<LoggedIn> {
  const { rows } = await t.ctx.db.query<{ id: number }>('SELECT id FROM users WHERE identifier = $1', [email.toLowerCase()]);
  const userId = rows[0]?.id;
  if (userId === undefined) throw new Error(`test user ${email} is not seeded`);
  const res = await fetch(`${t.url}/api/content/users-auth-providers/marker/email/users/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-app-token': t.appToken },
    body: JSON.stringify({ authData: [{ marker: 'email_reg', value: email }, { marker: 'password_reg', value: password }] }),
  });
  const body = (await res.json()) as { accessToken?: string; code?: string };
  if (res.ok && typeof body.accessToken === 'string') return { userId, accessToken: body.accessToken, via: 'http' };
  if (res.status !== 404 || body.code !== 'route_not_found') {
    throw new Error(`login of ${email} failed: HTTP ${res.status} ${JSON.stringify(body)}`);
  }
  const session = await t.ctx.db.query<{ id: number }>('INSERT INTO user_sessions (user_id) VALUES ($1) RETURNING id', [userId]);
  const accessToken = await issueAccessToken(t.ctx, { userId, sessionId: session.rows[0]!.id, ttlSec: 900 });
  return { userId, accessToken, via: 'direct' };
}

export interface ApiResult {
  status: number;
  // Test assertions read arbitrary JSON; `any` keeps them short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A signed-in user's raw HTTP client: app token + Bearer on every request, JSON content type always (as the OneEntry SDK sends). */
export function userClient(t: TestTender, accessToken: string | undefined) {
  async function call(method: string, path: string, body?: unknown): Promise<ApiResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-app-token': t.appToken };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  }
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    put: (path: string, body?: unknown) => call('PUT', path, body),
    del: (path: string) => call('DELETE', path),
  };
}

export type UserClient = ReturnType<typeof userClient>;
