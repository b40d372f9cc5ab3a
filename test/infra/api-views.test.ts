/**
 * Each HTTP operation is declared once (functions/http/api/); the API exists in three
 * derived views: the routes CDK deploys to API Gateway, the table the local gateway
 * routes by, and the OpenAPI document GET /openapi.json serves (functions/topology/openapi.json,
 * written by npm run api:generate). All three must say what the declarations say:
 * the same operations, each served by the declared function, behind a token exactly
 * when declared, answering exactly the declared statuses.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../bin/api-generate.js';
import { operations } from '#http/api/index.js';
import { routeKeyOf, type OperationSpec } from '#http/operation.js';
import { defaultRoute, functions, matchRoute, type FunctionName } from '#topology/routes.js';
import { removeSynthOutput, resources, synthCaseway, type Synthesized } from './synth.js';

/** What one view says about one operation. */
interface View {
  readonly fn: FunctionName;
  readonly auth: 'jwt' | 'none';
}

const declared = new Map<string, View>(operations.map((op) => [routeKeyOf(op), { fn: op.fn, auth: op.auth }]));

let s: Synthesized;
beforeAll(() => {
  s = synthCaseway({}, { bundle: false });
}, 120_000);
afterAll(removeSynthOutput);

/** The routes of the HTTP API in the template (not the live feed's WebSocket API), by route key. */
function deployedView(): Map<string, View> {
  const httpApiId = Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Api')).find(([, api]) => api.Properties.ProtocolType === 'HTTP')![0];
  const integrations = resources(s.template, 'AWS::ApiGatewayV2::Integration');
  const lambdas = resources(s.template, 'AWS::Lambda::Function');
  const byDescription = new Map(Object.entries(functions).map(([name, spec]) => [spec.description, name as FunctionName]));
  const view = new Map<string, View>();
  for (const { Properties: route } of Object.values(resources(s.template, 'AWS::ApiGatewayV2::Route'))) {
    if ((route.ApiId as { Ref?: string }).Ref !== httpApiId) continue;
    // Target: { 'Fn::Join': ['', ['integrations/', { Ref: <integration> }]] }
    const [, parts] = (route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'];
    const uri = integrations[parts[1].Ref]!.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
    const fn = byDescription.get(lambdas[uri['Fn::GetAtt'][0]]!.Properties.Description as string)!;
    view.set(route.RouteKey as string, { fn, auth: route.AuthorizationType === 'JWT' ? 'jwt' : 'none' });
  }
  return view;
}

/** A concrete request path for a template: each `{param}` filled with a value no literal segment has. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'P-1');

describe('the API views agree with the operation declarations', () => {
  it('API Gateway (CDK): one route per declaration, to the declared function, with the JWT authorizer exactly where declared; the rest goes to the fallback', () => {
    const deployed = deployedView();
    expect(deployed.get('$default')).toEqual({ fn: defaultRoute.fn, auth: 'none' });
    deployed.delete('$default');
    expect(Object.fromEntries([...deployed].sort())).toEqual(Object.fromEntries([...declared].sort()));
  });

  it('the local gateway: every declared route is matched, to its own declaration, and a wrong method is told apart from an unknown path', () => {
    for (const op of operations) {
      const { match, methodsForPath } = matchRoute(op.method, concrete(op.path));
      expect(match && routeKeyOf(match.route), routeKeyOf(op)).toBe(routeKeyOf(op));
      expect({ fn: match!.route.fn, auth: match!.route.auth }).toEqual(declared.get(routeKeyOf(op)));
      expect(methodsForPath).toContain(op.method);
    }
    expect(matchRoute('GET', '/no-such-thing')).toEqual({ methodsForPath: [] });
  });

  it('the OpenAPI document: one operation per declaration, public exactly where declared, with exactly the declared statuses (plus 429 from the gateway)', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const documented = new Map<string, { operationId: string; auth: 'jwt' | 'none'; statuses: string[] }>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        documented.set(`${method.toUpperCase()} ${path}`, {
          operationId: op.operationId,
          auth: op.security && op.security.length === 0 ? 'none' : 'jwt',
          statuses: Object.keys(op.responses).sort(),
        });
      }
    }
    const expected = (op: OperationSpec) => ({
      operationId: op.operationId,
      auth: op.auth,
      statuses: [...Object.keys(op.responses), ...op.problems.map(String), '429'].sort(),
    });
    expect(Object.fromEntries([...documented].sort())).toEqual(Object.fromEntries(operations.map((op) => [routeKeyOf(op), expected(op)]).sort()));
  });
});
