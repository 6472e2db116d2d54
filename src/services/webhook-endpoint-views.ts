import type { WebhookEndpoint } from '../contract/webhooks.js';

export interface EndpointRow {
  id: number;
  url: string;
  description: string | null;
  event_types: string[];
  enabled: boolean;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  consecutive_failures: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  after_event_id: bigint;
  created_at: Date;
  updated_at: Date;
}

export const ENDPOINT_COLUMNS = `id, url, description, event_types, enabled, secret_sealed, previous_secret_sealed,
  previous_secret_expires_at, consecutive_failures, disabled_reason, disabled_at, after_event_id, created_at, updated_at`;

/** The wire view; secrets (sealed or not) never leave the server after creation/rotation. */
export function endpointView(row: EndpointRow, now: Date): WebhookEndpoint {
  const previousValid = row.previous_secret_expires_at && row.previous_secret_expires_at > now;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    consecutiveFailures: row.consecutive_failures,
    previousSecretExpiresAt: previousValid ? row.previous_secret_expires_at!.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
