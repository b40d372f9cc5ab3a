/**
 * The OpenAPI 3.1 document, generated from the operation declarations
 * (functions/http/api/): the same zod schemas validate requests, and the same
 * declarations make the route table, so the document cannot describe an API that
 * does not exist (test/unit/openapi.test.ts lints it with Redocly).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { operations } from './api/index.js';
import type { OperationSpec, ResponseSpec } from './operation.js';
import { Problem } from './schemas.js';

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input: the problem names each field and rule.',
  401: 'Missing or invalid bearer token (answered by the JWT authorizer).',
  403: 'The caller may not do this.',
  404: 'No such case, or not yours to see.',
  409: 'Conflicting change: a concurrent one (retry), a state that does not allow it, or no such transition (the problem lists the allowed ones).',
  412: 'If-Match does not match the current version; nothing was changed.',
  413: 'Body larger than the cap.',
  415: 'Body is not in a media type this operation takes (application/json, or text/csv and JSON Lines for imports).',
  422: 'Idempotency-Key reused with a different body, or a transition blocked by a guard (the problem says which and why).',
  428: 'If-Match is required.',
  429: 'Over the stage rate limit (answered by API Gateway); retry with backoff.',
  503: 'A read of a restricted case could not be recorded in the read-access log, so nothing was returned; retry.',
};

/** 401 and 429 come from API Gateway itself, whose body is a plain message, not a problem. */
const GatewayMessage = z.object({ message: z.string() }).meta({ id: 'GatewayMessage' });
const FROM_GATEWAY = new Set([401, 429]);

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const mediaTypes = (content: Readonly<Record<string, z.ZodType>>) =>
  Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }]));

/** Headers as the document shows them: by their usual spelling, required where the declaration says so. */
const headerObject = (headers: NonNullable<OperationSpec['headers']>) =>
  z.object(Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, header.required ? header.schema : header.schema.optional()])));

function requestOf(op: OperationSpec): RouteConfig['request'] {
  const body = op.body ? { ...json(op.body), required: true } : op.rawBody ? { content: mediaTypes(op.rawBody), required: true } : undefined;
  const request = {
    ...(op.params ? { params: op.params } : {}),
    ...(op.query ? { query: op.query } : {}),
    ...(op.headers ? { headers: headerObject(op.headers) } : {}),
    ...(body ? { body } : {}),
  };
  return Object.keys(request).length > 0 ? (request as RouteConfig['request']) : undefined;
}

function successOf(status: number, response: ResponseSpec) {
  return {
    description: response.description,
    ...(response.headers
      ? {
          headers: Object.fromEntries(Object.entries(response.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' as const } }])),
        }
      : {}),
    ...(status === 204
      ? {}
      : response.content
        ? { content: mediaTypes(response.content) }
        : response.schema
          ? json(response.schema)
          : { content: { 'application/json': { schema: { type: 'object' as const } } } }),
  };
}

function tagOf(path: string): string {
  if (path.startsWith('/knowledge') || /^\/cases\/\{id\}\/(articles|suggestions)$/.test(path)) return 'Knowledge';
  if (/^\/cases\/\{id\}\/(transitions|migrate)/.test(path) || path.startsWith('/case-types')) return 'Workflow';
  if (path.startsWith('/tasks') || path.includes('/tasks')) return 'Tasks';
  if (path.includes('/attachments')) return 'Attachments';
  if (path === '/cases/import' || path === '/cases/export') return 'Bulk';
  if (path.startsWith('/routing')) return 'Routing';
  if (path.startsWith('/cases')) return 'Cases';
  if (path.startsWith('/events') || path.startsWith('/notifications')) return 'Events';
  if (path.startsWith('/assets') || path.startsWith('/devices')) return 'Devices';
  if (path.startsWith('/channels')) return 'Channels';
  if (path.startsWith('/audit')) return 'Audit';
  return 'Meta';
}

let document: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

export function openApiDocument() {
  if (document) return document;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const op of operations) {
    const request = requestOf(op);
    registry.registerPath({
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      method: op.method.toLowerCase() as RouteConfig['method'],
      path: op.path,
      tags: [tagOf(op.path)],
      // A public operation says so; the others need the bearer token (the document's default).
      security: op.auth === 'jwt' ? [{ bearerAuth: [] }] : [],
      ...(request ? { request } : {}),
      responses: {
        ...Object.fromEntries(Object.entries(op.responses).map(([status, response]) => [status, successOf(Number(status), response)])),
        ...Object.fromEntries(
          [...op.problems, 429].map((status) => [
            status,
            {
              description: PROBLEM_TEXT[status] ?? 'Problem',
              content: FROM_GATEWAY.has(status)
                ? { 'application/json': { schema: GatewayMessage } }
                : { 'application/problem+json': { schema: Problem } },
            },
          ]),
        ),
      },
    });
  }
  document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Caseway API',
      version: '0.1.0',
      description: 'Case management that runs in your own AWS account. Errors are RFC 9457 problem details.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'This deployment' }],
    tags: [
      { name: 'Cases', description: 'Cases, their comments and their audit history.' },
      { name: 'Workflow', description: 'Case types (versioned fields, intake forms, workflows) and moving cases along them.' },
      { name: 'Tasks', description: 'Manual tasks inside cases.' },
      { name: 'Attachments', description: 'Files on cases: signed upload and download URLs, versions, retention classes.' },
      { name: 'Bulk', description: 'Cases in and out as CSV or JSON Lines.' },
      { name: 'Knowledge', description: 'Knowledge articles, search, case suggestions and deflection, and what linked cases teach them.' },
      { name: 'Routing', description: 'Routing rules, queues, agents and their presence, offers.' },
      { name: 'Meta', description: 'About the API itself.' },
    ],
    security: [{ bearerAuth: [] }],
  });
  return document;
}
