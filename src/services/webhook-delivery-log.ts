import type { AppContext } from '../context.js';
import type { WebhookAttempt, WebhookDelivery } from '../contract/webhooks.js';
import { PaymentsError } from '../errors.js';

interface LogRow {
  id: bigint;
  endpoint_id: number;
  public_id: string;
  type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  completed_at: Date | null;
}

interface AttemptRow {
  delivery_id: bigint;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}

export interface DeliveryFilter {
  endpointId?: number;
  eventId?: bigint;
  status?: 'pending' | 'succeeded' | 'failed';
  before?: number;
  limit: number;
}

/** The delivery log, newest first, each delivery with every attempt. */
export async function listDeliveries(ctx: AppContext, f: DeliveryFilter): Promise<{ items: WebhookDelivery[]; hasMore: boolean }> {
  const { rows } = await ctx.db.query<LogRow>(
    `SELECT d.id, d.endpoint_id, e.public_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status_code,
            d.last_error, d.created_at, d.completed_at
       FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
      WHERE ($1::int IS NULL OR d.endpoint_id = $1) AND ($2::bigint IS NULL OR d.event_id = $2)
        AND ($3::text IS NULL OR d.status = $3) AND ($4::bigint IS NULL OR d.id < $4)
      ORDER BY d.id DESC LIMIT $5`,
    [f.endpointId ?? null, f.eventId ?? null, f.status ?? null, f.before ?? null, f.limit + 1],
  );
  const page = rows.slice(0, f.limit);
  const attempts = await attemptsOf(ctx, page.map((r) => r.id));
  return { items: page.map((r) => deliveryView(r, attempts.get(String(r.id)) ?? [])), hasMore: rows.length > f.limit };
}

export async function getDelivery(ctx: AppContext, id: number): Promise<WebhookDelivery> {
  const { rows } = await ctx.db.query<LogRow>(
    `SELECT d.id, d.endpoint_id, e.public_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status_code,
            d.last_error, d.created_at, d.completed_at
       FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new PaymentsError('not_found', `Webhook delivery ${id} not found`);
  const attempts = await attemptsOf(ctx, [row.id]);
  return deliveryView(row, attempts.get(String(row.id)) ?? []);
}

async function attemptsOf(ctx: AppContext, ids: bigint[]): Promise<Map<string, WebhookAttempt[]>> {
  const out = new Map<string, WebhookAttempt[]>();
  if (ids.length === 0) return out;
  const { rows } = await ctx.db.query<AttemptRow>(
    `SELECT delivery_id, attempt, started_at, duration_ms, status_code, error, response_body
       FROM webhook_attempts WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, attempt`,
    [ids.map(String)],
  );
  for (const a of rows) {
    const key = String(a.delivery_id);
    const list = out.get(key) ?? [];
    list.push({
      attempt: a.attempt, startedAt: a.started_at.toISOString(), durationMs: a.duration_ms,
      statusCode: a.status_code, error: a.error, responseBody: a.response_body,
    });
    out.set(key, list);
  }
  return out;
}

function deliveryView(r: LogRow, attemptLog: WebhookAttempt[]): WebhookDelivery {
  return {
    id: Number(r.id),
    endpointId: r.endpoint_id,
    eventId: r.public_id,
    eventType: r.type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
    attemptLog,
  };
}
