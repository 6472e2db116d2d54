import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { AppContext } from '../../context.js';

/**
 * Helmet's default security headers on every response (HSTS, nosniff, frame and referrer
 * policies, cross-origin isolation headers, a restrictive Content-Security-Policy), with two
 * deliberate differences:
 * - The admin panel (/admin) sets its own, stricter CSP (src/http/routes/admin-panel-routes.ts);
 *   helmet sends no CSP there so that the panel's is the only one. Its other headers still apply.
 * - `upgrade-insecure-requests` is sent only when Tender is served over https: on a plain-http
 *   install (the demo, a private network) it would make browsers fetch /docs' scripts over https
 *   and break the page.
 * Pages that set their own CSP in the handler (the test gateway's checkout) keep theirs: a header
 * set on the reply replaces the one helmet set on the raw response.
 *
 * helmet itself, not @fastify/helmet: that plugin builds a new helmet middleware — the CSP
 * directives parsed again — on every request (`helmet(options)` inside its hooks), 2–6 % of a
 * request's JavaScript CPU in the benchmark's profiles (docs/benchmarks.md). The two
 * middlewares here are built once, and applied exactly as the plugin applies them.
 */
export async function registerSecurityHeaders(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const https = ctx.config.publicUrl.startsWith('https://');
  const options: HelmetOptions = { contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: https ? [] : null } } };
  const api = helmet(options);
  const panel = helmet({ ...options, contentSecurityPolicy: false });
  app.addHook('onRequest', (request, reply, done) => {
    (isAdminPanel(request) ? panel : api)(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
}

function isAdminPanel(request: FastifyRequest): boolean {
  const url = request.url;
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?');
}
