import type { Queryable } from './db.js';

/**
 * The Idempotency-Key a create ran under (src/http/plugins/idempotency.ts), stored on the row it
 * created (migration 0010) so that a re-run with the key finds that row instead of making another.
 */
export interface IdempotencyLink {
  /** The key's scope as the plugin writes it: `user:<id>`, `admin:<id>`, `app:<id>`, … */
  scope: string;
  key: string;
  /** The plugin's hash of method, URL and canonical body. */
  requestHash: string;
}

/** What a row remembers of the key it was created under. */
export interface StoredIdempotencyLink {
  id: number;
  requestHash: string;
}

/** The row of `table` created under this Idempotency-Key (scope and key), if any. */
export async function findCreatedUnderKey(q: Queryable, table: 'orders' | 'refund_requests', scope: string, key: string): Promise<StoredIdempotencyLink | undefined> {
  const { rows } = await q.query<{ id: number; idempotency_request_hash: string }>(
    `SELECT id, idempotency_request_hash FROM ${table} WHERE idempotency_scope = $1 AND idempotency_key = $2`,
    [scope, key],
  );
  return rows[0] ? { id: rows[0].id, requestHash: rows[0].idempotency_request_hash } : undefined;
}
