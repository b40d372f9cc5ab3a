/**
 * The pipeline's CDK app, as `bin/pipeline.ts` runs it and the synth step runs that: the pipeline
 * stack with its stages, and cdk-nag over all of it, so an unacknowledged finding in the pipeline
 * or in any stage's stacks fails the synth, and with it the pipeline run, before anything deploys.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CasewayPipelineStack, type CasewayPipelineStackProps } from './caseway-pipeline-stack.js';
import { acknowledgePipelineFindings } from './pipeline-nag.js';

export function addCasewayPipeline(app: App, props: CasewayPipelineStackProps): CasewayPipelineStack {
  const stack = new CasewayPipelineStack(app, 'CasewayPipeline', { description: 'Caseway delivery pipeline', ...props });
  acknowledgePipelineFindings(app, stack.pipeline);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
