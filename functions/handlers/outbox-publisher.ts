/**
 * The outbox publisher: DynamoDB stream -> domain events -> EventBridge. The CDK
 * event-source filter passes only inserted audit items, and inserted and removed offers
 * (published as `CaseOffered` and `OfferClosed`, for the offered agent's live feed). A failed record is
 * reported by sequence number, so Lambda retries from it (then, after its retry
 * budget, parks the batch on the DLQ): a committed change is never silently dropped.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { AuditEvent } from '#core/audit-event.js';
import { EVENT_SOURCE, domainEventsOf } from '#core/domain-events.js';
import { CASE_OFFERED, OFFER_CLOSED, type OfferDetail } from '#core/live.js';
import { caseTable } from '#topology/table.js';
import { AUDIT_PREFIX, withoutStorageAttributes } from '#adapters/dynamodb/keys.js';
import { EventBridgePublisher, eventBridgeClient, eventBusName, type EventPublisher, type PublishedEvent } from '#adapters/events.js';
import { onStream } from '#events/event-handler.js';
import { logger, tracer } from '../observability.js';

let publisher: EventPublisher | undefined;
// Same code in both modes: locally EVENTBRIDGE_ENDPOINT points the client at the stand-in bus.
const defaultPublisher = () => (publisher ??= new EventBridgePublisher(eventBusName(), tracer.captureAWSv3Client(eventBridgeClient())));

/** An inserted offer, as an event: its id is the offer's, which names the case and its routing version, so a re-offer is a new event. */
export function offerEventOf(offer: OfferDetail): PublishedEvent {
  const { offerId, caseId, agentId, queue, channel, offeredAt, deadline } = offer;
  return {
    id: `offer/${offerId}`,
    source: EVENT_SOURCE,
    type: CASE_OFFERED,
    time: offeredAt,
    caseId,
    detail: { offerId, caseId, agentId, queue, channel, offeredAt, deadline },
  };
}

/** A removed offer, as an event: however it ended, it is no longer open. One per offer (its id names it). */
export function offerClosedEventOf(offer: OfferDetail, closedAt: string): PublishedEvent {
  const opened = offerEventOf(offer);
  return { ...opened, id: `${opened.id}/closed`, type: OFFER_CLOSED, time: closedAt, detail: { ...opened.detail, closedAt } };
}

const isOfferItem = (image: Record<string, AttributeValue>) =>
  String(image.pk?.S ?? '').startsWith(caseTable.offerItems.partitionKeyPrefix) &&
  String(image.sk?.S ?? '').startsWith(caseTable.offerItems.sortKeyPrefix);

/** The events an inserted outbox item stands for: an audit item's domain events, an offer's CaseOffered; nothing for other items. */
function eventsOf(image: Record<string, AttributeValue>): PublishedEvent[] {
  const sk = String(image.sk?.S ?? '');
  if (sk.startsWith(AUDIT_PREFIX)) return domainEventsOf(withoutStorageAttributes<AuditEvent>(unmarshall(image)));
  if (isOfferItem(image)) return [offerEventOf(unmarshall(image) as OfferDetail)];
  return [];
}

/** The events a stream record stands for: an inserted item's, or a removed offer's OfferClosed (at the removal's time). */
function recordEvents(record: DynamoDBStreamEvent['Records'][number]): PublishedEvent[] {
  if (record.eventName === 'INSERT' && record.dynamodb?.NewImage) return eventsOf(record.dynamodb.NewImage as Record<string, AttributeValue>);
  const old = record.dynamodb?.OldImage as Record<string, AttributeValue> | undefined;
  if (record.eventName === 'REMOVE' && old && isOfferItem(old)) {
    const at = record.dynamodb?.ApproximateCreationDateTime;
    return [offerClosedEventOf(unmarshall(old) as OfferDetail, at ? new Date(at * 1000).toISOString() : new Date().toISOString())];
  }
  return [];
}

export async function publishStream(event: DynamoDBStreamEvent, target: EventPublisher): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const events = recordEvents(record);
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
