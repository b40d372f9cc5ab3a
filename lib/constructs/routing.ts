/**
 * Routing's moving parts outside the API: the consumer of the `routing` event
 * rule (`lib/topology/event-rules.ts`) on Caseway's bus, and the sweep that a
 * schedule runs every minute to move what the clock moves (expired offers,
 * optional skills, overflow). Both write to the case table only; both retry and
 * then park what failed on a KMS-encrypted dead-letter queue whose first message
 * raises an alarm, so no routing event is dropped in silence.
 */
import { Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventRules, type EventPattern } from '../topology/event-rules.js';
import type { CaseStore } from './case-store.js';
import { CasewayFunction } from './caseway-function.js';

export const ROUTING_SWEEP = {
  entry: 'functions/routing-sweep/handler.ts',
  description: 'Routing sweep: expired offers back to their queue, overflow, optional skills, then offers',
};

export interface RoutingProps {
  readonly store: CaseStore;
  /** The bus the outbox publisher puts domain events on. */
  readonly bus: events.IEventBus;
  /**
   * How often the sweep runs: the resolution of offer timeouts, optional-skill waits and overflow.
   * @default Duration.minutes(1)
   */
  readonly sweepInterval?: Duration;
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** EventBridge's JSON pattern keys, as the CDK's EventPattern spells them. */
function cdkPattern(pattern: EventPattern): events.EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern as Record<string, string[]>;
  return { ...rest, ...(detailType ? { detailType } : {}) } as events.EventPattern;
}

export class Routing extends Construct {
  readonly consumer: NodejsFunction;
  readonly sweep: NodejsFunction;
  /** Routing events and sweeps that failed every retry. */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    const { store } = props;
    const spec = eventRules.find((rule) => rule.name === 'routing');
    if (!spec) throw new Error('lib/topology/event-rules.ts has no routing rule');

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: store.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue: the dead-letter target of the routing rule and of the sweep schedule (cdk-nag only recognises SQS redrive policies as DLQ use).',
    });
    // EventBridge delivers failed events to the queue itself, so it must be able to use the key, for this account's rules only.
    store.key.grant(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal('events.amazonaws.com'), { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } }),
      'kms:GenerateDataKey',
      'kms:Decrypt',
    );

    const logSettings = { logRetention: props.logRetention, logRemovalPolicy: props.logRemovalPolicy };
    const consumer = new CasewayFunction(this, 'Consumer', {
      entry: spec.target.entry,
      description: spec.description,
      environment: { TABLE_NAME: store.table.tableName },
      ...logSettings,
    });
    const sweep = new CasewayFunction(this, 'Sweep', {
      ...ROUTING_SWEEP,
      environment: { TABLE_NAME: store.table.tableName },
      ...logSettings,
    });
    for (const fn of [consumer, sweep]) store.grantReadWrite(fn.function);
    this.consumer = consumer.function;
    this.sweep = sweep.function;

    new events.Rule(this, 'Rule', {
      eventBus: props.bus,
      description: spec.description,
      eventPattern: cdkPattern(spec.pattern),
      targets: [new targets.LambdaFunction(this.consumer, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
    new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the routing sweep',
      schedule: events.Schedule.rate(props.sweepInterval ?? Duration.minutes(1)),
      // A late sweep is replaced by the next one: no point retrying for long.
      targets: [new targets.LambdaFunction(this.sweep, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'DeadLetterAlarm', {
        alarmDescription: 'A routing event or sweep failed every retry: the case named in the message was not routed; redrive it to the consumer after fixing the cause.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }
}
