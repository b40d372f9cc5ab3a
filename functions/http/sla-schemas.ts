/** Request and response shapes of the SLA API: calendars, policies, entitlements, and the SLA state on a case. */
import * as z from 'zod';
import { CLOCKS, Slug } from '#core/case-type.js';
import { CalendarInputSchema, WEEKDAYS } from '#core/sla/calendar.js';
import { EntitlementInputSchema } from '#core/sla/policy.js';
import { SlaPolicyInputSchema } from '#core/sla/state.js';

export const CalendarParams = z.object({ calendarId: Slug }).strict();
export const PolicyParams = z.object({ policyId: Slug }).strict();
export const EntitlementParams = z
  .object({ entitlementId: z.string().regex(/^ENT-[0-9a-f-]{5,40}$/i, 'an entitlement id such as ENT-20261127-0a1b2c3d4e') })
  .strict();

export const CreateCalendarBody = CalendarInputSchema.extend({
  calendarId: Slug.meta({ description: 'The id policies name the calendar by.' }),
}).meta({ id: 'NewSlaCalendar' });
export const CalendarVersionBody = CalendarInputSchema.meta({ id: 'SlaCalendarVersion' });
const Published = { version: z.number().int().min(1), publishedAt: z.iso.datetime(), publishedBy: z.string() };
export const CalendarRecord = CalendarInputSchema.extend({ calendarId: Slug, ...Published }).meta({ id: 'SlaCalendar' });

export const CreatePolicyBody = SlaPolicyInputSchema.extend({ policyId: Slug.meta({ description: 'The id cases record the policy by.' }) }).meta({
  id: 'NewSlaPolicy',
});
export const PolicyVersionBody = SlaPolicyInputSchema.meta({ id: 'SlaPolicyVersion' });
export const PolicyRecord = SlaPolicyInputSchema.extend({ policyId: Slug, ...Published }).meta({ id: 'SlaPolicy' });

export const EntitlementBody = EntitlementInputSchema.meta({ id: 'NewEntitlement' });
export const EntitlementRecord = EntitlementInputSchema.extend({
  entitlementId: z.string(),
  consumed: z.number().int().min(0).meta({ description: 'Cases opened under it so far.' }),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
}).meta({ id: 'Entitlement' });

const Holder = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^#\s]+$/, 'must not contain "#" or whitespace');
export const EntitlementsQuery = z
  .object({ customerId: Holder.optional(), assetId: Holder.optional() })
  .strict()
  .refine((q) => q.customerId !== undefined || q.assetId !== undefined, { message: 'name customerId or assetId (or both)', path: ['customerId'] });

// ---------------------------------------------------------------- deadline preview

const PreviewInstant = z.iso.datetime({ offset: true });
const PolicyShape = SlaPolicyInputSchema.shape;

export const SlaPreviewPause = z
  .object({
    from: PreviewInstant,
    to: PreviewInstant,
    clocks: z.array(z.enum(CLOCKS)).min(1).max(CLOCKS.length).optional().meta({ description: 'The clocks that stand still; absent: every clock.' }),
  })
  .strict()
  .refine((p) => Date.parse(p.to) > Date.parse(p.from), { message: 'a pause ends after it starts', path: ['to'] })
  .meta({ id: 'SlaPreviewPause' });

/** A policy not yet published: what the preview needs of it. */
const InlinePolicy = z
  .object({
    name: PolicyShape.name.optional(),
    calendarId: Slug.optional(),
    targets: PolicyShape.targets,
    warningPercent: PolicyShape.warningPercent,
  })
  .strict()
  .meta({ id: 'SlaPreviewPolicy' });

export const SlaPreviewBody = z
  .object({
    policyId: Slug.optional().meta({ description: 'A published policy (its current version); or give `policy` inline.' }),
    policy: InlinePolicy.optional(),
    calendarId: Slug.optional().meta({
      description: "A published calendar (its current version); absent: the policy's calendar, or `calendar` inline.",
    }),
    calendar: CalendarInputSchema.optional(),
    start: PreviewInstant.meta({ description: 'When the clocks start (a case opened then).' }),
    pauses: z
      .array(SlaPreviewPause)
      .max(50)
      .default([])
      .meta({ description: 'Stretches in which clocks stand still, as waiting on the customer does.' }),
  })
  .strict()
  .refine((b) => (b.policyId === undefined) !== (b.policy === undefined), {
    message: 'name a policy by policyId or give one inline as policy: one of the two',
    path: ['policyId'],
  })
  .refine((b) => b.calendarId === undefined || b.calendar === undefined, {
    message: 'name a calendar by calendarId or give one inline as calendar, not both',
    path: ['calendarId'],
  })
  .meta({ id: 'SlaPreviewRequest' });
export type SlaPreviewBody = z.infer<typeof SlaPreviewBody>;

const ClockPreviewRecord = z
  .object({
    targetMinutes: z.number().int().meta({ description: 'Business minutes.' }),
    warnAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    pausedMinutes: z.number().meta({ description: 'Business minutes the pauses took out of this clock before its deadline.' }),
  })
  .meta({ id: 'SlaClockPreview' });

export const SlaPreviewRecord = z
  .object({
    policy: z.object({ policyId: z.string().nullable(), version: z.number().int().nullable(), name: z.string().nullable() }),
    calendar: z.object({ calendarId: z.string().nullable(), version: z.number().int().nullable(), name: z.string(), timeZone: z.string() }),
    start: z.iso.datetime(),
    warningPercent: z.number().int(),
    clocks: z.object({
      firstResponse: ClockPreviewRecord.optional(),
      nextResponse: ClockPreviewRecord.optional(),
      resolution: ClockPreviewRecord.optional(),
    }),
    days: z
      .array(
        z.object({
          date: z.iso.date(),
          weekday: z.enum(WEEKDAYS),
          periods: z.array(z.object({ start: z.string(), end: z.string() })),
          closed: z.object({ kind: z.enum(['closure', 'holiday']), name: z.string().nullable() }).nullable(),
          businessMinutes: z.number(),
        }),
      )
      .meta({
        description:
          "The calendar's reasoning: each day from the start to the last deadline, its working periods, why it is closed, the business minutes it gives.",
      }),
    daysTruncated: z.boolean(),
  })
  .meta({ id: 'SlaPreview' });
