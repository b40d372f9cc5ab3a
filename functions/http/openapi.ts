/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests
 * and checked against the route table, so the document cannot describe an API
 * that does not exist (test/unit/openapi.test.ts lints it with Redocly).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { routes } from '../../lib/topology/routes.js';
import { attachmentOperations } from './operations/attachments.js';
import { bulkOperations } from './operations/bulk.js';
import { caseOperations } from './operations/cases.js';
import { linkOperations } from './operations/links.js';
import { workflowOperations } from './operations/workflow.js';
import { knowledgeOperations } from './operations/knowledge.js';
import { eventOperations } from './operations/events.js';
import { slaOperations } from './operations/sla.js';
import { deviceOperations } from './operations/devices.js';
import { channelOperations } from './operations/channels.js';
import { routingOperations } from './operations/routing.js';
import { auditOperations } from './operations/audit.js';
import { json, type Operation } from './operations/shared.js';
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


/** Every route's description, by `METHOD /path`: one module per resource family. */
const operations: Record<string, Operation> = {
  ...caseOperations,
  ...workflowOperations,
  ...bulkOperations,
  ...linkOperations,
  ...attachmentOperations,
  ...knowledgeOperations,
  ...eventOperations,
  ...slaOperations,
  ...deviceOperations,
  ...channelOperations,
  ...routingOperations,
  ...auditOperations,
};

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
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const op = operations[key];
    if (!op) throw new Error(`The route ${key} has no OpenAPI description`);
    const { ok, problems, ...config } = op;
    registry.registerPath({
      ...config,
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: route.path,
      tags: [tagOf(route.path)],
      ...(route.auth === 'jwt' ? { security: [{ bearerAuth: [] }] } : {}),
      responses: {
        [ok.status]: {
          description: ok.description,
          ...(ok.headers ? { headers: Object.fromEntries(Object.entries(ok.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' as const } }])) } : {}),
          ...(ok.status === 204
            ? {}
            : ok.content
            ? { content: Object.fromEntries(Object.entries(ok.content).map(([type, schema]) => [type, { schema }])) }
            : ok.schema
              ? json(ok.schema)
              : { content: { 'application/json': { schema: { type: 'object' as const } } } }),
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
