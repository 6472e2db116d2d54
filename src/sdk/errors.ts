/**
 * Errors thrown by the Tender SDK. Unlike the OneEntry SDK (which returns or throws the raw
 * error body), every failure is an `Error` subclass with a stable `code`.
 */
import type { ErrorBody } from '../contract/common.js';

/** Base class of every error the SDK throws; catch this to handle them all. */
export class TenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TenderError';
  }
}

/**
 * The server answered with a non-2xx status (or a 2xx body that is not JSON).
 *
 * Fields come from the server's error body ({@link ErrorBody}); when the body is not the
 * expected JSON object they fall back to the HTTP status and `code: 'http_error'`.
 */
export class TenderApiError extends TenderError {
  /** HTTP status of the response (equal to the body's `statusCode` for Tender servers). */
  readonly statusCode: number;
  /** Stable snake_case error code, e.g. `order_not_found`. */
  readonly code: string;
  /** Request id to quote to support; from the body, else the `x-request-id` header. */
  readonly requestId: string | undefined;
  /** Machine-readable details (e.g. validation issues), if the server sent any. */
  readonly details: unknown;
  /** The parsed error body as received (or the raw text when it was not JSON). */
  readonly body: Partial<ErrorBody> | string | undefined;

  constructor(init: {
    statusCode: number;
    code: string;
    message: string;
    requestId?: string | undefined;
    details?: unknown;
    body?: Partial<ErrorBody> | string | undefined;
  }) {
    super(init.message);
    this.name = 'TenderApiError';
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.body = init.body;
  }
}

/** The request never got an HTTP answer (DNS, connection refused, reset, …), after all retries. */
export class TenderNetworkError extends TenderError {
  /** Stable code of this error class. */
  readonly code = 'network_error';

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'TenderNetworkError';
  }
}

/**
 * Builds a {@link TenderApiError} from a failed response's status, body text and request id header.
 * @internal
 */
export function apiErrorFromResponse(status: number, text: string, headerRequestId: string | null): TenderApiError {
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const body = parsed as Partial<ErrorBody>;
    return new TenderApiError({
      statusCode: status,
      code: typeof body.code === 'string' && body.code !== '' ? body.code : 'http_error',
      message: typeof body.message === 'string' && body.message !== '' ? body.message : `HTTP ${status}`,
      requestId: typeof body.requestId === 'string' ? body.requestId : (headerRequestId ?? undefined),
      details: body.details,
      body,
    });
  }
  return new TenderApiError({
    statusCode: status,
    code: 'http_error',
    message: `HTTP ${status}`,
    requestId: headerRequestId ?? undefined,
    body: text === '' ? undefined : text,
  });
}
