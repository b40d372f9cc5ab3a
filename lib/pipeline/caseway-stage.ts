/**
 * One environment of the pipeline: the stand-alone `CasewayStack` in the stage's own account and
 * region, with the outputs the smoke test reads after it deploys.
 */
import { CfnOutput, RemovalPolicy, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CasewayStack, type CasewayStackProps } from '../caseway-stack.js';
import type { StageConfig } from './pipeline-config.js';

export interface CasewayStageProps extends StageProps {
  readonly config: StageConfig;
  /** Settings for every stage's stack, beneath what the stage's config says (tests: a fixture console). */
  readonly caseway?: CasewayStackProps;
}

export class CasewayStage extends Stage {
  readonly stack: CasewayStack;
  /** The stack's `ApiUrl` output: the base URL the smoke test calls. */
  readonly apiUrl: CfnOutput;
  /** The user pool and its public (SRP) client the smoke test signs in with. */
  readonly userPoolId: CfnOutput;
  readonly userPoolClientId: CfnOutput;

  constructor(scope: Construct, id: string, props: CasewayStageProps) {
    const { config, caseway = {}, ...stageProps } = props;
    super(scope, id, { ...stageProps, env: { account: config.account, region: config.region } });
    const deletionProtection = config.deletionProtection ?? true;
    const console = config.console === false ? false : caseway.console;
    this.stack = new CasewayStack(this, 'Caseway', {
      description: `Caseway: serverless case management (${config.name})`,
      ...caseway,
      deletionProtection,
      terminationProtection: deletionProtection,
      // A stage that may be deleted is a throw-away one: its data goes with it.
      removalPolicy: deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(console === undefined ? {} : { console }),
    });
    const output = (name: string) => this.stack.node.findChild(name) as CfnOutput;
    this.apiUrl = output('ApiUrl');
    this.userPoolId = output('UserPoolId');
    this.userPoolClientId = output('UserPoolClientId');
  }
}
