import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorBody, IdParam, OrderIdParam, PaginationQuery } from '../../contract/common.js';
import {
  AuthorizeBody, AuthorizeResponse, Collection, CollectionSessionBody, CreateCollectionBody, HistoryList, Payment,
  PaymentsPage, PaymentStatusView, ProcessPaymentBody, Session,
} from '../../contract/engine.js';
import type { AppContext } from '../../context.js';
import { normalizeCurrency } from '../../domain/currencies.js';
import { parseMajor } from '../../domain/parse-major.js';
import { PaymentsError } from '../../errors.js';
import { authorizeSession } from '../../services/engine/authorize-service.js';
import { confirmSession } from '../../services/engine/confirm-service.js';
import { createCollection, createCollectionSession, getCollection } from '../../services/engine/collection-service.js';
import { getPayment, getPaymentStatus, listPayments, processPayment } from '../../services/engine/payment-service.js';
import { listHistory } from '../../services/history-service.js';
import { getUserSession } from '../../services/session-service.js';
import { userId } from '../request-principal.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 402: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const user = { auth: 'user' as const };
const tags = ['Payments (lifecycle)'];
const security = [{ appToken: [], bearerAuth: [] }];
const base = '/api/content/payments';

/**
 * Storefront side of the payment lifecycle: seed 001 (processPayment and reading payments) and
 * seed 003 (collections → sessions → authorize). Captures, refunds and cancels are the
 * merchant's, in the admin API.
 */
export function lifecycleRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(`${base}/process`, {
      config: user,
      schema: { tags, security, summary: 'Pay an order with a gateway token (seed 001 processPayment)', body: ProcessPaymentBody, response: { 200: Payment, ...errors } },
    }, async (request) => processPayment(ctx, userId(request), request.body, request.idempotency?.key ?? `process-${request.id}`));

    app.get(`${base}/payments`, {
      config: user,
      schema: { tags, security, summary: "List the current user's payments", querystring: PaginationQuery, response: { 200: PaymentsPage, ...errors } },
    }, async (request) => listPayments(ctx, { userId: userId(request) }, request.query.offset ?? 0, request.query.limit ?? 30));

    app.get(`${base}/payments/:id`, {
      config: user,
      schema: { tags, security, summary: 'Get a payment', params: IdParam, response: { 200: Payment, ...errors } },
    }, async (request) => getPayment(ctx, request.params.id, userId(request)));

    app.get(`${base}/payments/:id/status`, {
      config: user,
      schema: { tags, security, summary: 'Poll a payment\'s status (cheap)', params: IdParam, response: { 200: PaymentStatusView, ...errors } },
    }, async (request) => getPaymentStatus(ctx, request.params.id, userId(request)));

    app.get(`${base}/payments/:id/history`, {
      config: user,
      schema: { tags, security, summary: 'History of a payment', params: IdParam, response: { 200: HistoryList, ...errors } },
    }, async (request) => {
      await getPayment(ctx, request.params.id, userId(request));
      return listHistory(ctx, { paymentId: request.params.id });
    });

    app.get(`${base}/orders/:orderId/payments`, {
      config: user,
      schema: { tags, security, summary: 'Payments of an order', params: OrderIdParam, response: { 200: Type.Array(Payment), ...errors } },
    }, async (request) => {
      const owner = await ctx.db.query('SELECT 1 FROM orders WHERE id = $1 AND user_id = $2', [request.params.orderId, userId(request)]);
      if (owner.rowCount === 0) throw new PaymentsError('order_not_found', `Order ${request.params.orderId} not found`);
      return (await listPayments(ctx, { orderId: request.params.orderId, userId: userId(request) }, 0, 100)).items;
    });

    app.post(`${base}/collections`, {
      config: user,
      schema: { tags, security, summary: 'Create a payment collection (seed 003)', body: CreateCollectionBody, response: { 200: Collection, ...errors } },
    }, async (request) => {
      const { orderId, amount, currency } = request.body;
      if (amount !== undefined && currency === undefined) throw new PaymentsError('validation_failed', 'body/currency is required with an amount');
      const money = amount !== undefined ? parseMajor(amount, normalizeCurrency(currency!)) : undefined;
      return createCollection(ctx, userId(request), { orderId, amount: money });
    });

    app.get(`${base}/collections/:id`, {
      config: user,
      schema: { tags, security, summary: 'Get a payment collection with its sessions and payments', params: IdParam, response: { 200: Collection, ...errors } },
    }, async (request) => getCollection(ctx, request.params.id, userId(request)));

    app.post(`${base}/collections/:id/sessions`, {
      config: user,
      schema: { tags, security, summary: 'Create a session in a collection for one provider', params: IdParam, body: CollectionSessionBody, response: { 200: Session, ...errors } },
    }, async (request) => createCollectionSession(ctx, userId(request), request.params.id, request.body.accountIdentifier, request.body.type ?? 'intent'));

    app.post(`${base}/sessions/:id/confirm`, {
      config: user,
      schema: {
        tags, security, params: IdParam, response: { 200: Session, ...errors },
        summary: 'Confirm a session with its gateway (call it when the customer returns to the success URL)',
      },
    }, async (request) => confirmSession(ctx, userId(request), request.params.id, request.idempotency?.key ?? `confirm-${request.id}`));

    app.post(`${base}/sessions/:id/authorize`, {
      config: user,
      schema: { tags, security, summary: 'Authorize a session (retry after requires_action)', params: IdParam, body: AuthorizeBody, response: { 200: AuthorizeResponse, ...errors } },
    }, async (request) => {
      const uid = userId(request);
      const outcome = await authorizeSession(ctx, request.params.id, request.body ?? {}, { type: 'user', id: String(uid) }, request.idempotency?.key ?? `authorize-${request.id}`, uid);
      if (outcome.outcome === 'declined') {
        const code = outcome.declineCode === 'insufficient_funds' ? 'insufficient_funds' : 'card_declined';
        throw new PaymentsError(code, outcome.message ?? 'The card was declined', { declineCode: outcome.declineCode, sessionId: outcome.sessionId });
      }
      const session = await getUserSession(ctx, uid, request.params.id);
      const payment = outcome.paymentId !== null ? await getPayment(ctx, outcome.paymentId) : null;
      const status = outcome.outcome === 'authorized' ? 'authorized' : outcome.outcome === 'requires_action' ? 'requires_action' : 'requires_more';
      return { status, session, payment, nextAction: payment?.nextAction ?? null, message: outcome.message ?? null } as const;
    });
  };
}
