/**
 * Where domain events go: EventBridge, at its regional endpoint in AWS and at the
 * local stand-in's PutEvents endpoint locally (`EVENTBRIDGE_ENDPOINT`), so the
 * publisher is the same code in both modes.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { claimCheckedText } from '#core/claim-check.js';
import type { DomainEvent } from '#core/domain-events.js';
import { CLAIM_CHECK_BYTES, putEventsBatches } from '#core/event-size.js';
import { eventsConfig } from '../config.js';
import type { DomainEventDetail } from '#contracts/domain-events.js';

export type { DomainEventDetail };

/** The EventBridge client: the regional endpoint in AWS, the local stand-in's when `EVENTBRIDGE_ENDPOINT` is set. */
export function eventBridgeClient(): EventBridgeClient {
  const { EVENTBRIDGE_ENDPOINT } = eventsConfig();
  return new EventBridgeClient(EVENTBRIDGE_ENDPOINT ? { endpoint: EVENTBRIDGE_ENDPOINT } : {});
}

/** Caseway's bus, from configuration. */
export function eventBusName(): string {
  const { EVENT_BUS_NAME } = eventsConfig();
  if (!EVENT_BUS_NAME) throw new Error('Caseway configuration is invalid: EVENT_BUS_NAME: required to put events');
  return EVENT_BUS_NAME;
}

/** What goes on the bus: a domain event of a case's history, or one published from another outbox item (an offer). */
export type PublishedEvent = Omit<DomainEvent, 'detail'> & { readonly detail: object };

export interface EventPublisher {
  /** Publish; returns the events that could not be delivered, so the caller can retry just those. */
  publish(events: readonly PublishedEvent[]): Promise<PublishedEvent[]>;
}

export function detailOf(event: DomainEvent): DomainEventDetail;
export function detailOf(event: PublishedEvent): object;
export function detailOf(event: PublishedEvent): object {
  return { ...event.detail, id: event.id, ...(event.effect ? { effect: event.effect } : {}) };
}

/** The entry of one event; a large audit event goes as its claim check (core/claim-check.ts). */
export const toPutEventsEntry = (event: PublishedEvent, busName: string): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: event.source,
  DetailType: event.type,
  Time: new Date(event.time),
  Resources: [],
  Detail: claimCheckedText(detailOf(event), CLAIM_CHECK_BYTES),
});

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = eventBridgeClient(),
  ) {}

  async publish(events: readonly PublishedEvent[]): Promise<PublishedEvent[]> {
    const failed: PublishedEvent[] = [];
    // Calls of at most ten entries under 256 KB together: one audit change makes several events that repeat its detail.
    const entries = events.map((event) => ({ event, ...toPutEventsEntry(event, this.busName) }));
    for (const batch of putEventsBatches(entries)) {
      const out = await this.client.send(new PutEventsCommand({ Entries: batch.map(({ event: _event, ...entry }) => entry) }));
      // Entries answer in request order; an ErrorCode marks the ones EventBridge did not take.
      (out.Entries ?? []).forEach((entry, index) => {
        if (entry.ErrorCode) failed.push(batch[index]!.event);
      });
    }
    return failed;
  }
}
