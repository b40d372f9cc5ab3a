/**
 * The SLA clock state machine's input, and its Check task's: what arming starts an
 * execution with (`services/sla-timers.ts`, `TimerInput`) and what the task
 * checks it received (`functions/sla-timer`).
 */
import * as z from 'zod';
import { CLOCK_NAMES } from '#core/sla/state.js';
import type { TimerInput } from '#core/sla/timer-steps.js';

const Instant = z.iso.datetime({ offset: true });

export const TimerInputSchema = z.object({
  caseId: z.string().min(1).max(100),
  clock: z.enum(CLOCK_NAMES),
  generation: z.number().int().min(0),
  next: z.object({ kind: z.enum(['warning', 'breach', 'escalation']), rung: z.number().int().min(0).max(100), at: Instant }),
});
// Fails to compile when the input arming produces and this contract part ways.
const _inputMatches: [z.infer<typeof TimerInputSchema>, TimerInput] = [{} as TimerInput, {} as z.infer<typeof TimerInputSchema>];
void _inputMatches;
