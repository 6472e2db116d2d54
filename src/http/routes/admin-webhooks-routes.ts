import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorBody, IdParam } from '../../contract/common.js';
import {
  CreateWebhookEndpointBody, ReplayFailedBody, ReplayResult, RotateWebhookSecretBody, UpdateWebhookEndpointBody,
  WebhookDeliveriesQuery, WebhookDelivery, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointList, WebhookEndpointWithSecret,
} from '../../contract/webhooks.js';
import type { AppContext } from '../../context.js';
import { getDelivery, listDeliveries } from '../../services/webhook-delivery-log.js';
import { replayFailed } from '../../services/webhook-delivery-replay.js';
import {
  createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateEndpointSecret, updateEndpoint,
} from '../../services/webhook-endpoint-service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['Webhooks'];
const security = [{ adminToken: [] }];
const read = { auth: 'admin' as const };
const write = { auth: 'admin_write' as const };

/** Webhook endpoints (with one-time secrets), their delivery log, and replay of failed deliveries. */
export function adminWebhooksRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post('/api/admin/webhook-endpoints', {
      config: write,
      schema: { tags, security, summary: 'Create a webhook endpoint (the answer shows its secret, once)', body: CreateWebhookEndpointBody, response: { 201: WebhookEndpointWithSecret, ...errors } },
    }, async (request, reply) => reply.status(201).send(await createEndpoint(ctx, request.body)));

    app.get('/api/admin/webhook-endpoints', {
      config: read, schema: { tags, security, summary: 'List webhook endpoints', response: { 200: WebhookEndpointList, ...errors } },
    }, async () => ({ items: await listEndpoints(ctx) }));

    app.get('/api/admin/webhook-endpoints/:id', {
      config: read, schema: { tags, security, summary: 'Get a webhook endpoint', params: IdParam, response: { 200: WebhookEndpoint, ...errors } },
    }, async (request) => getEndpoint(ctx, request.params.id));

    app.patch('/api/admin/webhook-endpoints/:id', {
      config: write,
      schema: { tags, security, summary: 'Change URL, event types, description, or enable/disable', params: IdParam, body: UpdateWebhookEndpointBody, response: { 200: WebhookEndpoint, ...errors } },
    }, async (request) => updateEndpoint(ctx, request.params.id, request.body));

    app.delete('/api/admin/webhook-endpoints/:id', {
      config: write, schema: { tags, security, summary: 'Delete a webhook endpoint and its delivery log', params: IdParam, response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      await deleteEndpoint(ctx, request.params.id);
      return reply.status(204).send(null);
    });

    app.post('/api/admin/webhook-endpoints/:id/rotate-secret', {
      config: write,
      schema: { tags, security, summary: 'New signing secret (shown once); the old one also signs during the grace period', params: IdParam, body: RotateWebhookSecretBody, response: { 200: WebhookEndpointWithSecret, ...errors } },
      // The body is optional (`curl -X POST` with none rotates with the default grace period).
      preValidation: async (request) => {
        request.body ??= {};
      },
    }, async (request) => rotateEndpointSecret(ctx, request.params.id, request.body.graceSeconds ?? 86_400));

    app.get('/api/admin/webhook-endpoints/:id/deliveries', {
      config: read,
      schema: { tags, security, summary: 'Delivery log of an endpoint, newest first, with every attempt', params: IdParam, querystring: WebhookDeliveriesQuery, response: { 200: WebhookDeliveryList, ...errors } },
    }, async (request) => {
      await getEndpoint(ctx, request.params.id);
      return listDeliveries(ctx, { endpointId: request.params.id, status: request.query.status, before: request.query.before, limit: request.query.limit ?? 30 });
    });

    app.post('/api/admin/webhook-endpoints/:id/replay-failed', {
      config: write,
      schema: { tags, security, summary: 'Send again every delivery of this endpoint that failed since a time', params: IdParam, body: ReplayFailedBody, response: { 200: ReplayResult, ...errors } },
    }, async (request) => replayFailed(ctx, request.params.id, new Date(request.body.since)));

    app.get('/api/admin/webhook-deliveries/:id', {
      config: read, schema: { tags, security, summary: 'One delivery with every attempt', params: IdParam, response: { 200: WebhookDelivery, ...errors } },
    }, async (request) => getDelivery(ctx, request.params.id));
  };
}
