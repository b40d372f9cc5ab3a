/**
 * What the props change: an external OIDC provider instead of the user pool, a
 * throw-away environment, CORS, throttling, retention. Bundling is skipped (the
 * handlers are the other suite's business), and CDK's default feature flags are
 * used, as in an app that embeds Caseway without our cdk.json.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Identity } from '#lib/constructs/identity.js';
import { functions, routes } from '#topology/routes.js';
import { nagFindings, newApp, removeSynthOutput, resources, synthCaseway, type Synthesized } from './synth.js';

afterAll(removeSynthOutput);

const issuer = 'https://login.example.com/realms/support';
const audience = ['caseway-web', 'caseway-cli'];

describe('external OIDC, throw-away environment', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway(
      {
        oidc: { issuer, audience },
        rolesClaim: 'roles',
        teamGroups: { 'caseway-fraud': 'fraud' },
        roleMapping: { 'IT Service Desk': 'agent', 'ops, admins': 'admin' },
        deletionProtection: false,
        removalPolicy: RemovalPolicy.DESTROY,
        corsOrigins: ['https://support.example.com'],
        throttling: { burstLimit: 50, rateLimit: 20 },
        logRetention: logs.RetentionDays.THREE_MONTHS,
        casesPerSecond: 10_000,
        // The API on its own, as a partner integration deploys it; console.test.ts covers a console with an external provider.
        console: false,
      },
      // Registered the way bin/app.ts does: an unacknowledged finding would fail this synth.
      { bundle: false, cdkJsonContext: false, plugins: (app) => [new AwsSolutionsChecks(app, { verbose: true })] },
    );
  }, 60_000);

  it('creates no user pool and trusts the given issuer and audiences', () => {
    expect(Object.keys(resources(s.template, 'AWS::Cognito::UserPool'))).toEqual([]);
    expect(Object.keys(resources(s.template, 'AWS::Cognito::UserPoolClient'))).toEqual([]);
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: issuer, Audience: audience },
    });
    const outputs = Object.keys(s.template.findOutputs('*'));
    expect(outputs).not.toContain('UserPoolId');
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'TableName', 'EventBusName', 'JwtIssuer']));
  });

  it('tells the handlers where roles are and which group grants which', () => {
    const descriptions = Object.values(functions).map((spec) => spec.description);
    const apiFunctions = Object.values(resources(s.template, 'AWS::Lambda::Function')).filter((f) =>
      descriptions.includes(String(f.Properties.Description)),
    );
    expect(apiFunctions).toHaveLength(descriptions.length);
    for (const fn of apiFunctions)
      expect(fn.Properties.Environment).toMatchObject({ Variables: { ROLES_CLAIM: 'roles', TEAM_GROUPS: '{"caseway-fraud":"fraud"}' } });
    for (const fn of apiFunctions) {
      expect(fn.Properties.Environment).toMatchObject({ Variables: { ROLES_CLAIM: 'roles' } });
      const mapping = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables.ROLE_MAPPING!;
      expect(JSON.parse(mapping)).toEqual({ 'IT Service Desk': 'agent', 'ops, admins': 'admin' });
    }
  });

  it('tells every function that reads or writes the table the rate its keys are built for', () => {
    const rates = Object.values(resources(s.template, 'AWS::Lambda::Function')).flatMap((f) => {
      const variables = (f.Properties.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
      return variables.TABLE_NAME === undefined ? [] : [variables.CASES_PER_SECOND];
    });
    // Only a function that merely names the table (to pass it on) goes without.
    expect(rates.filter((rate) => rate === '10000').length).toBeGreaterThan(25);
    expect(rates.filter((rate) => rate !== '10000' && rate !== undefined)).toEqual([]);
  });

  it('lets the table and its key go', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    s.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    s.template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  it('applies CORS, throttling and retention', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://support.example.com'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'if-match', 'idempotency-key']),
      },
    });
    const cors = Object.values(resources(s.template, 'AWS::ApiGatewayV2::Api'))[0]!.Properties.CorsConfiguration as { AllowMethods: string[] };
    expect([...cors.AllowMethods].sort()).toEqual([...new Set(routes.map((r) => r.method)), 'OPTIONS'].sort());
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingBurstLimit: 50, ThrottlingRateLimit: 20 } });
    for (const group of Object.values(resources(s.template, 'AWS::Logs::LogGroup'))) expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('passes cdk-nag with CDK default feature flags too', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('Identity', () => {
  it('rejects an issuer API Gateway would not accept', () => {
    const stack = new Stack(newApp(), 'Bad');
    expect(() => new Identity(stack, 'Identity', { oidc: { issuer: 'http://insecure.example.com', audience: ['x'] } })).toThrow(/https/);
    expect(() => new Identity(stack, 'Identity2', { oidc: { issuer: 'https://ok.example.com', audience: [] } })).toThrow(/audience/);
  });

  it('rejects a role mapping the handlers would refuse, and defaults to the identity mapping', () => {
    const stack = new Stack(newApp(), 'Mapping');
    expect(() => new Identity(stack, 'A', { roleMapping: { ops: 'root' as never } })).toThrow(/not one of requester/);
    expect(() => new Identity(stack, 'B', { roleMapping: { '': 'admin' } })).toThrow(/empty group name/);
    expect(() => new Identity(stack, 'C', { roleMapping: {} })).toThrow(/no group/);
    expect(new Identity(stack, 'D').roleMapping).toEqual({
      requester: 'requester',
      agent: 'agent',
      supervisor: 'supervisor',
      admin: 'admin',
      integration: 'integration',
    });
  });

  it('can require MFA, and then has nothing to acknowledge about it', () => {
    const stack = new Stack(newApp(), 'StaffOnly');
    new Identity(stack, 'Identity', { mfaRequired: true });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    expect(JSON.stringify(stack.node.findAll().map((c) => c.node.metadata))).not.toContain('AwsSolutions-COG2');
    expect(nagFindings(stack)).toEqual([]);
  });

  it('creates a group per team group of its own pool, and refuses a team name handlers would not accept or a role group as a team', () => {
    const stack = new Stack(newApp(), 'Teams');
    const identity = new Identity(stack, 'Identity', { teamGroups: { 'caseway-fraud': 'fraud' } });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'caseway-fraud',
      Description: 'Caseway team: fraud',
    });
    expect(identity.teamGroups).toEqual({ 'caseway-fraud': 'fraud' });
    expect(() => new Identity(stack, 'Bad1', { teamGroups: { 'caseway-fraud': 'Fraud Team' } })).toThrow(/lower-case/);
    expect(() => new Identity(stack, 'Bad2', { teamGroups: { agent: 'fraud' } })).toThrow(/grants a role/);
  });

  it('without threat protection, is on Essentials and says so to cdk-nag', () => {
    const stack = new Stack(newApp(), 'Essentials');
    const identity = new Identity(stack, 'Identity', { threatProtection: false });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
    expect(identity.rolesClaim).toBe('cognito:groups');
    expect(nagFindings(stack)).toEqual([]);
  });
});
