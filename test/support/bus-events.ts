/**
 * Events as EventBridge hands them to a rule target, for tests that call a
 * consumer's handler themselves (the local bus builds its own the same way).
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { detailOf, type DomainEventDetail } from '#adapters/events.js';
import type { DomainEvent } from '#core/domain-events.js';

export function eventBridgeEvent<D extends string, T>(
  source: string,
  detailType: D,
  detail: T,
  options: { readonly id?: string; readonly time?: string } = {},
): EventBridgeEvent<D, T> {
  return {
    version: '0',
    // EventBridge's own id differs per delivery: consumers deduplicate on detail.id.
    id: options.id ?? randomUUID(),
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: options.time ?? new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** A domain event as the bus delivers it to a consumer. */
export const busEventOf = (event: DomainEvent, id?: string): EventBridgeEvent<string, DomainEventDetail> =>
  eventBridgeEvent(event.source, event.type, detailOf(event), { time: event.time, ...(id ? { id } : {}) });
