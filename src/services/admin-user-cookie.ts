import type { FastifyRequest } from 'fastify';
import { ADMIN_SESSION_COOKIE, ADMIN_SESSION_TTL_SEC } from './admin-user-sessions.js';

/** The admin session token from the Cookie header, if any. */
export function adminCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== ADMIN_SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * `Set-Cookie` of the admin session: HttpOnly (scripts never see it), SameSite=Strict (no other
 * site can make the browser send it), Path=/ (the panel at /admin calls /api/admin), and Secure
 * when Tender is reached over HTTPS (directly or per TENDER_PUBLIC_URL behind a proxy).
 * An empty value clears it.
 */
export function adminSetCookie(token: string, secure: boolean): string {
  const maxAge = token === '' ? 0 : ADMIN_SESSION_TTL_SEC;
  return `${ADMIN_SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
