/**
 * What an enterprise brings to a deployment: the API on its own domain and certificate (alone, or
 * behind the web ACL's distribution with the execute-api endpoint off). Each setting is checked in
 * the template, bad settings are refused at synth naming the setting, and the whole deployment stays
 * within CloudFormation's limits and passes cdk-nag.
 */
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasewayStackProps } from '#lib/caseway-stack.js';
import { dependencyCycle, nagFindings, removeSynthOutput, render, resources, synthCaseway, type Synthesized } from './synth.js';

afterAll(removeSynthOutput);

type Json = Record<string, unknown>;
const nag = { plugins: (app: App) => [new AwsSolutionsChecks(app, { verbose: true })] };
const ENV = { account: '123456789012', region: 'eu-west-1' };
const ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/caseway-api/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const REGIONAL_CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const BUS_ARN = 'arn:aws:events:eu-west-1:123456789012:event-bus/enterprise-events';
const VPC = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  routeTableIds: ['rtb-0ccccccccccccccc3', 'rtb-0ddddddddddddddd4'],
  endpoints: true,
};
const EDGE_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000';

const only = (s: Synthesized, type: string): [string, Json] => {
  const found = Object.entries(resources(s.template, type));
  expect(found, type).toHaveLength(1);
  return [found[0]![0], found[0]![1].Properties];
};
const httpApi = (s: Synthesized): [string, Json] => {
  const [id, api] = Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Api')).find(([, a]) => a.Properties.ProtocolType === 'HTTP')!;
  return [id, api.Properties];
};
const domainNamed = (s: Synthesized, name: string): [string, Json] =>
  Object.entries(resources(s.template, 'AWS::ApiGatewayV2::DomainName'))
    .map(([id, d]): [string, Json] => [id, d.Properties])
    .find(([, d]) => d.DomainName === name)!;
const outputs = (s: Synthesized) => s.template.toJSON().Outputs as Record<string, { Value: unknown }>;
const apiDistribution = (s: Synthesized): Json =>
  Object.values(resources(s.template, 'AWS::CloudFront::Distribution'))
    .map((d) => d.Properties.DistributionConfig as Json)
    .find((c) =>
      ((c.Origins as Json[] | undefined) ?? []).some(
        (o) => render(o.DomainName).includes('DomainName') || render(o.DomainName).includes('execute-api'),
      ),
    )!;
const withinLimits = (s: Synthesized) => {
  expect(dependencyCycle(s.template.toJSON() as Parameters<typeof dependencyCycle>[0])).toBeUndefined();
  for (const [path, template] of s.stacks) expect(Object.keys(template.toJSON().Resources).length, path).toBeLessThanOrEqual(300);
};

describe('the API and the live feed on domains of their own, without a firewall', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway(
      {
        console: false,
        apiDomain: { domainName: 'api.support.example.com', certificateArn: REGIONAL_CERT },
        liveDomain: { domainName: 'live.support.example.com', certificateArn: REGIONAL_CERT },
      },
      { bundle: false, env: ENV, ...nag },
    );
  });

  it('is a regional API Gateway custom domain with the certificate, TLS 1.2, the $default stage mapped at its root', () => {
    const [domainId, domain] = domainNamed(s, 'api.support.example.com');
    expect(domain).toEqual({
      DomainName: 'api.support.example.com',
      DomainNameConfigurations: [{ CertificateArn: REGIONAL_CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    const [mappingId, mapping] = Object.entries(resources(s.template, 'AWS::ApiGatewayV2::ApiMapping'))
      .map(([id, m]): [string, Json] => [id, m.Properties])
      .find(([, m]) => render(m.DomainName) === `<${domainId}>`)!;
    const [apiId] = httpApi(s);
    expect(render(mapping.ApiId)).toBe(`<${apiId}>`);
    expect(render(mapping.DomainName)).toBe(`<${domainId}>`);
    expect(mapping.Stage).toBe('$default');
    // The stage is named, not referenced: the mapping must wait for it.
    const [stageId] = Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Stage')).find(
      ([, st]) => render(st.Properties.ApiId) === `<${apiId}>`,
    )!;
    expect((s.template.toJSON().Resources as Record<string, { DependsOn?: string[] }>)[mappingId]!.DependsOn).toContain(stageId);
    expect(mapping.ApiMappingKey).toBeUndefined();
    expect(render(outputs(s).ApiUrl!.Value)).toBe('https://api.support.example.com/');
    expect(render(outputs(s).ApiDomainTarget!.Value)).toBe(`<${domainId}.RegionalDomainName>`);
  });

  it('serves the live feed at wss://<liveDomain>, its stage mapped at the root, while the handlers push through execute-api', () => {
    const [liveDomainId, live] = domainNamed(s, 'live.support.example.com');
    expect(live.DomainNameConfigurations).toEqual([{ CertificateArn: REGIONAL_CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }]);
    const mapping = Object.values(resources(s.template, 'AWS::ApiGatewayV2::ApiMapping')).find(
      (m) => render(m.Properties.DomainName) === `<${liveDomainId}>`,
    )!;
    expect(mapping.Properties.Stage).toBe('live');
    const [wsId] = Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Api')).find(([, a]) => a.Properties.ProtocolType === 'WEBSOCKET')!;
    expect(render(mapping.Properties.ApiId)).toBe(`<${wsId}>`);
    expect(render(outputs(s).LiveUrl!.Value)).toBe('wss://live.support.example.com');
    expect(render(outputs(s).LiveDomainTarget!.Value)).toBe(`<${liveDomainId}.RegionalDomainName>`);
    const pushers = Object.values(resources(s.template, 'AWS::Lambda::Function'))
      .map((f) => ((f.Properties.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json)
      .flatMap((vars) => Object.entries(vars).filter(([, v]) => render(v).includes(`<${wsId}>`)));
    expect(pushers.length).toBeGreaterThan(0);
    for (const [, value] of pushers) expect(render(value)).toMatch(/^https:\/\/<.*>\.execute-api\./);
  });

  it('leaves the execute-api endpoint on unless asked (nothing in front of the API to pass by)', () => {
    expect(httpApi(s)[1].DisableExecuteApiEndpoint).toBeUndefined();
  });

  it('stays within limits and passes cdk-nag', () => {
    withinLimits(s);
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('the API on a domain of its own, behind the web ACL', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway(
      {
        console: false,
        apiFirewall: { webAclArn: ACL_ARN },
        apiDomain: { domainName: 'api.support.example.com', certificateArn: REGIONAL_CERT, edgeCertificateArn: EDGE_CERT },
      },
      { bundle: false, env: ENV, ...nag },
    );
  });

  it('turns the execute-api endpoint off by default, so the web ACL cannot be passed by through it', () => {
    expect(httpApi(s)[1].DisableExecuteApiEndpoint).toBe(true);
    expect(outputs(s).ApiDirectUrl).toBeUndefined();
  });

  it('has the distribution answer for the domain with the us-east-1 certificate, TLS 1.2, and reach the custom domain with the viewer Host', () => {
    const [domainId] = only(s, 'AWS::ApiGatewayV2::DomainName');
    const config = apiDistribution(s);
    expect(config.Aliases).toEqual(['api.support.example.com']);
    expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: EDGE_CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    const origins = config.Origins as Json[];
    expect(origins.map((o) => render(o.DomainName))).toEqual([`<${domainId}.RegionalDomainName>`]);
    // AllViewer (the Host header too): API Gateway picks the custom domain by it.
    expect((config.DefaultCacheBehavior as Json).OriginRequestPolicyId).toBe('216adef6-5c7f-47e4-b989-5492eafa07d3');
    expect(render(outputs(s).ApiUrl!.Value)).toBe('https://api.support.example.com/');
    expect(render(outputs(s).ApiDomainTarget!.Value)).toMatch(/Distribution.*\.DomainName>$/);
  });

  it('stays within limits and passes cdk-nag', () => {
    withinLimits(s);
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe("an enterprise's own KMS key", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway(
      { console: false, encryptionKeyArn: KEY_ARN, inboundEmail: { recipients: ['support@example.com'] } },
      { bundle: false, env: ENV, ...nag },
    );
  });

  it('replaces every key Caseway would make: the stack makes none', () => {
    expect(resources(s.template, 'AWS::KMS::Key')).toEqual({});
  });

  it('encrypts the table, the attachment bucket, every dead-letter queue, the alarm topic, the backup vault and the knowledge collection with it', () => {
    expect(only(s, 'AWS::DynamoDB::Table')[1].SSESpecification).toEqual({ KMSMasterKeyId: KEY_ARN, SSEEnabled: true, SSEType: 'KMS' });
    const kmsBuckets = Object.values(resources(s.template, 'AWS::S3::Bucket'))
      .map((b) => (b.Properties.BucketEncryption as { ServerSideEncryptionConfiguration: Json[] }).ServerSideEncryptionConfiguration[0]!)
      .filter((c) => (c.ServerSideEncryptionByDefault as Json).SSEAlgorithm === 'aws:kms');
    expect(kmsBuckets.map((c) => (c.ServerSideEncryptionByDefault as Json).KMSMasterKeyID)).toEqual([KEY_ARN]);
    // Every queue under a customer managed key uses this one (the inbound-mail queue keeps SQS's own key, as it always did).
    const queues = Object.values(resources(s.template, 'AWS::SQS::Queue')).map((q) => q.Properties);
    const withKms = queues.filter((q) => q.SqsManagedSseEnabled !== true);
    expect(withKms.length).toBeGreaterThan(5);
    for (const queue of withKms) expect(queue.KmsMasterKeyId).toBe(KEY_ARN);
    expect(only(s, 'AWS::SNS::Topic')[1].KmsMasterKeyId).toBe(KEY_ARN);
    expect(only(s, 'AWS::Backup::BackupVault')[1].EncryptionKeyArn).toBe(KEY_ARN);
    const encryption = Object.values(resources(s.template, 'AWS::OpenSearchServerless::SecurityPolicy')).find(
      (p) => p.Properties.Type === 'encryption',
    )!;
    expect(JSON.parse(render(encryption.Properties.Policy)) as Json).toMatchObject({ AWSOwnedKey: false, KmsARN: KEY_ARN });
  });

  it('grants the functions the key through their roles, by its ARN', () => {
    const grants = Object.values(resources(s.template, 'AWS::IAM::Policy')).flatMap((p) =>
      ((p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement ?? []).filter((st) =>
        [st.Action].flat().some((a) => a.startsWith('kms:')),
      ),
    );
    expect(grants.length).toBeGreaterThan(10);
    for (const grant of grants) expect([grant.Resource].flat()).toEqual([KEY_ARN]);
  });

  it('outputs the key policy statements its owners must add: CloudWatch alarms, EventBridge dead letters, OpenSearch Serverless', () => {
    const { Statement } = JSON.parse(render(outputs(s).KeyPolicyStatements!.Value)) as { Statement: Json[] };
    const principals = Statement.map((st) => JSON.stringify(st.Principal));
    expect(principals).toEqual(
      expect.arrayContaining([
        expect.stringContaining('cloudwatch.amazonaws.com'),
        expect.stringContaining('events.amazonaws.com'),
        expect.stringContaining(':root'),
      ]),
    );
    const events = Statement.find((st) => JSON.stringify(st.Principal).includes('events.amazonaws.com'))!;
    expect(events.Condition).toEqual({
      ArnLike: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:123456789012:rule/caseway-Caseway/*' },
      StringEquals: { 'aws:SourceAccount': '123456789012' },
    });
    const aoss = Statement.find((st) => JSON.stringify(st.Principal).includes(':root'))!;
    expect(aoss.Condition).toMatchObject({ StringEquals: { 'kms:ViaService': 'aoss.eu-west-1.amazonaws.com' } });
    // Small enough to read and paste as one output value.
    expect(render(outputs(s).KeyPolicyStatements!.Value).length).toBeLessThan(4000);
  });

  it('stays within limits and passes cdk-nag', () => {
    withinLimits(s);
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe("an enterprise's own event bus", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({ console: false, eventBusArn: BUS_ARN }, { bundle: false, env: ENV, ...nag });
  });

  it("makes no bus: its rules and archive are on the one brought, and the archive keeps only Caseway's sources", () => {
    expect(resources(s.template, 'AWS::Events::EventBus')).toEqual({});
    const busRules = Object.values(resources(s.template, 'AWS::Events::Rule')).filter((r) => r.Properties.EventBusName !== undefined);
    expect(busRules.length).toBeGreaterThan(5);
    for (const rule of busRules) expect(rule.Properties.EventBusName).toBe('enterprise-events');
    const [, archive] = only(s, 'AWS::Events::Archive');
    expect(archive.SourceArn).toBe(BUS_ARN);
    expect(archive.EventPattern).toEqual({ source: [{ prefix: 'caseway.' }] });
    expect(render(outputs(s).EventBusName!.Value)).toBe('enterprise-events');
  });

  it('lets the publisher put events on that bus alone, and tells every function its name', () => {
    const puts = Object.values(resources(s.template, 'AWS::IAM::Policy')).flatMap((p) =>
      ((p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement ?? []).filter((st) =>
        [st.Action].flat().includes('events:PutEvents'),
      ),
    );
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) expect(put.Resource).toBe(BUS_ARN);
    const busSettings = Object.values(resources(s.template, 'AWS::Lambda::Function')).flatMap((f) =>
      Object.entries(((f.Properties.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json).filter(([name]) => /BUS/.test(name)),
    );
    expect(busSettings.length).toBeGreaterThan(0);
    for (const [, value] of busSettings) expect(value).toBe('enterprise-events');
  });

  it('watches the rules on that bus, and lets EventBridge dead-letter only for rules on it', () => {
    const dashboard = render(only(s, 'AWS::CloudWatch::Dashboard')[1].DashboardBody);
    expect(dashboard).toContain('"EventBusName","enterprise-events"');
    const key = Object.values(resources(s.template, 'AWS::KMS::Key')).find((k) =>
      JSON.stringify(k.Properties.KeyPolicy).includes('events.amazonaws.com'),
    )!;
    expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('rule/enterprise-events/*');
  });

  it('stays within limits and passes cdk-nag', () => {
    withinLimits(s);
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe("an enterprise's own VPC, with endpoints", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({ vpcAttributes: VPC }, { bundle: false, env: ENV, ...nag });
  });
  const functions = () => Object.values(resources(s.template, 'AWS::Lambda::Function')).map((f) => f.Properties);
  const caseway = () =>
    functions().filter((f) => ((f.Environment as { Variables?: Json } | undefined)?.Variables ?? {}).POWERTOOLS_SERVICE_NAME !== undefined);

  it('runs every Caseway function in the given subnets with the security group Caseway makes (no inbound)', () => {
    const made = caseway();
    expect(made.length).toBeGreaterThan(30);
    const [groupId, group] = Object.entries(resources(s.template, 'AWS::EC2::SecurityGroup')).find(([id]) => /FunctionSecurityGroup/.test(id))!;
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    for (const fn of made) {
      expect(fn.VpcConfig).toEqual({ SubnetIds: VPC.subnetIds, SecurityGroupIds: [expect.anything()] });
      expect(render((fn.VpcConfig as { SecurityGroupIds: unknown[] }).SecurityGroupIds[0])).toBe(`<${groupId}.GroupId>`);
    }
  });

  it("makes gateway endpoints for DynamoDB and S3 in the subnets' route tables, and interface endpoints only the functions may reach", () => {
    const endpoints = Object.values(resources(s.template, 'AWS::EC2::VPCEndpoint')).map((e) => e.Properties);
    const gateways = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
    expect(gateways.map((e) => render(e.ServiceName)).sort()).toEqual(['com.amazonaws.<AWS::Region>.dynamodb', 'com.amazonaws.<AWS::Region>.s3']);
    for (const gateway of gateways) expect(gateway.RouteTableIds).toEqual(VPC.routeTableIds);
    const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
    expect(interfaces.map((e) => render(e.ServiceName)).sort()).toEqual(
      ['email', 'events', 'secretsmanager', 'states'].map((name) => `com.amazonaws.eu-west-1.${name}`),
    );
    for (const endpoint of interfaces) {
      expect(endpoint).toMatchObject({ VpcId: VPC.vpcId, SubnetIds: VPC.subnetIds, PrivateDnsEnabled: true });
    }
    const [endpointGroupId, endpointGroup] = Object.entries(resources(s.template, 'AWS::EC2::SecurityGroup')).find(([id]) =>
      /EndpointSecurityGroup/.test(id),
    )!;
    for (const endpoint of interfaces) expect((endpoint.SecurityGroupIds as unknown[]).map(render)).toEqual([`<${endpointGroupId}.GroupId>`]);
    // HTTPS from the functions' group, nothing from the VPC's whole range.
    const ingress = [
      ...((endpointGroup.Properties.SecurityGroupIngress as Json[] | undefined) ?? []),
      ...Object.values(resources(s.template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
    ];
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
    expect(render(ingress[0]!.SourceSecurityGroupId)).toMatch(/FunctionSecurityGroup.*\.GroupId>$/);
  });

  it('puts the knowledge collection behind an OpenSearch Serverless VPC endpoint, and admits no other network', () => {
    const [endpointId, endpoint] = only(s, 'AWS::OpenSearchServerless::VpcEndpoint');
    expect(endpoint).toMatchObject({ VpcId: VPC.vpcId, SubnetIds: VPC.subnetIds });
    const network = Object.values(resources(s.template, 'AWS::OpenSearchServerless::SecurityPolicy')).find((p) => p.Properties.Type === 'network')!;
    const rules = JSON.parse(render(network.Properties.Policy)) as Json[];
    expect(rules).toEqual([
      { Rules: [expect.objectContaining({ ResourceType: 'collection' })], AllowFromPublic: false, SourceVPCEs: [`<${endpointId}.Id>`] },
    ]);
  });

  it('stays within limits and passes cdk-nag', () => {
    withinLimits(s);
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe("an enterprise's own VPC and security groups, without endpoints", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway(
      {
        console: false,
        vpcAttributes: {
          vpcId: VPC.vpcId,
          subnetIds: VPC.subnetIds,
          availabilityZones: VPC.availabilityZones,
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
      },
      { bundle: false, env: ENV, ...nag },
    );
  });

  it("gives the functions the brought security group and makes no function group and no VPC endpoint but the collection's", () => {
    const placed = Object.values(resources(s.template, 'AWS::Lambda::Function'))
      .map((f) => f.Properties)
      .filter((f) => f.VpcConfig !== undefined);
    expect(placed.length).toBeGreaterThan(30);
    for (const fn of placed) expect(fn.VpcConfig).toEqual({ SubnetIds: VPC.subnetIds, SecurityGroupIds: ['sg-0123456789abcdef0'] });
    expect(Object.keys(resources(s.template, 'AWS::EC2::SecurityGroup')).filter((id) => /FunctionSecurityGroup/.test(id))).toEqual([]);
    expect(resources(s.template, 'AWS::EC2::VPCEndpoint')).toEqual({});
    only(s, 'AWS::OpenSearchServerless::VpcEndpoint');
    const ingress = [
      ...Object.values(resources(s.template, 'AWS::EC2::SecurityGroup')).flatMap(
        (g) => (g.Properties.SecurityGroupIngress as Json[] | undefined) ?? [],
      ),
      ...Object.values(resources(s.template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties),
    ];
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443, SourceSecurityGroupId: 'sg-0123456789abcdef0' })]);
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('bad enterprise settings are refused at synth, naming the setting', () => {
  const synth = (props: CasewayStackProps) => () => synthCaseway({ console: false, ...props }, { bundle: false, env: ENV });
  const domain = { domainName: 'api.example.com', certificateArn: REGIONAL_CERT };

  it.each<[string, CasewayStackProps, RegExp]>([
    [
      'a domain that is no host name',
      { apiDomain: { ...domain, domainName: 'https://api.example.com' } },
      /apiDomain\.domainName must be a host name/,
    ],
    [
      'a certificate that is no ACM ARN',
      { apiDomain: { ...domain, certificateArn: 'api-cert' } },
      /apiDomain\.certificateArn .* must be an ACM certificate ARN/,
    ],
    [
      'a regional certificate from another region',
      { apiDomain: { ...domain, certificateArn: EDGE_CERT } },
      /must be a certificate in eu-west-1, got one in us-east-1/,
    ],
    [
      'an edge certificate without the firewall',
      { apiDomain: { ...domain, edgeCertificateArn: EDGE_CERT } },
      /edgeCertificateArn is the distribution's certificate, which exists only with apiFirewall/,
    ],
    [
      'the firewall without an edge certificate, outside us-east-1',
      { apiFirewall: { webAclArn: ACL_ARN }, apiDomain: domain },
      /edgeCertificateArn is required with apiFirewall/,
    ],
    [
      'an edge certificate outside us-east-1',
      { apiFirewall: { webAclArn: ACL_ARN }, apiDomain: { ...domain, edgeCertificateArn: REGIONAL_CERT } },
      /must be a certificate in us-east-1, got one in eu-west-1/,
    ],
    [
      'a live domain certificate from another region',
      { liveDomain: { domainName: 'live.example.com', certificateArn: EDGE_CERT } },
      /liveDomain\.certificateArn .* must be a certificate in eu-west-1/,
    ],
    [
      'a key alias instead of a key',
      { encryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/caseway' },
      /encryptionKeyArn \(-c kmsKeyArn\) must be a KMS key ARN/,
    ],
    [
      'a key in another region',
      { encryptionKeyArn: KEY_ARN.replace('eu-west-1', 'us-east-1') },
      /must be a key in the stack's region eu-west-1 \(KMS keys are regional\), got one in us-east-1/,
    ],
    [
      'a bus of another account',
      { eventBusArn: BUS_ARN.replace('123456789012', '210987654321') },
      /eventBus must be in the stack's account \(123456789012\)/,
    ],
    ['a bus of another region', { eventBusArn: BUS_ARN.replace('eu-west-1', 'us-east-1') }, /eventBus must be in the stack's region \(eu-west-1\)/],
    [
      "the account's default bus",
      { eventBusArn: BUS_ARN.replace('enterprise-events', 'default') },
      /eventBus must be a custom bus, not the account's default bus/,
    ],
    ['a bus and a bus name', { eventBusArn: BUS_ARN, eventBusName: 'caseway' }, /eventBus and eventBusName are alternatives/],
    ['a VPC id that is none', { vpcAttributes: { ...VPC, vpcId: 'main-vpc' } }, /vpcId \(-c vpcId\) must be a VPC id/],
    [
      'subnets without their zones',
      { vpcAttributes: { ...VPC, availabilityZones: ['eu-west-1a'] } },
      /-c vpcAvailabilityZones must name the zone of each subnet/,
    ],
    ['endpoints without route tables', { vpcAttributes: { ...VPC, routeTableIds: undefined } }, /-c vpcEndpoints=true needs -c vpcRouteTableIds/],
    ['a security group id that is none', { vpcAttributes: { ...VPC, securityGroupIds: ['default'] } }, /-c securityGroupIds must be sg-\.\.\. ids/],
  ])('%s', (_, props, message) => {
    expect(synth(props)).toThrow(message);
  });
});
