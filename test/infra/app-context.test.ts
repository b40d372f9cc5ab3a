/**
 * The CDK app as an operator runs it: `bin/app.ts` with settings given as context
 * (`-c key=value`, which the CDK CLI hands over as CDK_CONTEXT_JSON), synthesized into
 * a directory of its own, and its cloud assembly read back. Bundling is skipped
 * (`aws:cdk:bundling-stacks`): what is checked here is the stack's settings.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function synthApp(context: Record<string, unknown>): Promise<{ dir: string; manifest: Json; template: Json; nested: Json[] }> {
  const out = mkdtempSync(join(tmpdir(), 'caseway-app-'));
  dirs.push(out);
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CDK_OUTDIR: out,
      CDK_CONTEXT_JSON: JSON.stringify({ console: 'false', 'aws:cdk:bundling-stacks': [], ...context }),
    },
    timeout: 120_000,
  });
  return {
    dir: out,
    manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Json,
    template: JSON.parse(readFileSync(join(out, 'Caseway.template.json'), 'utf8')) as Json,
    nested: readdirSync(out)
      .filter((file) => file.endsWith('.nested.template.json'))
      .map((file) => JSON.parse(readFileSync(join(out, file), 'utf8')) as Json),
  };
}

const tagsOf = (resource: Json) =>
  Object.fromEntries(((resource.Properties?.Tags ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));

describe('the app, from context', () => {
  it('protects the stack from deletion by default, tags every resource that takes tags, and lets both be set', async () => {
    const protectedByDefault = await synthApp({ tags: '{"cost-center":"cx-42","owner":"platform"}' });
    expect(protectedByDefault.manifest.artifacts.Caseway.properties.terminationProtection).toBe(true);
    // The nested stacks' resources too: tags reach them as well.
    const resources = [protectedByDefault.template, ...protectedByDefault.nested].flatMap((t) => Object.values(t.Resources as Record<string, Json>));
    expect(protectedByDefault.nested.length).toBeGreaterThan(0);
    for (const type of ['AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Events::EventBus']) {
      const ofType = resources.filter((r) => r.Type === type);
      expect(ofType.length, type).toBeGreaterThan(0);
      for (const r of ofType) expect(tagsOf(r), type).toMatchObject({ 'cost-center': 'cx-42', owner: 'platform' });
    }

    const disposable = await synthApp({ deletionProtection: 'false' });
    expect(disposable.manifest.artifacts.Caseway.properties.terminationProtection).toBeFalsy();
  }, 240_000);

  it('points every alarm, nested stacks included, at the topic -c alarmTopicArn names, and outputs it', async () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:on-call';
    const { template, nested } = await synthApp({ alarmTopicArn: arn });
    const alarms = [template, ...nested]
      .flatMap((t) => Object.values(t.Resources as Record<string, Json>))
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(40);
    for (const alarm of alarms) {
      // In a nested stack the ARN arrives as a parameter; in the parent it is the literal.
      const [action] = alarm.Properties.AlarmActions as unknown[];
      expect(typeof action === 'string' ? action : 'parameter').toMatch(new RegExp(`^(${arn}|parameter)$`));
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
    expect(template.Outputs.AlarmTopicArn.Value).toBe(arn);
    expect(Object.values(template.Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::SNS::Topic')).toEqual([]);
  }, 240_000);

  it('refuses an alarm topic that is not a standard SNS topic ARN, and email subscriptions beside one', async () => {
    await expect(synthApp({ alarmTopicArn: 'on-call' })).rejects.toThrow(/-c alarmTopicArn must be an SNS topic ARN/);
    await expect(synthApp({ alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:on-call' })).rejects.toThrow(
      /-c alarmTopicArn must be an SNS topic ARN/,
    );
    await expect(synthApp({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call.fifo' })).rejects.toThrow(/cannot notify a FIFO topic/);
    await expect(synthApp({ alarmEmails: 'ops@example.com,nobody' })).rejects.toThrow(/-c alarmEmails must be email addresses.*'nobody'/);
    await expect(synthApp({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call', alarmEmails: 'ops@example.com' })).rejects.toThrow(
      /-c alarmEmails subscribe to the topic Caseway creates/,
    );
  }, 240_000);

  it('refuses tags that are not a JSON object of strings, saying how to give them', async () => {
    await expect(synthApp({ tags: 'cost-center=cx' })).rejects.toThrow(/-c tags must be a JSON object/);
    await expect(synthApp({ tags: '{"n":1}' })).rejects.toThrow(/-c tags must be a JSON object/);
    await expect(synthApp({ reservedConcurrency: '{"cases-create":"many"}' })).rejects.toThrow(
      /-c reservedConcurrency must be a JSON object \{"function": count\} of whole numbers/,
    );
  }, 240_000);

  it('synthesizes the web ACL in us-east-1 on request, puts the API behind a given one, and leaves out backup when told', async () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/caseway-api/0a1b2c3d';
    const out = await synthApp({ apiFirewallStack: 'true', apiRatePerIp: '500', apiWebAclArn: arn, backup: 'false' });
    const edge = out.manifest.artifacts['Caseway-ApiFirewall'] as Json;
    expect(edge.environment).toMatch(/\/us-east-1$/);
    const edgeTemplate = JSON.parse(readFileSync(join(out.dir, edge.properties.templateFile as string), 'utf8')) as Json;
    const acl = Object.values(edgeTemplate.Resources as Record<string, Json>).find((r) => r.Type === 'AWS::WAFv2::WebACL')!;
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties.Rules[0]).toMatchObject({ Name: 'rate-per-ip', Statement: { RateBasedStatement: { Limit: 500 } } });
    const all = [out.template, ...out.nested].flatMap((t) => Object.values(t.Resources as Record<string, Json>));
    expect(all.filter((r) => r.Type === 'AWS::CloudFront::Distribution').map((r) => r.Properties.DistributionConfig.WebACLId)).toEqual([arn]);
    expect(all.filter((r) => r.Type === 'AWS::Backup::BackupPlan')).toEqual([]);
  }, 240_000);

  it('takes what an enterprise brings: API domain behind the web ACL, KMS key, event bus, VPC with endpoints', async () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const out = await synthApp({
      apiWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/caseway-api/0a1b2c3d',
      apiDomain: 'api.support.example.com',
      apiCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      apiEdgeCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000',
      kmsKeyArn: key,
      eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/enterprise-events',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
      vpcAvailabilityZones: 'eu-west-1a,eu-west-1b',
      vpcRouteTableIds: 'rtb-0ccccccccccccccc3,rtb-0ddddddddddddddd4',
      vpcEndpoints: 'true',
      securityGroupIds: 'sg-0123456789abcdef0',
    });
    const all = [out.template, ...out.nested].flatMap((t) => Object.values(t.Resources as Record<string, Json>));
    const ofType = (type: string) => all.filter((r) => r.Type === type);
    expect(out.template.Outputs.ApiUrl.Value).toBe('https://api.support.example.com/');
    expect(ofType('AWS::ApiGatewayV2::DomainName').map((r) => r.Properties.DomainName)).toEqual(['api.support.example.com']);
    expect(ofType('AWS::ApiGatewayV2::Api').find((r) => r.Properties.ProtocolType === 'HTTP')!.Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(ofType('AWS::CloudFront::Distribution').map((r) => r.Properties.DistributionConfig.Aliases)).toEqual([['api.support.example.com']]);
    expect(ofType('AWS::KMS::Key')).toEqual([]);
    expect(ofType('AWS::DynamoDB::Table')[0]!.Properties.SSESpecification.KMSMasterKeyId).toBe(key);
    expect(out.template.Outputs.KeyPolicyStatements).toBeDefined();
    expect(ofType('AWS::Events::EventBus')).toEqual([]);
    expect(out.template.Outputs.EventBusName.Value).toBe('enterprise-events');
    const placed = ofType('AWS::Lambda::Function').filter((f) => f.Properties.VpcConfig);
    expect(placed.length).toBeGreaterThan(30);
    for (const fn of placed) expect(fn.Properties.VpcConfig.SecurityGroupIds).toEqual(['sg-0123456789abcdef0']);
    expect(ofType('AWS::EC2::VPCEndpoint')).toHaveLength(6);
    expect(ofType('AWS::OpenSearchServerless::VpcEndpoint')).toHaveLength(1);
  }, 240_000);

  it.each([
    [{ apiDomain: 'api.example.com' }, /-c apiDomain and -c apiCertificateArn go together/],
    [{ apiEdgeCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }, /go with -c apiDomain and -c apiCertificateArn/],
    [{ vpcSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1' }, /-c vpcSubnetIds go with -c vpcId/],
    [{ vpcId: 'vpc-0a1b2c3d4e5f60718', vpcSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1' }, /-c vpcAvailabilityZones must name the zone of each subnet/],
    [{ vpcId: 'vpc-0a1b2c3d4e5f60718', vpcEndpoints: 'yes' }, /-c vpcEndpoints must be true or false/],
  ])(
    'refuses enterprise settings that do not fit: %j',
    async (context, message) => {
      await expect(synthApp(context)).rejects.toThrow(message);
    },
    240_000,
  );

  it('refuses a web ACL both given and to be made', async () => {
    await expect(synthApp({ apiFirewall: 'true', apiWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b' })).rejects.toThrow(
      /-c apiWebAclArn and -c apiFirewall=true are alternatives/,
    );
  }, 240_000);

  it('sends mail from -c mailFrom through -c mailIdentity (brought, not created), and Cognito through it too', async () => {
    const app = await synthApp({ mailFrom: 'support@help.example.com', mailIdentity: 'example.com', mailConfigurationSet: 'caseway' });
    const all = [app.template, ...app.nested].flatMap((t) => Object.values(t.Resources as Record<string, Json>));
    expect(all.filter((r) => r.Type === 'AWS::SES::EmailIdentity')).toEqual([]);
    const sends = all
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((st) => st.Action === 'ses:SendEmail');
    expect(sends.length).toBeGreaterThanOrEqual(2);
    for (const st of sends) {
      expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'support@help.example.com' } });
      const resource = JSON.stringify(st.Resource);
      expect(resource).toContain(':identity/example.com"');
      expect(resource).toContain(':configuration-set/caseway"');
      expect(resource).not.toContain('*');
    }
    const pool = all.find((r) => r.Type === 'AWS::Cognito::UserPool')!;
    expect(pool.Properties.EmailConfiguration).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: 'support@help.example.com',
      ConfigurationSet: 'caseway',
    });
  }, 240_000);

  it('refuses mail settings SES would refuse, naming the -c key', async () => {
    await expect(synthApp({ mailFrom: 'x@elsewhere.org', mailIdentity: 'example.com' })).rejects.toThrow(
      /-c mailFrom 'x@elsewhere.org' is not in the identity's domain 'example.com'/,
    );
    await expect(synthApp({ mailIdentity: 'example.com' })).rejects.toThrow(/-c mailIdentity 'example.com' is a domain: give -c mailFrom/);
    await expect(synthApp({ mailFrom: 'support@example.com', mailCreateIdentity: 'yes' })).rejects.toThrow(
      /-c mailCreateIdentity must be true or false/,
    );
    await expect(synthApp({ mailFrom: 'support@example.com', mailConfigurationSet: 'no spaces' })).rejects.toThrow(
      /-c mailConfigurationSet 'no spaces' must be 1 to 64/,
    );
  }, 240_000);
});
