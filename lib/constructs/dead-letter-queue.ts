/**
 * The dead-letter queue every Caseway consumer parks its failures on: encrypted with
 * the case key (what it holds is about cases), TLS only, kept 14 days. cdk-nag only
 * recognises SQS redrive policies and Lambda DLQs as dead-letter use, so the queue
 * says what it is the dead-letter queue of; its alarm fires on the first message.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export function caseDeadLetterQueue(scope: Construct, id: string, key: kms.IKey, deadLetterOf: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter queue: ${deadLetterOf} (cdk-nag only recognises SQS redrive policies and Lambda DLQs as DLQ use).`,
  });
  return queue;
}

/** An alarm on the first message in a dead-letter queue: anything there is work that did not happen. */
export function firstDeadLetterAlarm(scope: Construct, id: string, queue: sqs.IQueue, alarmDescription: string): cloudwatch.Alarm {
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }).createAlarm(scope, id, {
    alarmDescription,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
