/**
 * One Lambda for several routes, and the metrics a route counts, through the real
 * middy stack (Powertools metrics print EMF to stdout, as in Lambda).
 */
import type { Context } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDevIssuer } from '#lib/local/dev-issuer.js';
import { claimsAsApiGatewayPassesThem } from '#lib/local/jwt-authorizer.js';

type Module = typeof import('#http/http-handler.js');
let http: Module;

beforeAll(async () => {
  vi.stubEnv('TABLE_NAME', 'unit');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  http = await import('#http/http-handler.js');
});
afterAll(() => vi.unstubAllEnvs());

const context = { functionName: 'caseway-unit', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
// A real token, and the claims the authorizer hands on for it: roles are read from the verified token in the header.
const issuer = await createDevIssuer();
const token = await issuer.sign({ sub: 'u1', roles: ['agent'] });
const claims = claimsAsApiGatewayPassesThem(decodeJwt(token));
const event = (routeKey: string) =>
  ({
    routeKey,
    rawPath: '/x',
    headers: { authorization: `Bearer ${token}` },
    requestContext: { requestId: 'req-1', http: { method: routeKey.split(' ')[0] }, authorizer: { jwt: { claims, scopes: null } } },
    isBase64Encoded: false,
  }) as never;

describe('httpRoutes', () => {
  it('serves each route with its own handler, counts what it is told to, and refuses a route it does not serve', async () => {
    const handler = http.httpRoutes({
      'GET /a': http.httpHandler({ operation: 'A', handle: async () => ({ status: 200, body: { route: 'a' } }) }),
      'POST /b': http.httpHandler({
        operation: 'B',
        handle: async (request) => {
          request.count('CasesReopened');
          return { status: 201, raw: 'b,c\n1,2\n', headers: { 'content-type': 'text/csv' } };
        },
      }),
    });
    expect(handler.routeKeys).toEqual(['GET /a', 'POST /b']);
    const a = (await handler(event('GET /a'), context)) as { statusCode: number; body: string };
    expect(a).toMatchObject({ statusCode: 200, body: '{"route":"a"}' });

    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let b: { statusCode: number; body: string; headers: Record<string, string> };
    try {
      b = (await handler(event('POST /b'), context)) as typeof b;
    } finally {
      spy.mockRestore();
    }
    expect(b).toMatchObject({ statusCode: 201, body: 'b,c\n1,2\n', headers: { 'content-type': 'text/csv' } });
    const emf = written.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => '_aws' in line);
    expect(emf).toMatchObject({ CasesReopened: 1, operation: 'B' });

    expect(() => handler(event('DELETE /c'), context)).toThrow('This function serves GET /a, POST /b, not DELETE /c');
  });
});
