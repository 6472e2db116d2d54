/**
 * Errors thrown by the Tender SDK. Unlike the OneEntry SDK (which returns or throws the raw
 * error body), every failure is an `Error` subclass with a stable `code`.
 */
import type { ErrorBody } from '../contract/common.js';
import type { AuthorizeResponse, CollectionSession, Payment } from './lifecycle-types.js';

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

/**
 * `authorizePaymentSession` did not authorize: the customer has more to do. As in Medusa's
 * `authorizePaymentSession`, this is thrown rather than returned, so the happy path stays a
 * plain `await`; catch it, act, then authorize the same session again.
 * - `requires_action`: a challenge (3-D Secure): send the customer to `nextAction.url`.
 * - `requires_more`: more input is needed, usually a payment method (`token`).
 */
export class PaymentActionRequiredError extends TenderError {
  /** Stable code of this error class. */
  readonly code = 'payment_action_required';
  /** What the customer has to do. */
  readonly status: 'requires_action' | 'requires_more';
  /** For `requires_action`: the provider's instructions, e.g. `{type: 'redirect_to_url', url}`. */
  readonly nextAction: Record<string, unknown> | null;
  /** The session as the server left it. */
  readonly session: CollectionSession;
  /** The payment awaiting the action (`requires_action`), else null. */
  readonly payment: Payment | null;

  constructor(response: AuthorizeResponse & { status: 'requires_action' | 'requires_more' }) {
    const what = response.status === 'requires_action' ? 'needs the customer to complete an action (see nextAction)' : 'needs more input (e.g. a payment method token)';
    super(`Payment session ${response.session.id} ${what}${response.message ? `: ${response.message}` : ''}`);
    this.name = 'PaymentActionRequiredError';
    this.status = response.status;
    this.nextAction = response.nextAction;
    this.session = response.session;
    this.payment = response.payment;
  }
}

/** A merchant (admin API) operation was called on a client configured without `adminToken`. */
export class AdminTokenRequiredError extends TenderError {
  /** Stable code of this error class. */
  readonly code = 'admin_token_required';

  constructor(method: string) {
    super(
      `${method} is a merchant operation served by the admin API: pass \`adminToken\` to defineTender ` +
        '(create one with `tender admin-token create NAME`). Never ship an admin token to a browser.',
    );
    this.name = 'AdminTokenRequiredError';
  }
}
