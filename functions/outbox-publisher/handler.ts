/**
 * The outbox publisher: DynamoDB stream -> domain events -> EventBridge. The CDK
 * event-source filter passes only inserted audit items. A failed record is
 * reported by sequence number, so Lambda retries from it (then, after its retry
 * budget, parks the batch on the DLQ): a committed change is never silently dropped.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AuditEvent } from '../core/case.js';
import { domainEventsOf } from '../core/domain-events.js';
import { AUDIT_PREFIX, withoutStorageAttributes } from '../adapters/dynamodb/keys.js';
import { EventBridgePublisher, eventBridgeClient, eventBusName, type EventPublisher } from '../adapters/events.js';
import { logger, tracer } from '../observability.js';

let publisher: EventPublisher | undefined;
// Same code in both modes: locally EVENTBRIDGE_ENDPOINT points the client at the stand-in bus.
const defaultPublisher = () => (publisher ??= new EventBridgePublisher(eventBusName(), tracer.captureAWSv3Client(eventBridgeClient())));

export async function publishStream(event: DynamoDBStreamEvent, target: EventPublisher): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || !String(image.sk?.S ?? '').startsWith(AUDIT_PREFIX)) continue;
    const audit = withoutStorageAttributes<AuditEvent>(unmarshall(image as Record<string, AttributeValue>));
    const failed = await target.publish(domainEventsOf(audit));
    if (failed.length > 0) {
      logger.warn('Events not accepted; the stream will redeliver from this record', { failed: failed.map((e) => e.id) });
      // Stream batches are ordered: report the first failure and Lambda resumes from it.
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => publishStream(event, defaultPublisher());
