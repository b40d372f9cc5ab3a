/**
 * Arms and disarms SLA timers: on every SLA change of a case (and on status
 * changes, since resolving a case ends its ladder), start one execution per
 * running clock and stop those of earlier generations. It reconciles against the
 * case as stored, so a late, repeated or out-of-order event is harmless: starting
 * an execution by the same name twice is a no-op, and so is stopping one that ended.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import type { DomainEventDetail } from '../adapters/events.js';
import { timerStarter } from '../adapters/timers.js';
import { CLOCK_NAMES } from '../core/sla/state.js';
import { armCase } from '../services/sla-timers.js';
import { logger } from '../observability.js';

/** Events a clock's own execution writes and goes on from (a breach is not one: it arms the ladder). */
const OWN_EVENTS = new Set(['SlaWarning', 'SlaEscalated']);

const ClockRef = z.object({ status: z.string(), generation: z.number().int() }).loose();
const SlaBefore = z.object({ clocks: z.partialRecord(z.enum(CLOCK_NAMES), ClockRef) }).loose();
const Detail = z.object({
  id: z.string().min(1),
  caseId: z.string().min(1),
  changes: z.array(z.object({ field: z.string(), before: z.unknown() }).loose()).default([]),
}).loose();

export async function handler(event: EventBridgeEvent<string, DomainEventDetail>): Promise<void> {
  if (OWN_EVENTS.has(event['detail-type'])) return;
  const detail = Detail.safeParse(event.detail);
  if (!detail.success) {
    // Retrying cannot fix it; the rule's DLQ would only hold it. Say so and move on.
    logger.error('SLA arming: event detail is not a case event', { detailType: event['detail-type'], issues: detail.error.issues });
    return;
  }
  const before = SlaBefore.safeParse(detail.data.changes.find((c) => c.field === 'sla')?.before);
  const plan = await armCase(detail.data.caseId, before.success ? before.data.clocks : undefined, timerStarter());
  logger.info('SLA timers armed', { eventId: detail.data.id, caseId: detail.data.caseId, started: plan.start.map((s) => s.name), stopped: plan.stop });
}
