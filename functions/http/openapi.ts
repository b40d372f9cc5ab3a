/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests
 * and checked against the route table, so the document cannot describe an API
 * that does not exist (test/unit/openapi.test.ts lints it with Redocly).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { routes } from '../../lib/topology/routes.js';
import {
  AuditRecord,
  CaseIdParams,
  CaseRecord,
  CommentBody,
  CommentRecord,
  CreateCaseBody,
  IdempotencyKey,
  IfMatch,
  ListCasesQuery,
  pageOf,
  PageQuery,
  PatchCaseBody,
  Problem,
} from './schemas.js';

type Operation = Omit<RouteConfig, 'method' | 'path' | 'responses'> & {
  readonly ok: { status: number; description: string; schema?: z.ZodType; headers?: Record<string, string> };
  readonly problems: readonly number[];
};

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input: the problem names each field and rule.',
  401: 'Missing or invalid bearer token (answered by the JWT authorizer).',
  403: 'The caller may not do this.',
  404: 'No such case, or not yours to see.',
  409: 'Conflicting concurrent change; retry.',
  412: 'If-Match does not match the current version; nothing was changed.',
  413: 'Body larger than the cap.',
  415: 'Body is not application/json.',
  422: 'Idempotency-Key reused with a different body.',
  428: 'If-Match is required.',
  429: 'Over the stage rate limit (answered by API Gateway); retry with backoff.',
};

/** 401 and 429 come from API Gateway itself, whose body is a plain message, not a problem. */
const GatewayMessage = z.object({ message: z.string() }).meta({ id: 'GatewayMessage' });
const FROM_GATEWAY = new Set([401, 429]);

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
const CaseHeaders = { ETag: 'Version of the case, for If-Match.' };

const operations: Record<string, Operation> = {
  'POST /cases': {
    operationId: 'createCase',
    summary: 'Open a case',
    request: { headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }), body: { ...json(CreateCaseBody), required: true } },
    ok: { status: 201, description: 'Created, or the first result replayed for a repeated Idempotency-Key.', schema: CaseRecord, headers: { ...CaseHeaders, Location: 'URL of the case.' } },
    problems: [400, 401, 403, 409, 413, 415, 422],
  },
  'GET /cases': {
    operationId: 'listCases',
    summary: 'List cases newest first, by status, owner or requester',
    request: { query: ListCasesQuery },
    ok: { status: 200, description: 'A page of cases.', schema: pageOf(CaseRecord, 'CasePage') },
    problems: [400, 401, 403],
  },
  'GET /cases/{id}': {
    operationId: 'getCase',
    summary: 'Read a case',
    request: { params: CaseIdParams },
    ok: { status: 200, description: 'The case.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404],
  },
  'PATCH /cases/{id}': {
    operationId: 'updateCase',
    summary: 'Change a case (optimistic concurrency with If-Match)',
    request: { params: CaseIdParams, headers: z.object({ 'If-Match': IfMatch }), body: { ...json(PatchCaseBody), required: true } },
    ok: { status: 200, description: 'The changed case.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
  },
  'POST /cases/{id}/comments': {
    operationId: 'addComment',
    summary: 'Comment on a case (public, or internal for staff)',
    request: { params: CaseIdParams, body: { ...json(CommentBody), required: true } },
    ok: { status: 201, description: 'The comment.', schema: CommentRecord },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/comments': {
    operationId: 'listComments',
    summary: 'Comments of a case, oldest first (requesters see public ones only)',
    request: { params: CaseIdParams, query: PageQuery },
    ok: { status: 200, description: 'A page of comments.', schema: pageOf(CommentRecord, 'CommentPage') },
    problems: [400, 401, 403, 404],
  },
  'GET /cases/{id}/history': {
    operationId: 'caseHistory',
    summary: 'Audit history of a case, oldest first (staff only)',
    request: { params: CaseIdParams, query: PageQuery },
    ok: { status: 200, description: 'A page of audit events.', schema: pageOf(AuditRecord, 'AuditPage') },
    problems: [400, 401, 403, 404],
  },
  'GET /openapi.json': {
    operationId: 'openApiDocument',
    summary: 'This document',
    security: [],
    ok: { status: 200, description: 'The OpenAPI 3.1 document.' },
    problems: [],
  },
};

let document: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

export function openApiDocument() {
  if (document) return document;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const op = operations[key];
    if (!op) throw new Error(`The route ${key} has no OpenAPI description`);
    const { ok, problems, ...config } = op;
    registry.registerPath({
      ...config,
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: route.path,
      tags: [route.path.startsWith('/cases') ? 'Cases' : 'Meta'],
      ...(route.auth === 'jwt' ? { security: [{ bearerAuth: [] }] } : {}),
      responses: {
        [ok.status]: {
          description: ok.description,
          ...(ok.headers ? { headers: Object.fromEntries(Object.entries(ok.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' as const } }])) } : {}),
          ...(ok.schema ? json(ok.schema) : { content: { 'application/json': { schema: { type: 'object' as const } } } }),
        },
        ...Object.fromEntries(
          [...problems, 429].map((status) => [
            status,
            {
              description: PROBLEM_TEXT[status] ?? 'Problem',
              content: FROM_GATEWAY.has(status) ? { 'application/json': { schema: GatewayMessage } } : { 'application/problem+json': { schema: Problem } },
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
      { name: 'Meta', description: 'About the API itself.' },
    ],
    security: [{ bearerAuth: [] }],
  });
  return document;
}
