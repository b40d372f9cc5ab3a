/**
 * Where domain events go: EventBridge, at its regional endpoint in AWS and at the
 * local stand-in's PutEvents endpoint locally (`EVENTBRIDGE_ENDPOINT`), so the
 * publisher is the same code in both modes.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '#core/domain-events.js';
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

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_MAX = 10;

export const toPutEventsEntry = (event: PublishedEvent, busName: string): PutEventsRequestEntry => ({
  EventBusName: busName,
  Source: event.source,
  DetailType: event.type,
  Time: new Date(event.time),
  Resources: [],
  Detail: JSON.stringify(detailOf(event)),
});

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = eventBridgeClient(),
  ) {}

  async publish(events: readonly PublishedEvent[]): Promise<PublishedEvent[]> {
    const failed: PublishedEvent[] = [];
    for (let i = 0; i < events.length; i += PUT_EVENTS_MAX) {
      const chunk = events.slice(i, i + PUT_EVENTS_MAX);
      const out = await this.client.send(new PutEventsCommand({ Entries: chunk.map((e) => toPutEventsEntry(e, this.busName)) }));
      // Entries answer in request order; an ErrorCode marks the ones EventBridge did not take.
      (out.Entries ?? []).forEach((entry, index) => {
        if (entry.ErrorCode) failed.push(chunk[index]!);
      });
    }
    return failed;
  }
}
