/**
 * The SLA clock state machine's Check task: validate what the machine passed and
 * let the service decide. Returns the next step (or `done`), which the machine
 * waits for; a thrown error is retried by the machine's Retry policy. A breach it
 * commits is counted (`SlaBreaches`, namespace Caseway).
 */
import { TimerInputSchema } from '#contracts/sla-timer.js';
import type { NextStep } from '#core/sla/timer-steps.js';
import { onInvoke } from '#events/event-handler.js';
import { checkTimer } from '#services/sla-timers.js';
import { SLA_BREACHES } from '#topology/metrics.js';

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
  // Counted where the breach commits, once per breach however often the timer fires: the stack alarms on its rate.
  work: (input, _context, meter) => checkTimer(input, (kind) => kind === 'breach' && meter.count(SLA_BREACHES.metricName)),
  summary: (next, input) => ({ caseId: input.caseId, clock: input.clock, generation: input.generation, step: input.next, next }),
});
