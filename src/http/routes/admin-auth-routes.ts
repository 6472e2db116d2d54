import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AdminLoginBody, AdminSessionInfo, ChangeAdminPasswordBody } from '../../contract/admin-panel.js';
import { BooleanResult, ErrorBody } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import { PaymentsError } from '../../errors.js';
import { adminCookie, adminSetCookie } from '../../services/admin-user-cookie.js';
import { changeAdminPassword } from '../../services/admin-user-service.js';
import {
  csrfMatches, loginAdmin, resolveAdminSession, revokeAdminSession, revokeOtherAdminSessions, type AdminSession,
} from '../../services/admin-user-sessions.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody };
const tags = ['Admin: sign-in'];

/**
 * Admin users' sign-in for the panel (`/api/admin/auth`): a cookie session, separate from the
 * storefront's users and from admin API tokens. Declared `public` because they read the cookie
 * themselves: signing in needs no credential, and the other routes must work for a user who
 * still has to change a one-time password.
 */
export function adminAuthRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const secure = (request: FastifyRequest) => request.protocol === 'https' || ctx.config.publicUrl.startsWith('https://');

    async function session(request: FastifyRequest, mutating: boolean): Promise<AdminSession> {
      const cookie = adminCookie(request);
      const found = cookie ? await resolveAdminSession(ctx, cookie) : undefined;
      if (!found) throw new PaymentsError('admin_token_required', 'Not signed in (or the session ended): sign in at /admin');
      const header = request.headers['x-csrf-token'];
      if (mutating && !csrfMatches(found, typeof header === 'string' ? header : undefined)) {
        throw new PaymentsError('forbidden', 'The x-csrf-token header is missing or does not match this admin session');
      }
      return found;
    }

    app.post('/api/admin/auth/login', {
      config: { auth: 'public' },
      schema: {
        tags, summary: 'Sign in an admin user; sets the HttpOnly session cookie `tender_admin`',
        description: '5 failed attempts for one e-mail within 15 minutes answer 429 until the window passes.',
        body: AdminLoginBody, response: { 200: AdminSessionInfo, ...errors },
      },
    }, async (request, reply) => {
      const started = await loginAdmin(ctx, request.body.email, request.body.password, request.headers['user-agent']);
      void reply.header('set-cookie', adminSetCookie(started.token, secure(request))).header('cache-control', 'no-store');
      return { user: started.user, csrfToken: started.csrfToken, expiresAt: started.expiresAt.toISOString() };
    });

    app.get('/api/admin/auth/session', {
      config: { auth: 'public' },
      schema: {
        tags, summary: 'The signed-in admin and a fresh CSRF token (401 without a live session)',
        response: { 200: AdminSessionInfo, ...errors },
      },
    }, async (request, reply) => {
      const s = await session(request, false);
      void reply.header('cache-control', 'no-store');
      return { user: s.user, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() };
    });

    app.post('/api/admin/auth/logout', {
      config: { auth: 'public' },
      schema: { tags, summary: 'End the admin session (needs x-csrf-token)', response: { 200: BooleanResult, ...errors } },
    }, async (request, reply: FastifyReply) => {
      const s = await session(request, true);
      await revokeAdminSession(ctx, s.sessionId);
      void reply.header('set-cookie', adminSetCookie('', secure(request)));
      return true;
    });

    app.post('/api/admin/auth/password', {
      config: { auth: 'public' },
      schema: {
        tags, summary: 'Change the signed-in admin\'s password (needs x-csrf-token); ends their other sessions',
        body: ChangeAdminPasswordBody, response: { 200: AdminSessionInfo, ...errors },
      },
    }, async (request) => {
      const s = await session(request, true);
      const user = await changeAdminPassword(ctx, s.user.id, request.body.currentPassword, request.body.newPassword);
      await revokeOtherAdminSessions(ctx, user.id, s.sessionId);
      return { user, csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString() };
    });
  };
}
