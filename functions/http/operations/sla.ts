/** OpenAPI descriptions of SLA configuration: business calendars, policies and entitlements. */
import * as z from 'zod';
import { json, type Operation } from './shared.js';
import { IfMatch } from '../schemas.js';
import {
  CalendarParams,
  CalendarRecord,
  CalendarVersionBody,
  CreateCalendarBody,
  CreatePolicyBody,
  EntitlementBody,
  EntitlementParams,
  EntitlementRecord,
  EntitlementsQuery,
  PolicyParams,
  PolicyRecord,
  PolicyVersionBody,
  SlaPreviewBody,
  SlaPreviewRecord,
} from '../sla-schemas.js';
import { VersionQuery } from '../workflow-schemas.js';

const itemsOf = (schema: z.ZodType, id: string) => z.object({ items: z.array(schema) }).meta({ id });
const Versioned = { ETag: 'The version, for If-Match when publishing the next one.' };
const PublishHeaders = z.object({ 'If-Match': IfMatch.optional() });

export const slaOperations: Record<string, Operation> = {
  'POST /sla/calendars': {
    operationId: 'createSlaCalendar',
    summary: 'Create a business calendar (admin): time zone, working periods per weekday, public holidays by country/region, closures',
    request: { body: { ...json(CreateCalendarBody), required: true } },
    ok: { status: 201, description: 'Version 1 of the calendar.', schema: CalendarRecord, headers: { ...Versioned, Location: 'URL of the calendar.' } },
    problems: [400, 401, 403, 409, 413, 415],
  },
  'GET /sla/calendars': {
    operationId: 'listSlaCalendars',
    summary: 'Current version of every business calendar (staff)',
    ok: { status: 200, description: 'The calendars.', schema: itemsOf(CalendarRecord, 'SlaCalendarList') },
    problems: [401, 403],
  },
  'GET /sla/calendars/{calendarId}': {
    operationId: 'getSlaCalendar',
    summary: 'A business calendar, current or a given version (staff)',
    request: { params: CalendarParams, query: VersionQuery },
    ok: { status: 200, description: 'The calendar.', schema: CalendarRecord, headers: Versioned },
    problems: [400, 401, 403, 404],
  },
  'POST /sla/calendars/{calendarId}/versions': {
    operationId: 'publishSlaCalendarVersion',
    summary: 'Publish the next version of a calendar (admin; optional If-Match with the version edited); running clocks use it from their next change',
    request: { params: CalendarParams, headers: PublishHeaders, body: { ...json(CalendarVersionBody), required: true } },
    ok: { status: 201, description: 'The new version.', schema: CalendarRecord, headers: { ...Versioned, Location: 'URL of the version.' } },
    problems: [400, 401, 403, 404, 412, 413, 415],
  },
  'GET /sla/calendars/{calendarId}/versions': {
    operationId: 'listSlaCalendarVersions',
    summary: 'Every version of a calendar, oldest first (staff)',
    request: { params: CalendarParams },
    ok: { status: 200, description: 'The versions.', schema: itemsOf(CalendarRecord, 'SlaCalendarVersionList') },
    problems: [400, 401, 403, 404],
  },
  'POST /sla/policies': {
    operationId: 'createSlaPolicy',
    summary:
      'Create an SLA policy (admin): targets per clock in business minutes, warning percent, pausing states, escalation ladder; matched by case type x priority x entitlement level, most specific wins',
    request: { body: { ...json(CreatePolicyBody), required: true } },
    ok: { status: 201, description: 'Version 1 of the policy.', schema: PolicyRecord, headers: { ...Versioned, Location: 'URL of the policy.' } },
    problems: [400, 401, 403, 409, 413, 415],
  },
  'GET /sla/policies': {
    operationId: 'listSlaPolicies',
    summary: 'Current version of every SLA policy (staff)',
    ok: { status: 200, description: 'The policies.', schema: itemsOf(PolicyRecord, 'SlaPolicyList') },
    problems: [401, 403],
  },
  'GET /sla/policies/{policyId}': {
    operationId: 'getSlaPolicy',
    summary: 'An SLA policy, current or a given version (staff)',
    request: { params: PolicyParams, query: VersionQuery },
    ok: { status: 200, description: 'The policy.', schema: PolicyRecord, headers: Versioned },
    problems: [400, 401, 403, 404],
  },
  'POST /sla/policies/{policyId}/versions': {
    operationId: 'publishSlaPolicyVersion',
    summary: 'Publish the next version of a policy (admin); a case under it re-targets its clocks at its next change, keeping elapsed time',
    request: { params: PolicyParams, headers: PublishHeaders, body: { ...json(PolicyVersionBody), required: true } },
    ok: { status: 201, description: 'The new version.', schema: PolicyRecord, headers: { ...Versioned, Location: 'URL of the version.' } },
    problems: [400, 401, 403, 404, 412, 413, 415],
  },
  'GET /sla/policies/{policyId}/versions': {
    operationId: 'listSlaPolicyVersions',
    summary: 'Every version of a policy, oldest first (staff)',
    request: { params: PolicyParams },
    ok: { status: 200, description: 'The versions.', schema: itemsOf(PolicyRecord, 'SlaPolicyVersionList') },
    problems: [400, 401, 403, 404],
  },
  'POST /sla/preview': {
    operationId: 'previewSlaDeadlines',
    summary:
      "When each clock of a policy warns and falls due for a case opened at a given instant, under a business calendar (published or inline), with optional pauses; and the calendar's day-by-day reasoning (staff; writes nothing)",
    request: { body: { ...json(SlaPreviewBody), required: true } },
    ok: { status: 200, description: 'The deadlines, as instants (UTC), and the days between.', schema: SlaPreviewRecord },
    problems: [400, 401, 403, 404, 413, 415],
  },
  'POST /entitlements': {
    operationId: 'grantEntitlement',
    summary: 'Grant an entitlement to a customer (requester id) or an asset (admin, supervisor): level, validity, optional case allowance',
    request: { body: { ...json(EntitlementBody), required: true } },
    ok: { status: 201, description: 'The entitlement.', schema: EntitlementRecord, headers: { Location: 'URL of the entitlement.' } },
    problems: [400, 401, 403, 409, 413, 415],
  },
  'GET /entitlements': {
    operationId: 'listEntitlements',
    summary: "A customer's or an asset's entitlements (staff), with how many cases each has used",
    request: { query: EntitlementsQuery },
    ok: { status: 200, description: 'The entitlements, the asset\'s first.', schema: itemsOf(EntitlementRecord, 'EntitlementList') },
    problems: [400, 401, 403],
  },
  'GET /entitlements/{entitlementId}': {
    operationId: 'getEntitlement',
    summary: 'One entitlement (staff)',
    request: { params: EntitlementParams },
    ok: { status: 200, description: 'The entitlement.', schema: EntitlementRecord },
    problems: [400, 401, 403, 404],
  },
};
