import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AdminOrdersPage, AdminOrdersQuery, ReceivePaymentBody } from '../../contract/admin.js';
import { AdminSessionsListPage, AdminSessionsListQuery } from '../../contract/admin-panel.js';
import { PaymentSession } from '../../contract/payments.js';
import { ErrorBody, IdParam } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import { listAllSessions, listOrdersForAdmin } from '../../services/admin-service.js';
import { receiveManualPayment } from '../../services/manual-payment-service.js';
import { adminActor } from '../request-principal.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['Admin'];
const security = [{ adminToken: [] }];

/** Tender's admin API (`/api/admin`): its own tokens, never the storefront's app token. */
export function adminRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/api/admin/orders', {
      config: { auth: 'admin' },
      schema: { tags, security, summary: 'List orders of all users', querystring: AdminOrdersQuery, response: { 200: AdminOrdersPage, ...errors } },
    }, async (request) => listOrdersForAdmin(ctx, request.query));

    app.get('/api/admin/payments/sessions', {
      config: { auth: 'admin' },
      schema: { tags, security, summary: 'List payment sessions of all users (filtered, sorted, paged)', querystring: AdminSessionsListQuery, response: { 200: AdminSessionsListPage, ...errors } },
    }, async (request) => listAllSessions(ctx, request.query));

    app.post('/api/admin/payments/sessions/:id/receive', {
      config: { auth: 'admin_write' },
      schema: {
        tags, security, summary: 'Record a manual (cash, bank transfer) payment as received',
        params: IdParam, body: ReceivePaymentBody, response: { 200: PaymentSession, ...errors },
      },
    }, async (request) => receiveManualPayment(ctx, request.params.id, request.body ?? {}, adminActor(request)));
  };
}
