/**
 * The stand-alone deployment: the `Caseway` construct in a stack of its own, with
 * the outputs a client or an operator needs. cdk-nag is applied by the app
 * (`bin/app.ts`) and by the infra tests, not here, so an embedding app chooses its own packs.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Caseway, type CasewayProps, type CasewayVpcProps } from './caseway.js';
import { assertKeyArn } from './constructs/key-policy.js';

/** Stack settings plus every `Caseway` setting (documented on `CasewayProps`). */
export interface CasewayStackProps extends StackProps, CasewayProps {
  /**
   * The ARN of the SNS topic every alarm notifies (`-c alarmTopicArn`): `alarmTopic` by ARN.
   * @default - `alarmTopic`
   */
  readonly alarmTopicArn?: string;
  /**
   * The ARN of your customer managed KMS key (`-c kmsKeyArn`): `encryptionKey` by ARN.
   * @default - `encryptionKey`
   */
  readonly encryptionKeyArn?: string;
  /**
   * The ARN of your EventBridge bus (`-c eventBusArn`): `eventBus` by ARN.
   * @default - `eventBus`
   */
  readonly eventBusArn?: string;
  /**
   * `vpc` by ids (`-c vpcId`, ...), read without a lookup, so synth needs no AWS access.
   * @default - `vpc`
   */
  readonly vpcAttributes?: CasewayVpcAttributes;
}

/** A VPC by its ids: its private subnets (with egress) and their zones, in the same order. */
export interface CasewayVpcAttributes {
  readonly vpcId: string;
  /** The subnets the functions run in. */
  readonly subnetIds: string[];
  /** The zone of each subnet (as many as subnets), e.g. `eu-west-1a`. */
  readonly availabilityZones: string[];
  /** The route table of each subnet: needed with `endpoints` (gateway endpoints are routes). */
  readonly routeTableIds?: string[];
  /** The functions' security groups. @default - one Caseway makes */
  readonly securityGroupIds?: string[];
  /** Make the VPC endpoints (`CasewayVpcProps.endpoints`). @default false */
  readonly endpoints?: boolean;
}

/** `attributes` as the VPC, subnets and groups `Caseway` takes; errors name the -c key. */
function vpcOf(scope: Construct, attributes: CasewayVpcAttributes): CasewayVpcProps {
  const { vpcId, subnetIds, availabilityZones, routeTableIds, securityGroupIds } = attributes;
  if (!/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) throw new Error(`vpcId (-c vpcId) must be a VPC id (vpc-...), got '${vpcId}'`);
  for (const [key, ids, prefix] of [
    ['vpcSubnetIds', subnetIds, 'subnet'],
    ['vpcRouteTableIds', routeTableIds ?? [], 'rtb'],
    ['securityGroupIds', securityGroupIds ?? [], 'sg'],
  ] as const) {
    const bad = ids.find((id) => !new RegExp(`^${prefix}-[0-9a-f]{8,17}$`).test(id));
    if (bad !== undefined) throw new Error(`-c ${key} must be ${prefix}-... ids separated by commas, got '${bad}'`);
  }
  if (subnetIds.length === 0) throw new Error('-c vpcSubnetIds: name the private subnets the functions run in');
  if (availabilityZones.length !== subnetIds.length)
    throw new Error(
      `-c vpcAvailabilityZones must name the zone of each subnet in -c vpcSubnetIds: ${subnetIds.length} subnets, ${availabilityZones.length} zones`,
    );
  if (attributes.endpoints && routeTableIds?.length !== subnetIds.length)
    throw new Error(
      '-c vpcEndpoints=true needs -c vpcRouteTableIds, the route table of each subnet: gateway endpoints for DynamoDB and S3 are routes in them',
    );
  // One subnet per zone here: fromVpcAttributes takes as many subnets per zone as the list says.
  const zones = [...new Set(availabilityZones)];
  if (zones.length !== availabilityZones.length) throw new Error('-c vpcAvailabilityZones: one subnet per zone');
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId,
    availabilityZones,
    privateSubnetIds: subnetIds,
    ...(routeTableIds?.length ? { privateSubnetRouteTableIds: routeTableIds } : {}),
  });
  return {
    vpc,
    ...(securityGroupIds?.length
      ? { securityGroups: securityGroupIds.map((id) => ec2.SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup-${id}`, id, { mutable: false })) }
      : {}),
    ...(attributes.endpoints !== undefined ? { endpoints: attributes.endpoints } : {}),
  };
}

export class CasewayStack extends Stack {
  readonly caseway: Caseway;

  constructor(scope: Construct, id: string, props: CasewayStackProps = {}) {
    super(scope, id, props);
    if (props.alarmTopicArn && props.alarmTopic) throw new Error('alarmTopicArn and alarmTopic name the same thing: give one');
    const alarmTopic = props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : props.alarmTopic;
    if (props.encryptionKeyArn && props.encryptionKey) throw new Error('encryptionKeyArn and encryptionKey name the same thing: give one');
    if (props.encryptionKeyArn) assertKeyArn(props.encryptionKeyArn, this.region, 'encryptionKeyArn (-c kmsKeyArn)');
    const encryptionKey = props.encryptionKeyArn ? kms.Key.fromKeyArn(this, 'EncryptionKey', props.encryptionKeyArn) : props.encryptionKey;
    if (props.eventBusArn && props.eventBus) throw new Error('eventBusArn and eventBus name the same thing: give one');
    const eventBus = props.eventBusArn ? events.EventBus.fromEventBusArn(this, 'EventBus', props.eventBusArn) : props.eventBus;
    if (props.vpcAttributes && props.vpc) throw new Error('vpcAttributes and vpc name the same thing: give one');
    const vpc = props.vpcAttributes ? vpcOf(this, props.vpcAttributes) : props.vpc;
    this.caseway = new Caseway(this, 'Caseway', { ...props, alarmTopic, encryptionKey, eventBus, vpc });
    const { api, identity, store } = this.caseway;

    const edge = this.caseway.apiEdge;
    new CfnOutput(this, 'ApiUrl', { value: `${this.caseway.apiUrl}/`, description: 'Base URL of the Caseway API' });
    if (this.caseway.apiDomainTarget)
      new CfnOutput(this, 'ApiDomainTarget', {
        value: this.caseway.apiDomainTarget,
        description: "Point the API domain's DNS record (CNAME, or alias) at this name",
      });
    if (edge && !api.api.disableExecuteApiEndpoint) {
      new CfnOutput(this, 'ApiDirectUrl', {
        value: api.url,
        description: "The API's own endpoint, which the web ACL does not see: for operators, not clients",
      });
    }
    if (this.caseway.backup)
      new CfnOutput(this, 'BackupVaultName', {
        value: this.caseway.backup.vault.backupVaultName,
        description: 'Recovery points of the table and attachments',
      });
    new CfnOutput(this, 'TableName', { value: store.table.tableName, description: 'The case table' });
    new CfnOutput(this, 'AttachmentsBucketName', { value: this.caseway.attachments.bucket.bucketName, description: 'Bucket of case attachments' });
    new CfnOutput(this, 'EventBusName', { value: this.caseway.events.bus.eventBusName, description: 'Bus carrying Caseway domain events' });
    if (this.caseway.live?.domainName)
      new CfnOutput(this, 'LiveDomainTarget', {
        value: this.caseway.live.domainName.regionalDomainName,
        description: "Point the live feed domain's DNS record (CNAME, or alias) at this name",
      });
    if (this.caseway.live)
      new CfnOutput(this, 'LiveUrl', {
        value: this.caseway.live.url,
        description: "The console's live feed (WebSocket): liveUrl of its /config.json",
      });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.caseway.alarmTopic.topicArn,
      description: 'SNS topic every Caseway alarm notifies (ALARM and OK)',
    });
    const keyPolicy = this.caseway.keyPolicyStatements;
    if (keyPolicy.length > 0)
      new CfnOutput(this, 'KeyPolicyStatements', {
        value: this.toJsonString({ Statement: keyPolicy.map((statement) => statement.toStatementJson() as unknown) }),
        description: 'Add these statements to the policy of your KMS key (encryptionKey): the stack cannot edit a key it did not make',
      });
    new CfnOutput(this, 'DashboardName', {
      value: this.caseway.observability.dashboard.dashboardName,
      description: 'CloudWatch dashboard of the platform',
    });
    new CfnOutput(this, 'JwtIssuer', { value: identity.issuer, description: 'Issuer of the tokens the API accepts' });
    // With an external OIDC provider there is no pool to point at.
    if (identity.userPool && identity.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId, description: 'Cognito user pool of Caseway users' });
      new CfnOutput(this, 'UserPoolClientId', { value: identity.userPoolClient.userPoolClientId, description: 'Public app client (SRP)' });
    }
    const webConsole = this.caseway.console;
    if (webConsole) {
      new CfnOutput(this, 'ConsoleUrl', { value: `${webConsole.origin}/`, description: 'The web console' });
      new CfnOutput(this, 'ConsoleDistributionDomain', {
        value: webConsole.hosting.distribution.distributionDomainName,
        description: 'Point the console domain (if any) at this CloudFront domain name',
      });
      if (webConsole.client)
        new CfnOutput(this, 'ConsoleClientId', {
          value: webConsole.client.userPoolClientId,
          description: 'Console app client (authorization code + PKCE)',
        });
      if (webConsole.signInDomain)
        new CfnOutput(this, 'SignInUrl', { value: webConsole.signInDomain.baseUrl(), description: "Cognito's managed sign-in pages" });
    }
  }
}
