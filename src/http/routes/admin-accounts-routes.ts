import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AdminAccount, AdminAccountsList, CreateAccountBody, TestConnectionResult, UpdateAccountBody } from '../../contract/accounts.js';
import { ErrorBody, IdParam } from '../../contract/common.js';
import type { AppContext } from '../../context.js';
import {
  createAdminAccount, getAdminAccount, listAdminAccounts, testAdminAccountConnection, updateAdminAccount,
} from '../../services/account-admin-service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['Admin: payment accounts'];
const security = [{ adminToken: [] }];
const read = { auth: 'admin' as const };
const write = { auth: 'admin_write' as const };

/**
 * Payment accounts (`/api/admin/accounts`). Secrets are write-only: responses show each one as
 * `{set, last4}`. Importing the service registers the Stripe adapter.
 */
export function adminAccountsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/api/admin/accounts', {
      config: read,
      schema: { tags, security, summary: 'List payment accounts (secrets masked)', response: { 200: AdminAccountsList, ...errors } },
    }, async () => listAdminAccounts(ctx));

    app.get('/api/admin/accounts/:id', {
      config: read,
      schema: { tags, security, summary: 'Get a payment account (secrets masked)', params: IdParam, response: { 200: AdminAccount, ...errors } },
    }, async (request) => getAdminAccount(ctx, request.params.id));

    app.post('/api/admin/accounts', {
      config: write,
      schema: { tags, security, summary: 'Create a payment account', body: CreateAccountBody, response: { 201: AdminAccount, ...errors } },
    }, async (request, reply) => reply.status(201).send(await createAdminAccount(ctx, request.body)));

    app.patch('/api/admin/accounts/:id', {
      config: write,
      schema: { tags, security, summary: 'Change a payment account (secrets: given replace, null removes)', params: IdParam, body: UpdateAccountBody, response: { 200: AdminAccount, ...errors } },
    }, async (request) => updateAdminAccount(ctx, request.params.id, request.body));

    app.post('/api/admin/accounts/:id/test-connection', {
      config: write,
      schema: { tags, security, summary: 'Check the provider credentials of the active mode', params: IdParam, response: { 200: TestConnectionResult, ...errors } },
    }, async (request) => testAdminAccountConnection(ctx, request.params.id));
  };
}
