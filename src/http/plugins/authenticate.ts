import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { sha256Hex } from '../../crypto.js';
import { PaymentsError } from '../../errors.js';
import { authenticateAccessToken } from '../../services/access-tokens.js';
import { adminCookie } from '../../services/admin-user-cookie.js';
import { FeedCache } from '../../store/feed-cache.js';
import { csrfMatches, resolveAdminSession } from '../../services/admin-user-sessions.js';
import type { RouteAuth } from '../principal.js';

// Valid app tokens are cached per process. A revocation is announced by the database (migration
// 0011) and stops the token on every process as soon as it commits; should the change feed be
// down, an entry still expires after APP_TOKEN_CACHE_MS (documented in README).
const APP_TOKEN_CACHE_MS = 30_000;

/**
 * Resolves who is calling, in `onRequest` so that a missing or bad credential answers 401
 * before the body is even parsed. Routes declare what they need in `config.auth`.
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  // Keyed by token hash; a notification names the token by id.
  const appTokens = new FeedCache<string, number>(ctx.db.changes, {
    max: 1000,
    ttlMs: APP_TOKEN_CACHE_MS,
    serveWhenNotLive: true,
    stale: (kind, id, _hash, tokenId) => kind === 'app_token' && (id === '*' || Number(id) === tokenId),
  });

  async function checkAppToken(request: FastifyRequest): Promise<void> {
    const raw = request.headers['x-app-token'];
    // The OneEntry SDK sends the literal string "undefined" when no token was configured.
    if (typeof raw !== 'string' || raw === '' || raw === 'undefined') {
      throw new PaymentsError('app_token_required', 'The x-app-token header is required (create one with `tender token create NAME`)');
    }
    const hash = sha256Hex(raw);
    const id = await appTokens.get(hash, async () => {
      const { rows } = await ctx.db.query<{ id: number }>('SELECT id FROM app_tokens WHERE token_hash = $1 AND revoked_at IS NULL', [hash]);
      return rows[0]?.id;
    });
    if (id === undefined) throw new PaymentsError('app_token_invalid', 'The x-app-token header does not match an active app token');
    request.appTokenId = id;
  }

  async function checkUser(request: FastifyRequest): Promise<void> {
    const token = bearer(request);
    if (!token) throw new PaymentsError('unauthorized', 'Authorization: Bearer <access token> is required');
    request.principal = await authenticateAccessToken(ctx, token);
  }

  async function checkAdmin(request: FastifyRequest, write: boolean): Promise<void> {
    const token = bearer(request);
    if (!token) return checkAdminSession(request, write);
    const { rows } = await ctx.db.query<{ id: number; role: 'owner' | 'viewer'; name: string }>(
      'SELECT id, role, name FROM admin_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      [sha256Hex(token)],
    );
    const row = rows[0];
    if (!row) throw new PaymentsError('unauthorized', 'The admin token is invalid or revoked');
    request.principal = { kind: 'admin', tokenId: row.id, role: row.role, name: row.name };
    if (write && row.role !== 'owner') throw new PaymentsError('forbidden', 'This admin token is read-only (role viewer)');
  }

  /**
   * The panel's cookie session (an admin user signed in at /admin). A Bearer admin token, when
   * sent, wins and needs no CSRF token. A mutating request made with the cookie must carry the
   * session's `x-csrf-token` (SameSite=Strict already keeps other sites from sending the cookie;
   * the token also covers same-site subdomains and old browsers).
   */
  async function checkAdminSession(request: FastifyRequest, write: boolean): Promise<void> {
    const cookie = adminCookie(request);
    const session = cookie ? await resolveAdminSession(ctx, cookie) : undefined;
    if (!session) {
      throw new PaymentsError('admin_token_required', 'Sign in at /admin, or send Authorization: Bearer <admin token> (create one with `tender admin-token create NAME`)');
    }
    const user = session.user;
    request.principal = { kind: 'admin', tokenId: 0, adminUserId: user.id, role: user.role, name: user.email };
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(session, header(request, 'x-csrf-token'))) {
      throw new PaymentsError('forbidden', 'The x-csrf-token header is missing or does not match this admin session');
    }
    if (user.mustChangePassword) {
      throw new PaymentsError('forbidden', 'Change the one-time password first (POST /api/admin/auth/password)', { reason: 'password_change_required' });
    }
    if (write && user.role !== 'owner') throw new PaymentsError('forbidden', `${user.email} is a read-only admin (role viewer)`);
  }

  app.addHook('onRequest', async (request) => {
    const auth: RouteAuth = request.routeOptions.config?.auth ?? (request.url.startsWith('/api/content/') ? 'app' : 'public');
    switch (auth) {
      case 'public':
        return;
      case 'app':
        await checkAppToken(request);
        request.principal = { kind: 'app', appTokenId: request.appTokenId! };
        return;
      case 'user':
        await checkAppToken(request);
        await checkUser(request);
        return;
      case 'admin':
        await checkAdmin(request, false);
        return;
      case 'admin_write':
        await checkAdmin(request, true);
        return;
    }
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}
