/**
 * The one error hierarchy. Every failure a caller can act on is a `PaymentsError` with a stable
 * snake_case `code` (public API: never rename one) and the HTTP status from `ERROR_STATUS`.
 * Codes are documented in docs/errors.md; a test fails when one is missing there.
 */
export const ERROR_STATUS = {
  // 400
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  invalid_amount: 400,
  unknown_currency: 400,
  currency_mismatch: 400,
  card_data_rejected: 400,
  invalid_refresh_token: 401,
  // 401 / 403
  app_token_required: 401,
  app_token_invalid: 401,
  unauthorized: 401,
  token_expired: 401,
  session_revoked: 401,
  invalid_credentials: 401,
  admin_token_required: 401,
  forbidden: 403,
  user_inactive: 403,
  // 404
  not_found: 404,
  route_not_found: 404,
  order_not_found: 404,
  session_not_found: 404,
  payment_not_found: 404,
  account_not_found: 404,
  storage_not_found: 404,
  product_not_found: 404,
  form_not_found: 404,
  provider_not_found: 404,
  user_not_found: 404,
  refund_request_not_found: 404,
  // 402
  card_declined: 402,
  insufficient_funds: 402,
  // 405 / 409 / 413 / 415 / 422 / 429
  method_not_allowed: 405,
  conflict: 409,
  user_exists: 409,
  invalid_transition: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  order_locked: 409,
  session_expired: 409,
  payment_not_refundable: 409,
  refund_request_exists: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  amount_exceeds_capturable: 422,
  amount_exceeds_refundable: 422,
  amount_mismatch: 422,
  invalid_code: 422,
  gateway_declined: 422,
  webhook_signature_invalid: 400,
  rate_limited: 429,
  // 5xx
  internal_error: 500,
  gateway_error: 502,
  gateway_unavailable: 503,
  gateway_timeout: 504,
  service_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class PaymentsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'PaymentsError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }
}

export function notFound(code: ErrorCode & `${string}_not_found`, what: string, id?: unknown): PaymentsError {
  return new PaymentsError(code, id === undefined ? `${what} not found` : `${what} ${String(id)} not found`);
}
