/**
 * The API's functions and route table: read by the CDK `CaseApi` construct (one HTTP
 * API route and one Lambda per entry) and by the local gateway (`lib/local/gateway.ts`),
 * which matches requests against the same entries and invokes the same handlers.
 * Each route is declared once, with its schemas, in functions/http/api/; the table
 * is generated from those declarations (`npm run api:routes`, ./route-table.ts).
 *
 * Pure data plus a matcher: no CDK or AWS imports, so handlers may use it too
 * (the fallback handler tells 404 from 405 with it).
 */
import { routeTable } from './route-table.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type FunctionName =
  | 'cases-create'
  | 'cases-get'
  | 'cases-list'
  | 'cases-update'
  | 'comments-add'
  | 'comments-list'
  | 'cases-history'
  | 'case-workflow'
  | 'case-tasks'
  | 'case-types'
  | 'cases-bulk'
  | 'case-attachments'
  | 'openapi'
  | 'fallback'
  | 'case-links'
  | 'case-handoff'
  | 'knowledge-articles'
  | 'knowledge-search'
  | 'event-schemas'
  | 'notifications'
  | 'sla-admin'
  | 'assets'
  | 'device-signals'
  | 'channels'
  | 'routing';

export interface FunctionSpec {
  /** Handler file, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Least privilege on the case table. */
  readonly tableAccess: 'none' | 'read' | 'readWrite';
  /** Signs upload and download URLs of the attachment store, and reads what arrived there. */
  readonly fileAccess?: 'readWrite';
  /** Queries the knowledge search index (OpenSearch in AWS). */
  readonly searchAccess?: 'read';
  /** Reads pages of a listing, which seals and opens cursors: it gets the cursor key, and only these do. */
  readonly pages?: true;
}

export const functions: Record<FunctionName, FunctionSpec> = {
  'cases-create': { entry: 'functions/handlers/cases-create.ts', description: 'Create a case (idempotent)', tableAccess: 'readWrite' },
  'cases-get': { entry: 'functions/handlers/cases-get.ts', description: 'Read one case', tableAccess: 'read' },
  'cases-list': {
    entry: 'functions/handlers/cases-list.ts',
    description: 'List cases by status, owner or requester',
    tableAccess: 'read',
    pages: true,
  },
  'cases-update': { entry: 'functions/handlers/cases-update.ts', description: 'Partial update with If-Match', tableAccess: 'readWrite' },
  'comments-add': { entry: 'functions/handlers/comments-add.ts', description: 'Add a public or internal comment', tableAccess: 'readWrite' },
  'comments-list': { entry: 'functions/handlers/comments-list.ts', description: 'List the comments of a case', tableAccess: 'read', pages: true },
  'cases-history': {
    entry: 'functions/handlers/cases-history.ts',
    description: 'Audit history of a case, its verification, and the read-access log',
    tableAccess: 'read',
    pages: true,
  },
  'case-workflow': {
    entry: 'functions/handlers/case-workflow.ts',
    description: 'Workflow transitions of a case, and migration to newer type versions',
    tableAccess: 'readWrite',
  },
  'case-tasks': {
    entry: 'functions/handlers/case-tasks.ts',
    description: 'Tasks of a case, and open tasks by assignee',
    tableAccess: 'readWrite',
    pages: true,
  },
  'cases-bulk': {
    entry: 'functions/handlers/cases-bulk.ts',
    description: 'Import cases from CSV or JSON Lines, export a filtered set',
    tableAccess: 'readWrite',
    pages: true,
  },
  'case-attachments': {
    entry: 'functions/handlers/case-attachments.ts',
    description: 'Attachments of a case: upload and download URLs, confirmation, versions',
    tableAccess: 'readWrite',
    fileAccess: 'readWrite',
    pages: true,
  },
  'case-types': {
    entry: 'functions/handlers/case-types.ts',
    description: 'Case types: versions, intake forms and workflows',
    tableAccess: 'readWrite',
  },
  openapi: { entry: 'functions/handlers/openapi.ts', description: 'Serve the OpenAPI 3.1 document', tableAccess: 'none' },
  fallback: {
    entry: 'functions/handlers/fallback.ts',
    description: 'Problem responses for unknown routes (404) and wrong methods (405)',
    tableAccess: 'none',
  },
  'case-links': {
    entry: 'functions/handlers/case-links.ts',
    description: 'Links between cases, parent and child, and merging duplicates',
    tableAccess: 'readWrite',
    pages: true,
  },
  // The brief reads the first page of the case's tasks, which seals a cursor when there are more.
  'case-handoff': {
    entry: 'functions/handlers/case-handoff.ts',
    description: 'The handoff brief of a case: read and edit',
    tableAccess: 'readWrite',
    pages: true,
  },
  'knowledge-articles': {
    entry: 'functions/handlers/knowledge-articles.ts',
    description: 'Knowledge articles: versions, lifecycle, links to cases, suggestion feedback',
    tableAccess: 'readWrite',
    pages: true,
  },
  'knowledge-search': {
    entry: 'functions/handlers/knowledge-search.ts',
    description: 'Knowledge search, case suggestions and deflection',
    tableAccess: 'read',
    searchAccess: 'read',
  },
  'event-schemas': {
    entry: 'functions/handlers/event-schemas.ts',
    description: 'JSON Schemas of the domain events on the bus, for partners',
    tableAccess: 'none',
  },
  notifications: {
    entry: 'functions/handlers/notifications.ts',
    description: 'Messages sent about a case (staff)',
    tableAccess: 'read',
    pages: true,
  },
  'sla-admin': {
    entry: 'functions/handlers/sla-admin.ts',
    description: 'SLA business calendars and policies (versioned), and entitlements',
    tableAccess: 'readWrite',
  },
  assets: {
    entry: 'functions/handlers/assets.ts',
    description: 'Monitored assets: owner, entitlement, thresholds, anomaly settings',
    tableAccess: 'readWrite',
    pages: true,
  },
  'device-signals': {
    entry: 'functions/handlers/device-signals.ts',
    description: 'Device signals: open, append to and resolve proactive cases',
    tableAccess: 'readWrite',
  },
  channels: {
    entry: 'functions/handlers/channels.ts',
    description: 'Channel intake: raw email, chat and social messages (integration role)',
    tableAccess: 'readWrite',
    // Files an email carries become the case's attachments.
    fileAccess: 'readWrite',
    // Pages the case's attachments to spot a redelivered email's files (services/email-attachments.ts).
    pages: true,
  },
  routing: { entry: 'functions/handlers/routing.ts', description: 'Routing rules, queues, agents, presence and offers', tableAccess: 'readWrite' },
};

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path template: `{name}` marks a path parameter. */
  readonly path: string;
  readonly fn: FunctionName;
  /** `jwt`: the JWT authorizer (AWS) or the local verifier must accept the bearer token first. */
  readonly auth: 'jwt' | 'none';
}

/**
 * Derived from the operation declarations (functions/http/api/) into a plain list,
 * so CDK and the fallback read it without loading any schema.
 */
export const routes: readonly RouteSpec[] = routeTable;

/** Requests no route claims go here: API Gateway's `$default` route, and the local gateway's miss. */
export const defaultRoute = { fn: 'fallback' as FunctionName, auth: 'none' as const };

export interface RouteMatch {
  readonly route: RouteSpec;
  readonly pathParameters: Record<string, string>;
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

/** Literal segments count for more than parameters: `/cases/export` beats `/cases/{id}`, as in API Gateway. */
const specificity = (template: string) => template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length;

/**
 * Find the route for a request: among the routes for its method whose path
 * matches, the most specific one, as API Gateway chooses. `methodsForPath` lists
 * the methods that the path does accept, so a miss can be answered 405 (with
 * `Allow`) rather than 404.
 */
export function matchRoute(method: string, path: string): { match?: RouteMatch; methodsForPath: HttpMethod[] } {
  const methodsForPath = new Set<HttpMethod>();
  let match: RouteMatch | undefined;
  for (const route of routes) {
    const pathParameters = matchPath(route.path, path);
    if (!pathParameters) continue;
    methodsForPath.add(route.method);
    if (route.method !== method.toUpperCase()) continue;
    if (!match || specificity(route.path) > specificity(match.route.path)) match = { route, pathParameters };
  }
  return { ...(match ? { match } : {}), methodsForPath: [...methodsForPath] };
}
