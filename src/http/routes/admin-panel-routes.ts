import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';

// src/http/routes/ and dist/http/routes/ sit at the same depth: both resolve to <repo>/admin/dist.
export const ADMIN_DIST = fileURLToPath(new URL('../../../admin/dist/', import.meta.url));

/**
 * Only files from this origin; nothing inline (Vite's build emits every script and style as a
 * file); no framing. Applies to every response under /admin.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the admin panel (built by `npm run build` into admin/dist) at /admin. Unknown paths
 * under /admin answer index.html so that the panel's own URLs survive a reload. Without a
 * build, /admin says how to make one.
 */
export function adminPanelRoutes(_ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      void reply
        .header('content-security-policy', ADMIN_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer')
        .header('cross-origin-opener-policy', 'same-origin');
      if (!request.url.startsWith('/admin/assets/')) void reply.header('cache-control', 'no-cache');
      return payload;
    });

    const index = `${ADMIN_DIST}index.html`;
    if (!existsSync(index)) {
      const notBuilt = async (_req: unknown, reply: import('fastify').FastifyReply) =>
        reply.status(503).type('text/plain; charset=utf-8').send('The admin panel is not built. Run `npm run build` (npm ci does it), then restart Tender.\n');
      app.get('/admin', { schema: { hide: true } }, notBuilt);
      app.get('/admin/*', { schema: { hide: true } }, notBuilt);
      return;
    }

    // wildcard: false registers one route per file found now; the catch-all below gets the rest.
    await app.register(fastifyStatic, {
      root: ADMIN_DIST,
      prefix: '/admin/',
      wildcard: false,
      index: false,
      decorateReply: false,
      immutable: true,
      maxAge: 365 * 24 * 3600 * 1000,
      cacheControl: true,
    });
    const html = await readFile(index, 'utf8');
    const page = async (_req: unknown, reply: import('fastify').FastifyReply) => reply.type('text/html; charset=utf-8').send(html);
    app.get('/admin', { schema: { hide: true } }, page);
    app.get('/admin/*', { schema: { hide: true } }, async (request, reply) => {
      // A missing asset is a 404, not the page (a stale tab after a deploy must not run HTML as JS).
      if (request.url.startsWith('/admin/assets/')) return reply.status(404).type('text/plain').send('Not found\n');
      return page(request, reply);
    });
  };
}
