import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';
import { adminAccountsRoutes } from './admin-accounts-routes.js';
import { adminAuthRoutes } from './admin-auth-routes.js';
import { adminDashboardRoutes } from './admin-dashboard-routes.js';
import { adminPanelRoutes } from './admin-panel-routes.js';
import { adminPaymentsRoutes } from './admin-payments-routes.js';
import { adminRoutes } from './admin-routes.js';
import { adminVerifyRoutes } from './admin-verify-routes.js';
import { adminWebhooksRoutes } from './admin-webhooks-routes.js';
import { authProviderRoutes } from './auth-provider-routes.js';
import { eventsRoutes } from './events-routes.js';
import { lifecycleRoutes } from './lifecycle-routes.js';
import { ordersRoutes } from './orders-routes.js';
import { paymentsRoutes } from './payments-routes.js';
import { testGatewayRoutes } from './test-gateway-routes.js';
import { webhookRoutes } from './webhook-routes.js';

/** Every route module; each is `(ctx) => Fastify plugin`. */
export const routeModules: ((ctx: AppContext) => FastifyPluginAsync)[] = [
  authProviderRoutes,
  ordersRoutes,
  paymentsRoutes,
  adminRoutes,
  lifecycleRoutes,
  adminPaymentsRoutes,
  webhookRoutes,
  adminVerifyRoutes,
  testGatewayRoutes,
  adminAccountsRoutes,
  adminWebhooksRoutes,
  eventsRoutes,
  adminAuthRoutes,
  adminDashboardRoutes,
  adminPanelRoutes,
];
