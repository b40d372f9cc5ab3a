/**
 * The SLA state on a case, as the case record carries it. Apart from ./sla-schemas.ts
 * because every handler that answers with a case needs this shape, and only the SLA
 * admin needs the calendar schemas, whose holiday check loads date-holidays' data
 * (about 1.4 MiB of a bundle).
 */
import * as z from 'zod';
import { CLOCK_STATUSES } from '#core/sla/state.js';

const Instant = z.iso.datetime().nullable();
export const ClockRecord = z
  .object({
    status: z.enum(CLOCK_STATUSES),
    targetMinutes: z.number().meta({ description: 'Business minutes.' }),
    elapsedMinutes: z.number().meta({ description: 'Business minutes counted before `runningSince`.' }),
    runningSince: Instant,
    warnAt: Instant,
    dueAt: Instant,
    metAt: Instant,
    breachedAt: Instant,
    generation: z.number().int().meta({ description: 'Bumps on every re-arm; timers carry it.' }),
  })
  .meta({ id: 'SlaClock' });

export const SlaRecord = z
  .object({
    policyId: z.string(),
    policyVersion: z.number().int(),
    calendarId: z.string(),
    entitlement: z.object({ id: z.string(), level: z.string() }).nullable(),
    clocks: z.object({ firstResponse: ClockRecord.optional(), nextResponse: ClockRecord.optional(), resolution: ClockRecord.optional() }),
    nextDueAt: Instant.meta({ description: 'Earliest deadline of a running clock.' }),
    escalationLevel: z.number().int().min(0),
  })
  .meta({ id: 'SlaState', description: 'SLA clocks under the policy chosen at create (staff; null for requesters and for cases no policy covers).' });
