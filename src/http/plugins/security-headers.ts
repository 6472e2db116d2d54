import type { IncomingMessage, ServerResponse } from 'node:http';
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
 * request's JavaScript CPU in the benchmark's profiles (docs/benchmarks-history.md). And helmet's own
 * middleware still runs a dozen functions per response, the CSP string rebuilt each time (3 % of
 * a getSessions page's CPU, docs/benchmarks-history.md): with these options every header is the
 * same on every response, so each middleware is run once at start-up and what it sets is replayed.
 */
export async function registerSecurityHeaders(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const https = ctx.config.publicUrl.startsWith('https://');
  const options: HelmetOptions = { contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: https ? [] : null } } };
  const api = recorded(helmet(options));
  const panel = recorded(helmet({ ...options, contentSecurityPolicy: false }));
  app.addHook('onRequest', (request, reply, done) => {
    (isAdminPanel(request) ? panel : api)(reply.raw);
    done();
  });
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * What `middleware` does to a response, captured once and replayed on each: the headers it sets
 * and removes, in order. Only for a middleware whose headers depend on nothing in the request
 * (helmet without nonce or function directives); one that does not finish synchronously, or
 * reads the response, is refused at start-up.
 */
function recorded(middleware: Middleware): (res: ServerResponse) => void {
  const steps: [name: string, value: string | readonly string[] | number | undefined][] = [];
  const probe = {
    setHeader(name: string, value: string | readonly string[] | number) {
      steps.push([name, value]);
      return probe;
    },
    removeHeader(name: string) {
      steps.push([name, undefined]);
    },
  };
  let finished = false;
  middleware({} as IncomingMessage, probe as unknown as ServerResponse, (err) => {
    if (err) throw err as Error;
    finished = true;
  });
  if (!finished) throw new Error('security headers: the middleware did not finish synchronously; it cannot be replayed');
  return (res) => {
    for (const [name, value] of steps) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
  };
}

function isAdminPanel(request: FastifyRequest): boolean {
  const url = request.url;
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?');
}
