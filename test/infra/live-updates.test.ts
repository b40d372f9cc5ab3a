/**
 * The live feed as the stack deploys it: a WebSocket API whose three routes invoke
 * the connect handler from the topology, a stage with access logs and throttling,
 * the fan-out consumer on the bus with exactly the topology's pattern, both
 * functions allowed to manage this API's connections on this stage only (and the
 * table), the token settings of the identity, the wss URL as an output, and nothing
 * under Live flagged by cdk-nag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_STAGE } from '#lib/constructs/live-updates.js';
import { eventRules } from '#topology/event-rules.js';
import { liveSocket } from '#topology/live.js';
import {
  actionsOf,
  DEPLOY_ENV,
  functionIdByDescription,
  nagFindings,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let s: Synthesized;
let findings: string[];
beforeAll(() => {
  s = synthCaseway({}, { bundle: false, env: DEPLOY_ENV });
  findings = nagFindings(s.app);
});
afterAll(removeSynthOutput);

const spec = eventRules.find((r) => r.name === 'live-updates')!;
const connectId = () => functionIdByDescription(s.template, liveSocket.description);
const fanoutId = () => functionIdByDescription(s.template, `Event consumer live-updates: ${spec.description}`);
const apiId = () =>
  Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Api')).find(([, api]) => api.Properties.ProtocolType === 'WEBSOCKET')![0];
const env = (functionId: string) => (resources(s.template, 'AWS::Lambda::Function')[functionId]!.Properties.Environment as Json).Variables as Json;

describe('the live WebSocket API', () => {
  it('routes $connect, $disconnect and $default to the connect handler through Lambda proxy integrations', () => {
    const routes = Object.values(resources(s.template, 'AWS::ApiGatewayV2::Route')).filter((r) =>
      JSON.stringify(r.Properties.ApiId).includes(apiId()),
    );
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([...liveSocket.routes].sort());
    const integrations = Object.values(resources(s.template, 'AWS::ApiGatewayV2::Integration')).filter((i) =>
      JSON.stringify(i.Properties.ApiId).includes(apiId()),
    );
    expect(integrations).toHaveLength(3);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY' });
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(connectId());
    }
  });

  it(`has a '${LIVE_STAGE}' stage, deployed automatically, throttled, with JSON access logs kept in a log group with retention`, () => {
    const [stage] = Object.values(resources(s.template, 'AWS::ApiGatewayV2::Stage')).filter((st) =>
      JSON.stringify(st.Properties.ApiId).includes(apiId()),
    );
    expect(stage!.Properties).toMatchObject({
      StageName: LIVE_STAGE,
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 200 },
    });
    const logs = stage!.Properties.AccessLogSettings as Json;
    expect(JSON.parse(logs.Format as string)).toMatchObject({
      connectionId: '$context.connectionId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    const logGroupId = (logs.DestinationArn as Json)['Fn::GetAtt'][0] as string;
    expect(resources(s.template, 'AWS::Logs::LogGroup')[logGroupId]!.Properties.RetentionInDays).toBe(30);
  });

  it('outputs the wss URL of the stage, for the console configuration', () => {
    const output = s.template.toJSON().Outputs.LiveUrl as Json;
    expect(JSON.stringify(output.Value)).toContain(apiId());
    expect(JSON.stringify(output.Value)).toMatch(/wss:\/\//);
    expect(JSON.stringify(output.Value)).toContain(`/${LIVE_STAGE}`);
  });
});

describe('the live functions', () => {
  it('the fan-out is the target of exactly one rule on the bus, with the topology pattern', () => {
    const rules = Object.values(resources(s.template, 'AWS::Events::Rule')).map((r) => r.Properties as Json);
    const targeting = rules.filter((r) => JSON.stringify(r.Targets).includes(fanoutId()));
    expect(targeting).toHaveLength(1);
    expect(targeting[0]!.EventPattern).toEqual(spec.pattern);
  });

  it('both post to connections through the stage callback URL; the connect handler checks tokens of the identity', () => {
    for (const id of [connectId(), fanoutId()]) {
      expect(env(id)).toMatchObject({ LIVE_PUSH: 'managementApi', TABLE_NAME: expect.anything() });
      expect(JSON.stringify(env(id).LIVE_CONNECTIONS_ENDPOINT)).toContain(apiId());
      expect(JSON.stringify(env(id).LIVE_CONNECTIONS_ENDPOINT)).toMatch(/https:\/\/.*execute-api/);
    }
    expect(env(connectId())).toMatchObject({
      ROLES_CLAIM: 'cognito:groups',
      TOKEN_ISSUER: expect.anything(),
      TOKEN_AUDIENCE: expect.anything(),
      TOKEN_JWKS_URL: expect.anything(),
    });
    expect(JSON.stringify(env(connectId()).TOKEN_JWKS_URL)).toContain('/.well-known/jwks.json');
    // Every app client's tokens, the console's included: its client joins the audience after this construct is made.
    const clients = Object.keys(resources(s.template, 'AWS::Cognito::UserPoolClient'));
    expect(clients.length).toBeGreaterThanOrEqual(2);
    for (const client of clients) expect(JSON.stringify(env(connectId()).TOKEN_AUDIENCE), client).toContain(client);
    expect(JSON.stringify(env(connectId()).TOKEN_ISSUER)).toContain('cognito-idp');
  });

  it('may manage the connections of this API on this stage only (POST and DELETE), and read and write the table', () => {
    for (const id of [connectId(), fanoutId()]) {
      const statements = statementsOf(s.template, roleIdOf(s.template, id));
      const manage = statements.filter((st) => actionsOf([st]).includes('execute-api:ManageConnections'));
      expect(manage).toHaveLength(1);
      expect(actionsOf(manage)).toEqual(['execute-api:ManageConnections']);
      const arns = (manage[0]!.Resource as Json[]).map((r) => JSON.stringify(r));
      expect(arns.map((arn) => /\/(\w+)\/(\w+)\/@connections\/\*"/.exec(arn)?.slice(1).join(' ')).sort()).toEqual([
        `${LIVE_STAGE} DELETE`,
        `${LIVE_STAGE} POST`,
      ]);
      for (const arn of arns) {
        expect(arn).toContain(apiId());
        expect(arn).toContain(`execute-api:${DEPLOY_ENV.region}:${DEPLOY_ENV.account}`);
      }
      const actions = actionsOf(statements);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem']));
      expect(actions).not.toContain('execute-api:*');
      expect(actions).not.toContain('execute-api:Invoke');
    }
  });

  it('nothing under the live feed is flagged by cdk-nag', () => {
    expect(findings.filter((f) => /\/Live\/|live-updates/.test(f))).toEqual([]);
  });
});
