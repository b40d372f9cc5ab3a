/**
 * The routing consumer (contract 3): domain events about cases arrive from the
 * bus; routing decides, re-decides or lets go, then offers what it can. At least
 * once: `detail.id` is marked handled in the transaction that handles it.
 */
import { auditClaims } from '#adapters/dynamodb/audit-claims.js';
import { processedEvents } from '#adapters/dynamodb/processed-events.js';
import { DomainEventDetailContract } from '#contracts/domain-events.js';
import { onEventBridge } from '#events/event-handler.js';
import { ROUTING_CONSUMER, onCaseEvent } from '#services/routing.js';

export const handler = onEventBridge({
  name: ROUTING_CONSUMER,
  detail: DomainEventDetailContract,
  claims: auditClaims,
  dedup: { key: (event) => event.detail.id, mark: 'in-transaction', marks: processedEvents, duplicate: undefined },
  work: (event) => onCaseEvent(event['detail-type'], event.detail),
});
