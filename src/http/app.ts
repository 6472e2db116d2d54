import { nanoid } from 'nanoid';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppContext } from '../context.js';
import { frameworkErrorHandler, registerErrorHandling } from './error-handler.js';
import { registerJsonParser } from './json-parser.js';
import { registerAuthentication } from './plugins/authenticate.js';
import { registerCardDataGuard } from './plugins/card-data-guard.js';
import { registerIdempotency } from './plugins/idempotency.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { routeModules } from './routes/index.js';
import { responseSerializerCompiler } from './response-serializer.js';

export interface BuildAppOptions {
  /** Serve the OpenAPI document and the docs page (on by default). */
  docs?: boolean;
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimit,
    // nanoid draws from a pooled buffer of random bytes: one system call per 128 ids, not per id.
    genReqId: () => `req_${nanoid(12)}`,
    requestIdHeader: false,
    // Slow clients must not pin connections: a request has 30 s to arrive in full.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: false, maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false } },
  });

  app.setSerializerCompiler(responseSerializerCompiler);
  registerErrorHandling(app);
  registerBodyDeadline(app, 30_000);
  registerJsonParser(app);
  await registerSecurityHeaders(app, ctx);
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });

  if (options.docs !== false) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Tender API',
          version: '0.1.0',
          description:
            'Self-hosted payments service, wire-compatible with the OneEntry Payments, Orders and AuthProvider modules. ' +
            'Amounts on the wire are decimals in major units (as OneEntry sends them); fields ending in `Minor` are integers in minor units.',
        },
        components: {
          securitySchemes: {
            appToken: { type: 'apiKey', in: 'header', name: 'x-app-token' },
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            adminToken: { type: 'http', scheme: 'bearer' },
          },
        },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }

  registerAuthentication(app, ctx);
  registerCardDataGuard(app);
  registerIdempotency(app, ctx);

  app.get('/health', { schema: { hide: true } }, async () => {
    await ctx.db.query('SELECT 1');
    return { status: 'ok' };
  });

  for (const mod of routeModules) await app.register(mod(ctx));
  return app;
}

/**
 * Node's requestTimeout stops at the headers here: a client that sends its body one byte at a
 * time would hold its connection (and a parser) forever. Every request gets `ms` to arrive in
 * full; after that its socket is closed.
 */
function registerBodyDeadline(app: FastifyInstance, ms: number): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  app.addHook('onRequest', async (request) => {
    const raw = request.raw;
    if (raw.complete) return;
    const timer = setTimeout(() => {
      if (!raw.complete) raw.socket?.destroy();
    }, ms);
    timer.unref();
    timers.set(request, timer);
    raw.once('end', () => clearTimeout(timer));
  });
  app.addHook('onResponse', async (request) => {
    const timer = timers.get(request);
    if (timer) clearTimeout(timer);
  });
}
