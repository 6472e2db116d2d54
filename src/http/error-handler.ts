import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, PaymentsError, type ErrorCode } from '../errors.js';

/** The one error body, on every route: OneEntry's `IError` fields plus Tender's own. */
export interface ErrorBody {
  statusCode: number;
  message: string;
  pageData: null;
  timestamp: string;
  code: ErrorCode;
  requestId: string;
  details?: unknown;
}

export function errorBody(request: FastifyRequest, err: PaymentsError): ErrorBody {
  const body: ErrorBody = {
    statusCode: err.status,
    message: err.message,
    pageData: null,
    timestamp: new Date().toISOString(),
    code: err.code,
    requestId: String(request.id),
  };
  if (err.details !== undefined) body.details = err.details;
  return body;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

const PG_BAD_INPUT: Record<string, string> = {
  '22021': 'Text must be valid UTF-8 without NUL characters',
  '22P05': 'Text must be valid UTF-8 without NUL characters',
  '22P02': 'A value has the wrong format',
  '22003': 'A number is out of range',
  '22001': 'A value is too long',
};

/** Maps anything thrown to a PaymentsError; unknown errors become internal_error (cause logged). */
export function toPaymentsError(err: unknown): PaymentsError | undefined {
  if (err instanceof PaymentsError) return err;
  const e = err as FastifyError & { validation?: unknown; validationContext?: string };
  if (e?.validation) {
    return new PaymentsError('validation_failed', e.message, {
      issues: (e.validation as { instancePath?: string; message?: string; params?: unknown }[]).map((v) => ({
        path: `${e.validationContext ?? ''}${v.instancePath ?? ''}`,
        message: v.message,
      })),
    });
  }
  // Domain errors (MoneyError, InvalidTransitionError, PaymentRuleError) carry a code of ours.
  if (e && typeof e.code === 'string' && e.code in ERROR_STATUS && e instanceof Error && e.name !== 'FastifyError') {
    return new PaymentsError(e.code as ErrorCode, e.message, (e as { details?: unknown }).details);
  }
  if (e && typeof e.code === 'string' && FASTIFY_CODES[e.code]) return new PaymentsError(FASTIFY_CODES[e.code]!, e.message);
  if (err instanceof SyntaxError) return new PaymentsError('invalid_json', `Malformed JSON body: ${err.message}`);
  // PostgreSQL refusing the data itself (a NUL byte in text, a value out of range) is bad input
  // that slipped past the schemas, not a server failure.
  const pgCode = (err as { code?: unknown } | null)?.code;
  if (typeof pgCode === 'string' && PG_BAD_INPUT[pgCode]) return new PaymentsError('bad_request', PG_BAD_INPUT[pgCode]!);
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 0;
  if (status === 413) return new PaymentsError('payload_too_large', e.message);
  if (status === 415) return new PaymentsError('unsupported_media_type', e.message);
  if (status >= 400 && status < 500) return new PaymentsError('bad_request', e.message || 'Bad request');
  return undefined;
}

/**
 * Errors Fastify raises before routing (a malformed percent-encoding, a path parameter over
 * `maxParamLength`) bypass the error handler and would answer Fastify's own body: give them the
 * one error body too. The message never echoes the URL (it may hold anything, even a card number).
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The URL is not valid (check its percent-encoding)';
  // Sent before routing, so no onSend hook runs: set the request id header here.
  void reply.status(400).header('x-request-id', request.id).type('application/json').send(errorBody(request, new PaymentsError('bad_request', message)));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    let mapped = toPaymentsError(err);
    if (!mapped) {
      request.log.error({ err }, 'unhandled error');
      mapped = new PaymentsError('internal_error', 'Internal server error');
    } else if (mapped.status >= 500) {
      request.log.error({ err }, mapped.message);
    }
    if (mapped.code === 'rate_limited' && mapped.details && typeof mapped.details === 'object') {
      const retry = (mapped.details as { retryAfterSec?: number }).retryAfterSec;
      if (retry) void reply.header('retry-after', String(retry));
    }
    return reply.status(mapped.status).type('application/json').send(errorBody(request, mapped));
  });
  app.setNotFoundHandler((request, reply) => {
    const err = new PaymentsError('route_not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`);
    return reply.status(404).type('application/json').send(errorBody(request, err));
  });
}
