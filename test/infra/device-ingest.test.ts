/**
 * Device ingest as the stack deploys it: the IoT Core topic rule selecting the
 * signal topic into the proactive-case Lambda, its error action to the encrypted
 * dead-letter queue (also the Lambda's on-failure destination), an invoke
 * permission for that rule only, least-privilege roles, and no cdk-nag findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceIngest } from '#lib/constructs/device-ingest.js';
import { CaseStore } from '#lib/constructs/case-store.js';
import { Stack } from 'aws-cdk-lib';
import {
  actionsOf,
  functionIdByDescription,
  nagFindings,
  newApp,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthCaseway({}, { bundle: false });
});
afterAll(removeSynthOutput);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const DESCRIPTION = 'Device signals from the IoT Core rule: open, append to and resolve proactive cases';
const rule = (): Json => {
  const found = Object.values(resources(s.template, 'AWS::IoT::TopicRule'));
  expect(found).toHaveLength(1);
  return found[0]!.Properties.TopicRulePayload as Json;
};
const dlqId = () => {
  const sqsAction = rule().ErrorAction.Sqs as Json;
  return (sqsAction.QueueUrl as { Ref: string }).Ref;
};

describe('the topic rule', () => {
  it('selects the signal topic and invokes the proactive-case function', () => {
    const payload = rule();
    expect(payload).toMatchObject({ Sql: "SELECT * FROM 'caseway/devices/+/signals'", AwsIotSqlVersion: '2016-03-23', RuleDisabled: false });
    expect(payload.Actions).toHaveLength(1);
    expect(payload.Actions[0].Lambda.FunctionArn['Fn::GetAtt'][0]).toBe(functionIdByDescription(s.template, DESCRIPTION));
  });

  it('sends what it cannot deliver to a KMS-encrypted, TLS-only dead-letter queue through a role that may do only that', () => {
    const queue = resources(s.template, 'AWS::SQS::Queue')[dlqId()]!.Properties as Json;
    expect(queue.KmsMasterKeyId).toBeDefined();
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const queuePolicy = Object.values(resources(s.template, 'AWS::SQS::QueuePolicy')).find((p) =>
      (p.Properties.Queues as Json[]).some((q) => q.Ref === dlqId()),
    );
    expect(JSON.stringify(queuePolicy?.Properties.PolicyDocument)).toContain('aws:SecureTransport');

    const roleId = (rule().ErrorAction.Sqs.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = resources(s.template, 'AWS::IAM::Role')[roleId]!.Properties as Json;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'iot.amazonaws.com' });
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(actionsOf(statementsOf(s.template, roleId)).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sqs:SendMessage']);
  });
});

describe('the function', () => {
  const fnId = () => functionIdByDescription(s.template, DESCRIPTION);

  it('may be invoked by this rule in this account only', () => {
    const permissions = Object.values(resources(s.template, 'AWS::Lambda::Permission')).filter(
      (p) => (p.Properties.FunctionName as Json)['Fn::GetAtt']?.[0] === fnId(),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'iot.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect((permissions[0]!.Properties.SourceArn as Json)['Fn::GetAtt'][1]).toBe('Arn');
  });

  it('retries twice, then parks the signal in the same dead-letter queue', () => {
    const configs = Object.values(resources(s.template, 'AWS::Lambda::EventInvokeConfig')).filter(
      (c) => c.Properties.FunctionName && JSON.stringify(c.Properties.FunctionName).includes(fnId()),
    );
    expect(configs).toHaveLength(1);
    expect(configs[0]!.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
    });
  });

  it('reads and writes the case table and sends to its dead-letter queue, nothing else', () => {
    const actions = actionsOf(statementsOf(s.template, roleIdOf(s.template, fnId())));
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query', 'sqs:SendMessage']),
    );
    expect(actions.filter((a) => !/^(dynamodb|kms|sqs|xray|logs):/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
  });
});

describe('cdk-nag', () => {
  it('finds nothing under Devices', () => {
    expect(nagFindings(s.stack.caseway.devices)).toEqual([]);
  });

  it('refuses a topic filter that would break out of the rule SQL', () => {
    const stack = new Stack(newApp(), 'Bad');
    const store = new CaseStore(stack, 'Store', {});
    expect(() => new DeviceIngest(stack, 'Devices', { store, topicFilter: "x' OR 1=1" })).toThrow(/topic filter/);
  });
});
