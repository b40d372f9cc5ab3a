/**
 * The SLA clock state machine's Check task: validate what the machine passed and
 * let the service decide. Returns the next step (or `done`), which the machine
 * waits for; a thrown error is retried by the machine's Retry policy.
 */
import * as z from 'zod';
import { CLOCK_NAMES } from '../core/sla/state.js';
import type { NextStep } from '../core/sla/timer-steps.js';
import { checkTimer } from '../services/sla-timers.js';
import { logger } from '../observability.js';

const Instant = z.iso.datetime({ offset: true });

export const TimerInputSchema = z.object({
  caseId: z.string().min(1).max(100),
  clock: z.enum(CLOCK_NAMES),
  generation: z.number().int().min(0),
  next: z.object({ kind: z.enum(['warning', 'breach', 'escalation']), rung: z.number().int().min(0).max(100), at: Instant }),
});

export async function handler(event: unknown): Promise<NextStep> {
  const parsed = TimerInputSchema.safeParse(event);
  // A malformed input can never become valid by retrying: end this execution, loudly in the log.
  if (!parsed.success) {
    logger.error('SLA timer input is invalid; ending the execution', { issues: parsed.error.issues });
    return { done: true, reason: `invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const next = await checkTimer(parsed.data);
  logger.info('SLA timer checked', { caseId: parsed.data.caseId, clock: parsed.data.clock, generation: parsed.data.generation, step: parsed.data.next, next });
  return next;
}
