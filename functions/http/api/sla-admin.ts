/** SLA business calendars and policies (versioned), and entitlements: what the sla-admin handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
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
import { changeContextOf } from '../change-context.js';
import * as admin from '#services/sla-admin.js';

const etag = (version: number) => `"${version}"`;

const itemsOf = (schema: z.ZodType, id: string) => z.object({ items: z.array(schema) }).meta({ id });
const Versioned = { ETag: 'The version, for If-Match when publishing the next one.' };
const PublishHeaders = { 'If-Match': { schema: IfMatch } };

export const slaAdmin = {
  createSlaCalendar: operation({
    operationId: 'createSlaCalendar',
    method: 'POST',
    path: '/sla/calendars',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Create a business calendar (admin): time zone, working periods per weekday, public holidays by country/region, closures',
    description:
      'Who: admin. Create a business calendar (version 1): IANA zone, working periods per weekday, public holidays by country/region, closures; 409 if it exists.',
    body: CreateCalendarBody,
    responses: {
      201: { description: 'Version 1 of the calendar.', schema: CalendarRecord, headers: { ...Versioned, Location: 'URL of the calendar.' } },
    },
    problems: [400, 401, 403, 409, 413, 415],
    handle: async (request) => {
      const { calendarId, ...definition } = request.body;
      const created = await admin.createCalendar(calendarId, definition, changeContextOf(request));
      return { status: 201, body: created, headers: { location: `/sla/calendars/${calendarId}`, etag: etag(created.version) } };
    },
  }),
  listSlaCalendars: operation({
    operationId: 'listSlaCalendars',
    method: 'GET',
    path: '/sla/calendars',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Current version of every business calendar (staff)',
    description: 'Who: staff. The current version of each calendar.',
    responses: { 200: { description: 'The calendars.', schema: itemsOf(CalendarRecord, 'SlaCalendarList') } },
    problems: [401, 403],
    handle: async ({ caller }) => ({ status: 200, body: { items: await admin.listCalendars(caller) } }),
  }),
  getSlaCalendar: operation({
    operationId: 'getSlaCalendar',
    method: 'GET',
    path: '/sla/calendars/{calendarId}',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'A business calendar, current or a given version (staff)',
    description: 'Who: staff. One calendar (`?version=`, default current), `ETag` = version.',
    params: CalendarParams,
    query: VersionQuery,
    responses: { 200: { description: 'The calendar.', schema: CalendarRecord, headers: Versioned } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => {
      const calendar = await admin.getCalendar(params.calendarId, query.version, caller);
      return { status: 200, body: calendar, headers: { etag: etag(calendar.version) } };
    },
  }),
  publishSlaCalendarVersion: operation({
    operationId: 'publishSlaCalendarVersion',
    method: 'POST',
    path: '/sla/calendars/{calendarId}/versions',
    fn: 'sla-admin',
    auth: 'jwt',
    summary:
      'Publish the next version of a calendar (admin; optional If-Match with the version edited); running clocks use it from their next change',
    description: 'Who: admin. Publish the next version; `If-Match` optional (412 if stale).',
    params: CalendarParams,
    headers: PublishHeaders,
    body: CalendarVersionBody,
    responses: { 201: { description: 'The new version.', schema: CalendarRecord, headers: { ...Versioned, Location: 'URL of the version.' } } },
    problems: [400, 401, 403, 404, 412, 413, 415],
    handle: async (request) => {
      const published = await admin.publishCalendarVersion(
        request.params.calendarId,
        request.body,
        request.headers['if-match'],
        changeContextOf(request),
      );
      return {
        status: 201,
        body: published,
        headers: { location: `/sla/calendars/${published.calendarId}?version=${published.version}`, etag: etag(published.version) },
      };
    },
  }),
  listSlaCalendarVersions: operation({
    operationId: 'listSlaCalendarVersions',
    method: 'GET',
    path: '/sla/calendars/{calendarId}/versions',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Every version of a calendar, oldest first (staff)',
    description: 'Who: staff. Every version.',
    params: CalendarParams,
    responses: { 200: { description: 'The versions.', schema: itemsOf(CalendarRecord, 'SlaCalendarVersionList') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({
      status: 200,
      body: { items: await admin.listCalendarVersions(params.calendarId, caller) },
    }),
  }),
  createSlaPolicy: operation({
    operationId: 'createSlaPolicy',
    method: 'POST',
    path: '/sla/policies',
    fn: 'sla-admin',
    auth: 'jwt',
    summary:
      'Create an SLA policy (admin): targets per clock in business minutes, warning percent, pausing states, escalation ladder; matched by case type x priority x entitlement level, most specific wins',
    description:
      'Who: admin. Create an SLA policy: `match`, targets per clock, `warningPercent`, `pauses`, `escalation` ladder; 400 `unknown_calendar`.',
    body: CreatePolicyBody,
    responses: { 201: { description: 'Version 1 of the policy.', schema: PolicyRecord, headers: { ...Versioned, Location: 'URL of the policy.' } } },
    problems: [400, 401, 403, 409, 413, 415],
    handle: async (request) => {
      const { policyId, ...definition } = request.body;
      const created = await admin.createPolicy(policyId, definition, changeContextOf(request));
      return { status: 201, body: created, headers: { location: `/sla/policies/${policyId}`, etag: etag(created.version) } };
    },
  }),
  listSlaPolicies: operation({
    operationId: 'listSlaPolicies',
    method: 'GET',
    path: '/sla/policies',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Current version of every SLA policy (staff)',
    responses: { 200: { description: 'The policies.', schema: itemsOf(PolicyRecord, 'SlaPolicyList') } },
    problems: [401, 403],
    handle: async ({ caller }) => ({ status: 200, body: { items: await admin.listPolicies(caller) } }),
  }),
  getSlaPolicy: operation({
    operationId: 'getSlaPolicy',
    method: 'GET',
    path: '/sla/policies/{policyId}',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'An SLA policy, current or a given version (staff)',
    params: PolicyParams,
    query: VersionQuery,
    responses: { 200: { description: 'The policy.', schema: PolicyRecord, headers: Versioned } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => {
      const policy = await admin.getPolicy(params.policyId, query.version, caller);
      return { status: 200, body: policy, headers: { etag: etag(policy.version) } };
    },
  }),
  publishSlaPolicyVersion: operation({
    operationId: 'publishSlaPolicyVersion',
    method: 'POST',
    path: '/sla/policies/{policyId}/versions',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Publish the next version of a policy (admin); a case under it re-targets its clocks at its next change, keeping elapsed time',
    description: 'Who: admin. Publish the next version; cases re-target at their next change.',
    params: PolicyParams,
    headers: PublishHeaders,
    body: PolicyVersionBody,
    responses: { 201: { description: 'The new version.', schema: PolicyRecord, headers: { ...Versioned, Location: 'URL of the version.' } } },
    problems: [400, 401, 403, 404, 412, 413, 415],
    handle: async (request) => {
      const published = await admin.publishPolicyVersion(
        request.params.policyId,
        request.body,
        request.headers['if-match'],
        changeContextOf(request),
      );
      return {
        status: 201,
        body: published,
        headers: { location: `/sla/policies/${published.policyId}?version=${published.version}`, etag: etag(published.version) },
      };
    },
  }),
  listSlaPolicyVersions: operation({
    operationId: 'listSlaPolicyVersions',
    method: 'GET',
    path: '/sla/policies/{policyId}/versions',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Every version of a policy, oldest first (staff)',
    params: PolicyParams,
    responses: { 200: { description: 'The versions.', schema: itemsOf(PolicyRecord, 'SlaPolicyVersionList') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({ status: 200, body: { items: await admin.listPolicyVersions(params.policyId, caller) } }),
  }),
  previewSlaDeadlines: operation({
    operationId: 'previewSlaDeadlines',
    method: 'POST',
    path: '/sla/preview',
    fn: 'sla-admin',
    auth: 'jwt',
    summary:
      "When each clock of a policy warns and falls due for a case opened at a given instant, under a business calendar (published or inline), with optional pauses; and the calendar's day-by-day reasoning (staff; writes nothing)",
    description:
      "Who: staff. When each clock warns and falls due: `policyId` or inline `policy`, `calendarId` or inline `calendar` (default: the policy's), `start`, optional `pauses` (`from`, `to`, `clocks`); answers the instants and the calendar's `days` (working periods, holiday or closure by name, business minutes); writes nothing.",
    body: SlaPreviewBody,
    responses: { 200: { description: 'The deadlines, as instants (UTC), and the days between.', schema: SlaPreviewRecord } },
    problems: [400, 401, 403, 404, 413, 415],
    handle: async ({ body, caller }) => ({ status: 200, body: await admin.previewSla(body, caller) }),
  }),
  grantEntitlement: operation({
    operationId: 'grantEntitlement',
    method: 'POST',
    path: '/entitlements',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'Grant an entitlement to a customer (requester id) or an asset (admin, supervisor): level, validity, optional case allowance',
    description:
      'Who: admin, supervisor. Grant an entitlement: `holder {kind: customer\\|asset, id}`, `level`, `validFrom`, `validTo`, optional `allowance`.',
    body: EntitlementBody,
    responses: { 201: { description: 'The entitlement.', schema: EntitlementRecord, headers: { Location: 'URL of the entitlement.' } } },
    problems: [400, 401, 403, 409, 413, 415],
    handle: async (request) => {
      const granted = await admin.grantEntitlement(request.body, changeContextOf(request));
      return { status: 201, body: granted, headers: { location: `/entitlements/${granted.entitlementId}` } };
    },
  }),
  listEntitlements: operation({
    operationId: 'listEntitlements',
    method: 'GET',
    path: '/entitlements',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: "A customer's or an asset's entitlements (staff), with how many cases each has used",
    query: EntitlementsQuery,
    responses: { 200: { description: "The entitlements, the asset's first.", schema: itemsOf(EntitlementRecord, 'EntitlementList') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({ status: 200, body: { items: await admin.listEntitlements(query, caller) } }),
  }),
  getEntitlement: operation({
    operationId: 'getEntitlement',
    method: 'GET',
    path: '/entitlements/{entitlementId}',
    fn: 'sla-admin',
    auth: 'jwt',
    summary: 'One entitlement (staff)',
    description: 'Who: staff. One entitlement.',
    params: EntitlementParams,
    responses: { 200: { description: 'The entitlement.', schema: EntitlementRecord } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({ status: 200, body: await admin.getEntitlement(params.entitlementId, caller) }),
  }),
};
