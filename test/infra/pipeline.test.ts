/**
 * The delivery pipeline (lib/pipeline, bin/pipeline.ts): stages in order, each in the account and region
 * its config gives, a person's approval before production, a synth step that runs the pipeline app with
 * cdk-nag (and fails on a finding), a smoke test after each stage reading that stage's ApiUrl, and a
 * config that says which field is wrong. Bundling is skipped: what is checked is the pipeline's shape.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CodeBuildStep } from 'aws-cdk-lib/pipelines';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCasewayPipeline } from '#lib/pipeline/pipeline-app.js';
import { needsApproval, parsePipelineConfig, type PipelineConfig } from '#lib/pipeline/pipeline-config.js';
import type { CasewayPipelineStack, CasewayPipelineStackProps } from '#lib/pipeline/caseway-pipeline-stack.js';
import { CDK_JSON_CONTEXT, CONSOLE_FIXTURE, newApp, removeSynthOutput } from './synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const CONFIG = {
  account: '000000000000',
  region: 'eu-west-1',
  source: { connectionArn: 'arn:aws:codeconnections:eu-west-1:000000000000:connection/0f1e2d3c', repo: 'acme/caseway', branch: 'main' },
  stages: [
    { name: 'dev', account: '111111111111', region: 'eu-west-1', deletionProtection: false },
    { name: 'staging', account: '222222222222', region: 'eu-west-1', smokeUserSecret: 'caseway/smoke/staging' },
    { name: 'production', account: '333333333333', region: 'eu-central-1', smokeUserSecret: 'caseway/smoke/production' },
  ],
};

/** The pipeline app as bin/pipeline.ts makes it, with `extra` done to it before synthesis. */
function pipelineApp(
  config: unknown,
  extra: Pick<CasewayPipelineStackProps, 'configureStage'> & { pipeline?: (stack: CasewayPipelineStack) => void } = {},
) {
  const app = newApp({ ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] });
  const stack = addCasewayPipeline(app, {
    config: parsePipelineConfig(config),
    caseway: { console: { buildPath: CONSOLE_FIXTURE } },
    ...(extra.configureStage ? { configureStage: extra.configureStage } : {}),
  });
  extra.pipeline?.(stack);
  return { app, stack };
}

afterAll(removeSynthOutput);

describe('the pipeline', () => {
  let stack: CasewayPipelineStack;
  let template: Template;
  let stages: Json[];
  const stage = (name: string) => stages.find((s) => s.Name === name)!;
  const projectOf = (action: Json) => template.toJSON().Resources[action.Configuration.ProjectName.Ref] as Json;
  const buildSpecOf = (action: Json) => JSON.parse(projectOf(action).Properties.Source.BuildSpec as string) as Json;

  beforeAll(() => {
    const built = pipelineApp(CONFIG);
    built.app.synth(); // cdk-nag runs here: an unacknowledged finding throws
    stack = built.stack;
    template = Template.fromStack(stack);
    stages = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0]!.Properties.Stages as Json[];
  }, 240_000);

  it("lives in the config's pipeline account and region, with cross-account keys", () => {
    expect([stack.account, stack.region]).toEqual(['000000000000', 'eu-west-1']);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { PipelineType: 'V2', Name: 'CasewayPipeline' });
    const source = stage('Source').Actions[0] as Json;
    expect(source.Configuration).toMatchObject({ ConnectionArn: CONFIG.source.connectionArn, FullRepositoryId: 'acme/caseway', BranchName: 'main' });
  });

  it('deploys dev, staging and production in that order, each to its own account and region', () => {
    const names = stages.map((s) => s.Name);
    expect(names.filter((n) => ['dev', 'staging', 'production'].includes(n))).toEqual(['dev', 'staging', 'production']);
    expect(names.indexOf('Build')).toBeLessThan(names.indexOf('dev'));
    for (const { name, account, region } of CONFIG.stages) {
      const deploys = (stage(name).Actions as Json[]).filter((a) => a.ActionTypeId.Category === 'Deploy');
      expect(deploys.length, name).toBe(2);
      for (const deploy of deploys) {
        expect(deploy.Configuration.StackName).toBe(`${name}-Caseway`);
        // The stage account's bootstrap deploy role, in the stage's region.
        expect(JSON.stringify(deploy.RoleArn)).toContain(`:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${region}`);
        if (region !== CONFIG.region) expect(deploy.Region).toBe(region);
      }
    }
  });

  it('waits for a person before production, and only there', () => {
    const approvals = (name: string) => (stage(name).Actions as Json[]).filter((a) => a.ActionTypeId.Category === 'Approval');
    expect(approvals('dev')).toEqual([]);
    expect(approvals('staging')).toEqual([]);
    const [approval] = approvals('production');
    const firstDeploy = Math.min(
      ...(stage('production').Actions as Json[]).filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RunOrder as number),
    );
    expect(approval!.RunOrder).toBeLessThan(firstDeploy);
  });

  it('synthesizes with the pipeline app, whose cdk-nag fails the build on a finding', () => {
    const synth = (stage('Build').Actions as Json[]).find((a) => a.Name === 'Synth')!;
    const commands = buildSpecOf(synth).phases.build.commands as string[];
    expect(commands).toContain('npm run build:web');
    // Node 22, as package.json's engines ask, in the synth, self-mutation and smoke steps (the asset step's buildspec is a file of the assembly).
    const inline = Object.values(template.findResources('AWS::CodeBuild::Project'))
      .map((project) => project.Properties.Source.BuildSpec as string)
      .filter((spec) => spec.startsWith('{'));
    expect(inline).toHaveLength(2 + CONFIG.stages.length);
    for (const spec of inline) expect((JSON.parse(spec) as Json).phases.install['runtime-versions']).toEqual({ nodejs: 22 });
    const cdkSynth = commands.find((c) => c.startsWith('npx cdk synth'))!;
    expect(cdkSynth).toMatch(/^npx cdk synth -a "npx tsx bin\/pipeline\.ts" -c pipeline='/);
    // The same config, so self-mutation rebuilds this very pipeline.
    const quoted = cdkSynth.slice(cdkSynth.indexOf("pipeline='") + "pipeline='".length, -1).replace(/'\\''/g, "'");
    expect(parsePipelineConfig(quoted)).toEqual(parsePipelineConfig(CONFIG));
  });

  it("smoke-tests each stage after it deploys, against that stage's ApiUrl, signing in with the stage's secret", () => {
    for (const { name, smokeUserSecret } of CONFIG.stages) {
      const actions = stage(name).Actions as Json[];
      const smoke = actions.find((a) => a.Name === 'Smoke')!;
      expect(smoke.RunOrder).toBeGreaterThan(
        Math.max(...actions.filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RunOrder as number)),
      );
      const deployed = actions.find((a) => a.Namespace)!.Namespace as string;
      const variables = Object.fromEntries((JSON.parse(smoke.Configuration.EnvironmentVariables as string) as Json[]).map((v) => [v.name, v.value]));
      expect(variables).toMatchObject({
        API_URL: `#{${deployed}.ApiUrl}`,
        USER_POOL_ID: `#{${deployed}.UserPoolId}`,
        USER_POOL_CLIENT_ID: `#{${deployed}.UserPoolClientId}`,
      });
      const spec = buildSpecOf(smoke);
      expect(spec.phases.build.commands).toEqual(['npm run smoke -- --api "$API_URL" --user-pool "$USER_POOL_ID" --client "$USER_POOL_CLIENT_ID"']);
      const environment = projectOf(smoke).Properties.Environment.EnvironmentVariables as Json[] | undefined;
      const secrets = (environment ?? []).filter((v) => v.Type === 'SECRETS_MANAGER');
      // The step's role may read that one secret (in the pipeline account), and no other.
      const roleId = (projectOf(smoke).Properties.ServiceRole as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const secretReads = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
        .filter((st) => JSON.stringify(st.Action).includes('secretsmanager'));
      if (smokeUserSecret) {
        expect(secrets.map((v) => [v.Name, v.Value])).toEqual([
          ['SMOKE_USERNAME', `${smokeUserSecret}:username`],
          ['SMOKE_PASSWORD', `${smokeUserSecret}:password`],
        ]);
        expect(secretReads.map((st) => [st.Action, st.Resource])).toEqual([
          ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-west-1:000000000000:secret:${smokeUserSecret}-??????`],
        ]);
      } else {
        expect(secrets).toEqual([]);
        expect(secretReads).toEqual([]);
      }
    }
  });

  it('gives each stage its own settings: dev may be torn down, staging and production are protected', () => {
    const [dev, staging, production] = stack.stages;
    expect(dev!.stack.terminationProtection).toBe(false);
    expect(staging!.stack.terminationProtection).toBe(true);
    expect(production!.stack.terminationProtection).toBe(true);
    expect([production!.stack.account, production!.stack.region]).toEqual(['333333333333', 'eu-central-1']);
    expect(Template.fromStack(dev!.stack).findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' })).not.toEqual({});
    expect(Template.fromStack(production!.stack).findResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' })).not.toEqual({});
  });
});

describe('cdk-nag in the pipeline app', () => {
  it("fails the synth on a finding in a stage's stack and on a wildcard added to the pipeline, naming both", () => {
    const { app } = pipelineApp(CONFIG, {
      // An unencrypted bucket without access logs in dev's stack...
      configureStage: (stage) => {
        if (stage.stageName === 'dev') new s3.Bucket(stage.stack, 'Careless');
      },
      // ...and a step's own wildcard, which is not one of CDK Pipelines' known shapes.
      pipeline: (pipelineStack) => {
        const step = new CodeBuildStep('Extra', {
          commands: ['true'],
          rolePolicyStatements: [new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] })],
        });
        pipelineStack.pipeline.addWave('Checks', { post: [step] });
      },
    });
    let failure = '';
    try {
      app.synth();
    } catch (error) {
      failure = String(error);
    }
    expect(failure).toMatch(/^ValidationFailed:/);
    const report = JSON.parse(readReport(failure)) as Json;
    const found = (report.pluginReports as Json[]).flatMap((p) =>
      (p.violations as Json[]).flatMap((v) => (v.violatingConstructs as Json[]).map((c) => `${v.ruleName} ${c.constructPath}`)),
    );
    expect(found).toContain('AwsSolutions-S1 CasewayPipeline/dev/Caseway/Careless/Resource');
    expect(found.some((f) => f.startsWith('AwsSolutions-IAM5[Action::dynamodb:*] CasewayPipeline/Pipeline/'))).toBe(true);
    // Nothing else: CDK Pipelines' own findings stay acknowledged.
    expect(found.filter((f) => !f.includes('Careless') && !f.includes('dynamodb:*'))).toEqual([]);
  }, 240_000);
});

function readReport(failure: string): string {
  const path = failure.match(/found in: (\S+validation-report\.json)/)?.[1];
  if (!path) throw new Error(`no report named in ${failure}`);
  return readFileSync(path, 'utf8');
}

describe('the pipeline config', () => {
  const ROOT = join(import.meta.dirname, '../..');
  const withStage = (change: Json) => ({ ...CONFIG, stages: [{ ...CONFIG.stages[0], ...change }] });

  it.each<[string, unknown, RegExp]>([
    ['missing', undefined, /-c pipeline is required: a JSON object such as/],
    ['not JSON', '{account:', /-c pipeline must be JSON/],
    ['a short account', withStage({ account: '1234' }), /stages\.0\.account: an AWS account id is 12 digits/],
    ['a made-up region', withStage({ region: 'europe' }), /stages\.0\.region: an AWS region such as eu-west-1/],
    ['no stages', { ...CONFIG, stages: [] }, /stages: /],
    ['a stage twice', { ...CONFIG, stages: [CONFIG.stages[0], CONFIG.stages[0]] }, /stages: stage names must be unique/],
    ['a repo without owner', { ...CONFIG, source: { ...CONFIG.source, repo: 'caseway' } }, /source\.repo: owner\/name/],
    [
      'a connection that is not an ARN',
      { ...CONFIG, source: { ...CONFIG.source, connectionArn: 'github' } },
      /source\.connectionArn: a CodeConnections connection ARN/,
    ],
    ['an unknown field', withStage({ acount: '111111111111' }), /stages\.0: Unrecognized key: "acount"/],
    ['no pipeline account', { ...CONFIG, account: undefined }, /account: /],
  ])('refuses %s, naming the field', (_, config, message) => {
    expect(() => parsePipelineConfig(config === undefined ? undefined : typeof config === 'string' ? config : JSON.stringify(config))).toThrow(
      message,
    );
  });

  it('reads the branch as main when not given, and the approval as production only', () => {
    const config: PipelineConfig = parsePipelineConfig({ ...CONFIG, source: { ...CONFIG.source, branch: undefined } });
    expect(config.source.branch).toBe('main');
    expect(config.stages.map(needsApproval)).toEqual([false, false, true]);
    expect(needsApproval({ ...config.stages[1]!, approval: true })).toBe(true);
    expect(needsApproval({ ...config.stages[2]!, approval: false })).toBe(false);
  });

  it('stops bin/pipeline.ts with that message, before anything is synthesized', async () => {
    const run = promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['bin/pipeline.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ pipeline: JSON.stringify(withStage({ account: '1234' })) }) },
      timeout: 120_000,
    });
    await expect(run).rejects.toThrow(/-c pipeline is not a valid pipeline config:\n\s+stages\.0\.account: an AWS account id is 12 digits/);
  }, 120_000);
});
