/**
 * The transactional outbox, made of the table itself: every committed write carries
 * an audit item, the stream delivers each inserted audit item to the publisher, and
 * the publisher puts the domain events on Caseway's own bus. A record the publisher
 * cannot deliver after its retries lands in a dead-letter queue that raises an alarm,
 * so a committed change is never dropped in silence.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { caseTable } from '../topology/table.js';
import type { CaseStore } from './case-store.js';
import { CasewayFunction } from './caseway-function.js';

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

  constructor(scope: Construct, id: string, props: DomainEventsProps) {
    super(scope, id);
    const { store } = props;

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.eventBusName ?? `caseway-${Stack.of(this).stackName}`,
    });
    this.archive = this.bus.archive('Archive', {
      description: 'Every Caseway domain event, for replay',
      // An archive needs a pattern; every event on this bus comes from this account.
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.archiveRetention ?? Duration.days(30),
    });

    // Failure records name shard ranges of the case stream rather than carry items, but
    // they are still about case data: one key, one key policy, for everything about cases.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: store.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the on-failure destination of the outbox stream mapping (cdk-nag only recognises SQS redrive policies and Lambda DLQs as DLQ use).',
    });

    const publisher = new CasewayFunction(this, 'Publisher', {
      entry: 'functions/outbox-publisher/handler.ts',
      description: 'Outbox publisher: audit items from the case table stream -> domain events on EventBridge',
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      environment: { EVENT_BUS_NAME: this.bus.eventBusName },
    });
    this.publisher = publisher.function;
    this.bus.grantPutEventsTo(this.publisher);

    this.publisher.addEventSource(
      new DynamoEventSource(store.table, {
        // From the oldest record still in the stream: after an outage, nothing is skipped.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.days(1),
        onFailure: new EncryptedSqsDlq(this.deadLetterQueue, store.key),
        // Only new audit items are outbox records; every other write would be a wasted invocation.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { [caseTable.sortKey]: { S: lambda.FilterRule.beginsWith(caseTable.auditSortKeyPrefix) } } },
          }),
        ],
      }),
    );
    Validations.of(publisher.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Reading the stream needs dynamodb:ListStreams, which does not support resource-level permissions (IAM only accepts Resource \"*\"); the reads themselves (DescribeStream, GetRecords, GetShardIterator) are limited to this table's stream ARN.",
    });

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(this, 'DeadLetterAlarm', {
        alarmDescription:
          'Outbox records could not be published: domain events are missing until the batch named in the message is replayed. The stream keeps records for 24 hours.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }
}

/**
 * `SqsDlq` with the permissions spelled out. The stock one grants the key's whole
 * encrypt/decrypt set (`kms:ReEncrypt*`, `kms:GenerateDataKey*`); sending to an
 * encrypted queue needs only a data key and the right to use it.
 */
export class EncryptedSqsDlq implements lambda.IEventSourceDlq {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    const grantee: iam.IGrantable = targetHandler;
    this.queue.grant(grantee, 'sqs:SendMessage');
    this.key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
    return { destination: this.queue.queueArn };
  }
}
