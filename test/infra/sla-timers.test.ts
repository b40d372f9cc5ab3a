/**
 * SLA timers as the stack deploys them: a Standard state machine built from the
 * same ASL file the local platform runs, every `${...}` substituted, logging and
 * X-Ray on, its task function invoked by it alone; the arming consumer may start
 * and stop executions of this machine and nothing else. cdk-nag finds nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '#lib/constructs/case-store.js';
import { CasewayFunction, REPOSITORY_ROOT } from '#lib/constructs/caseway-function.js';
import { SlaTimers } from '#lib/constructs/sla-timers.js';
import { substitute, substitutionNames } from '#lib/local/step-functions.js';
import { eventRules } from '#topology/event-rules.js';
import { localSubstitutions, slaClockMachine } from '#topology/state-machines.js';
import {
  CDK_JSON_CONTEXT,
  nagFindings,
  newApp,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const aslText = readFileSync(join(REPOSITORY_ROOT, slaClockMachine.definition), 'utf8');

describe('the ASL file', () => {
  it('parses, and every ${...} in it has a substitution in both modes', () => {
    const names = substitutionNames(aslText);
    expect(names).toEqual(['SlaCheckFunctionArn']);
    const aws = Object.fromEntries(
      Object.values(slaClockMachine.tasks).map((t) => [t.substitution, 'arn:aws:lambda:eu-west-1:123456789012:function:x']),
    );
    for (const values of [aws, localSubstitutions(slaClockMachine)]) {
      const definition = JSON.parse(substitute(aslText, values)) as Json;
      expect(JSON.stringify(definition)).not.toContain('${');
      expect(definition.States[definition.StartAt]).toBeDefined();
    }
    expect(() => substitute(aslText, {})).toThrow(/SlaCheckFunctionArn/);
  });

  it('maps every Task state to a handler, and retries Lambda errors', () => {
    const definition = JSON.parse(aslText) as Json;
    const tasks = Object.entries(definition.States as Json).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(Object.keys(slaClockMachine.tasks).sort());
    for (const [, task] of tasks) {
      expect(task.Retry.flatMap((r: Json) => r.ErrorEquals)).toEqual(
        expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'States.TaskFailed']),
      );
    }
  });
});

describe('in the Caseway stack', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({}, { bundle: false });
  });
  afterAll(removeSynthOutput);

  const machine = (): Json => {
    const found = Object.values(resources(s.template, 'AWS::StepFunctions::StateMachine'));
    expect(found).toHaveLength(1);
    return found[0]!.Properties as Json;
  };

  it('is a Standard machine from the ASL file with the check function substituted, logged and traced', () => {
    const props = machine();
    expect(props.StateMachineType).toBe('STANDARD');
    // fromFile ships the file as an asset; CloudFormation fills the substitutions in at deploy time.
    expect(props.DefinitionS3Location).toMatchObject({ Bucket: expect.anything(), Key: expect.stringMatching(/\.json$/) });
    const staged = readdirSync(s.app.outdir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') && f.includes('asset.'));
    expect(staged.some((f) => readFileSync(join(s.app.outdir, f), 'utf8') === aslText)).toBe(true);
    expect(Object.keys(props.DefinitionSubstitutions)).toEqual(['SlaCheckFunctionArn']);
    expect(props.DefinitionSubstitutions.SlaCheckFunctionArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/CheckStepTask/), 'Arn'] });
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });

  it('lets the machine invoke the check function, which reads and writes the table', () => {
    const roleId = (machine().RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invoke = statementsOf(s.template, roleId).filter((st) => ([] as string[]).concat(st.Action).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toMatch(/CheckStepTask/);
    const fnId = Object.keys(resources(s.template, 'AWS::Lambda::Function')).find((id) => /CheckStepTask/.test(id))!;
    const actions = statementsOf(s.template, roleIdOf(s.template, fnId)).flatMap((st) => ([] as string[]).concat(st.Action));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem']));
    expect(actions.some((a) => a.startsWith('states:'))).toBe(false);
  });

  it('raises an alarm when a clock execution fails', () => {
    const alarms = Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'ExecutionsFailed');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({ Namespace: 'AWS/States', Threshold: 1 });
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(s.stack.caseway.slaTimers)).toEqual([]);
  });
});

describe('the arming consumer', () => {
  it("is registered on SLA and status events, and may start and stop this machine's executions only", () => {
    const rule = eventRules.find((r) => r.name === 'sla-timer-arming');
    expect(rule?.target.entry).toBe('functions/handlers/sla-arming.ts');
    expect(rule?.pattern).toEqual({ source: ['caseway.cases'], 'detail-type': [{ prefix: 'Sla' }, 'StatusChanged'] });

    const app = newApp({ ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] });
    const stack = new Stack(app, 'Arming');
    const store = new CaseStore(stack, 'Store', {});
    const timers = new SlaTimers(stack, 'Timers', { store });
    const arming = new CasewayFunction(stack, 'Arming', { entry: rule!.target.entry, description: rule!.description }).function;
    timers.grantTimers(arming);
    const template = Template.fromStack(stack);
    const fnId = Object.entries(resources(template, 'AWS::Lambda::Function')).find(([, f]) => f.Properties.Description === rule!.description)![0];
    const fn = resources(template, 'AWS::Lambda::Function')[fnId]!.Properties as Json;
    expect(fn.Environment.Variables.SLA_STATE_MACHINE_ARN).toEqual({ Ref: expect.stringMatching(/TimersSlaClock/) });
    const statements = statementsOf(template, roleIdOf(template, fnId)).filter((st) =>
      ([] as string[]).concat(st.Action).some((a) => a.startsWith('states:')),
    );
    expect(statements).toHaveLength(2);
    const start = statements.find((st) => ([] as string[]).concat(st.Action).includes('states:StartExecution'))!;
    expect(start.Resource).toEqual({ Ref: expect.stringMatching(/TimersSlaClock/) });
    const stop = statements.find((st) => ([] as string[]).concat(st.Action).includes('states:StopExecution'))!;
    expect(JSON.stringify(stop.Resource)).toMatch(/:execution:/);
    expect(JSON.stringify(stop.Resource)).toMatch(/TimersSlaClock.*Name/);
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('what the stack keeps when it is destroyed', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({}, { bundle: false });
  });

  // A retained resource outlives `cdk destroy`; a fixed name would make the next deployment of the same stack fail ("already exists").
  const NAME_PROPERTIES = ['LogGroupName', 'BucketName', 'TableName', 'QueueName', 'TopicName', 'StateMachineName', 'Name'];

  it('names nothing it retains with a name a later deployment would reuse', () => {
    const fixed = Object.entries(s.template.toJSON().Resources as Record<string, Json>)
      .filter(([, r]) => r.DeletionPolicy === 'Retain')
      .flatMap(([id, r]) =>
        NAME_PROPERTIES.filter((p) => r.Properties?.[p] !== undefined)
          // Named with the stack's own id (new each time the stack is created) is safe; anything else is not.
          .filter((p) => !JSON.stringify(r.Properties[p]).includes('AWS::StackId'))
          .map((p) => `${id}.${p} = ${JSON.stringify(r.Properties[p])}`),
      );
    expect(fixed).toEqual([]);
  });

  it("keeps the machine's log group under /aws/vendedlogs/states/, which keeps Step Functions' log resource policy small", () => {
    const group = Object.values(resources(s.template, 'AWS::Logs::LogGroup')).find((g) =>
      JSON.stringify(g.Properties.LogGroupName ?? '').includes('sla-clock'),
    )!;
    expect(JSON.stringify(group.Properties.LogGroupName)).toContain('/aws/vendedlogs/states/');
    expect((group as Json).DeletionPolicy).toBe('Retain');
  });
});
