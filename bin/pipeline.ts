/**
 * The delivery pipeline, a CDK app of its own:
 *
 *   npx cdk synth -a "npx tsx bin/pipeline.ts" -c pipeline='{"account":"000000000000","region":"eu-west-1",
 *     "source":{"connectionArn":"arn:aws:codeconnections:...","repo":"owner/name","branch":"main"},
 *     "stages":[{"name":"dev","account":"111111111111","region":"eu-west-1"},
 *               {"name":"staging","account":"222222222222","region":"eu-west-1"},
 *               {"name":"production","account":"333333333333","region":"eu-central-1","smokeUserSecret":"caseway/smoke/production"}]}'
 *
 * The config's fields are documented in lib/pipeline/pipeline-config.ts; docs/deploy.md has the steps.
 */
import { App } from 'aws-cdk-lib';
import { addCasewayPipeline } from '#lib/pipeline/pipeline-app.js';
import { parsePipelineConfig } from '#lib/pipeline/pipeline-config.js';

const app = new App();
addCasewayPipeline(app, { config: parsePipelineConfig(app.node.tryGetContext('pipeline')) });
