/**
 * Turns what a handler returned into the HTTP response API Gateway's HTTP API would
 * send (payload format 2.0), and the few answers API Gateway gives on its own.
 */
import type { OutgoingHttpHeaders } from 'node:http';

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

/** API Gateway computes these itself; a handler's values are ignored. */
const GATEWAY_OWNED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

/** Thrown for a result API Gateway cannot interpret; it answers 500 then. */
export class MalformedLambdaResponse extends Error {
  override readonly name = 'MalformedLambdaResponse';
}

/**
 * Format 2.0 rules: an object with a `statusCode` is a structured response; any other
 * value (a bare object, array, number, or a string) becomes the body of a 200
 * `application/json` response, a string verbatim, anything else as JSON.
 */
export function fromLambdaResult(result: unknown): GatewayResponse {
  if (typeof result === 'string') return json(200, result);
  if (!isStructured(result)) return json(200, JSON.stringify(result ?? null));

  const statusCode = result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedLambdaResponse(`statusCode must be an integer HTTP status, got ${JSON.stringify(statusCode)}`);
  }
  const headers: Record<string, string | string[]> = {};
  const add = (name: string, value: unknown): void => {
    const key = name.toLowerCase();
    if (GATEWAY_OWNED_HEADERS.has(key) || value === undefined || value === null) return;
    const existing = headers[key];
    if (existing === undefined) headers[key] = String(value);
    else headers[key] = [...(Array.isArray(existing) ? existing : [existing]), String(value)];
  };
  for (const [name, value] of Object.entries(asRecord(result.headers))) add(name, value);
  // Not part of format 2.0, but a handler written for format 1.0 may still send them.
  for (const [name, values] of Object.entries(asRecord(result.multiValueHeaders))) {
    for (const value of Array.isArray(values) ? values : [values]) add(name, value);
  }
  for (const cookie of Array.isArray(result.cookies) ? result.cookies : []) add('set-cookie', cookie);

  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    throw new MalformedLambdaResponse(`body must be a string, got ${typeof result.body}`);
  }
  const text = result.body ?? '';
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers, body };
}

interface StructuredResult {
  statusCode: unknown;
  headers?: unknown;
  multiValueHeaders?: unknown;
  cookies?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
}

function isStructured(result: unknown): result is StructuredResult {
  return typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function json(statusCode: number, body: string, extra: OutgoingHttpHeaders = {}): GatewayResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...extra }, body: Buffer.from(body, 'utf8') };
}

/** The JWT authorizer's refusal: exactly API Gateway's body and header. */
export const unauthorized = (wwwAuthenticate: string): GatewayResponse =>
  json(401, '{"message":"Unauthorized"}', { 'www-authenticate': wwwAuthenticate });

/** A handler that threw or returned something unusable. */
export const internalServerError = (): GatewayResponse => json(500, '{"message":"Internal Server Error"}');

/** The integration did not answer within API Gateway's 30 s integration timeout. */
export const serviceUnavailable = (): GatewayResponse => json(503, '{"message":"Service Unavailable"}');

/** API Gateway refuses bodies over its 10 MB payload quota. */
export function payloadTooLarge(limitBytes: number): GatewayResponse {
  const problem = {
    type: 'about:blank',
    title: 'Payload Too Large',
    status: 413,
    detail: `The request body exceeds the API's limit of ${limitBytes} bytes.`,
  };
  return { statusCode: 413, headers: { 'content-type': 'application/problem+json' }, body: Buffer.from(JSON.stringify(problem), 'utf8') };
}
