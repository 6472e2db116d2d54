import type { Static } from '@sinclair/typebox';
import type * as Webhooks from '../contract/webhooks.js';
import { seg, type HttpClient, type HttpMethod } from './http-client.js';
import type { WriteOptions } from './lifecycle-types.js';

export type WebhookEndpoint = Static<typeof Webhooks.WebhookEndpoint>;
/** A new or rotated endpoint with its signing secret (shown only in this answer). */
export type WebhookEndpointWithSecret = Static<typeof Webhooks.WebhookEndpointWithSecret>;
export type WebhookEndpointList = Static<typeof Webhooks.WebhookEndpointList>;
export type CreateWebhookEndpointBody = Static<typeof Webhooks.CreateWebhookEndpointBody>;
export type UpdateWebhookEndpointBody = Static<typeof Webhooks.UpdateWebhookEndpointBody>;
/** One delivery of an event to an endpoint, with every attempt. */
export type WebhookDelivery = Static<typeof Webhooks.WebhookDelivery>;
export type WebhookDeliveryList = Static<typeof Webhooks.WebhookDeliveryList>;
export type WebhookDeliveriesQuery = Static<typeof Webhooks.WebhookDeliveriesQuery>;
export type ReplayResult = Static<typeof Webhooks.ReplayResult>;
export type TenderEventItem = Static<typeof Webhooks.TenderEvent>;
export type EventsPage = Static<typeof Webhooks.EventsPage>;
export type EventsQuery = Static<typeof Webhooks.EventsQuery>;

/** Webhook endpoints, their deliveries, replays, and the events list (`/api/admin/webhook-endpoints`, `/api/admin/events`). */
export class AdminWebhooksClient {
  readonly #http: HttpClient;

  /** @internal */
  constructor(http: HttpClient) {
    this.#http = http;
  }

  #call<T>(method: HttpMethod, path: string, body?: unknown, options?: WriteOptions, query?: ReadonlyArray<readonly [string, string | number | undefined]>): Promise<T> {
    return this.#http.request<T>({ method, path: `/api/admin${path}`, body, query, autoRefresh: false, idempotencyKey: options?.idempotencyKey });
  }

  listEndpoints(): Promise<WebhookEndpointList> {
    return this.#call('GET', '/webhook-endpoints');
  }

  getEndpoint(id: number): Promise<WebhookEndpoint> {
    return this.#call('GET', `/webhook-endpoints/${seg(id)}`);
  }

  /** Creates an endpoint; the answer carries its secret, once. */
  createEndpoint(body: CreateWebhookEndpointBody, options?: WriteOptions): Promise<WebhookEndpointWithSecret> {
    return this.#call('POST', '/webhook-endpoints', body, options);
  }

  /** Changes URL, event types, description, or enables/disables an endpoint. */
  updateEndpoint(id: number, body: UpdateWebhookEndpointBody, options?: WriteOptions): Promise<WebhookEndpoint> {
    return this.#call('PATCH', `/webhook-endpoints/${seg(id)}`, body, options);
  }

  /** An endpoint's delivery log, newest first (`status` to see only failures). */
  listDeliveries(endpointId: number, query: WebhookDeliveriesQuery = {}): Promise<WebhookDeliveryList> {
    return this.#call('GET', `/webhook-endpoints/${seg(endpointId)}/deliveries`, undefined, undefined, [['status', query.status], ['before', query.before], ['limit', query.limit]]);
  }

  /** Sends again every delivery of the endpoint that failed at or after `since` (ISO time). */
  replayFailed(endpointId: number, since: string, options?: WriteOptions): Promise<ReplayResult> {
    return this.#call('POST', `/webhook-endpoints/${seg(endpointId)}/replay-failed`, { since }, options);
  }

  /** Sends one event again (same event id, fresh signature), to one endpoint or all subscribed. */
  replayEvent(eventId: string, endpointId?: number, options?: WriteOptions): Promise<ReplayResult> {
    return this.#call('POST', `/events/${seg(eventId)}/replay`, endpointId === undefined ? {} : { endpointId }, options);
  }

  /** Events in order, after a given one. */
  listEvents(query: EventsQuery = {}): Promise<EventsPage> {
    return this.#call('GET', '/events', undefined, undefined, [['after', query.after], ['type', query.type], ['limit', query.limit]]);
  }
}
