/**
 * The routing consumer (contract 3): domain events about cases arrive from the
 * bus; routing decides, re-decides or lets go, then offers what it can. At least
 * once: `detail.id` marks each event handled in the transaction that handles it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEventDetail } from '../adapters/events.js';
import { logger } from '../observability.js';
import { onCaseEvent } from '../services/routing.js';

export async function handler(event: EventBridgeEvent<string, DomainEventDetail>): Promise<void> {
  logger.appendKeys({ caseId: event.detail.caseId, eventId: event.detail.id });
  await onCaseEvent(event['detail-type'], event.detail);
}
