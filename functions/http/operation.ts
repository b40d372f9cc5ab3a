/**
 * One HTTP operation, declared once: its route (method, path, the function that
 * serves it, whether a token is needed), what it takes (path, query, headers, body)
 * and every answer it gives. Everything else is derived from these declarations
 * (functions/http/api/): the route table that CDK and the local gateway build on
 * (functions/topology/routes.ts), the OpenAPI document (openapi.ts), and each handler's
 * parsing and typing (`serve` in http-handler.ts).
 *
 * Pure data plus zod schemas: no handler code, no AWS, so CDK can import it.
 */
import type * as z from 'zod';
import type { FunctionName, HttpMethod } from '#topology/routes.js';

export interface HeaderSpec {
  readonly schema: z.ZodType;
  /**
   * Documented as required. The parser takes every header as optional, so the
   * use case can refuse a missing one with its own status (428 for If-Match).
   */
  readonly required?: boolean;
}

export interface ResponseSpec {
  readonly description: string;
  /** A JSON body. */
  readonly schema?: z.ZodType;
  /** A body that is not JSON: its schema per media type. */
  readonly content?: Readonly<Record<string, z.ZodType>>;
  /** Response headers worth documenting, with what they say. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OperationSpec {
  /** camelCase; the handler's operation name in logs and metrics is the PascalCase of it. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path template: `{name}` marks a path parameter. */
  readonly path: string;
  /** The Lambda that serves it (functions/topology/routes.ts `functions`). */
  readonly fn: FunctionName;
  /** `jwt`: the JWT authorizer (AWS) or the local verifier must accept the bearer token first. */
  readonly auth: 'jwt' | 'none';
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** By the name the document shows; the parser reads them lower-cased, as API Gateway passes them. */
  readonly headers?: Readonly<Record<string, HeaderSpec>>;
  /** A JSON body, required, parsed and validated before the handler runs. */
  readonly body?: z.ZodType;
  /** A body that is not JSON, read by the handler itself: its schema per media type. */
  readonly rawBody?: Readonly<Record<string, z.ZodType>>;
  /** Every success status it answers with. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** The problem statuses it answers with (429 from the gateway is added to every operation). */
  readonly problems: readonly number[];
}

/** Declares an operation; the literal types it keeps type the handler's request and its statuses. */
export const operation = <const O extends OperationSpec>(spec: O): O => spec;

/** `METHOD /path`, as API Gateway names the matched route in `routeKey`. */
export const routeKeyOf = (op: Pick<OperationSpec, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** The operation name in logs and metrics: `putRoutingQueue` -> `PutRoutingQueue`. */
export const operationName = (op: Pick<OperationSpec, 'operationId'>) => `${op.operationId[0]!.toUpperCase()}${op.operationId.slice(1)}`;

/** Shared response headers. */
export const CaseHeaders = { ETag: 'Version of the case, for If-Match.' };
