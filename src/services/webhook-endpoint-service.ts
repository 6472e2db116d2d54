import type { AppContext } from '../context.js';
import type { CreateWebhookEndpointBody, UpdateWebhookEndpointBody, WebhookEndpoint, WebhookEndpointWithSecret } from '../contract/webhooks.js';
import { PaymentsError } from '../errors.js';
import type { Queryable } from '../store/db.js';
import { EVENT_TYPES } from './outbox.js';
import { newWebhookSecret, sealWebhookSecret } from './webhook-endpoint-secrets.js';
import { ENDPOINT_COLUMNS, endpointView, type EndpointRow } from './webhook-endpoint-views.js';

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/** Only http(s), no credentials in the URL (fetch refuses them; use a secret path instead). */
export function checkEndpointUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PaymentsError('validation_failed', `url is not a valid URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PaymentsError('validation_failed', `url must start with http:// or https:// (got ${url.protocol})`);
  }
  if (url.username || url.password) {
    throw new PaymentsError('validation_failed', 'url must not contain a user name or password; authenticate deliveries with the Tender-Signature header');
  }
  url.hash = '';
  return url.toString();
}

export function checkEventTypes(types: string[]): string[] {
  if (types.includes('*')) return ['*'];
  const unknown = types.filter((t) => !KNOWN_TYPES.has(t));
  if (unknown.length > 0) {
    throw new PaymentsError('validation_failed', `Unknown event type(s): ${unknown.join(', ')}. Known: ${EVENT_TYPES.join(', ')} (or "*" for all)`);
  }
  return [...new Set(types)];
}

async function findEndpoint(q: Queryable, id: number, lock = false): Promise<EndpointRow> {
  const { rows } = await q.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw new PaymentsError('not_found', `Webhook endpoint ${id} not found`);
  return rows[0];
}

/** Creates an endpoint; the answer carries its secret, which is never shown again. */
export async function createEndpoint(ctx: AppContext, body: CreateWebhookEndpointBody): Promise<WebhookEndpointWithSecret> {
  const url = checkEndpointUrl(body.url);
  const types = checkEventTypes(body.eventTypes);
  const secret = newWebhookSecret();
  const { rows } = await ctx.db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (url, description, event_types, enabled, secret_sealed, after_event_id)
     VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(max(id), 0) FROM events)) RETURNING ${ENDPOINT_COLUMNS}`,
    [url, body.description ?? null, types, body.enabled ?? true, sealWebhookSecret(ctx.keys, secret)],
  );
  return { endpoint: endpointView(rows[0]!, ctx.now()), secret };
}

export async function listEndpoints(ctx: AppContext): Promise<WebhookEndpoint[]> {
  const { rows } = await ctx.db.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY id`);
  return rows.map((r) => endpointView(r, ctx.now()));
}

export async function getEndpoint(ctx: AppContext, id: number): Promise<WebhookEndpoint> {
  return endpointView(await findEndpoint(ctx.db, id), ctx.now());
}

export async function updateEndpoint(ctx: AppContext, id: number, body: UpdateWebhookEndpointBody): Promise<WebhookEndpoint> {
  const url = body.url !== undefined ? checkEndpointUrl(body.url) : null;
  const types = body.eventTypes !== undefined ? checkEventTypes(body.eventTypes) : null;
  const { rows } = await ctx.db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET
        url = COALESCE($2, url),
        event_types = COALESCE($3, event_types),
        description = CASE WHEN $4::boolean THEN $5 ELSE description END,
        enabled = COALESCE($6, enabled),
        consecutive_failures = CASE WHEN $6 AND NOT enabled THEN 0 ELSE consecutive_failures END,
        disabled_reason = CASE WHEN $6 THEN NULL ELSE disabled_reason END,
        disabled_at = CASE WHEN $6 THEN NULL ELSE disabled_at END,
        updated_at = now()
      WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
    [id, url, types, body.description !== undefined, body.description ?? null, body.enabled ?? null],
  );
  if (!rows[0]) throw new PaymentsError('not_found', `Webhook endpoint ${id} not found`);
  return endpointView(rows[0], ctx.now());
}

/** Deletes the endpoint with its delivery log. */
export async function deleteEndpoint(ctx: AppContext, id: number): Promise<void> {
  const { rowCount } = await ctx.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
  if (rowCount === 0) throw new PaymentsError('not_found', `Webhook endpoint ${id} not found`);
}

/**
 * A new secret for the endpoint, shown once. The old one keeps signing as a second `v1` value
 * for `graceSeconds`, so receivers can switch without dropping a webhook. Rotating again within
 * the grace period drops the oldest secret.
 */
export async function rotateEndpointSecret(ctx: AppContext, id: number, graceSeconds: number): Promise<WebhookEndpointWithSecret> {
  const secret = newWebhookSecret();
  const row = await ctx.db.transaction(async (tx) => {
    await findEndpoint(tx, id, true);
    const { rows } = await tx.query<EndpointRow>(
      `UPDATE webhook_endpoints SET
          previous_secret_sealed = CASE WHEN $3::int > 0 THEN secret_sealed END,
          previous_secret_expires_at = CASE WHEN $3::int > 0 THEN $4::timestamptz + make_interval(secs => $3::int) END,
          secret_sealed = $2, updated_at = now()
        WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, sealWebhookSecret(ctx.keys, secret), graceSeconds, ctx.now()],
    );
    return rows[0]!;
  });
  return { endpoint: endpointView(row, ctx.now()), secret };
}
