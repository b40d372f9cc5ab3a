/**
 * The outbox publisher: DynamoDB stream -> domain events -> EventBridge. The CDK
 * event-source filter passes only inserted audit items, and inserted offers
 * (published as `CaseOffered`, for the offered agent's live feed). A failed record is
 * reported by sequence number, so Lambda retries from it (then, after its retry
 * budget, parks the batch on the DLQ): a committed change is never silently dropped.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AuditEvent } from '../core/case.js';
import { EVENT_SOURCE, domainEventsOf } from '../core/domain-events.js';
import { CASE_OFFERED, type OfferDetail } from '../core/live.js';
import { caseTable } from '../../lib/topology/table.js';
import { AUDIT_PREFIX, withoutStorageAttributes } from '../adapters/dynamodb/keys.js';
import { EventBridgePublisher, eventBridgeClient, eventBusName, type EventPublisher, type PublishedEvent } from '../adapters/events.js';
import { onStream } from '../events/event-handler.js';
import { logger, tracer } from '../observability.js';

let publisher: EventPublisher | undefined;
// Same code in both modes: locally EVENTBRIDGE_ENDPOINT points the client at the stand-in bus.
const defaultPublisher = () => (publisher ??= new EventBridgePublisher(eventBusName(), tracer.captureAWSv3Client(eventBridgeClient())));

/** An inserted offer, as an event: its id is the offer's, which names the case and its routing version, so a re-offer is a new event. */
export function offerEventOf(offer: OfferDetail): PublishedEvent {
  const { offerId, caseId, agentId, queue, channel, offeredAt, deadline } = offer;
  return { id: `offer/${offerId}`, source: EVENT_SOURCE, type: CASE_OFFERED, time: offeredAt, caseId, detail: { offerId, caseId, agentId, queue, channel, offeredAt, deadline } };
}

/** The events an inserted outbox item stands for: an audit item's domain events, an offer's CaseOffered; nothing for other items. */
function eventsOf(image: Record<string, AttributeValue>): PublishedEvent[] {
  const sk = String(image.sk?.S ?? '');
  if (sk.startsWith(AUDIT_PREFIX)) return domainEventsOf(withoutStorageAttributes<AuditEvent>(unmarshall(image)));
  const offers = caseTable.offerItems;
  if (image.pk?.S === offers.partitionKey && sk.startsWith(offers.sortKeyPrefix)) return [offerEventOf(unmarshall(image) as OfferDetail)];
  return [];
}

export async function publishStream(event: DynamoDBStreamEvent, target: EventPublisher): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const events = eventsOf(image as Record<string, AttributeValue>);
    if (events.length === 0) continue;
    const failed = await target.publish(events);
    if (failed.length > 0) {
      logger.warn('Events not accepted; the stream will redeliver from this record', { failed: failed.map((e) => e.id) });
      // Stream batches are ordered: report the first failure and Lambda resumes from it.
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}

export const handler = onStream({
  name: 'outbox-publisher',
  dedup: { idempotent: 'a producer: each event keeps its stable id across republications, and consumers deduplicate on it' },
  work: (event) => publishStream(event, defaultPublisher()),
  summary: (response) => (response.batchItemFailures.length > 0 ? { resumeFrom: response.batchItemFailures } : undefined),
});
