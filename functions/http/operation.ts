/**
 * One HTTP operation, declared once: its route (method, path, the function that
 * serves it, whether a token is needed), what it takes (path, query, headers, body),
 * every answer it gives, and `handle`, the code that answers it (calling one use case).
 * Everything else is derived from these declarations (functions/http/api/): the route
 * table that CDK and the local gateway build on (functions/topology/routes.ts) and the
 * OpenAPI document (openapi.ts), both written out at build time by `npm run api:generate`,
 * and each handler's parsing and typing (`serve` in http-handler.ts).
 *
 * This module itself is plain types and helpers: no AWS and no use cases, so the generator
 * and the route types can import it; the declarations that import use cases are read only by
 * their own handler and by the generator.
 */
import type * as z from 'zod';
import type { FunctionName, HttpMethod } from '#topology/routes.js';
import type { HttpResult, ParsedRequest } from './request.js';

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

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type HeadersOutput<H> =
  H extends Readonly<Record<string, HeaderSpec>> ? { [K in keyof H as Lowercase<K & string>]?: z.output<H[K]['schema']> } : undefined;

/** The request an operation's handler gets: path, query, headers and body typed by its declaration. */
export type RequestOf<O extends OperationSpec> = ParsedRequest<
  Output<O['params']>,
  Output<O['query']>,
  HeadersOutput<O['headers']>,
  Output<O['body']>
>;

/**
 * What it may answer: only a status its declaration (and so the document) lists.
 * (`Extract`, not `& number`: a numeric literal returned from `handle` keeps its literal
 * type against it while `operation` is still inferring the declaration.)
 */
export type ResultOf<O extends OperationSpec> = Omit<HttpResult, 'status'> & { readonly status: Extract<keyof O['responses'], number> };

export type OperationHandler<O extends OperationSpec> = (request: RequestOf<O>) => Promise<ResultOf<O>>;

/** The code half of a declaration. */
export interface Implementation<O extends OperationSpec> {
  readonly handle: OperationHandler<O>;
  /** A body cap of its own, read at cold start (bodies over it are refused with 413); the default is MAX_BODY_BYTES. */
  readonly maxBodyBytes?: () => number;
}

/** A declared operation with its implementation: what `serve` takes. */
export type Operation = OperationSpec & {
  readonly handle: (request: never) => Promise<HttpResult>;
  readonly maxBodyBytes?: () => number;
};

type Parts = 'params' | 'query' | 'headers' | 'body' | 'responses';
/** The declaration as written (the parts that type `handle` optional)... */
type Declared<P, Q, H, B, R> = Omit<OperationSpec, Parts> & {
  readonly params?: P;
  readonly query?: Q;
  readonly headers?: H;
  readonly body?: B;
  readonly responses: R;
};
/** ...and as `handle` sees it: a part left out is `undefined`, not "maybe". */
type Exactly<P, Q, H, B, R> = Omit<OperationSpec, Parts> & {
  readonly params: P;
  readonly query: Q;
  readonly headers: H;
  readonly body: B;
  readonly responses: R;
};

/**
 * Declares an operation and its `handle`, typed by the schemas beside it. Each part is its
 * own type parameter because TypeScript infers them property by property before it types
 * `handle` (one parameter for the whole object would not be inferred: `handle` depends on it).
 */
export const operation = <
  const P extends z.ZodType | undefined = undefined,
  const Q extends z.ZodType | undefined = undefined,
  const H extends Readonly<Record<string, HeaderSpec>> | undefined = undefined,
  const B extends z.ZodType | undefined = undefined,
  const R extends OperationSpec['responses'] = OperationSpec['responses'],
>(
  spec: Declared<P, Q, H, B, R> & Implementation<NoInfer<Exactly<P, Q, H, B, R>>>,
  // NoInfer: written inside a call (serve({ x: operation(...) })), the parts are still inferred from the declaration, not from what that call takes.
): NoInfer<Declared<P, Q, H, B, R> & Implementation<Exactly<P, Q, H, B, R>>> => spec;

/** `METHOD /path`, as API Gateway names the matched route in `routeKey`. */
export const routeKeyOf = (op: Pick<OperationSpec, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** The operation name in logs and metrics: `putRoutingQueue` -> `PutRoutingQueue`. */
export const operationName = (op: Pick<OperationSpec, 'operationId'>) => `${op.operationId[0]!.toUpperCase()}${op.operationId.slice(1)}`;

/** Shared response headers. */
export const CaseHeaders = { ETag: 'Version of the case, for If-Match.' };
