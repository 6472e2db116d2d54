import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';

export function authProviderRoutes(ctx: AppContext): FastifyPluginAsync {
  void ctx;
  return async () => {};
}
