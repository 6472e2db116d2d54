/**
 * Wire schemas of webhook endpoints, deliveries and events in Tender's admin API
 * (`/api/admin/webhook-endpoints`, `/api/admin/webhook-deliveries`, `/api/admin/events`).
 * See docs/webhooks.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Id, IsoDateTime, Nullable } from './common.js';

const EventTypeName = Type.String({
  pattern: '^(\\*|[a-z_]+\\.[a-z_]+)$',
  maxLength: 100,
  description: 'An event type such as `payment.captured`, or `*` for all of them.',
});
const Url = Type.String({ minLength: 8, maxLength: 2000, description: 'An http:// or https:// URL that receives POSTs.' });
const Description = Type.String({ maxLength: 500, description: 'Free text for the merchant.' });
const EventTypes = Type.Array(EventTypeName, { minItems: 1, maxItems: 50, description: 'Event types to receive (`["*"]` for all).' });

export const CreateWebhookEndpointBody = Type.Object(
  { url: Url, eventTypes: EventTypes, enabled: Type.Optional(Type.Boolean({ default: true })), description: Type.Optional(Description) },
  { title: 'CreateWebhookEndpointBody', additionalProperties: false },
);
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    enabled: Type.Optional(Type.Boolean({ description: 'Enabling a disabled endpoint also clears its failure count and reason.' })),
    // null first: with type coercion a null would otherwise become "" through the string branch.
    description: Type.Optional(Type.Union([Type.Null(), Description])),
  },
  { title: 'UpdateWebhookEndpointBody', additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhookEndpointBody = Static<typeof UpdateWebhookEndpointBody>;

export const RotateWebhookSecretBody = Type.Object(
  {
    graceSeconds: Type.Optional(Type.Integer({
      minimum: 0, maximum: 7 * 86400, default: 86400,
      description: 'How long the old secret keeps signing too (a second v1 value), in seconds. Default 24 h.',
    })),
  },
  { title: 'RotateWebhookSecretBody', additionalProperties: false },
);
export type RotateWebhookSecretBody = Static<typeof RotateWebhookSecretBody>;

export const WebhookEndpoint = Type.Object(
  {
    id: Id(),
    url: Type.String(),
    description: Nullable(Type.String()),
    eventTypes: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    disabledReason: Nullable(Type.String({ description: 'Why Tender disabled it (failed deliveries), or null.' })),
    disabledAt: Nullable(IsoDateTime()),
    consecutiveFailures: Type.Integer({ minimum: 0, description: 'Deliveries in a row that failed after their last attempt.' }),
    previousSecretExpiresAt: Nullable(IsoDateTime('Until when the previous secret also signs (after a rotation), or null.')),
    createdAt: IsoDateTime(),
    updatedAt: IsoDateTime(),
  },
  { title: 'WebhookEndpoint', description: 'A webhook endpoint; its secret is never shown again after creation or rotation.', additionalProperties: true },
);
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = Type.Object(
  {
    endpoint: WebhookEndpoint,
    secret: Type.String({ description: 'The signing secret (`whsec_…`). Shown only in this answer: store it now.' }),
  },
  { title: 'WebhookEndpointWithSecret', additionalProperties: true },
);
export type WebhookEndpointWithSecret = Static<typeof WebhookEndpointWithSecret>;

export const WebhookEndpointList = Type.Object({ items: Type.Array(WebhookEndpoint) }, { title: 'WebhookEndpointList', additionalProperties: true });
export type WebhookEndpointList = Static<typeof WebhookEndpointList>;

export const WebhookAttempt = Type.Object(
  {
    attempt: Type.Integer({ minimum: 1 }),
    startedAt: IsoDateTime(),
    durationMs: Type.Integer({ minimum: 0 }),
    statusCode: Nullable(Type.Integer({ description: 'HTTP status, or null when no answer came (see error).' })),
    error: Nullable(Type.String()),
    responseBody: Nullable(Type.String({ description: 'The first 1 KB of the response body.' })),
  },
  { title: 'WebhookAttempt', additionalProperties: true },
);
export type WebhookAttempt = Static<typeof WebhookAttempt>;

export const WebhookDelivery = Type.Object(
  {
    id: Id(),
    endpointId: Id(),
    eventId: Type.String({ description: 'Public event id (`evt_…`), the same on every attempt and replay.' }),
    eventType: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    attempts: Type.Integer({ minimum: 0 }),
    nextAttemptAt: Nullable(IsoDateTime('When the next attempt is due (pending only).')),
    lastStatusCode: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    createdAt: IsoDateTime(),
    completedAt: Nullable(IsoDateTime()),
    attemptLog: Type.Array(WebhookAttempt),
  },
  { title: 'WebhookDelivery', additionalProperties: true },
);
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveryList = Type.Object(
  { items: Type.Array(WebhookDelivery), hasMore: Type.Boolean() },
  { title: 'WebhookDeliveryList', additionalProperties: true },
);
export type WebhookDeliveryList = Static<typeof WebhookDeliveryList>;

export const WebhookDeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')])),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only deliveries with a smaller id (paging backwards).' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  },
  { title: 'WebhookDeliveriesQuery', additionalProperties: false },
);
export type WebhookDeliveriesQuery = Static<typeof WebhookDeliveriesQuery>;

export const ReplayEventBody = Type.Object(
  { endpointId: Type.Optional(Id('Only to this endpoint; default: every enabled endpoint subscribed to the event type.')) },
  { title: 'ReplayEventBody', additionalProperties: false },
);
export type ReplayEventBody = Static<typeof ReplayEventBody>;

export const ReplayFailedBody = Type.Object(
  { since: IsoDateTime('Replay the deliveries of this endpoint that failed at or after this time.') },
  { title: 'ReplayFailedBody', additionalProperties: false },
);
export type ReplayFailedBody = Static<typeof ReplayFailedBody>;

export const ReplayResult = Type.Object(
  { replayed: Type.Integer({ minimum: 0 }), deliveryIds: Type.Array(Id()) },
  { title: 'ReplayResult', description: 'Deliveries put back in the queue (attempted now, with a fresh signature).', additionalProperties: true },
);
export type ReplayResult = Static<typeof ReplayResult>;

export const EventRefParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100, pattern: '^(evt_[A-Za-z0-9_-]+|[0-9]{1,18})$', description: 'Public (`evt_…`) or numeric event id.' }) },
  { title: 'EventRefParam' },
);
export type EventRefParam = Static<typeof EventRefParam>;

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 100, pattern: '^(evt_[A-Za-z0-9_-]+|[0-9]{1,18})?$', description: 'Public (`evt_…`) or numeric id of the last event seen; events after it are listed.' })),
    type: Type.Optional(Type.String({ pattern: '^[a-z_]+\\.[a-z_]+$', maxLength: 100, description: 'Only events of this type.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  },
  { title: 'EventsQuery', additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

export const TenderEvent = Type.Object(
  {
    id: Type.String({ description: 'Public event id (`evt_…`), stable across webhook attempts and replays.' }),
    type: Type.String({ description: 'e.g. `payment.captured`.' }),
    created: IsoDateTime('When the event happened.'),
    data: Type.Object({ object: Type.Unknown({ description: 'The object as the API returned it at that moment.' }) }, { additionalProperties: true }),
  },
  { title: 'TenderEvent', description: 'An event: the body of a webhook and an item of the events list.', additionalProperties: true },
);
export type TenderEvent = Static<typeof TenderEvent>;

export const EventsPage = Type.Object(
  { items: Type.Array(TenderEvent), hasMore: Type.Boolean({ description: 'More events follow; ask again with after=<last id>.' }) },
  { title: 'EventsPage', additionalProperties: true },
);
export type EventsPage = Static<typeof EventsPage>;
