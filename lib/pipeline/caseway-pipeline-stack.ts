/**
 * Caseway's delivery pipeline (CDK Pipelines): the repository through a CodeConnections
 * connection, a synth step that runs the pipeline app with cdk-nag (any unacknowledged finding
 * fails the build before anything deploys), then each stage in order, in its own account and
 * region, each followed by the smoke test against its API, a person's approval before production.
 * The pipeline updates itself first (self-mutation) when its own definition changes.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import { CodeBuildStep, CodePipeline, CodePipelineSource, ManualApprovalStep } from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import type { CasewayStackProps } from '../caseway-stack.js';
import { CasewayStage } from './caseway-stage.js';
import { needsApproval, type PipelineConfig } from './pipeline-config.js';
import { smokeStep } from './smoke-step.js';

export interface CasewayPipelineStackProps extends Omit<StackProps, 'env'> {
  readonly config: PipelineConfig;
  /** Settings for every stage's Caseway stack, beneath each stage's config. */
  readonly caseway?: CasewayStackProps;
  /**
   * Add to each stage before the pipeline takes it (CDK Pipelines synthesizes a stage when it is added,
   * so nothing can be added afterwards): an organisation's own alarms, a WAF, tags.
   */
  readonly configureStage?: (stage: CasewayStage) => void;
}

/** `text` as one single-quoted shell word. */
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The command the synth step runs: the pipeline app, as given, so the pipeline rebuilds itself from the same config. */
export const synthCommand = (config: PipelineConfig) =>
  `npx cdk synth -a "npx tsx bin/pipeline.ts" -c pipeline=${shellQuote(JSON.stringify(config))}`;

export class CasewayPipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  readonly stages: readonly CasewayStage[];

  constructor(scope: Construct, id: string, props: CasewayPipelineStackProps) {
    const { config, caseway, configureStage, ...stackProps } = props;
    super(scope, id, { ...stackProps, env: { account: config.account, region: config.region } });
    const source = CodePipelineSource.connection(config.source.repo, config.source.branch, { connectionArn: config.source.connectionArn });
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: id,
      // V2: billed per run minute rather than per pipeline per month, and what CodePipeline recommends.
      pipelineType: PipelineType.V2,
      // Each stage is another account: its deploy roles must be able to read the artifacts, which a KMS key allows.
      crossAccountKeys: true,
      enableKeyRotation: true,
      // One CodeBuild project publishes every asset: ~50 functions would otherwise be ~50 projects in this stack.
      publishAssetsInParallel: false,
      // Caseway needs Node 22 (package.json engines), in every step: synth, self-mutation, assets and smoke tests.
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: 22 } } } }),
      },
      synth: new CodeBuildStep('Synth', {
        input: source,
        installCommands: ['npm ci'],
        // The console's files are built here and published by each stage's deployment.
        commands: ['npm run build:web', synthCommand(config)],
      }),
    });
    this.stages = config.stages.map((stageConfig) => {
      const stage = new CasewayStage(this, stageConfig.name, { config: stageConfig, ...(caseway ? { caseway } : {}) });
      configureStage?.(stage);
      this.pipeline.addStage(stage, {
        pre: needsApproval(stageConfig) ? [new ManualApprovalStep(`Approve-${stageConfig.name}`, { comment: `Deploy to ${stageConfig.name}?` })] : [],
        post: [smokeStep(stage, source, stageConfig.smokeUserSecret)],
      });
      return stage;
    });
  }
}
