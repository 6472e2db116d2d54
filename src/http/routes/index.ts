import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';

/** Every route module; each is `(ctx) => Fastify plugin`. Add new modules here. */
export const routeModules: ((ctx: AppContext) => FastifyPluginAsync)[] = [];
