/**
 * The SLA clock state machine's Check task: validate what the machine passed and
 * let the service decide. Returns the next step (or `done`), which the machine
 * waits for; a thrown error is retried by the machine's Retry policy.
 */
import { TimerInputSchema } from '#contracts/sla-timer.js';
import type { NextStep } from '#core/sla/timer-steps.js';
import { onInvoke } from '#events/event-handler.js';
import { checkTimer } from '#services/sla-timers.js';

export const handler = onInvoke({
  name: 'sla-timer',
  input: TimerInputSchema,
  field: 'input',
  // A malformed input can never become valid by retrying: end this execution, loudly in the log.
  onInvalid: {
    drop: (issues): NextStep => ({
      done: true,
      reason: `invalid input: ${issues.map((i) => `${i.field.replace(/^input\.?/, '')}: ${i.message}`).join('; ')}`,
    }),
  },
  dedup: { idempotent: 'a check re-reads the case and acts only if the clock is still at the generation that armed it' },
  work: (input) => checkTimer(input),
  summary: (next, input) => ({ caseId: input.caseId, clock: input.clock, generation: input.generation, step: input.next, next }),
});
