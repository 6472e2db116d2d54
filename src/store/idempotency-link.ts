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
