/**
 * The API's functions and route table: read by the CDK `CaseApi` construct (one HTTP
 * API route per route, one Lambda per function) and by the local gateway (`lib/local/gateway.ts`),
 * which matches requests against the same entries and invokes the same handlers.
 * Each route is declared once, with its schemas, in functions/http/api/; the table
 * is generated from those declarations (`npm run api:routes`, ./route-table.ts).
 *
 * Pure data plus a matcher: no CDK or AWS imports, so handlers may use it too
 * (the fallback handler tells 404 from 405 with it).
 */
import { entryOf, functionRegistry, functionsTriggeredBy, tableAccessOf, type RegisteredFunction } from './functions.js';
import { routeTable } from './route-table.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The functions behind the HTTP API: the registry's entries with an `http` trigger. */
export type FunctionName = {
  [K in RegisteredFunction]: (typeof functionRegistry)[K]['trigger']['kind'] extends 'http' ? K : never;
}[RegisteredFunction];

/** An HTTP function as the API's constructs and tests read it: a view of its registry entry. */
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

/** Derived from `functionRegistry` (functions.ts), where each function is declared. */
export const functions = Object.fromEntries(
  functionsTriggeredBy('http').map(({ name, declaration: { description, uses } }) => {
    const spec: FunctionSpec = {
      entry: entryOf(name),
      description,
      tableAccess: tableAccessOf(uses),
      ...(uses.files ? { fileAccess: uses.files } : {}),
      ...(uses.search === 'read' ? { searchAccess: 'read' as const } : {}),
      ...(uses.cursorKey ? { pages: true as const } : {}),
    };
    return [name, spec];
  }),
) as Record<FunctionName, FunctionSpec>;

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
