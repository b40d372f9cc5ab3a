/**
 * One Caseway Lambda with the house defaults: Node 22 on Graviton, X-Ray, its own
 * log group with a retention, an ESM bundle built by local esbuild (no Docker), and
 * a role of its own with no AWS managed policies (but for the one Lambda adds in a VPC,
 * for the function's network interfaces). Every function in the platform is made here,
 * so a change of default (a VPC included) lands everywhere at once.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SHARED_FUNCTION_ENVIRONMENT } from '#topology/function-environment.js';
import type { FunctionNetwork } from './network.js';
import { acknowledgeManagedPolicies } from './nag.js';

/** The repository root: handler entries in the topology are relative to it. */
export const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * esbuild turns the handlers into ESM, but some bundled CommonJS dependencies still
 * call `require` for Node built-ins; this gives them one.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * Modules a Lambda bundle takes from elsewhere than their package: the SDK's default
 * credential chain becomes its environment link alone, which is the one Lambda uses
 * (functions/adapters/lambda-credentials.ts says why). Paths are relative to the
 * repository root, where esbuild runs.
 */
export const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './functions/adapters/lambda-credentials.ts',
};

/** The environment every Caseway function gets, whatever it does. */
export const POWERTOOLS_ENVIRONMENT: Readonly<Record<string, string>> = {
  ...SHARED_FUNCTION_ENVIRONMENT,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  NODE_OPTIONS: '--enable-source-maps',
};

export interface CasewayFunctionProps {
  /** Handler file relative to the repository root; it must export `handler`. */
  readonly entry: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /**
   * Function-specific environment, merged over `POWERTOOLS_ENVIRONMENT`.
   * @default - only the Powertools settings
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Memory in MB; CPU scales with it, and 512 MB keeps cold starts of a bundled SDK short.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Concurrency reserved for this function: it always has that much, and never more (so one busy
   * function neither starves the others in the account nor floods what it calls).
   * @default - none: it shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Timeout. API handlers sit behind API Gateway's own 30 s limit and should finish well before it.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Run in these subnets of a VPC, with these security groups.
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
}

export class CasewayFunction extends Construct {
  /** The Lambda function. */
  readonly function: NodejsFunction;
  /** The function's execution role: starts empty, callers grant what the function needs. */
  readonly role: iam.Role;
  /** Where the function logs. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CasewayFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An explicit role instead of the default one: the default attaches the managed
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.entry}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPOSITORY_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...POWERTOOLS_ENVIRONMENT, ...props.environment },
      ...(props.network ? { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups: props.network.securityGroups } : {}),
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      projectRoot: REPOSITORY_ROOT,
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Bundle the AWS SDK v3 too: the bundle then pins the SDK version we tested
        // with, and tree-shaking makes it smaller than the runtime's copy is to load.
        externalModules: [],
        esbuildArgs: { '--alias': Object.entries(LAMBDA_BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
        forceDockerBundling: false,
        // esbuild's own default prints every bundle's size; warnings are what matter.
        logLevel: LogLevel.WARNING,
      },
    });

    if (props.network) {
      // Lambda adds this to the role of a function in a VPC: the ENI actions have no resource-level form.
      acknowledgeManagedPolicies(
        this.role,
        'AWSLambdaVPCAccessExecutionRole, which Lambda needs on a function in a VPC: it only creates, describes and deletes the network interfaces the function runs through (EC2 offers no resource-level permissions for them), beside writing logs.',
      );
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the local platform, the integration tests and the esbuild target all run Node 22 (package.json pins node 22), so AWS runs exactly what was tested. Move runtime, esbuild target and the local Node together.',
    });
    // Acknowledged on this construct, not on the role or the function: where CDK puts
    // the tracing statement (the role's default policy, or a policy of its own under
    // the function) depends on a feature flag of the app that embeds Caseway.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Tracing is ACTIVE: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so IAM only accepts Resource "*" for them. Table, key and log grants name their resources.',
    });
  }
}
