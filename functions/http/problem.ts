/**
 * The one place where errors become HTTP: typed domain errors map to a status and
 * an RFC 9457 `application/problem+json` body naming the field and the rule.
 * A dependency that throttles or times out is a 503 with Retry-After. Anything
 * unexpected is a 500 that carries only a correlation id; the stack is logged.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type DomainErrorKind } from '#core/errors.js';

const STATUS: Record<DomainErrorKind, number> = {
  ValidationFailed: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  InvalidTransition: 409,
  TransitionBlocked: 422,
  AssignmentRefused: 422,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  IdempotencyKeyReused: 422,
  PreconditionRequired: 428,
  RowsRejected: 422,
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
  AssignmentRefused: 'Assignment refused',
  PreconditionFailed: 'The resource has changed',
  PayloadTooLarge: 'Request body too large',
  UnsupportedMediaType: 'Unsupported media type',
  IdempotencyKeyReused: 'Idempotency-Key reused',
  PreconditionRequired: 'Precondition required',
  RowsRejected: 'Some rows are not valid',
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
  // A domain 503 (the read-access log could not be written, say) is a dependency outage like any other: same Retry-After.
  const retryAfter: Record<string, string> = error.kind === 'ServiceUnavailable' ? { 'retry-after': String(RETRY_AFTER.unavailable) } : {};
  return {
    statusCode: status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...retryAfter, ...context.headers },
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

/** Why a dependency could not serve the request just now, and when to try again. */
export interface DependencyUnavailable {
  readonly reason: 'throttled' | 'conflict' | 'timeout' | 'unavailable';
  /** The error's name (or network code), for the log. */
  readonly error: string;
  readonly retryAfterSeconds: number;
}

/** Seconds a client should wait, by reason: throttling and conflicts clear fast, an outage may not. */
const RETRY_AFTER: Record<DependencyUnavailable['reason'], number> = { throttled: 2, conflict: 1, timeout: 5, unavailable: 5 };

/** Error names the AWS SDKs (DynamoDB, S3, EventBridge, Step Functions, SES) and the OpenSearch client use for "busy now". */
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'KmsThrottlingException',
  'SlowDown',
]);
const CONFLICT = new Set(['TransactionConflictException', 'TransactionInProgressException']);
const TIMEOUT = new Set(['TimeoutError', 'AbortError', 'RequestAbortedError', 'RequestTimeout', 'RequestTimeoutException']);
const UNAVAILABLE = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'InternalException',
  'ConnectionError',
  'NoLivingConnectionsError',
]);
/** Node's codes for a connection that could not be made or was cut. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
/** DynamoDB's cancellation reasons in a TransactionCanceledException that say "busy", not "your condition failed". */
const CANCELLED_BUSY: Record<string, DependencyUnavailable['reason']> = {
  ThrottlingError: 'throttled',
  ProvisionedThroughputExceeded: 'throttled',
  RequestLimitExceeded: 'throttled',
  TransactionConflict: 'conflict',
};

interface SdkLikeError {
  name?: string;
  code?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
  /** OpenSearch's ResponseError. */
  meta?: { statusCode?: number };
  statusCode?: number;
  CancellationReasons?: { Code?: string }[];
  cause?: unknown;
}

function classify(e: SdkLikeError): DependencyUnavailable['reason'] | undefined {
  const name = e.name ?? '';
  if (THROTTLED.has(name) || e.$retryable?.throttling === true) return 'throttled';
  if (CONFLICT.has(name)) return 'conflict';
  if (TIMEOUT.has(name)) return 'timeout';
  if (UNAVAILABLE.has(name) || (e.code !== undefined && NETWORK.has(e.code))) return 'unavailable';
  if (name === 'TransactionCanceledException' && e.CancellationReasons) {
    const codes = e.CancellationReasons.map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
    // Only when every reason is "busy": a failed condition is the domain's to answer (409, 412).
    if (codes.length > 0 && codes.every((c) => c in CANCELLED_BUSY))
      return codes.some((c) => CANCELLED_BUSY[c] === 'throttled') ? 'throttled' : 'conflict';
  }
  const status = e.$metadata?.httpStatusCode ?? e.meta?.statusCode;
  if (status === 429) return 'throttled';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return undefined;
}

/**
 * A dependency that throttled, timed out, was unreachable or busy: not a bug and not
 * the client's fault, so a 503 with Retry-After rather than a 500. Follows `cause`
 * a few levels, for errors wrapped on the way up. Undefined for anything else.
 */
export function dependencyUnavailable(error: unknown): DependencyUnavailable | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as SdkLikeError;
    const reason = classify(e);
    if (reason) return { reason, error: e.code && NETWORK.has(e.code) ? e.code : (e.name ?? 'Error'), retryAfterSeconds: RETRY_AFTER[reason] };
    current = e.cause;
  }
  return undefined;
}

export function serviceUnavailableResponse(
  unavailable: DependencyUnavailable,
  context: { instance?: string; correlationId: string },
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 503,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'retry-after': String(unavailable.retryAfterSeconds) },
    body: JSON.stringify({
      type: `${PROBLEM_BASE}service-unavailable`,
      title: 'Service temporarily unavailable',
      status: 503,
      detail: `A service this request depends on is busy or did not answer in time. Retry after ${unavailable.retryAfterSeconds} seconds.`,
      ...(context.instance ? { instance: context.instance } : {}),
      correlationId: context.correlationId,
      retryAfter: unavailable.retryAfterSeconds,
    }),
  };
}
