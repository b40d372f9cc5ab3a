/**
 * The transactional outbox, made of the table itself: every committed write carries
 * an audit item, the stream delivers each inserted audit item to the publisher, and
 * the publisher puts the domain events on Caseway's own bus. A record the publisher
 * cannot deliver after its retries lands in a dead-letter queue that raises an alarm,
 * so a committed change is never dropped in silence.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { caseTable } from '#topology/table.js';
import type { CaseStore } from './case-store.js';
import { streamConsumer, type StreamConsumer } from './stream-consumer.js';
import { eventRules, type EventRuleSpec } from '#topology/event-rules.js';
import { EventConsumers } from './event-consumers.js';
import { busBinding, FunctionResources } from './function-resources.js';

export interface DomainEventsProps {
  /** The table whose stream feeds the outbox publisher. */
  readonly store: CaseStore;
  /**
   * Name of the custom event bus.
   * @default `caseway-<stack name>`
   */
  readonly eventBusName?: string;
  /**
   * How long the archive keeps events for replay, e.g. to rebuild a consumer.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * Retention of the publisher's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The rules on the bus and their consumers.
   * @default `eventRules` from functions/topology/event-rules.ts
   */
  readonly rules?: readonly EventRuleSpec[];
  /**
   * The stack's resources the functions' declarations draw grants and settings from; this adds the bus.
   * @default - made of `store`
   */
  readonly resources?: FunctionResources;
  /**
   * Settings every consumer gets beyond what its declaration brings: for an embedding app's own
   * rule targets (Caseway's own consumers need none).
   * @default - none
   */
  readonly consumerEnvironment?: Record<string, string>;
}

export class DomainEvents extends Construct {
  /** Caseway's event bus: domain events (`CaseCreated`, ...) from the outbox publisher. */
  readonly bus: events.EventBus;
  /** Every event on the bus, kept for replay. */
  readonly archive: events.Archive;
  /** Stream -> EventBridge. */
  readonly publisher: NodejsFunction;
  /** Stream batches the publisher gave up on (each message names a shard range, not the records). */
  readonly deadLetterQueue: sqs.Queue;
  /** Fires as soon as anything is in the dead-letter queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The publisher with its dead-letter queue and alarms. */
  readonly publisherStream: StreamConsumer;
  /** One rule, Lambda, DLQ and alarm per rule spec. */
  readonly consumers: EventConsumers;

  constructor(scope: Construct, id: string, props: DomainEventsProps) {
    super(scope, id);
    const { store } = props;

    const busName = props.eventBusName ?? `caseway-${Stack.of(this).stackName}`;
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: busName });
    this.archive = this.bus.archive('Archive', {
      description: 'Every Caseway domain event, for replay',
      // An archive needs a pattern; every event on this bus comes from this account.
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.archiveRetention ?? Duration.days(30),
    });

    const resources = props.resources ?? FunctionResources.of({ store });
    resources.provide('bus', busBinding(this.bus));

    const publisher = streamConsumer(this, 'Publisher', {
      store,
      function: 'outbox-publisher',
      resources,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      // Only new audit items, and offers made or ended, are outbox records; every other write would be a wasted invocation.
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { [caseTable.sortKey]: { S: lambda.FilterRule.beginsWith(caseTable.auditSortKeyPrefix) } } },
        }),
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.or('INSERT', 'REMOVE'),
          dynamodb: {
            Keys: {
              [caseTable.partitionKey]: { S: lambda.FilterRule.beginsWith(caseTable.offerItems.partitionKeyPrefix) },
              [caseTable.sortKey]: { S: lambda.FilterRule.beginsWith(caseTable.offerItems.sortKeyPrefix) },
            },
          },
        }),
      ],
      reportBatchItemFailures: true,
      consumerName: 'outbox',
      alarmDescription:
        'Outbox records could not be published: domain events are missing until the batch named in the message is replayed. The stream keeps records for 24 hours.',
    });
    this.publisherStream = publisher;
    this.publisher = publisher.function;
    this.deadLetterQueue = publisher.deadLetterQueue;
    this.deadLetterAlarm = publisher.deadLetterAlarm;

    this.consumers = new EventConsumers(this, 'Consumers', {
      store,
      bus: this.bus,
      busName,
      rules: props.rules ?? eventRules,
      resources,
      ...(props.consumerEnvironment ? { environment: props.consumerEnvironment } : {}),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
  }

  /** The Lambda of event consumer `name`, to grant it more than its table access. */
  consumerFunction(name: string): NodejsFunction {
    return this.consumers.consumerFunction(name);
  }

  /** The publisher's DLQ and iterator-age alarms and every consumer's DLQ alarm. */
  get alarms(): cloudwatch.Alarm[] {
    return [this.deadLetterAlarm, this.publisherStream.iteratorAgeAlarm, ...this.consumers.alarms];
  }
}
