/**
 * Routing as the stack deploys it: the consumer is one of the bus's rule targets
 * with exactly the topology's pattern (EventConsumers gives it retries and its
 * dead-letter queue), the sweep runs on a one-minute schedule, retried and then
 * parked on an encrypted dead-letter queue that alarms; both have read/write on the
 * case table and nothing else; and nothing under Routing is flagged by cdk-nag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_SWEEP } from '#lib/constructs/routing.js';
import { eventRules } from '#topology/event-rules.js';
import {
  actionsOf,
  functionIdByDescription,
  nagFindings,
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
const spec = eventRules.find((r) => r.name === 'routing')!;
const consumerId = () => functionIdByDescription(s.template, `Event consumer routing: ${spec.description}`);
const sweepId = () => functionIdByDescription(s.template, ROUTING_SWEEP.description);
const rules = () => Object.values(resources(s.template, 'AWS::Events::Rule')).map((r) => r.Properties as Json);
const routingQueueId = () => Object.keys(resources(s.template, 'AWS::SQS::Queue')).find((id) => id.includes('RoutingDeadLetterQueue'))!;

describe('the routing consumer', () => {
  it('is the target of exactly one rule on the domain bus, with the topology pattern, retried then dead-lettered', () => {
    const [busId] = Object.keys(resources(s.template, 'AWS::Events::EventBus'));
    const targeting = rules().filter((r) => JSON.stringify(r.Targets).includes(consumerId()));
    expect(targeting).toHaveLength(1);
    expect(targeting[0]).toMatchObject({
      EventBusName: { Ref: busId },
      EventPattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned'] },
      Targets: [{ Arn: { 'Fn::GetAtt': [consumerId(), 'Arn'] }, RetryPolicy: expect.anything(), DeadLetterConfig: expect.anything() }],
    });
  });

  it('the sweep runs every minute on the default bus, dead-lettered too', () => {
    const rule = rules().find((r) => r.ScheduleExpression)!;
    expect(rule).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      Targets: [{ Arn: { 'Fn::GetAtt': [sweepId(), 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [routingQueueId(), 'Arn'] } } }],
    });
    expect(rule.EventBusName).toBeUndefined();
  });

  it('both may read and write the case table and nothing beyond it and its key (and the consumer its dead-letter queue)', () => {
    for (const id of [consumerId(), sweepId()]) {
      const statements = statementsOf(s.template, roleIdOf(s.template, id));
      const actions = actionsOf(statements);
      const allowed = id === consumerId() ? ['dynamodb:', 'kms:', 'xray:', 'logs:', 'sqs:SendMessage'] : ['dynamodb:', 'kms:', 'xray:', 'logs:'];
      expect(actions.filter((a) => !allowed.some((prefix) => a.startsWith(prefix)))).toEqual([]);
      expect(actions).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:GetItem']),
      );
      expect(actions).not.toContain('dynamodb:Scan');
      expect(actions).not.toContain('dynamodb:DeleteTable');
      expect(resources(s.template, 'AWS::Lambda::Function')[id]!.Properties.Environment).toMatchObject({
        Variables: { TABLE_NAME: expect.anything() },
      });
    }
  });

  it('the dead-letter queue is KMS-encrypted, keeps messages 14 days, and alarms on the first one; EventBridge may use the key only for this account', () => {
    const queue = resources(s.template, 'AWS::SQS::Queue')[routingQueueId()]!.Properties as Json;
    expect(queue).toMatchObject({ KmsMasterKeyId: expect.anything(), MessageRetentionPeriod: 1_209_600 });
    const alarm = Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).find((a) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes(routingQueueId()),
    );
    expect(alarm?.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0 });
    const keyPolicy = Object.values(resources(s.template, 'AWS::KMS::Key'))[0]!.Properties.KeyPolicy as Json;
    expect(keyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'aws:SourceAccount': expect.anything() } },
      }),
    );
  });

  it('nothing under Routing is flagged by cdk-nag', () => {
    expect(nagFindings(s.app).filter((f) => f.includes('/Routing/'))).toEqual([]);
  });
});
