/**
 * PayPal failures as Tender sees them. The SDK's own errors carry the request they answer —
 * with the `Authorization` header (the bearer token, or the Basic client id and secret on a
 * token call) — and the logger serializes every enumerable property of an error. So no SDK or
 * axios error ever leaves this folder: each is rebuilt here from what is safe to keep (HTTP
 * status, PayPal's error name, issue and debug id).
 */

/** PayPal answered with an error status (4xx/5xx). 4xx means PayPal did not do it. */
export class PaypalApiError extends Error {
  readonly code = 'paypal_api_error';
  constructor(
    /** What Tender asked for, e.g. `capture order`. */
    readonly operation: string,
    /** The HTTP status PayPal answered. */
    readonly status: number,
    /** PayPal's error name (`UNPROCESSABLE_ENTITY`, `RESOURCE_NOT_FOUND`, `invalid_client`). */
    readonly paypalName: string | null,
    /** The first `details[].issue` (`ORDER_NOT_APPROVED`, `INSTRUMENT_DECLINED`), if any. */
    readonly issue: string | null,
    /** PayPal's `debug_id`, what PayPal support asks for. */
    readonly debugId: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'PaypalApiError';
  }

  /** PayPal refused it for good: retrying the same request cannot succeed. */
  get definite(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 409 && this.status !== 429;
  }
}

/** No answer from PayPal (refused connection, timeout, reset): the outcome is unknown. */
export class PaypalNetworkError extends Error {
  readonly code = 'paypal_unreachable';
  constructor(readonly operation: string, readonly reason: string) {
    super(`PayPal did not answer "${operation}" (${reason}); the outcome is unknown`);
    this.name = 'PaypalNetworkError';
  }
}

/**
 * PayPal accepted a capture or refund but holds it as PENDING (e.g. payment review, an eCheck,
 * a currency the merchant does not hold). It is neither done nor failed: Tender records the
 * operation as unknown and PAYMENT.CAPTURE.COMPLETED / PAYMENT.CAPTURE.REFUNDED settles it.
 */
export class PaypalPendingError extends Error {
  readonly code = 'paypal_pending';
  constructor(readonly operation: string, readonly paypalId: string, readonly reason: string | null) {
    super(`PayPal holds ${operation} ${paypalId} as PENDING${reason ? ` (${reason})` : ''}; its webhook will settle it`);
    this.name = 'PaypalPendingError';
  }
}

/** PayPal's error body: `{name, message, debug_id, details: [{issue, description}]}` (OAuth: `{error, error_description}`). */
interface PaypalErrorBody {
  name?: unknown;
  message?: unknown;
  debug_id?: unknown;
  details?: { issue?: unknown; description?: unknown }[];
  error?: unknown;
  error_description?: unknown;
}

/**
 * Rebuilds any error thrown by the SDK or axios as one of the classes above. `secrets` are the
 * strings that must never appear in a message (client secret, access token), scrubbed from
 * whatever text is kept.
 */
export function toPaypalError(operation: string, err: unknown, secrets: readonly string[]): Error {
  if (err instanceof PaypalApiError || err instanceof PaypalNetworkError || err instanceof PaypalPendingError) return err;
  const e = err as { statusCode?: unknown; body?: unknown; code?: unknown; message?: unknown; response?: { status?: unknown; data?: unknown } } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.response?.status === 'number' ? e.response.status : null;
  if (status !== null) {
    const raw = typeof e?.body === 'string' ? e.body : typeof e?.response?.data === 'string' ? e.response.data : '';
    const body = parseBody(raw);
    const name = str(body.name) ?? str(body.error);
    const detail = body.details?.[0];
    const issue = str(detail?.issue);
    const text = str(detail?.description) ?? str(body.message) ?? str(body.error_description) ?? `HTTP ${status}`;
    const hint = status === 401 ? ' (check the account\'s clientId and clientSecret, and that they belong to its sandbox/live mode)' : '';
    const message = scrub(`PayPal refused "${operation}": ${status} ${name ?? ''}${issue ? ` ${issue}` : ''} — ${text}${hint}`, secrets);
    return new PaypalApiError(operation, status, name, issue, str(body.debug_id), message);
  }
  const code = typeof e?.code === 'string' ? e.code : null;
  if (code && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code)) return new PaypalNetworkError(operation, code);
  const kind = err instanceof Error ? err.constructor.name : typeof err;
  const text = typeof e?.message === 'string' ? e.message.slice(0, 300) : '';
  return new Error(scrub(`PayPal call "${operation}" failed: ${kind}${text ? `: ${text}` : ''}`, secrets));
}

function parseBody(raw: string): PaypalErrorBody {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as PaypalErrorBody) : {};
  } catch {
    return {};
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 300) : null;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}
