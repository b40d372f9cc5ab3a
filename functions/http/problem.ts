/**
 * The one place where errors become HTTP: typed domain errors map to a status and
 * an RFC 9457 `application/problem+json` body naming the field and the rule.
 * Anything unexpected is a 500 that carries only a correlation id; the stack is logged.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type DomainErrorKind } from '../core/errors.js';

const STATUS: Record<DomainErrorKind, number> = {
  ValidationFailed: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  InvalidTransition: 409,
  TransitionBlocked: 422,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  IdempotencyKeyReused: 422,
  PreconditionRequired: 428,
  ServiceUnavailable: 503,
};

const TITLE: Record<DomainErrorKind, string> = {
  ValidationFailed: 'Your request is not valid',
  Unauthenticated: 'Authentication required',
  Forbidden: 'Not allowed',
  NotFound: 'Not found',
  MethodNotAllowed: 'Method not allowed',
  Conflict: 'Conflict',
  InvalidTransition: 'No such transition',
  TransitionBlocked: 'Transition blocked',
  PreconditionFailed: 'The resource has changed',
  PayloadTooLarge: 'Request body too large',
  UnsupportedMediaType: 'Unsupported media type',
  IdempotencyKeyReused: 'Idempotency-Key reused',
  PreconditionRequired: 'Precondition required',
  ServiceUnavailable: 'Service unavailable',
};

const PROBLEM_BASE = 'https://caseway.dev/problems/';
const kebab = (kind: string) => kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemResponse(
  error: DomainError,
  context: { instance?: string; correlationId: string; headers?: Record<string, string> },
): APIGatewayProxyStructuredResultV2 {
  const status = STATUS[error.kind];
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...context.headers },
    body: JSON.stringify({
      type: PROBLEM_BASE + kebab(error.kind),
      title: TITLE[error.kind],
      status,
      detail: error.message,
      ...(context.instance ? { instance: context.instance } : {}),
      correlationId: context.correlationId,
      ...(error.issues.length ? { errors: error.issues } : {}),
      ...error.extra,
    }),
  };
}

export function internalErrorResponse(correlationId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 500,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE },
    body: JSON.stringify({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side. Quote the correlation id when you report it.',
      correlationId,
    }),
  };
}

interface HttpError {
  statusCode?: number;
  status?: number;
  message: string;
  cause?: { package?: string };
}

/**
 * Errors thrown by middy middlewares (http-errors shape) that a client caused,
 * turned into domain errors: a malformed JSON body is the client's 400, not a 415.
 */
export function fromMiddlewareError(error: unknown): DomainError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as HttpError;
  const status = e.statusCode ?? e.status;
  if (e.cause?.package !== '@middy/http-json-body-parser' || status === undefined) return undefined;
  if (/malformed JSON/i.test(e.message)) {
    return new DomainError('ValidationFailed', 'The request body is not valid JSON.', [
      { field: 'body', rule: 'json', message: 'The body must be a JSON document.' },
    ]);
  }
  return new DomainError('UnsupportedMediaType', 'Send the request body as application/json.', [
    { field: 'header.content-type', rule: 'media_type', message: 'Expected application/json.' },
  ]);
}
