/**
 * Arms and disarms SLA timers: on every SLA change of a case (and on status
 * changes, since resolving a case ends its ladder), start one execution per
 * running clock and stop those of earlier generations. It reconciles against the
 * case as stored, so a late, repeated or out-of-order event is harmless: starting
 * an execution by the same name twice is a no-op, and so is stopping one that ended.
 */
import { auditClaims } from '#adapters/dynamodb/audit-claims.js';
import * as z from 'zod';
import { timerStarter } from '#adapters/timers.js';
import { DomainEventDetailContract } from '#contracts/domain-events.js';
import { CLOCK_NAMES } from '#core/sla/state.js';
import { onEventBridge } from '#events/event-handler.js';
import { armCase } from '#services/sla-timers.js';

/** Events a clock's own execution writes and goes on from (a breach is not one: it arms the ladder). */
const OWN_EVENTS = new Set(['SlaWarning', 'SlaEscalated']);

const ClockRef = z.object({ status: z.string(), generation: z.number().int() }).loose();
const SlaBefore = z.object({ clocks: z.partialRecord(z.enum(CLOCK_NAMES), ClockRef) }).loose();

export const handler = onEventBridge({
  name: 'sla-arming',
  detail: DomainEventDetailContract,
  claims: auditClaims,
  // Retrying cannot fix it; the rule's DLQ would only hold it. Say so and move on.
  onInvalid: { drop: () => undefined },
  dedup: {
    key: (event) => event.detail.id,
    idempotent:
      'it reconciles against the case as stored; starting an execution by the same name twice is a no-op, and so is stopping one that ended',
  },
  work: async (event) => {
    if (OWN_EVENTS.has(event['detail-type'])) return undefined;
    const before = SlaBefore.safeParse(event.detail.changes.find((c) => c.field === 'sla')?.before);
    return armCase(event.detail.caseId, before.success ? before.data.clocks : undefined, timerStarter());
  },
  summary: (plan) => (plan ? { started: plan.start.map((s) => s.name), stopped: plan.stop } : undefined),
});
