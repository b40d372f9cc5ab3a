/** Request and response shapes of the SLA API: calendars, policies, entitlements, and the SLA state on a case. */
import * as z from 'zod';
import { Slug } from '../core/case-type.js';
import { CalendarInputSchema } from '../core/sla/calendar.js';
import { EntitlementInputSchema } from '../core/sla/policy.js';
import { CLOCK_STATUSES, SlaPolicyInputSchema } from '../core/sla/state.js';

export const CalendarParams = z.object({ calendarId: Slug }).strict();
export const PolicyParams = z.object({ policyId: Slug }).strict();
export const EntitlementParams = z.object({ entitlementId: z.string().regex(/^ENT-[0-9a-f-]{5,40}$/i, 'an entitlement id such as ENT-20261127-0a1b2c3d4e') }).strict();

export const CreateCalendarBody = CalendarInputSchema.extend({ calendarId: Slug.meta({ description: 'The id policies name the calendar by.' }) }).meta({ id: 'NewSlaCalendar' });
export const CalendarVersionBody = CalendarInputSchema.meta({ id: 'SlaCalendarVersion' });
const Published = { version: z.number().int().min(1), publishedAt: z.iso.datetime(), publishedBy: z.string() };
export const CalendarRecord = CalendarInputSchema.extend({ calendarId: Slug, ...Published }).meta({ id: 'SlaCalendar' });

export const CreatePolicyBody = SlaPolicyInputSchema.extend({ policyId: Slug.meta({ description: 'The id cases record the policy by.' }) }).meta({ id: 'NewSlaPolicy' });
export const PolicyVersionBody = SlaPolicyInputSchema.meta({ id: 'SlaPolicyVersion' });
export const PolicyRecord = SlaPolicyInputSchema.extend({ policyId: Slug, ...Published }).meta({ id: 'SlaPolicy' });

export const EntitlementBody = EntitlementInputSchema.meta({ id: 'NewEntitlement' });
export const EntitlementRecord = EntitlementInputSchema.extend({
  entitlementId: z.string(),
  consumed: z.number().int().min(0).meta({ description: 'Cases opened under it so far.' }),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
}).meta({ id: 'Entitlement' });

const Holder = z.string().trim().min(1).max(200).regex(/^[^#\s]+$/, 'must not contain "#" or whitespace');
export const EntitlementsQuery = z
  .object({ customerId: Holder.optional(), assetId: Holder.optional() })
  .strict()
  .refine((q) => q.customerId !== undefined || q.assetId !== undefined, { message: 'name customerId or assetId (or both)', path: ['customerId'] });

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
