import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorBody, IdParam, MarkerParam } from '../../contract/common.js';
import { AdminOrderStorages, AdminPaymentsListPage, AdminPaymentsListQuery, AffectedOrders, AffectedOrdersQuery } from '../../contract/admin-panel.js';
import {
  AdminRefundRequestsPage, AdminRefundRequestsQuery, ApproveRefundBody, CaptureBody, HistoryList, OperationResult, Payment, PutStatusMappingsBody, RefundBody,
  RefundDecision, RejectRefundBody, StatusMappings,
} from '../../contract/engine.js';
import type { AppContext } from '../../context.js';
import { parseMajor } from '../../domain/parse-major.js';
import { PaymentsError } from '../../errors.js';
import { getPayment, listPayments } from '../../services/engine/payment-service.js';
import { cancelPayment, runOperation, type OperationKind } from '../../services/engine/operations.js';
import { operationView, paymentView } from '../../services/engine/payment-views.js';
import { approveRefundRequest, rejectRefundRequest } from '../../services/engine/refund-approval.js';
import { listHistory } from '../../services/history-service.js';
import { listRefundRequestsForAdmin } from '../../services/refund-request-admin-list.js';
import { affectedOrders, getStatusMappings, listOrderStorages, parseMappingChanges, putStatusMappings } from '../../services/status-mapping-service.js';
import { adminActor } from '../request-principal.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const tags = ['Admin'];
const security = [{ adminToken: [] }];
const read = { auth: 'admin' as const };
const write = { auth: 'admin_write' as const };


/** The merchant's side of the lifecycle: capture, refund, cancel, refund requests, mappings. */
export function adminPaymentsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/api/admin/payments', {
      config: read, schema: { tags, security, summary: 'List payments (filtered, sorted, paged)', querystring: AdminPaymentsListQuery, response: { 200: AdminPaymentsListPage, ...errors } },
    }, async (request) => {
      const { offset, limit, sort, createdFrom, createdTo, ...filter } = request.query;
      const dates = { createdFrom: createdFrom ? new Date(createdFrom) : undefined, createdTo: createdTo ? new Date(createdTo) : undefined };
      return listPayments(ctx, { ...filter, ...dates }, offset ?? 0, limit ?? 30, { sort, admin: true });
    });

    app.get('/api/admin/payments/:id', {
      config: read, schema: { tags, security, summary: 'Get a payment', params: IdParam, response: { 200: Payment, ...errors } },
    }, async (request) => getPayment(ctx, request.params.id));

    app.get('/api/admin/payments/:id/history', {
      config: read, schema: { tags, security, summary: 'History of a payment', params: IdParam, response: { 200: HistoryList, ...errors } },
    }, async (request) => {
      await getPayment(ctx, request.params.id);
      return listHistory(ctx, { paymentId: request.params.id });
    });

    app.get('/api/admin/orders/:id/history', {
      config: read, schema: { tags, security, summary: 'History of an order', params: IdParam, response: { 200: HistoryList, ...errors } },
    }, async (request) => {
      const found = await ctx.db.query('SELECT 1 FROM orders WHERE id = $1', [request.params.id]);
      if (found.rowCount === 0) throw new PaymentsError('order_not_found', `Order ${request.params.id} not found`);
      return listHistory(ctx, { orderId: request.params.id });
    });

    const operation = (kind: OperationKind) => async (paymentId: number, amount: string | number | undefined, reason: string | undefined, key: string | undefined, actor: ReturnType<typeof adminActor>) => {
      const payment = await getPayment(ctx, paymentId);
      const money = amount !== undefined ? parseMajor(amount, payment.currency) : undefined;
      const { operation: op, payment: p } = await runOperation(ctx, kind, paymentId, { amount: money, reason: reason ?? null, idempotencyKey: key }, actor);
      return { operation: operationView(kind, op), payment: paymentView({ ...p, account_type: payment.gateway }) };
    };
    const capture = operation('capture');
    const refund = operation('refund');

    app.post('/api/admin/payments/:id/capture', {
      config: write, schema: { tags, security, summary: 'Capture (all or part of) an authorized payment', params: IdParam, body: CaptureBody, response: { 200: OperationResult, 202: OperationResult, ...errors } },
    }, async (request, reply) => {
      const out = await capture(request.params.id, request.body?.amount, undefined, request.idempotency?.key, adminActor(request));
      return reply.status(out.operation.status === 'unknown' || out.operation.status === 'pending' ? 202 : 200).send(out);
    });

    app.post('/api/admin/payments/:id/refund', {
      config: write, schema: { tags, security, summary: 'Refund (all or part of) a captured payment', params: IdParam, body: RefundBody, response: { 200: OperationResult, 202: OperationResult, ...errors } },
    }, async (request, reply) => {
      const out = await refund(request.params.id, request.body?.amount, request.body?.reason, request.idempotency?.key, adminActor(request));
      return reply.status(out.operation.status === 'unknown' || out.operation.status === 'pending' ? 202 : 200).send(out);
    });

    app.post('/api/admin/payments/:id/cancel', {
      config: write, schema: { tags, security, summary: 'Cancel (void) an uncaptured authorization', params: IdParam, response: { 200: Payment, ...errors } },
    }, async (request) => {
      const p = await cancelPayment(ctx, request.params.id, adminActor(request));
      return getPayment(ctx, p.id);
    });

    app.get('/api/admin/refund-requests', {
      config: read, schema: { tags, security, summary: 'The queue of customers\' refund requests', querystring: AdminRefundRequestsQuery, response: { 200: AdminRefundRequestsPage, ...errors } },
    }, async (request) => {
      const { offset, limit, ...filter } = request.query;
      return listRefundRequestsForAdmin(ctx, filter, offset ?? 0, limit ?? 30);
    });

    app.post('/api/admin/refund-requests/:id/approve', {
      config: write, schema: { tags, security, summary: 'Approve a refund request (refunds through the gateway)', params: IdParam, body: ApproveRefundBody, response: { 200: RefundDecision, ...errors } },
    }, async (request) => {
      const { rows } = await ctx.db.query<{ currency: string }>('SELECT currency FROM refund_requests WHERE id = $1', [request.params.id]);
      if (!rows[0]) throw new PaymentsError('refund_request_not_found', `Refund request ${request.params.id} not found`);
      const amount = request.body?.amount !== undefined ? parseMajor(request.body.amount, rows[0].currency.trim()) : undefined;
      const out = await approveRefundRequest(ctx, request.params.id, { amount, note: request.body?.note }, adminActor(request));
      return { requestId: out.requestId, status: out.status, refund: operationView('refund', out.refund) };
    });

    app.post('/api/admin/refund-requests/:id/reject', {
      config: write, schema: { tags, security, summary: 'Reject a refund request', params: IdParam, body: RejectRefundBody, response: { 200: RefundDecision, ...errors } },
    }, async (request) => ({ requestId: request.params.id, status: await rejectRefundRequest(ctx, request.params.id, request.body.note, adminActor(request)), refund: null }));

    app.get('/api/admin/order-storages/:marker/status-mappings', {
      config: read, schema: { tags, security, summary: 'Payment status → order status map of a storage', params: MarkerParam, response: { 200: StatusMappings, ...errors } },
    }, async (request) => getStatusMappings(ctx, request.params.marker));

    app.get('/api/admin/order-storages', {
      config: read, schema: { tags, security, summary: 'Order storages and their statuses', response: { 200: AdminOrderStorages, ...errors } },
    }, async () => listOrderStorages(ctx));

    app.get('/api/admin/order-storages/:marker/status-mappings/affected-orders', {
      config: read, schema: {
        tags, security, summary: 'Orders a proposed mapping change concerns (preview; changes nothing)',
        params: MarkerParam, querystring: AffectedOrdersQuery, response: { 200: AffectedOrders, ...errors },
      },
    }, async (request) => affectedOrders(ctx, request.params.marker, parseMappingChanges(request.query.mappings)));

    app.put('/api/admin/order-storages/:marker/status-mappings', {
      config: write, schema: { tags, security, summary: 'Set the payment status → order status map', params: MarkerParam, body: PutStatusMappingsBody, response: { 200: StatusMappings, ...errors } },
    }, async (request) => putStatusMappings(ctx, request.params.marker, request.body.mappings));
  };
}
