/**
 * Builds the Lambda event that API Gateway's HTTP API sends with payload format 2.0,
 * from a Node request. Every field follows what AWS sends, including its quirks
 * (duplicate headers and query keys joined with commas, cookies split out of the
 * headers, non-text bodies base64-encoded), so a handler that works here works there.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { AuthorizerClaims } from './jwt-authorizer.js';

/** The account id in ARNs and request contexts: obviously not a real account. */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_API_ID = 'local';

export interface EventInput {
  readonly request: IncomingMessage;
  readonly body: Buffer;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
  readonly authorizer: { readonly claims: AuthorizerClaims; readonly scopes: string[] | null } | undefined;
  readonly requestId: string;
  /** The port the gateway listens on, reported as x-forwarded-port. */
  readonly port: number;
}

export function buildHttpApiEvent(input: EventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { request, body } = input;
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : target.slice(queryStart + 1);

  const { headers, cookies } = headersOf(request);
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']},${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(input.port);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId();

  const now = new Date();
  const queryStringParameters = parseQueryString(rawQueryString);
  const pathParameters = decodePathParameters(input.pathParameters);
  const encoded = encodeBody(body, headers['content-type']);
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');

  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: (request.method ?? 'GET').toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
      // In AWS a route without an authorizer gets no authorizer block at all, although the type insists on one.
      ...(input.authorizer ? { authorizer: { jwt: input.authorizer } } : {}),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    ...(encoded ? { body: encoded.body } : {}),
    isBase64Encoded: encoded?.isBase64Encoded ?? false,
  };
}

/** Lower-cased names; repeated headers joined with ',' (not Node's ', '); cookies lifted out. */
function headersOf(request: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Form-style decoding ('+' is a space), repeated keys joined with ','; undefined when there is no query. */
export function parseQueryString(rawQueryString: string): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const part of rawQueryString.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeComponent(eq === -1 ? part : part.slice(0, eq), true);
    const value = eq === -1 ? '' : decodeComponent(part.slice(eq + 1), true);
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return Object.keys(parameters).length > 0 ? parameters : undefined;
}

function decodePathParameters(raw: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(raw);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, value]) => [name, decodeComponent(value, false)]));
}

function decodeComponent(value: string, plusIsSpace: boolean): string {
  const text = plusIsSpace ? value.replace(/\+/g, ' ') : value;
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // malformed escapes pass through as sent
  }
}

const TEXT_CONTENT_TYPE = /^(text\/|application\/([\w.-]+\+)?(json|xml|javascript|ecmascript|yaml|graphql)\b)|\+(json|xml)\b/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text bodies go as UTF-8 strings, everything else base64 with isBase64Encoded set; no body, no field. */
function encodeBody(body: Buffer, contentType: string | undefined): { body: string; isBase64Encoded: boolean } | undefined {
  if (body.length === 0) return undefined;
  if (contentType ? TEXT_CONTENT_TYPE.test(contentType) : isUtf8(body)) return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

function isUtf8(body: Buffer): boolean {
  try {
    strictUtf8.decode(body);
    return true;
  } catch {
    return false;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
export function formatRequestTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** An X-Ray style trace id, as API Gateway adds to every request. */
function traceId(): string {
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

export const newRequestId = (): string => randomUUID();
