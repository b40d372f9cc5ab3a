/**
 * A stand-in for the bus delivering to the routing consumer, until the events
 * task's local bus lands: it reads each case's real audit events from DynamoDB
 * Local, turns them into domain events exactly as the outbox publisher does,
 * keeps those the `routing` rule's pattern selects, and calls the consumer's
 * handler with EventBridge-shaped events (at least once: `redeliver` repeats).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { listHistory } from '#adapters/dynamodb/case-repository.js';
import type { DomainEventDetail } from '#adapters/events.js';
import { domainEventsOf, type DomainEvent } from '#core/domain-events.js';
import { handler } from '#handlers/routing-consumer.js';
import { eventRules } from '#topology/event-rules.js';
import { busEventOf } from './bus-events.js';

const rule = eventRules.find((r) => r.name === 'routing')!;
const wanted = new Set((rule.pattern['detail-type'] as string[]) ?? []);
const sources = new Set((rule.pattern.source as string[]) ?? []);

export const toEventBridge = (event: DomainEvent, attempt = 0): EventBridgeEvent<string, DomainEventDetail> =>
  busEventOf(event, `${event.id}#${attempt}`);

/** Every routing-bound domain event of a case, oldest first. */
export async function routingEventsOf(caseId: string): Promise<DomainEvent[]> {
  const audits = (await listHistory(caseId, 1000)).items;
  return audits.flatMap(domainEventsOf).filter((e) => sources.has(e.source) && wanted.has(e.type));
}

export class RoutingBus {
  readonly delivered = new Set<string>();

  /** Deliver each case's events not delivered yet, in order per case; cases side by side. */
  async deliver(caseIds: readonly string[]): Promise<number> {
    const counts = await Promise.all(
      caseIds.map(async (caseId) => {
        let n = 0;
        for (const event of await routingEventsOf(caseId)) {
          if (this.delivered.has(event.id)) continue;
          this.delivered.add(event.id);
          await handler(toEventBridge(event));
          n++;
        }
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Deliver until nothing new appears (routing's own writes make events of their own). */
  async settle(caseIds: readonly string[]): Promise<void> {
    for (let round = 0; round < 20; round++) if ((await this.deliver(caseIds)) === 0) return;
    throw new Error('routing events did not settle');
  }

  /** Deliver an already delivered event again. */
  redeliver(event: DomainEvent): Promise<void> {
    return handler(toEventBridge(event, 1));
  }
}
