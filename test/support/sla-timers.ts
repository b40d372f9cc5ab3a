/**
 * Test support for SLA timers on the local platform.
 *
 * - `LONDON_OFFICE` and `policyBody`: what the tests publish over the SLA admin API.
 * - `deliver`: stands in for the outbox + bus until the `events` work lands on
 *   this branch: every new audit event of the tracked cases becomes its domain
 *   events (the outbox's own `domainEventsOf`), and those the arming rule's
 *   pattern matches go to the arming handler as EventBridge events.
 * - `advanceTo`: moves the platform's clock and runs until quiet: due timers
 *   fire, their events are delivered, the executions they arm run.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEventDetail } from '#adapters/events.js';
import { withoutStorageAttributes } from '#adapters/dynamodb/keys.js';
import type { AuditEvent } from '#core/audit-event.js';
import { domainEventsOf } from '#core/domain-events.js';
import type { CalendarRules } from '#core/sla/calendar.js';
import { eventRules } from '#topology/event-rules.js';
import type { TestPlatform } from './platform.js';
import { busEventOf } from './bus-events.js';
import { matchesPattern } from '#lib/local/event-pattern.js';

/** Weekdays 09:00 to 17:00 in London, English bank holidays off. */
export const LONDON_OFFICE: CalendarRules & { calendarId: string } = {
  calendarId: 'london-office',
  timeZone: 'Europe/London',
  week: {
    mon: [{ start: '09:00', end: '17:00' }],
    tue: [{ start: '09:00', end: '17:00' }],
    wed: [{ start: '09:00', end: '17:00' }],
    thu: [{ start: '09:00', end: '17:00' }],
    fri: [{ start: '09:00', end: '17:00' }],
    sat: [],
    sun: [],
  },
  holidays: { country: 'GB', region: 'ENG', types: ['public', 'bank'] },
  closures: [],
};

/** A policy as the admin API takes it, on the London calendar. */
export const policyBody = (policyId: string, input: Record<string, unknown>) => ({
  policyId,
  name: policyId,
  calendarId: LONDON_OFFICE.calendarId,
  warningPercent: 75,
  ...input,
});

export class SlaHarness {
  private readonly delivered = new Set<string>();
  private readonly cases = new Set<string>();
  /** Every EventBridge event handed to the arming consumer, in order. */
  readonly armingEvents: EventBridgeEvent<string, DomainEventDetail>[] = [];

  constructor(private readonly platform: TestPlatform) {}

  /** Deliver this case's events from now on (and those it already has). */
  track(caseId: string): void {
    this.cases.add(caseId);
  }

  async trail(caseId: string): Promise<AuditEvent[]> {
    const out = await this.platform.dynamodb.client.send(
      new QueryCommand({
        TableName: this.platform.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => withoutStorageAttributes<AuditEvent>(item));
  }

  /** Deliver every new event of the tracked cases that the arming rule matches; true if any was. */
  async deliver(): Promise<boolean> {
    const rule = eventRules.find((r) => r.name === 'sla-timer-arming')!;
    let any = false;
    for (const caseId of this.cases) {
      for (const audit of await this.trail(caseId)) {
        if (this.delivered.has(audit.eventId)) continue;
        this.delivered.add(audit.eventId);
        for (const event of domainEventsOf(audit)) {
          const bridged = busEventOf(event);
          if (!matchesPattern(rule.pattern, bridged)) continue;
          this.armingEvents.push(bridged);
          // Imported when first needed, as a cold start would: after the platform set the handlers' environment.
          const { handler } = await import('#handlers/sla-arming.js');
          await handler(bridged);
          any = true;
        }
      }
    }
    return any;
  }

  /** Run until quiet: executions held at a later instant, and no event left to deliver. */
  async settle(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      await this.platform.slaTimers.settled();
      if (!(await this.deliver())) return;
    }
    throw new Error('SLA timers did not settle after 50 rounds');
  }

  async advanceTo(instant: string): Promise<void> {
    if (!this.platform.clock) throw new Error('This process installed its own clock: move that one instead.');
    this.platform.clock.set(new Date(instant));
    await this.settle();
  }
}

/** The subset of EventBridge pattern matching the arming rule uses: exact strings and prefixes. */
