import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorBody, IdParam, OrderIdParam, PaginationQuery } from '../../contract/common.js';
import { CreateSessionBody, PaymentAccount, PaymentAccountsList, PaymentSession, SessionByOrder, SessionsPage } from '../../contract/payments.js';
import type { AppContext } from '../../context.js';
import { PaymentsError } from '../../errors.js';
import { getAccount, listAccounts } from '../../store/account-store.js';
import { accountView } from '../../services/account-views.js';
import { createSession, getUserSession, getUserSessionByOrder, listUserSessions } from '../../services/session-service.js';
import { userId } from '../request-principal.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const user = { auth: 'user' as const };
const tags = ['Payments'];
const security = [{ appToken: [], bearerAuth: [] }];

/** Payments module of the OneEntry API: accounts and payment sessions (contract §5). */
export function paymentsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const base = '/api/content/payments';

    app.get(`${base}/accounts`, {
      config: user,
      schema: { tags, security, summary: 'List payment accounts', response: { 200: PaymentAccountsList, ...errors } },
    }, async () => (await listAccounts(ctx.db, { visibleOnly: true })).map(accountView));

    app.get(`${base}/accounts/:id`, {
      config: user,
      schema: { tags, security, summary: 'Get a payment account', params: IdParam, response: { 200: PaymentAccount, ...errors } },
    }, async (request) => {
      const row = await getAccount(ctx.db, request.params.id);
      if (!row || !row.is_visible) throw new PaymentsError('account_not_found', `Payment account ${request.params.id} not found`);
      return accountView(row);
    });

    app.post(`${base}/sessions`, {
      config: user,
      schema: { tags, security, summary: 'Create a payment session for an order', body: CreateSessionBody, response: { 200: PaymentSession, ...errors } },
    }, async (request) => createSession(ctx, userId(request), request.body));

    // Both `/sessions` and `/sessions/` (the OneEntry SDK requests the trailing slash).
    app.get(`${base}/sessions`, {
      config: user,
      schema: { tags, security, summary: "List the current user's payment sessions", querystring: PaginationQuery, response: { 200: SessionsPage, ...errors } },
    }, async (request) => listUserSessions(ctx, userId(request), request.query.offset ?? 0, request.query.limit ?? 30));

    app.get(`${base}/sessions/order/:orderId`, {
      config: user,
      schema: { tags, security, summary: "Get an order's payment session", params: OrderIdParam, response: { 200: SessionByOrder, ...errors } },
    }, async (request) => getUserSessionByOrder(ctx, userId(request), request.params.orderId));

    app.get(`${base}/sessions/:id`, {
      config: user,
      schema: { tags, security, summary: 'Get a payment session', params: IdParam, response: { 200: PaymentSession, ...errors } },
    }, async (request) => getUserSession(ctx, userId(request), request.params.id));
  };
}
