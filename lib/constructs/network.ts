/**
 * Caseway's functions inside an enterprise's VPC: the subnets and security groups every function
 * is given (through `functionFor`, the one place functions are made), and, when asked, the VPC
 * endpoints of what the functions call, so that those calls stay on the AWS network.
 *
 * The VPC is brought, never made, and read without a lookup (`Vpc.fromVpcAttributes` with subnet
 * ids and zones given): a synth needs no account access.
 *
 * Endpoints, when made: gateway endpoints for DynamoDB and S3 (free; they need the subnets' route
 * tables), interface endpoints for EventBridge, Step Functions, Secrets Manager and SES (the SDK
 * clients the handlers use), and the knowledge collection's OpenSearch Serverless endpoint
 * (`KnowledgeSearch`, made with any VPC: the collection then accepts no other network). Not for `execute-api`: with private DNS it would take every execute-api name
 * in the VPC, and the live feed pushes to a regional WebSocket API, which a VPC endpoint cannot
 * reach; nor for SQS and KMS, which the functions never call themselves (DynamoDB, S3 and Lambda do,
 * on their side). So the subnets still need a way out (a NAT gateway) for the live push and for the
 * token issuer's signing keys (JWKS).
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Where a function runs: what `CasewayFunction` passes to Lambda. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
}

/** The interface endpoints made with `endpoints: true`: the services the handlers' SDK clients call. */
export const INTERFACE_ENDPOINTS: Readonly<Record<string, ec2.InterfaceVpcEndpointAwsService>> = {
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  Email: ec2.InterfaceVpcEndpointAwsService.EMAIL,
};

/**
 * The VPC, brought by the enterprise. Its subnets need a way out (NAT) for the live feed's pushes and
 * the token issuer's signing keys; everything else can stay on the AWS network (`endpoints`).
 */
export interface CasewayNetworkProps {
  /** The VPC, e.g. `Vpc.fromVpcAttributes` (no lookup needed at synth). */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets the functions (and interface endpoints) are placed in.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The functions' security groups.
   * @default - one made here: no inbound, all outbound
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Make the VPC endpoints (see above). Leave off when the VPC has them already (shared endpoints with
   * private DNS serve every VPC attached to them). The knowledge collection's own VPC endpoint is made either way.
   * @default false
   */
  readonly endpoints?: boolean;
}

export class CasewayNetwork extends Construct {
  /** What every function is given. */
  readonly functionNetwork: FunctionNetwork;
  /** The interface endpoints' security group (the knowledge collection's endpoint's too): HTTPS from the functions' security groups only. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly gatewayEndpoints: ec2.GatewayVpcEndpoint[] = [];
  readonly interfaceEndpoints: ec2.InterfaceVpcEndpoint[] = [];

  constructor(scope: Construct, id: string, props: CasewayNetworkProps) {
    super(scope, id);
    const { vpc } = props;
    const subnets = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const selected = vpc.selectSubnets(subnets);
    if (selected.subnetIds.length === 0) throw new Error(`${this.node.path}: the VPC has no subnets for the functions; give their ids`);
    const securityGroups = props.securityGroups?.length
      ? props.securityGroups
      : [
          new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
            vpc,
            description: `Caseway functions (${Stack.of(this).stackName}): no inbound; outbound to AWS endpoints and the token issuer`,
            allowAllOutbound: true,
          }),
        ];
    this.functionNetwork = { vpc, subnets, securityGroups };
    const endpointSecurityGroup = (this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc,
      description: 'Caseway interface endpoints: HTTPS from the functions only',
      allowAllOutbound: false,
    }));
    for (const group of securityGroups) endpointSecurityGroup.addIngressRule(group, ec2.Port.tcp(443), 'HTTPS from Caseway functions');
    if (!props.endpoints) return;

    // Gateway endpoints are routes: they need the subnets' route tables (`routeTableIds` when imported).
    for (const [name, service] of [
      ['DynamoDb', ec2.GatewayVpcEndpointAwsService.DYNAMODB],
      ['S3', ec2.GatewayVpcEndpointAwsService.S3],
    ] as const) {
      this.gatewayEndpoints.push(new ec2.GatewayVpcEndpoint(this, `${name}Endpoint`, { vpc, service, subnets: [subnets] }));
    }
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      this.interfaceEndpoints.push(
        new ec2.InterfaceVpcEndpoint(this, `${name}Endpoint`, {
          vpc,
          service,
          subnets,
          securityGroups: [endpointSecurityGroup],
          // No rule from the whole VPC's range: only the functions' groups may connect.
          open: false,
          privateDnsEnabled: true,
        }),
      );
    }
  }
}
