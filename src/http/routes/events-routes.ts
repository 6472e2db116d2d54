import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { ErrorBody } from '../../contract/common.js';
import { EventRefParam, EventsPage, EventsQuery, ReplayEventBody, ReplayResult, TenderEvent, WebhookDeliveriesQuery, WebhookDeliveryList } from '../../contract/webhooks.js';
import type { AppContext } from '../../context.js';
import { DEFAULT_JOB_CONFIG } from '../../jobs/job-config.js';
import { eventView, getEvent, listEvents } from '../../services/events-service.js';
import { listDeliveries } from '../../services/webhook-delivery-log.js';
import { replayEvent } from '../../services/webhook-delivery-replay.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['Events'];
const security = [{ adminToken: [] }];
const read = { auth: 'admin' as const };
const write = { auth: 'admin_write' as const };

/** The events feed (the polling alternative to webhooks), per-event delivery log, and replay. */
export function eventsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/api/admin/events', {
      config: read,
      schema: { tags, security, summary: 'Events in order, after a given one (catch up after downtime)', querystring: EventsQuery, response: { 200: EventsPage, ...errors } },
    }, async (request) => listEvents(ctx, { after: request.query.after, type: request.query.type, limit: request.query.limit ?? 30 }, DEFAULT_JOB_CONFIG.webhooks.gapGraceMs));

    app.get('/api/admin/events/:id', {
      config: read, schema: { tags, security, summary: 'One event', params: EventRefParam, response: { 200: TenderEvent, ...errors } },
    }, async (request) => eventView(await getEvent(ctx, request.params.id)));

    app.get('/api/admin/events/:id/deliveries', {
      config: read,
      schema: { tags, security, summary: 'Webhook deliveries of one event, with every attempt', params: EventRefParam, querystring: WebhookDeliveriesQuery, response: { 200: WebhookDeliveryList, ...errors } },
    }, async (request) => {
      const event = await getEvent(ctx, request.params.id);
      return listDeliveries(ctx, { eventId: event.id, status: request.query.status, before: request.query.before, limit: request.query.limit ?? 30 });
    });

    app.post('/api/admin/events/:id/replay', {
      config: write,
      schema: { tags, security, summary: 'Send an event again (same event id, fresh signature)', params: EventRefParam, body: ReplayEventBody, response: { 200: ReplayResult, ...errors } },
    }, async (request) => replayEvent(ctx, request.params.id, request.body?.endpointId));
  };
}
