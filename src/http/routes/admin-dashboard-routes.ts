import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Dashboard, DashboardQuery } from '../../contract/admin-panel.js';
import { ErrorBody } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import { getDashboard } from '../../services/dashboard-service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

/** `GET /api/admin/dashboard`: the panel's charts, as plain figures. */
export function adminDashboardRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.get('/api/admin/dashboard', {
      config: { auth: 'admin' },
      schema: {
        tags: ['Admin'], security: [{ adminToken: [] }],
        summary: 'Payment volume, success rates, statuses and refunds of the last 7, 30 or 90 days',
        querystring: DashboardQuery, response: { 200: Dashboard, ...errors },
      },
    }, async (request) => getDashboard(ctx, request.query.days ?? 30));
  };
}
