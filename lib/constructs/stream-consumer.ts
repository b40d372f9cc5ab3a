/**
 * A Lambda fed by the case table's stream, as every stream consumer must be: from the
 * oldest record still held (nothing skipped after an outage), filtered so other writes
 * cost no invocation, retried and bisected, then parked on a KMS-encrypted dead-letter
 * queue whose first message raises an alarm; falling behind the stream raises another. The outbox publisher and the knowledge
 * indexer differ only in what they consume and what a lost batch means.
 *
 * A function rather than a construct so the resources keep the ids, and so the
 * logical ids, they have in their owning construct.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { caseDeadLetterQueue, firstDeadLetterAlarm } from './dead-letter-queue.js';
import type { CaseStore } from './case-store.js';
import { functionFor, type FunctionForProps, type FunctionRef } from './function-resources.js';

export interface StreamConsumerProps extends FunctionForProps {
  /** The consumer's declaration: its grants and settings derive from it. */
  readonly function: FunctionRef;
  readonly store: CaseStore;
  /** Only records these match invoke the function. */
  readonly filters: readonly Record<string, unknown>[];
  /** The handler reports the records it failed, so only those are retried. */
  readonly reportBatchItemFailures?: boolean;
  /** What the dead-letter queue is the on-failure destination of, for cdk-nag's acknowledgement. */
  readonly consumerName: string;
  /** What a message in the dead-letter queue means for the people on call. */
  readonly alarmDescription: string;
}

export interface StreamConsumer {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The consumer is falling behind the stream (`ITERATOR_AGE_ALARM`). */
  readonly iteratorAgeAlarm: cloudwatch.Alarm;
}

/**
 * How far behind the stream a consumer may fall before someone is told. The stream keeps a
 * record 24 hours (and the mapping gives up on one at `maxRecordAge`, a day): 15 minutes is
 * about 1 % of that, leaving almost the whole day to act before anything is lost. It is also
 * far above what a healthy consumer shows (seconds), or what a failing batch costs before it
 * is bisected and parked (10 retries, a few minutes), so it means the consumer is stuck or
 * cannot keep up: for the outbox, every domain event (SLA clocks, notifications, routing)
 * is that late.
 */
export const ITERATOR_AGE_ALARM = { threshold: Duration.minutes(15), period: Duration.minutes(5), evaluationPeriods: 2 } as const;

export function streamConsumer(scope: Construct, functionId: string, props: StreamConsumerProps): StreamConsumer {
  const { store, filters, reportBatchItemFailures, consumerName, alarmDescription, function: ref, ...functionProps } = props;
  // Failure records name shard ranges of the case stream rather than carry items, but
  // they are still about case data: one key, one key policy, for everything about cases.
  const deadLetterQueue = caseDeadLetterQueue(
    scope,
    'DeadLetterQueue',
    store.key,
    `the on-failure destination of the ${consumerName} stream mapping`,
  );

  const consumer = functionFor(scope, functionId, ref, functionProps);
  consumer.function.addEventSource(
    new DynamoEventSource(store.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      retryAttempts: 10,
      ...(reportBatchItemFailures ? { reportBatchItemFailures } : {}),
      maxRecordAge: Duration.days(1),
      onFailure: new EncryptedSqsDlq(deadLetterQueue, store.key),
      filters: [...filters],
    }),
  );
  Validations.of(consumer.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Reading the stream needs dynamodb:ListStreams, which does not support resource-level permissions (IAM only accepts Resource "*"); the reads themselves (DescribeStream, GetRecords, GetShardIterator) are limited to this table\'s stream ARN.',
  });

  const deadLetterAlarm = firstDeadLetterAlarm(scope, 'DeadLetterAlarm', deadLetterQueue, alarmDescription);
  const iteratorAgeAlarm = consumer.function
    .metric('IteratorAge', { period: ITERATOR_AGE_ALARM.period, statistic: cloudwatch.Stats.MAXIMUM })
    .createAlarm(scope, 'IteratorAgeAlarm', {
      alarmDescription: `The ${consumerName} is more than ${ITERATOR_AGE_ALARM.threshold.toMinutes()} minutes behind the case table's stream, which keeps records 24 hours: it is stuck or cannot keep up.`,
      threshold: ITERATOR_AGE_ALARM.threshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: ITERATOR_AGE_ALARM.evaluationPeriods,
      // No data means no batches: nothing to be behind on.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  return { function: consumer.function, role: consumer.role, deadLetterQueue, deadLetterAlarm, iteratorAgeAlarm };
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
