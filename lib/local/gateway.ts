/**
 * The local stand-in for API Gateway's HTTP API: routes from the one route table
 * (`functions/topology/routes.ts`), the JWT authorizer on `jwt` routes, a payload format
 * 2.0 event for the handler, and the handler's result mapped back the way API
 * Gateway maps it. The handlers are the deployed modules themselves, imported on
 * first use like a cold start, so they cannot tell that they are not in AWS.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { defaultRoute, matchRoute, type FunctionName } from '#topology/routes.js';
import { buildHttpApiEvent, newRequestId } from './http-api-event.js';
import {
  fromLambdaResult,
  internalServerError,
  payloadTooLarge,
  serviceUnavailable,
  unauthorized,
  type GatewayResponse,
} from './http-api-response.js';
import { createJwtAuthorizer, type JwtAuthorizerConfig } from './jwt-authorizer.js';
import { createLambdaContext } from './lambda-context.js';
import { loadFunction } from './function-loader.js';
import { PortInUseError } from './ports.js';
import { FILES_PATH_PREFIX, type FileRequest, type FileResponse } from '#adapters/local-files.js';
import { localProblem } from './local-problem.js';
import type { LocalRequest, LocalResponse } from './local-request.js';

export type LambdaHandler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => unknown;

/** Finds the handler of a function; the default imports `functions[fn].entry` from `rootDir`. */
export type HandlerResolver = (fn: FunctionName) => Promise<LambdaHandler>;

export interface GatewayLog {
  /** One line per request. */
  info(message: string): void;
  /** Handler failures: in AWS they would be in the function's log group. */
  error(message: string, error: unknown): void;
}

export interface GatewayOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: the dev issuer's tokens are public, so do not listen on the network. */
  readonly host?: string;
  /** Whose tokens to accept (a `DevIssuer` fits). */
  readonly issuer: JwtAuthorizerConfig;
  /** Repository root: function entries in the route table are relative to it. */
  readonly rootDir: string;
  /** Replace how handlers are found, e.g. with test-only handlers. */
  readonly resolveHandler?: HandlerResolver;
  /** API Gateway's integration timeout (default 30 s); later answers become 503. */
  readonly timeoutMs?: number;
  /** API Gateway's payload quota (default 10 MB). */
  readonly maxBodyBytes?: number;
  readonly log?: GatewayLog;
  /**
   * Answers signed file URLs under `/_files/` (the local stand-in for S3's presigned
   * URLs). Outside the route table and its authorizer: the signature is the credential.
   */
  readonly serveFiles?: (request: FileRequest) => Promise<FileResponse>;
  /**
   * Answers `/_local/...`: local-only services with no AWS counterpart on the API
   * (the EventBridge stand-in's PutEvents endpoint, its dead letters). Outside the
   * route table and its authorizer; the gateway listens on localhost only.
   */
  readonly serveLocal?: (request: LocalRequest) => Promise<LocalResponse>;
  /**
   * The web console and its dev sign-in (lib/local/console-host.ts), asked before the API's
   * fallback: it answers what is the console's and resolves false for everything else.
   */
  readonly serveConsole?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** WebSocket upgrades on the gateway's port (the live feed, `lib/local/live-server.ts`). */
  readonly onUpgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export const LOCAL_PATH_PREFIX = '/_local/';

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;
/** Past this much, stop reading an oversized body and drop the connection. */
const DRAIN_LIMIT_FACTOR = 4;

export const consoleLog: GatewayLog = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error),
};

/**
 * Imports the module a route names, once per function, like a Lambda cold start, in the function's
 * own environment (`function-loader.ts`). A module that failed to load is retried on the next request.
 */
export function moduleHandlerResolver(rootDir: string): HandlerResolver {
  return async (fn) => (await loadFunction<{ handler: LambdaHandler }>(rootDir, fn)).handler;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const authorize = createJwtAuthorizer(options.issuer);
  const resolveHandler = options.resolveHandler ?? moduleHandlerResolver(options.rootDir);
  const timeoutMs = options.timeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const log = options.log ?? consoleLog;
  let port = 0;

  async function answer(request: IncomingMessage, requestId: string): Promise<{ response: GatewayResponse; fn: FunctionName }> {
    const body = await readBody(request, maxBodyBytes);
    const method = (request.method ?? 'GET').toUpperCase();
    const rawPath = (request.url ?? '/').split('?')[0]!;
    const { match } = matchRoute(method, rawPath);
    const fn = match?.route.fn ?? defaultRoute.fn;
    if (body === 'too large') return { response: payloadTooLarge(maxBodyBytes), fn };

    let authorizer: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    if ((match?.route.auth ?? defaultRoute.auth) === 'jwt') {
      const outcome = await authorize(request.headers.authorization);
      if (!outcome.authorized) return { response: unauthorized(outcome.wwwAuthenticate), fn };
      authorizer = { claims: outcome.claims, scopes: outcome.scopes };
    }

    const routeKey = match ? `${match.route.method} ${match.route.path}` : '$default';
    const event = buildHttpApiEvent({ request, body, routeKey, pathParameters: match?.pathParameters ?? {}, authorizer, requestId, port });
    return { response: await invoke(fn, event), fn };
  }

  async function invoke(fn: FunctionName, event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<GatewayResponse> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), timeoutMs);
    });
    try {
      const run = async (): Promise<unknown> => (await resolveHandler(fn))(event, createLambdaContext({ fn, timeoutMs }));
      const result = await Promise.race([run(), timedOut]);
      if (result === 'timeout') {
        log.error(`caseway-${fn} did not answer within ${timeoutMs} ms (request ${event.requestContext.requestId})`, undefined);
        return serviceUnavailable();
      }
      return fromLambdaResult(result);
    } catch (error) {
      log.error(`caseway-${fn} failed (request ${event.requestContext.requestId})`, error);
      return internalServerError();
    } finally {
      clearTimeout(timer);
    }
  }

  async function serveFile(request: IncomingMessage, response: ServerResponse, serveFiles: NonNullable<GatewayOptions['serveFiles']>): Promise<void> {
    let answer: FileResponse;
    try {
      answer = await serveFiles({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: request });
    } catch (error) {
      log.error(`file store failed on ${request.method} ${request.url}`, error);
      answer = { status: 500, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"code":"InternalError"}') };
    }
    // A refused upload may leave its body unread; the connection cannot carry another request then.
    if (!request.readableEnded) answer.headers.connection = 'close';
    response.writeHead(answer.status, { ...answer.headers, 'content-length': answer.headers['content-length'] ?? answer.body.length });
    response.end(answer.body);
    log.info(`${request.method} ${(request.url ?? '').split('?')[0]} -> ${answer.status} files`);
  }

  async function serveLocalRequest(
    request: IncomingMessage,
    response: ServerResponse,
    serveLocal: NonNullable<GatewayOptions['serveLocal']>,
  ): Promise<void> {
    let answer: LocalResponse;
    const refusal = crossSiteRefusal(request.headers, options.host ?? '127.0.0.1');
    if (refusal) {
      // Refused before the body is read: nothing a web page sends reaches a local service.
      request.resume();
      const text = Buffer.from(JSON.stringify(refusal.body));
      response.writeHead(refusal.status, { ...refusal.headers, 'content-length': text.length, connection: 'close' });
      response.end(text);
      log.info(`${request.method} ${(request.url ?? '').split('?')[0]} -> ${refusal.status} local (cross-site)`);
      return;
    }
    try {
      const body = await readBody(request, maxBodyBytes);
      const url = new URL(request.url ?? '/', 'http://local');
      answer =
        body === 'too large'
          ? { status: 413, body: { message: 'Request body too large' } }
          : await serveLocal({
              method: (request.method ?? 'GET').toUpperCase(),
              path: url.pathname,
              query: url.searchParams,
              headers: request.headers,
              body,
            });
    } catch (error) {
      if (request.destroyed) return;
      log.error(`local service failed on ${request.method} ${request.url}`, error);
      answer = { status: 500, body: { message: 'Internal error' } };
    }
    const text = Buffer.from(JSON.stringify(answer.body));
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers, 'content-length': text.length });
    response.end(text);
    log.info(`${request.method} ${(request.url ?? '').split('?')[0]} -> ${answer.status} local`);
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (options.serveLocal && (request.url ?? '').startsWith(LOCAL_PATH_PREFIX)) return serveLocalRequest(request, response, options.serveLocal);
    if (options.serveFiles && (request.url ?? '').startsWith(FILES_PATH_PREFIX)) return serveFile(request, response, options.serveFiles);
    if (
      options.serveConsole &&
      (await options.serveConsole(request, response).catch((error: unknown) => (log.error(`console failed on ${request.url}`, error), false)))
    )
      return;
    const started = Date.now();
    const requestId = newRequestId();
    let outcome: { response: GatewayResponse; fn: FunctionName | '-' };
    try {
      outcome = await answer(request, requestId);
    } catch (error) {
      if (request.destroyed) return; // the client went away or sent far too much; nobody to answer
      log.error(`gateway failed on ${request.method} ${request.url}`, error);
      outcome = { response: internalServerError(), fn: '-' };
    }
    const { statusCode, headers, body } = outcome.response;
    response.writeHead(statusCode, {
      ...headers,
      'apigw-requestid': requestId,
      'x-request-id': headers['x-request-id'] ?? requestId,
      'content-length': body.length,
    });
    response.end(body);
    log.info(`${request.method} ${request.url} -> ${statusCode} ${outcome.fn} ${Date.now() - started}ms`);
  }

  const server = createServer((request, response) => void serve(request, response));
  if (options.onUpgrade) server.on('upgrade', options.onUpgrade);
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      rejectListen(error.code === 'EADDRINUSE' ? new PortInUseError(options.port ?? 3000, 'wanted for the Caseway gateway') : error),
    );
    server.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' }, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections(); // keep-alive sockets would hold close() open
      });
      return closing;
    },
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * `/_local/*` has no token: the gateway listening on localhost is its only guard, and a
 * web page the developer visits can reach localhost too. A browser may send a cross-site
 * form or a `text/plain` fetch without any preflight, and always says where it comes
 * from (Origin on every POST, Sec-Fetch-Site on every request of a current browser), so
 * refuse any request that a page of another origin (other than one on this machine)
 * sent, and any Host that is not this machine's, which is what DNS rebinding looks like.
 * Tools (curl, the SDK, tests) send neither Origin nor Sec-Fetch-Site and pass.
 */
export function crossSiteRefusal(headers: IncomingMessage['headers'], listenHost: string): LocalResponse | undefined {
  const refuse = (detail: string): LocalResponse => localProblem(403, 'Forbidden', detail);
  const host = headers.host === undefined ? undefined : hostnameOf(headers.host);
  if (host !== undefined && !LOOPBACK_HOSTS.has(host) && host !== listenHost.toLowerCase()) {
    return refuse(`Local services answer only requests addressed to this machine, not to '${headers.host}'.`);
  }
  const origin = headers.origin;
  let loopbackOrigin = false;
  if (origin !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    loopbackOrigin =
      parsed !== undefined && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase());
    if (!loopbackOrigin) return refuse(`Local services do not answer pages of other origins (Origin: ${origin}).`);
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !(site === 'same-site' && loopbackOrigin)) {
    return refuse(`Local services do not answer cross-site requests (Sec-Fetch-Site: ${site}).`);
  }
  return undefined;
}

/**
 * The request body, or 'too large' past the limit. An oversized body is still read
 * (and thrown away) so the client sees the 413 instead of a reset connection, up to
 * a bound past which the connection is dropped.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit * DRAIN_LIMIT_FACTOR) {
    request.destroy();
    throw new Error('request body far over the limit');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit * DRAIN_LIMIT_FACTOR) {
      request.destroy();
      throw new Error('request body far over the limit');
    }
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? 'too large' : Buffer.concat(chunks);
}
