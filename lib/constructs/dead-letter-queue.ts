/**
 * The dead-letter queue every Caseway consumer parks its failures on: encrypted with
 * the case key (what it holds is about cases), TLS only, kept 14 days. cdk-nag only
 * recognises SQS redrive policies and Lambda DLQs as dead-letter use, so the queue
 * says what it is the dead-letter queue of.
 */
import { Duration, Validations } from 'aws-cdk-lib';
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
