/**
 * The operation declarations (functions/http/api/) are the one place an endpoint is
 * declared and implemented: the route table is generated from them, each handler serves
 * exactly its function's declarations, a declaration cannot leave out its `handle`, and
 * a `handle` cannot answer a status its declaration (and so the document) does not list.
 */
import type { Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateRouteTable, ROUTE_TABLE_FILE } from '../../bin/api-generate.js';
import { operations } from '#http/api/index.js';
import { operation, routeKeyOf } from '#http/operation.js';
import { functions, type FunctionName } from '#topology/routes.js';

type Http = typeof import('#http/http-handler.js');
let http: Http;

beforeAll(async () => {
  // What every handler module reads at cold start; S3's client is only made, never called.
  vi.stubEnv('TABLE_NAME', 'unit');
  vi.stubEnv('ATTACHMENTS_BUCKET', 'unit-attachments');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  http = await import('#http/http-handler.js');
});
afterAll(() => vi.unstubAllEnvs());

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pathParameters = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
const objectKeys = (schema: z.ZodType | undefined) => (schema instanceof z.ZodObject ? Object.keys(schema.shape).sort() : []);

describe('the operation declarations', () => {
  it('functions/topology/route-table.ts is what npm run api:generate generates from them', () => {
    // A mismatch means a declaration changed without `npm run api:generate`: CDK and the local gateway would route by a stale table.
    expect(
      readFileSync(ROUTE_TABLE_FILE, 'utf8') === generateRouteTable(),
      'functions/topology/route-table.ts is stale: run npm run api:generate',
    ).toBe(true);
  });

  it('name each operation and route once, and only functions of the registry (never the fallback)', () => {
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = operations.map(routeKeyOf);
    expect(new Set(keys).size).toBe(keys.length);
    for (const op of operations) expect(Object.keys(functions), op.operationId).toContain(op.fn);
    const serving = new Set(operations.map((op) => op.fn));
    expect(Object.keys(functions).filter((fn) => !serving.has(fn as FunctionName))).toEqual(['fallback']);
  });

  it('parse exactly the path parameters their path template names', () => {
    for (const op of operations) expect(objectKeys(op.params), routeKeyOf(op)).toEqual(pathParameters(op.path));
  });

  it('declare at least one success status, each described, and no status both as a success and a problem', () => {
    for (const op of operations) {
      const statuses = Object.keys(op.responses).map(Number);
      expect(statuses.length, routeKeyOf(op)).toBeGreaterThan(0);
      for (const status of statuses) {
        expect(status >= 200 && status < 300, `${routeKeyOf(op)} ${status}`).toBe(true);
        expect(op.responses[status]!.description.length).toBeGreaterThan(0);
      }
      expect(op.problems.filter((p) => statuses.includes(p))).toEqual([]);
    }
  });

  it('each HTTP handler serves exactly the routes its function declares', async () => {
    for (const fn of Object.keys(functions) as FunctionName[]) {
      if (fn === 'fallback') continue;
      const { handler } = (await import(pathToFileURL(`${ROOT}${functions[fn].entry}`).href)) as { handler: { routeKeys: string[] } };
      const want = operations.filter((op) => op.fn === fn).map(routeKeyOf);
      expect([...handler.routeKeys].sort(), fn).toEqual(want.sort());
    }
  }, 60_000);
});

describe('serve', () => {
  const context = { functionName: 'caseway-unit', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
  const spec = {
    operationId: 'putThing',
    method: 'PUT',
    path: '/things/{id}',
    fn: 'routing',
    auth: 'none',
    summary: 'Create or replace a thing',
    params: z.object({ id: z.string().max(5) }).strict(),
    headers: { 'If-Match': { schema: z.string().transform(Number), required: true } },
    responses: { 200: { description: 'Replaced.' }, 201: { description: 'Created.' } },
    problems: [400],
  } as const;
  const declared = {
    putThing: operation({
      ...spec,
      handle: async ({ params, headers }) => ({
        status: headers['if-match'] === 3 ? 200 : 201,
        body: { id: params.id, ifMatch: headers['if-match'] },
      }),
    }),
  };
  const event = (id: string, headers: Record<string, string>, body?: string) =>
    ({
      routeKey: 'PUT /things/{id}',
      rawPath: `/things/${id}`,
      pathParameters: { id },
      headers,
      requestContext: { requestId: 'req-1', http: { method: 'PUT' } },
      isBase64Encoded: false,
      ...(body === undefined ? {} : { body }),
    }) as never;

  it('parses the path and the headers by their declarations (headers as API Gateway passes them, lower-cased), and refuses what they refuse', async () => {
    const handler = http.serve(declared);
    expect(handler.routeKeys).toEqual(['PUT /things/{id}']);
    const ok = (await handler(event('t1', { 'if-match': '3' }), context)) as { statusCode: number; body: string };
    expect(ok).toMatchObject({ statusCode: 200, body: '{"id":"t1","ifMatch":3}' });
    const bad = (await handler(event('too-long', {}), context)) as { statusCode: number; body: string };
    expect(bad.statusCode).toBe(400);
    expect((JSON.parse(bad.body) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['path.id']);
    // A statically unreachable call: it exists for the type checker (npm run typecheck), which must refuse it.
    const undeclaredStatus = () =>
      operation({
        ...spec,
        // @ts-expect-error 202 is not a status putThing declares, so the document would not list it
        handle: async () => ({ status: 202 }),
      });
    expect(typeof undeclaredStatus).toBe('function');
  });

  it('takes no declaration without its handle: the type checker refuses it, and serve refuses it at cold start', () => {
    // Statically unreachable, for the type checker: an endpoint declared but not implemented.
    const declaredOnly = () =>
      // @ts-expect-error an operation without `handle` is not an operation
      operation(spec);
    const servedBare = () =>
      http.serve({
        // @ts-expect-error serve takes only implemented operations
        putThing: spec,
      });
    expect(typeof declaredOnly).toBe('function');
    expect(servedBare).toThrow('Operation putThing (PUT /things/{id}) is declared without its handle');
  });

  it("applies an operation's own body cap, read when the handler is built", async () => {
    let reads = 0;
    const handler = http.serve({
      putThing: operation({
        ...spec,
        body: z.object({ name: z.string() }).strict(),
        maxBodyBytes: () => {
          reads += 1;
          return 20;
        },
        handle: async ({ body }) => ({ status: 200, body }),
      }),
    });
    expect(reads).toBe(1);
    const small = (await handler(event('t1', { 'if-match': '1', 'content-type': 'application/json' }, '{"name":"a"}'), context)) as {
      statusCode: number;
    };
    expect(small.statusCode).toBe(200);
    const large = (await handler(event('t1', { 'if-match': '1', 'content-type': 'application/json' }, '{"name":"a-longer-name"}'), context)) as {
      statusCode: number;
      body: string;
    };
    expect(large.statusCode).toBe(413);
    expect(reads).toBe(1);
  });
});
