/**
 * The middy stack every HTTP handler shares: Powertools context, a body-size cap,
 * JSON parsing, zod validation of path, query, headers and body, the caller from
 * the JWT claims, and problem+json for every error. A handler file is
 * `serve(<its declarations>)`, plus any check of its own at cold start: each
 * declaration (functions/http/api/) carries its own schemas and its `handle`, which
 * calls one use case. This module reads the configuration when it loads, so the
 * declarations import their helpers from modules that do not (preconditions.ts,
 * request.ts, input-issues.ts): the generator loads them all without settings.
 */
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { nowIso } from '#adapters/clock.js';
import { onConsumedCapacity } from '#adapters/dynamodb/capacity-meter.js';
import { Channel as ChannelSchema } from '#contracts/audit-event.js';
import { hasRole, isStaff, type Caller } from '#core/caller.js';
import type { Channel } from '#core/case.js';
import { DomainError, isDomainError, validationFailed, type FieldIssue } from '#core/errors.js';
import { MAX_PATH_PARAM_LENGTH, MAX_QUERY_PARAM_LENGTH, jsonIssues } from '#core/input-limits.js';
import { config } from '../config.js';
import { logger, metricsFor, tracer } from '../observability.js';
import { inRequestScope } from '../request-scope.js';
import { callerFromRequest, type CallerSettings } from './caller-from-claims.js';
import { operationName, routeKeyOf, type HeaderSpec, type Operation } from './operation.js';
import { dependencyUnavailable, fromMiddlewareError, internalErrorResponse, problemResponse, serviceUnavailableResponse } from './problem.js';
import { issuesOf } from './input-issues.js';
import type { Event, HttpResult, ParsedRequest } from './request.js';

export type { Event, HttpResult, ParsedRequest } from './request.js';

export interface HttpRoute<P, Q, H, B> {
  /** Name of the operation in metrics and logs. */
  readonly operation: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly headers?: z.ZodType<H>;
  readonly body?: z.ZodType<B>;
  /** Bodies larger than this are refused with 413 (default: MAX_BODY_BYTES). */
  readonly maxBodyBytes?: number;
  readonly handle: (request: ParsedRequest<P, Q, H, B>) => Promise<HttpResult>;
}

// Read at cold start, so a bad setting fails the first invocation, not a later one.
const settings = config();
const callerSettings: CallerSettings = {
  rolesClaim: settings.ROLES_CLAIM,
  roleMapping: settings.ROLE_MAPPING,
  ...(settings.TEAMS_CLAIM ? { teamsClaim: settings.TEAMS_CLAIM } : {}),
  teamGroups: settings.TEAM_GROUPS,
};

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function correlationIdOf(event: Event): string {
  const given = event.headers?.['x-correlation-id'];
  return given && CORRELATION_ID.test(given) ? given : event.requestContext.requestId;
}

function parsePart<T>(schema: z.ZodType<T> | undefined, input: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(issuesOf(result.error, where, input));
  return result.data;
}

/**
 * Limits that hold for every route, checked before any schema: ids in the path and
 * values in the query are bounded (they end up in keys and in queries), and a JSON
 * body nests at most MAX_JSON_DEPTH deep and carries only numbers the table can
 * store as sent. One place, so a field no schema thought about still gets the rule.
 */
function checkLimits(event: Event, body: unknown, hasJsonBody: boolean): void {
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) {
    if (value !== undefined && value.length > MAX_PATH_PARAM_LENGTH)
      issues.push({ field: `path.${name}`, rule: 'too_big', message: `At most ${MAX_PATH_PARAM_LENGTH} characters.` });
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && value.length > MAX_QUERY_PARAM_LENGTH)
      issues.push({ field: `query.${name}`, rule: 'too_big', message: `At most ${MAX_QUERY_PARAM_LENGTH} characters.` });
  }
  if (hasJsonBody) {
    for (const issue of jsonIssues(body))
      issues.push({
        field: issue.path ? `body.${issue.path}` : 'body',
        rule: issue.rule,
        message: `${issue.message[0]!.toUpperCase()}${issue.message.slice(1)}.`,
      });
  }
  if (issues.length > 0) throw validationFailed(issues);
}

/**
 * The channel a request came through. The API is the web door for people and the
 * api door for integrations; staff and integrations relaying another channel (a
 * phone call, a partner) say so in the header. A requester's channel is the door
 * itself: they may not claim another one.
 */
function channelOf(event: Event, caller: Caller): Channel {
  const given = event.headers?.['x-caseway-channel'];
  const door: Channel = hasRole(caller, 'integration') ? 'api' : 'web';
  if (given === undefined) return door;
  // The schema itself, not the documented header (schemas.ts), which would bring every schema and the SLA calendars into every function.
  const parsed = ChannelSchema.safeParse(given);
  if (!parsed.success) throw validationFailed(issuesOf(parsed.error, 'header.x-caseway-channel', given));
  if (!isStaff(caller) && parsed.data !== door) {
    throw new DomainError('Forbidden', 'A requester acts through the door they came in by.', [
      {
        field: 'header.x-caseway-channel',
        rule: 'not_permitted',
        message: `Requests through the API come through the ${door} channel: leave the header out.`,
      },
    ]);
  }
  return parsed.data;
}

function bodyBytes(event: Event): number {
  if (!event.body) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

const baseHeaders = (correlationId: string) => ({
  'x-correlation-id': correlationId,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

function respond(result: HttpResult, correlationId: string): APIGatewayProxyStructuredResultV2 {
  const body = result.raw ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
  return {
    statusCode: result.status,
    headers: {
      ...baseHeaders(correlationId),
      ...(result.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...result.headers,
    },
    ...(body === undefined ? {} : { body }),
  };
}

/** The response for any error: typed errors become problems, a busy or slow dependency a 503 with Retry-After, anything else a logged 500. */
export function errorResponse(error: unknown, event: Event): APIGatewayProxyStructuredResultV2 {
  const correlationId = correlationIdOf(event);
  const known = isDomainError(error) ? error : fromMiddlewareError(error);
  if (known) {
    const headers: Record<string, string> = baseHeaders(correlationId);
    if (known.kind === 'MethodNotAllowed' && Array.isArray(known.extra.allow)) headers.allow = known.extra.allow.join(', ');
    if (known.kind === 'Unauthenticated') headers['www-authenticate'] = 'Bearer';
    return problemResponse(known, { instance: event.rawPath, correlationId, headers });
  }
  const unavailable = dependencyUnavailable(error);
  if (unavailable) {
    logger.warn('Dependency unavailable', {
      correlationId,
      reason: unavailable.reason,
      dependencyError: unavailable.error,
      retryAfterSeconds: unavailable.retryAfterSeconds,
      error: error as Error,
    });
    const response = serviceUnavailableResponse(unavailable, { instance: event.rawPath, correlationId });
    return { ...response, headers: { ...baseHeaders(correlationId), ...response.headers } };
  }
  logger.error('Unhandled error', { correlationId, error: error as Error });
  const response = internalErrorResponse(correlationId);
  return { ...response, headers: { ...baseHeaders(correlationId), ...response.headers } };
}

/** Build the Lambda handler for one route. `auth: false` only for public documents. */
export function httpHandler<P = undefined, Q = undefined, H = undefined, B = undefined>(
  route: HttpRoute<P, Q, H, B>,
  options: { auth?: boolean } = {},
) {
  const auth = options.auth ?? true;
  const metrics = metricsFor(route.operation);
  const core = async (event: Event): Promise<APIGatewayProxyStructuredResultV2> => {
    const correlationId = correlationIdOf(event);
    logger.appendKeys({ correlationId, operation: route.operation });
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    const caller: Caller = auth
      ? callerFromRequest({ claims: event.requestContext.authorizer?.jwt?.claims, authorization: event.headers?.authorization }, callerSettings)
      : { sub: 'anonymous', roles: [] };
    const request: ParsedRequest<P, Q, H, B> = {
      caller,
      params: parsePart(route.params, event.pathParameters ?? {}, 'path'),
      query: parsePart(route.query, event.queryStringParameters ?? {}, 'query'),
      headers: parsePart(route.headers, event.headers ?? {}, 'header'),
      body: parsePart(route.body, event.body, 'body'),
      correlationId,
      channel: auth ? channelOf(event, caller) : 'api',
      now: nowIso(),
      event,
      count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value),
    };
    // A Lambda container serves one request at a time, so every call heard now is this request's.
    const stopMetering = onConsumedCapacity((command, units) => metrics.addMetric(`ConsumedCapacity${command}`, MetricUnit.Count, units));
    try {
      return respond(await inRequestScope({ operation: route.operation, correlationId }, () => route.handle(request)), correlationId);
    } finally {
      stopMetering();
    }
  };

  const handler = middy<Event, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use({
      before: (request) => {
        const cap = route.maxBodyBytes ?? settings.MAX_BODY_BYTES;
        if (bodyBytes(request.event) > cap) throw new DomainError('PayloadTooLarge', `The request body is larger than ${cap} bytes.`);
        if (route.body && !request.event.body) {
          throw validationFailed([{ field: 'body', rule: 'required', message: 'This request needs a JSON body.' }]);
        }
      },
    });
  if (route.body) handler.use(httpJsonBodyParser());
  return handler
    .use({ before: (request) => checkLimits(request.event, request.event.body, route.body !== undefined) })
    .use({
      // Registered last, so it runs first on error and the Powertools middlewares still see the response.
      onError: (request) => {
        request.response = errorResponse(request.error, request.event);
        metrics.addMetric(request.response.statusCode! >= 500 ? 'ServerErrors' : 'ClientErrors', MetricUnit.Count, 1);
      },
    })
    .handler(core);
}

export type RouteHandler = ReturnType<typeof httpHandler>;

/**
 * One Lambda serving several routes of the route table (a resource family), each
 * with its own schemas, operation name and metrics. API Gateway names the matched
 * route in `routeKey`; the local gateway does the same.
 */
export function httpRoutes(handlers: Record<string, RouteHandler>) {
  const routeKeys = Object.keys(handlers);
  const dispatch = (event: Event, context: Context) => {
    const handler = handlers[event.routeKey];
    // Only a deployment whose route table and function disagree can get here: a server fault, not the client's.
    if (!handler) throw new Error(`This function serves ${routeKeys.join(', ')}, not ${event.routeKey}`);
    return handler(event, context);
  };
  return Object.assign(dispatch, { routeKeys });
}

/** API Gateway passes header names lower-cased; each is optional to the parser (see HeaderSpec.required). */
const headerParser = (headers: Readonly<Record<string, HeaderSpec>>) =>
  z.looseObject(Object.fromEntries(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), header.schema.optional()])));

/**
 * The Lambda handler for a function's declared operations (one module of
 * functions/http/api/): each handled by its own `handle`, with its own schemas,
 * operation name and metrics. `operation` has already made sure each has a `handle`
 * answering only the statuses it declares; the check here is for a declaration made
 * without `operation` (a plain object), at cold start.
 */
export function serve(declared: Readonly<Record<string, Operation>>) {
  const byRoute: Record<string, RouteHandler> = {};
  for (const [key, op] of Object.entries(declared)) {
    if (typeof op.handle !== 'function') throw new Error(`Operation ${key} (${routeKeyOf(op)}) is declared without its handle`);
    byRoute[routeKeyOf(op)] = httpHandler<unknown, unknown, unknown, unknown>(
      {
        operation: operationName(op),
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.headers ? { headers: headerParser(op.headers) } : {}),
        ...(op.body ? { body: op.body } : {}),
        ...(op.maxBodyBytes ? { maxBodyBytes: op.maxBodyBytes() } : {}),
        handle: op.handle as (request: ParsedRequest<unknown, unknown, unknown, unknown>) => Promise<HttpResult>,
      },
      { auth: op.auth === 'jwt' },
    );
  }
  const [only, ...others] = Object.values(byRoute);
  // A function with one operation is that operation's handler, as API Gateway invokes it.
  return only && others.length === 0 ? Object.assign(only, { routeKeys: Object.keys(byRoute) }) : httpRoutes(byRoute);
}
