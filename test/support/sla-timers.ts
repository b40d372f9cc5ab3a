/**
 * Test support for SLA timers on the local platform.
 *
 * - `SlaPolicies`: the policies and calendar a test uses, installed as the
 *   process's `SlaRules` (the timers read them through that seam).
 * - `applySla`: stands in for sla-core's write paths until they land on this
 *   branch: sla-core's own pure functions (`openSla`, `slaOnTransition`,
 *   `slaOnPolicyChange`) decide the SLA change, committed as the `Sla*` audit
 *   event they name, with the case, in one transaction, as sla-core will.
 * - `deliver`: stands in for the outbox + bus until the `events` work lands:
 *   every new audit event of the tracked cases becomes its domain events
 *   (the outbox's own `domainEventsOf`), and those matching the arming rule's
 *   pattern go to the arming handler as EventBridge events.
 * - `advanceTo`: moves the platform's clock and runs until quiet: due timers
 *   fire, their events are delivered, the executions they arm run.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { detailOf, type DomainEventDetail } from '../../functions/adapters/events.js';
import { withoutStorageAttributes } from '../../functions/adapters/dynamodb/keys.js';
import { commitCases } from '../../functions/adapters/dynamodb/transactions.js';
import * as repo from '../../functions/adapters/dynamodb/case-repository.js';
import { useSlaRules } from '../../functions/adapters/sla-rules.js';
import { auditEvent, type AuditEvent } from '../../functions/core/case.js';
import type { StateCategory } from '../../functions/core/case-type.js';
import { domainEventsOf } from '../../functions/core/domain-events.js';
import type { CalendarRules } from '../../functions/core/sla/calendar.js';
import { openSla, slaOnPolicyChange, slaOnTransition, type SlaChange, type SlaSetup } from '../../functions/core/sla/case-sla.js';
import { DEFAULT_PAUSES, SlaPolicyInputSchema, type SlaPolicy, type SlaPolicyInput } from '../../functions/core/sla/state.js';
import { eventRules } from '../../lib/topology/event-rules.js';
import type { TestPlatform } from './platform.js';

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

export function policy(policyId: string, input: Partial<SlaPolicyInput> & Pick<SlaPolicyInput, 'targets'>): SlaPolicy {
  const parsed = SlaPolicyInputSchema.parse({ name: policyId, calendarId: LONDON_OFFICE.calendarId, pauses: DEFAULT_PAUSES, ...input });
  return { ...parsed, policyId, version: 1, publishedAt: '2026-01-01T00:00:00.000Z', publishedBy: 'test' };
}

/** Install these policies as the process's SLA rules. */
export function installPolicies(policies: readonly SlaPolicy[]): (policyId: string) => SlaSetup {
  const byId = new Map(policies.map((p) => [p.policyId, p]));
  const setupOf = (policyId: string): SlaSetup => {
    const found = byId.get(policyId);
    if (!found) throw new Error(`No policy ${policyId} in this test`);
    return { policy: found, calendar: LONDON_OFFICE };
  };
  useSlaRules({ setup: async (sla) => setupOf(sla.policyId) });
  return setupOf;
}

/** The support type's states, as far as SLA rules care. */
const SUPPORT_CATEGORIES: Record<string, StateCategory> = {
  new: 'active',
  in_review: 'active',
  waiting_on_customer: 'waiting',
  blocked: 'waiting',
  resolved: 'resolved',
  closed: 'closed',
};

const SLA_DRIVER = { sub: 'caseway-sla', name: 'SLA (test stand-in for sla-core)', roles: ['integration' as const] };

/** Commit an SLA change as sla-core does: one `Sla*` audit event with the case. */
async function commitSla(caseId: string, decide: (c: NonNullable<Awaited<ReturnType<typeof repo.getCase>>>) => SlaChange | undefined, now: string): Promise<SlaChange | undefined> {
  const stored = await repo.getCase(caseId);
  if (!stored) throw new Error(`No case ${caseId}`);
  const change = decide(stored);
  if (!change) return undefined;
  const version = stored.case.version + 1;
  const audit = auditEvent(caseId, stored.head, change.action, { caller: SLA_DRIVER, now, channel: 'api', correlationId: randomUUID() }, version, [{ field: 'sla', before: change.before, after: change.after }], {
    reason: change.notes.join('; '),
  });
  const outcome = await commitCases({ head: stored.head, audit, case: { next: { ...stored.case, sla: change.after, version, updatedAt: now }, expectedVersion: stored.case.version } });
  if (outcome !== 'written') throw new Error(`SLA change on ${caseId} lost a race`);
  return change;
}

export class SlaHarness {
  private readonly delivered = new Set<string>();
  private readonly cases = new Set<string>();
  /** Every EventBridge event handed to the arming consumer, in order. */
  readonly armingEvents: EventBridgeEvent<string, DomainEventDetail>[] = [];

  constructor(
    private readonly platform: TestPlatform,
    private readonly setupOf: (policyId: string) => SlaSetup,
  ) {}

  private now = () => this.platform.clock.now().toISOString();

  /** sla-core's create path: start the clocks of a new case under `policyId`. */
  async open(caseId: string, policyId: string): Promise<void> {
    this.cases.add(caseId);
    await commitSla(caseId, (s) => openSla(this.setupOf(policyId), null, { status: s.case.status, category: s.case.statusCategory }, this.now()), this.now());
    await this.settle();
  }

  /** sla-core's transition path: what the case's last transition did to its clocks. */
  async transitioned(caseId: string): Promise<SlaChange | undefined> {
    const trail = await this.trail(caseId);
    const last = [...trail].reverse().find((e) => e.action === 'Transitioned');
    if (!last?.transition) throw new Error(`Case ${caseId} has no transition`);
    const { from, to } = last.transition;
    const change = await commitSla(
      caseId,
      (s) => (s.case.sla ? slaOnTransition(s.case.sla, this.setupOf(s.case.sla.policyId), { status: from, category: SUPPORT_CATEGORIES[from]! }, { status: to, category: SUPPORT_CATEGORIES[to]! }, last.effects ?? [], last.at) : undefined),
      last.at,
    );
    await this.settle();
    return change;
  }

  /** sla-core's re-target path: the case now falls under `policyId` (its priority changed). */
  async policyChanged(caseId: string, policyId: string): Promise<SlaChange | undefined> {
    const change = await commitSla(caseId, (s) => (s.case.sla ? slaOnPolicyChange(s.case.sla, this.setupOf(policyId), { status: s.case.status, category: s.case.statusCategory }, this.now()) : undefined), this.now());
    await this.settle();
    return change;
  }

  /** Watch a case's events without opening its SLA here. */
  track(caseId: string): void {
    this.cases.add(caseId);
  }

  async trail(caseId: string): Promise<AuditEvent[]> {
    const out = await this.platform.dynamodb.client.send(
      new QueryCommand({ TableName: this.platform.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)', ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':audit': 'AUDIT#' }, ConsistentRead: true }),
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
          if (!matches(rule.pattern, event.source, event.type)) continue;
          const bridged: EventBridgeEvent<string, DomainEventDetail> = {
            version: '0',
            id: randomUUID(),
            'detail-type': event.type,
            source: event.source,
            account: '000000000000',
            time: event.time,
            region: 'us-east-1',
            resources: [],
            detail: detailOf(event),
          };
          this.armingEvents.push(bridged);
          // Imported when first needed, as a cold start would: after the platform set the handlers' environment.
          const { handler } = await import('../../functions/sla-arming/handler.js');
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
    this.platform.clock.set(new Date(instant));
    await this.settle();
  }
}

/** The subset of EventBridge pattern matching the arming rule uses: exact strings and prefixes. */
function matches(pattern: Readonly<Record<string, unknown>>, source: string, detailType: string): boolean {
  const ok = (wanted: unknown, value: string) =>
    Array.isArray(wanted) && wanted.some((w) => (typeof w === 'string' ? w === value : typeof w === 'object' && w !== null && 'prefix' in w && value.startsWith(String((w as { prefix: string }).prefix))));
  return ok(pattern.source, source) && ok(pattern['detail-type'], detailType);
}
