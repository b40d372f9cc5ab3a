/**
 * The whole stack as `bin/app.ts` deploys it, handlers bundled for real (once, in
 * beforeAll): functions, routes and authorizer from the topology, least privilege,
 * the outbox, and cdk-nag's AwsSolutions pack with nothing left unacknowledged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '#lib/constructs/case-store.js';
import { defaultRoute, functions, routes, type FunctionName } from '#topology/routes.js';
import { caseTable } from '#topology/table.js';
import { eventRules } from '#topology/event-rules.js';
import { knowledgeIndexer } from '#topology/stream-consumers.js';
import { slaClockMachine } from '#topology/state-machines.js';
import {
  actionsOf,
  functionIdByDescription,
  nagFindings,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

const OUTBOX_DESCRIPTION = 'Outbox publisher: audit items from the case table stream -> domain events on EventBridge';
const WRITE_ACTIONS = [...TABLE_WRITE_ACTIONS, 'dynamodb:Scan', 'dynamodb:*'];

let s: Synthesized;
let findings: string[];
beforeAll(() => {
  s = synthCaseway({}, { bundle: true });
  findings = nagFindings(s.app);
  // Bundles every function with esbuild: ~90 s alone on two cores, more beside the DynamoDB Local suites.
}, 240_000);
afterAll(removeSynthOutput);

/**
 * The functions aws-cdk-lib brings for the console (BucketDeployment's copier, AwsCustomResource's SDK
 * caller): they run during deployments only, with runtimes the library picks; console.test.ts covers them.
 */
const isLibraryFunction = (id: string) => /^CustomCDKBucketDeployment|^AWS679f53fac002430cb0da5b7982bd2287/.test(id);
const caseFunctions = () =>
  Object.fromEntries(Object.entries(resources(s.template, 'AWS::Lambda::Function')).filter(([id]) => !isLibraryFunction(id)));

const fnId = (name: FunctionName) => functionIdByDescription(s.template, functions[name].description);
const dynamoActionsOf = (functionId: string) =>
  actionsOf(statementsOf(s.template, roleIdOf(s.template, functionId))).filter((a) => a.startsWith('dynamodb:'));

describe('functions', () => {
  it('one per topology entry, plus the outbox publisher, the knowledge indexer, the device ingest, the SLA clock tasks, the routing sweep, one per event rule and the live feed connect handler', () => {
    expect(Object.keys(caseFunctions())).toHaveLength(
      Object.keys(functions).length + 4 + Object.keys(slaClockMachine.tasks).length + eventRules.length + 1,
    );
    expect(Object.keys(resources(s.template, 'AWS::Lambda::Function')).filter(isLibraryFunction)).toHaveLength(2);
    for (const name of Object.keys(functions) as FunctionName[]) expect(fnId(name)).toBeTruthy();
  });

  it('run Node 22 or newer on arm64, traced, with the house environment', () => {
    for (const fn of Object.values(caseFunctions())) {
      const p = fn.Properties;
      expect(Number(/^nodejs(\d+)\.x$/.exec(String(p.Runtime))?.[1])).toBeGreaterThanOrEqual(22);
      // The knowledge indexer also rebuilds the whole index on request, which takes minutes.
      expect(p.Timeout).toBe(p.Description === knowledgeIndexer.description ? 300 : 10);
      expect(p).toMatchObject({
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
        Handler: 'index.handler',
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'caseway',
            POWERTOOLS_METRICS_NAMESPACE: 'Caseway',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    }
  });

  // The stack's bundling alias (LAMBDA_BUNDLE_ALIASES) reached esbuild: the credential chain's STS, SSO and
  // SSO-OIDC clients (about 130 KiB) are in no bundle; these are their service names, which the clients carry.
  it('bundle the SDK with its credentials taken from the environment alone', () => {
    const codeOf = (id: string) => {
      const key = (caseFunctions()[id]!.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
      return readFileSync(join(s.app.outdir, `asset.${key}`, 'index.mjs'), 'utf8');
    };
    for (const id of Object.keys(caseFunctions())) {
      const code = codeOf(id);
      const carried = ['AWSSecurityTokenServiceV20110615', 'SWBPortalService', 'AWSSSOOIDCService'].filter((client) => code.includes(client));
      expect(carried, id).toEqual([]);
    }
    // The control: a function that calls AWS carries the environment link, under the variable names it reads.
    expect(codeOf(functionIdByDescription(s.template, OUTBOX_DESCRIPTION)).includes('AWS_SECRET_ACCESS_KEY')).toBe(true);
  });

  it('each log to a log group of their own that expires', () => {
    const logGroups = resources(s.template, 'AWS::Logs::LogGroup');
    const used = Object.values(resources(s.template, 'AWS::Lambda::Function')).map(
      (fn) => (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
    );
    expect(new Set(used).size).toBe(used.length);
    for (const id of used) expect(logGroups[id]?.Properties.RetentionInDays).toBe(30);
  });

  it('API handlers know the table, the roles claim and which group grants which role', () => {
    const identity = JSON.stringify({ requester: 'requester', agent: 'agent', supervisor: 'supervisor', admin: 'admin', integration: 'integration' });
    for (const name of Object.keys(functions) as FunctionName[]) {
      expect(resources(s.template, 'AWS::Lambda::Function')[fnId(name)]!.Properties.Environment).toMatchObject({
        Variables: { TABLE_NAME: { Ref: expect.stringMatching(/Table/) }, ROLES_CLAIM: 'cognito:groups', ROLE_MAPPING: identity },
      });
    }
  });
});

describe('least privilege on the table', () => {
  it.each(Object.entries(functions))('%s gets exactly its tableAccess', (name, spec) => {
    const actions = dynamoActionsOf(fnId(name as FunctionName));
    const kms = actionsOf(statementsOf(s.template, roleIdOf(s.template, fnId(name as FunctionName)))).filter((a) => a.startsWith('kms:'));
    if (spec.tableAccess === 'none') {
      expect(actions).toEqual([]);
      expect(kms).toEqual([]);
    }
    if (spec.tableAccess === 'read') {
      expect(actions).toEqual(expect.arrayContaining([...TABLE_READ_ACTIONS]));
      // Writes only to the read-access log: puts conditioned on the READS# partition prefix, nothing else.
      const statements = statementsOf(s.template, roleIdOf(s.template, fnId(name as FunctionName))).filter((st) => st.Effect === 'Allow');
      const unconditionedWrites = statements
        .filter((st) => st.Condition === undefined)
        .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]))
        .filter((a) => WRITE_ACTIONS.includes(a) || a.includes('*') || a.startsWith('dynamodb:Transact'));
      expect(unconditionedWrites).toEqual([]);
      const logAppend = statements.filter((st) => st.Condition !== undefined);
      expect(logAppend.map((st) => st.Condition)).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['READS#*'] } }]);
      expect(logAppend.flatMap((st) => st.Action).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem']);
    }
    if (spec.tableAccess === 'readWrite') {
      expect(actions).toEqual(expect.arrayContaining([...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]));
      expect(actions.filter((a) => a === 'dynamodb:Scan' || a.includes('*'))).toEqual([]);
    }
  });
});

describe('attachments', () => {
  it('only functions with fileAccess know the bucket and may touch it', () => {
    const [bucketId] = Object.entries(resources(s.template, 'AWS::S3::Bucket')).find(([, b]) => b.Properties.VersioningConfiguration)!;
    for (const [name, spec] of Object.entries(functions)) {
      const id = fnId(name as FunctionName);
      const s3Actions = actionsOf(statementsOf(s.template, roleIdOf(s.template, id))).filter((a) => a.startsWith('s3:'));
      const variables = (resources(s.template, 'AWS::Lambda::Function')[id]!.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      if (spec.fileAccess) {
        expect(variables.ATTACHMENTS_BUCKET).toEqual({ Ref: bucketId });
        expect(s3Actions.sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject']);
      } else {
        expect(variables.ATTACHMENTS_BUCKET, name).toBeUndefined();
        expect(s3Actions, name).toEqual([]);
      }
    }
    s.template.hasOutput('AttachmentsBucketName', { Value: { Ref: bucketId } });
  });
});

describe('routes', () => {
  // The HTTP API's routes (the live feed's WebSocket API has its own: test/infra/live-updates.test.ts).
  const httpApiId = () =>
    Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Api')).find(([, api]) => api.Properties.ProtocolType === 'HTTP')![0];
  const routeResources = () =>
    Object.values(resources(s.template, 'AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties)
      .filter((r) => (r.ApiId as { Ref?: string }).Ref === httpApiId());
  const integrations = () => resources(s.template, 'AWS::ApiGatewayV2::Integration');

  it('one per routes entry plus $default', () => {
    const keys = routeResources().map((r) => r.RouteKey);
    expect(keys.sort()).toEqual([...routes.map((r) => `${r.method} ${r.path}`), '$default'].sort());
  });

  it('JWT authorizer on exactly the jwt routes', () => {
    const [authorizerId] = Object.keys(resources(s.template, 'AWS::ApiGatewayV2::Authorizer'));
    for (const route of [...routes, { ...defaultRoute, method: '', path: '$default' }]) {
      const key = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
      const r = routeResources().find((x) => x.RouteKey === key)!;
      if (route.auth === 'jwt') expect(r).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      else expect(r.AuthorizationType).toBe('NONE');
    }
  });

  it('each route reaches the function the topology names', () => {
    const fns = resources(s.template, 'AWS::Lambda::Function');
    for (const r of routeResources()) {
      // Target: { 'Fn::Join': ['', ['integrations/', { Ref: <integration> }]] }
      const [, parts] = (r.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'];
      const integrationId = parts[1].Ref;
      const uri = integrations()[integrationId]!.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
      const fnName = r.RouteKey === '$default' ? defaultRoute.fn : routes.find((x) => `${x.method} ${x.path}` === r.RouteKey)!.fn;
      expect(fns[uri['Fn::GetAtt'][0]]!.Properties.Description).toBe(functions[fnName].description);
    }
  });

  it('the authorizer validates bearer tokens from the user pool for its app clients (SRP and console)', () => {
    const [poolId] = Object.keys(resources(s.template, 'AWS::Cognito::UserPool'));
    const clientIds = Object.keys(resources(s.template, 'AWS::Cognito::UserPoolClient'));
    expect(clientIds).toHaveLength(2);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: Match.arrayEquals(clientIds.map((id) => ({ Ref: id }))),
        Issuer: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('https://cognito-idp\\.'), { Ref: poolId }])] },
      },
    });
  });
});

describe('stage', () => {
  it('writes JSON access logs to a log group with retention, and throttles', () => {
    const stage = Object.values(resources(s.template, 'AWS::ApiGatewayV2::Stage'))[0]!.Properties;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
    const settings = stage.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    expect(Object.keys(JSON.parse(settings.Format))).toEqual(
      expect.arrayContaining([
        'requestId',
        'ip',
        'requestTime',
        'httpMethod',
        'routeKey',
        'status',
        'protocol',
        'responseLength',
        'integrationError',
        'authorizerError',
      ]),
    );
    expect(resources(s.template, 'AWS::Logs::LogGroup')[settings.DestinationArn['Fn::GetAtt'][0]]!.Properties.RetentionInDays).toBe(30);
  });

  it('has no CORS unless origins are given', () => {
    expect(Object.values(resources(s.template, 'AWS::ApiGatewayV2::Api'))[0]!.Properties.CorsConfiguration).toBeUndefined();
  });
});

describe('identity', () => {
  it('a user pool with no self sign-up, strong passwords, optional TOTP, threat protection', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      MfaConfiguration: 'OPTIONAL',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('one group per role, and a public SRP client', () => {
    const groups = Object.values(resources(s.template, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'agent', 'integration', 'requester', 'supervisor']);
    s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    });
  });
});

describe('outbox', () => {
  const mapping = () =>
    Object.values(resources(s.template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) => (m.Properties.FunctionName as { Ref?: string }).Ref === functionIdByDescription(s.template, OUTBOX_DESCRIPTION),
    )!.Properties;

  it('reads the table stream from the start, in batches, retrying then parking on the DLQ', () => {
    const queueId = expect.stringMatching(/^EventsDeadLetterQueue/);
    expect(mapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/Table/), 'StreamArn'] },
      FunctionName: { Ref: functionIdByDescription(s.template, OUTBOX_DESCRIPTION) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('is invoked only for inserted audit items, and offers made or ended', () => {
    const filters = (mapping().FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { Keys: { [caseTable.sortKey]: { S: [{ prefix: 'AUDIT#' }] } } } },
      {
        eventName: ['INSERT', 'REMOVE'],
        dynamodb: { Keys: { [caseTable.partitionKey]: { S: [{ prefix: 'ROUTING#OFFERS#' }] }, [caseTable.sortKey]: { S: [{ prefix: 'OFFER#' }] } } },
      },
    ]);
  });

  it('the DLQ is KMS-encrypted, TLS-only, keeps messages 14 days, and alarms on the first one', () => {
    const [queueId] = Object.keys(resources(s.template, 'AWS::SQS::Queue'));
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
    });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('the publisher may put events on the bus and nothing else beyond its stream', () => {
    const publisher = functionIdByDescription(s.template, OUTBOX_DESCRIPTION);
    const statements = statementsOf(s.template, roleIdOf(s.template, publisher));
    const [busId] = Object.keys(resources(s.template, 'AWS::Events::EventBus'));
    expect(statements.filter((st) => actionsOf([st]).includes('events:PutEvents'))).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [busId, 'Arn'] } }),
    ]);
    expect(dynamoActionsOf(publisher).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(resources(s.template, 'AWS::Lambda::Function')[publisher]!.Properties.Environment).toMatchObject({
      Variables: { EVENT_BUS_NAME: { Ref: busId } },
    });
  });

  it('the bus is archived for 30 days', () => {
    const [busId] = Object.keys(resources(s.template, 'AWS::Events::EventBus'));
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'caseway-Caseway' });
    s.template.hasResourceProperties('AWS::Events::Archive', { SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] }, RetentionDays: 30 });
  });
});

describe('stack', () => {
  it('outputs what clients and operators need', () => {
    for (const name of ['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'EventBusName']) s.template.hasOutput(name, {});
  });

  it('alarms on API 5xx and on the errors of every function made from a declaration, wherever it was made', () => {
    const alarms = Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.filter((a) => a.MetricName === '5xx')).toHaveLength(1);
    const errors = alarms.filter((a) => a.MetricName === 'Errors');
    const declared = s.stack.caseway.functionResources.functions;
    expect(declared.length).toBeGreaterThan(Object.keys(functions).length + Object.keys(slaClockMachine.tasks).length);
    expect(errors).toHaveLength(declared.length);
    for (const { name, fn } of declared) {
      const id = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement);
      expect(
        errors.filter((a) => JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: id } }])),
        name,
      ).toHaveLength(1);
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error', () => {
    expect(findings.filter((f) => f.startsWith('error'))).toEqual([]);
  });

  it('reports no unacknowledged warning', () => {
    expect(findings.filter((f) => f.startsWith('warning'))).toEqual([]);
  });

  it('every acknowledgement says why, at length', () => {
    const acks = acknowledgements(s.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) expect(ack.reason.length, ack.id).toBeGreaterThan(80);
  });
});

function acknowledgements(root: IConstruct): { id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason })));
}
