/**
 * Alarms act: every alarm of the deployment (nested stacks included) notifies one SNS
 * topic on ALARM and on OK, Caseway's own encrypted topic unless the deployer gives one;
 * every stream consumer is alarmed on falling behind, every dead-letter queue on what is
 * in it, SLA breaches on their rate; and one dashboard charts every function.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA_BREACHES } from '#topology/metrics.js';
import { DEPLOY_ENV, nagFindings, newApp, oneTemplate, removeSynthOutput, render, resources, synthCaseway, type Synthesized } from './synth.js';
import { CasewayStack } from '#lib/caseway-stack.js';

type Json = Record<string, unknown>;

let s: Synthesized;
beforeAll(() => {
  // The largest shape: inbound email adds a queue and a rule of its own.
  s = synthCaseway(
    { inboundEmail: { recipients: ['support@example.com'] }, alarmEmails: ['oncall@example.com'] },
    { bundle: false, env: DEPLOY_ENV },
  );
});
afterAll(removeSynthOutput);

const alarms = (syn: Synthesized) => Object.entries(resources(syn.template, 'AWS::CloudWatch::Alarm'));
const topicId = () => Object.keys(resources(s.template, 'AWS::SNS::Topic'))[0]!;

/** The alarms on `metricName` whose dimension `name` is `value` (a reference, once settled). */
function alarmsOn(metricName: string, name: string, value: unknown): string[] {
  return alarms(s)
    .filter(([, a]) => a.Properties.MetricName === metricName)
    .filter(([, a]) =>
      ((a.Properties.Dimensions ?? []) as { Name: string; Value: unknown }[]).some((d) => d.Name === name && render(d.Value) === render(value)),
    )
    .map(([id]) => id);
}

describe('the alarm topic', () => {
  it('is notified by every alarm of the deployment, on ALARM and on OK', () => {
    const all = alarms(s);
    expect(all.length).toBeGreaterThan(40);
    // From every template: the back end's dead-letter alarms reach the parent's topic through a parameter, settled here.
    for (const [id, alarm] of all) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId() }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: topicId() }]);
    }
    expect(s.stack.caseway.alarms.length).toBe(all.length);
  });

  it('is encrypted with a rotating key of its own that CloudWatch may use, refuses plain HTTP, and takes only this account’s alarms', () => {
    const [topic] = Object.values(resources(s.template, 'AWS::SNS::Topic'));
    const keyId = (topic!.Properties.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const key = resources(s.template, 'AWS::KMS::Key')[keyId]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect((key.Properties.KeyPolicy as { Statement: Json[] }).Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${DEPLOY_ENV.region}:${DEPLOY_ENV.account}:alarm:*` },
              StringEquals: { 'aws:SourceAccount': DEPLOY_ENV.account },
            },
          }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId() } });
  });

  it('is an output', () => {
    s.template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId() } });
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });

  it('is replaced by a topic the deployer gives, by object or by ARN, and other actions still run on ALARM', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:on-call';
    const byArn = synthCaseway({ alarmTopicArn: arn, console: false }, { bundle: false });
    expect(Object.keys(resources(byArn.template, 'AWS::SNS::Topic'))).toEqual([]);
    expect(Object.keys(resources(byArn.template, 'AWS::KMS::Key'))).not.toContainEqual(expect.stringMatching(/AlarmTopic/));
    for (const [id, alarm] of alarms(byArn)) {
      expect(alarm.Properties.AlarmActions, id).toEqual([arn]);
      expect(alarm.Properties.OKActions, id).toEqual([arn]);
    }
    byArn.template.hasOutput('AlarmTopicArn', { Value: arn });

    const app = newApp({ 'aws:cdk:bundling-stacks': [] });
    const theirs = sns.Topic.fromTopicArn(new Stack(app, 'OnCall'), 'Topic', arn);
    const pager = 'arn:aws:sns:eu-west-1:123456789012:pager';
    const stack = new CasewayStack(app, 'Caseway', {
      console: false,
      alarmTopic: theirs,
      alarmActions: [{ bind: () => ({ alarmActionArn: pager }) }],
    });
    const given = oneTemplate(stack).template;
    expect(Object.keys(resources(given, 'AWS::SNS::Topic'))).toEqual([]);
    const all = Object.entries(resources(given, 'AWS::CloudWatch::Alarm'));
    expect(all.length).toBe(stack.caseway.alarms.length);
    for (const [id, alarm] of all) {
      expect(alarm.Properties.AlarmActions, id).toEqual([arn, pager]);
      expect(alarm.Properties.OKActions, id).toEqual([arn]);
    }
  });

  it('refuses email subscriptions with a topic of the deployer’s own', () => {
    expect(() =>
      synthCaseway(
        { console: false, alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:on-call', alarmEmails: ['a@example.com'] },
        { bundle: false },
      ),
    ).toThrow(/alarmEmails subscribe to the topic Caseway creates/);
    expect(() => synthCaseway({ console: false, alarmEmails: ['not-an-address'] }, { bundle: false })).toThrow(
      /'not-an-address' is not an email address/,
    );
  });
});

describe('what is alarmed', () => {
  it('every stream consumer (each event source mapping) on falling behind', () => {
    const mappings = Object.values(resources(s.template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.length).toBeGreaterThanOrEqual(2);
    for (const mapping of mappings) {
      const fn = mapping.Properties.FunctionName;
      const found = alarmsOn('IteratorAge', 'FunctionName', fn);
      expect(found, render(fn)).toHaveLength(1);
      const alarm = resources(s.template, 'AWS::CloudWatch::Alarm')[found[0]!]!.Properties;
      expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', ComparisonOperator: 'GreaterThanThreshold' });
      // Behind by far less than the stream's 24 hours.
      expect(alarm.Threshold as number).toBeLessThanOrEqual(Duration.hours(1).toMilliseconds());
    }
  });

  it('every SQS queue (each one a dead-letter queue) on what is in it', () => {
    const queues = Object.keys(resources(s.template, 'AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThanOrEqual(10);
    for (const id of queues) {
      const found = alarms(s).filter(([, a]) =>
        ((a.Properties.Dimensions ?? []) as { Name: string; Value: unknown }[]).some(
          (d) => d.Name === 'QueueName' && JSON.stringify(d.Value) === JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] }),
        ),
      );
      expect(found.length, id).toBeGreaterThanOrEqual(1);
      expect(found[0]![1].Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('SLA breaches on their rate, from the metric the timer check publishes, with a threshold of the deployer’s choosing', () => {
    const breachAlarm = {
      Namespace: SLA_BREACHES.namespace,
      MetricName: SLA_BREACHES.metricName,
      Dimensions: [
        { Name: 'operation', Value: SLA_BREACHES.dimensions.operation },
        { Name: 'service', Value: SLA_BREACHES.dimensions.service },
      ],
      Statistic: 'Sum',
    };
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...breachAlarm, Period: 3600, Threshold: 10 });
    const tuned = synthCaseway({ console: false, slaBreachAlarm: { threshold: 3, period: Duration.minutes(15) } }, { bundle: false });
    tuned.template.hasResourceProperties('AWS::CloudWatch::Alarm', { ...breachAlarm, Period: 900, Threshold: 3 });
    expect(() => synthCaseway({ console: false, slaBreachAlarm: { threshold: 1.5 } }, { bundle: false })).toThrow(
      /slaBreaches.threshold must be a whole number/,
    );
  });
});

describe('the dashboard', () => {
  it('charts every function, stream, dead-letter queue, state machine and rule', () => {
    const dashboards = Object.values(resources(s.template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = render(dashboards[0]!.Properties.DashboardBody);
    const functions = Object.keys(resources(s.template, 'AWS::Lambda::Function'));
    const declared = s.stack.caseway.functionResources.functions;
    expect(declared.length).toBeGreaterThan(30);
    // Every function but CDK's own custom-resource providers (bucket deployment, log retention).
    for (const id of functions) {
      const described = String(resources(s.template, 'AWS::Lambda::Function')[id]!.Properties.Description ?? '');
      if (!described || /AWS CDK|custom resource|BucketDeployment/i.test(described)) continue;
      expect(body, id).toContain(`<${id}>`);
    }
    for (const id of Object.keys(resources(s.template, 'AWS::SQS::Queue'))) expect(body, id).toContain(`<${id}.QueueName>`);
    for (const id of Object.keys(resources(s.template, 'AWS::StepFunctions::StateMachine')))
      expect(body, id).toContain(`"StateMachineArn","<${id}>"`);
    for (const id of Object.keys(resources(s.template, 'AWS::Events::Rule'))) expect(body, id).toContain(`<${id}>`);
    for (const metric of ['IteratorAge', 'Throttles', 'Duration', '5xx', 'Latency', SLA_BREACHES.metricName, 'ExecutionsFailed', 'FailedInvocations'])
      expect(body).toContain(metric);
  });
});
