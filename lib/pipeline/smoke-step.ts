/**
 * The smoke test after a stage deploys: `npm run smoke` (bin/smoke.ts), the black-box journey of
 * the end-to-end tests, against the stage's API as its outputs name it. It runs in the pipeline
 * account and reaches the stage over HTTPS only, as any client does.
 */
import { CodeBuildStep, type IFileSetProducer } from 'aws-cdk-lib/pipelines';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type { CasewayStage } from './caseway-stage.js';

export function smokeStep(stage: CasewayStage, input: IFileSetProducer, smokeUserSecret: string | undefined): CodeBuildStep {
  return new CodeBuildStep('Smoke', {
    input,
    envFromCfnOutputs: { API_URL: stage.apiUrl, USER_POOL_ID: stage.userPoolId, USER_POOL_CLIENT_ID: stage.userPoolClientId },
    // CodeBuild reads the secret itself and grants the project's role that secret alone.
    ...(smokeUserSecret
      ? {
          buildEnvironment: {
            environmentVariables: {
              SMOKE_USERNAME: { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: `${smokeUserSecret}:username` },
              SMOKE_PASSWORD: { type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER, value: `${smokeUserSecret}:password` },
            },
          },
        }
      : {}),
    installCommands: ['npm ci'],
    commands: ['npm run smoke -- --api "$API_URL" --user-pool "$USER_POOL_ID" --client "$USER_POOL_CLIENT_ID"'],
  });
}
