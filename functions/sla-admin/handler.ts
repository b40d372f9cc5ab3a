import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { IfMatch } from '../http/schemas.js';
import {
  CalendarParams,
  CalendarVersionBody,
  CreateCalendarBody,
  CreatePolicyBody,
  EntitlementBody,
  EntitlementParams,
  EntitlementsQuery,
  PolicyParams,
  PolicyVersionBody,
  SlaPreviewBody,
} from '../http/sla-schemas.js';
import { VersionQuery } from '../http/workflow-schemas.js';
import * as admin from '../services/sla-admin.js';

const IfMatchHeader = z.looseObject({ 'if-match': IfMatch.optional() });
const etag = (version: number) => `"${version}"`;

export const handler = httpRoutes({
  'POST /sla/calendars': httpHandler({
    operation: 'CreateSlaCalendar',
    body: CreateCalendarBody,
    handle: async (request) => {
      const { calendarId, ...definition } = request.body;
      const created = await admin.createCalendar(calendarId, definition, changeContextOf(request));
      return { status: 201, body: created, headers: { location: `/sla/calendars/${calendarId}`, etag: etag(created.version) } };
    },
  }),
  'GET /sla/calendars': httpHandler({
    operation: 'ListSlaCalendars',
    handle: async ({ caller }) => ({ status: 200, body: { items: await admin.listCalendars(caller) } }),
  }),
  'GET /sla/calendars/{calendarId}': httpHandler({
    operation: 'GetSlaCalendar',
    params: CalendarParams,
    query: VersionQuery,
    handle: async ({ params, query, caller }) => {
      const calendar = await admin.getCalendar(params.calendarId, query.version, caller);
      return { status: 200, body: calendar, headers: { etag: etag(calendar.version) } };
    },
  }),
  'POST /sla/calendars/{calendarId}/versions': httpHandler({
    operation: 'PublishSlaCalendarVersion',
    params: CalendarParams,
    headers: IfMatchHeader,
    body: CalendarVersionBody,
    handle: async (request) => {
      const published = await admin.publishCalendarVersion(request.params.calendarId, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: 201, body: published, headers: { location: `/sla/calendars/${published.calendarId}?version=${published.version}`, etag: etag(published.version) } };
    },
  }),
  'GET /sla/calendars/{calendarId}/versions': httpHandler({
    operation: 'ListSlaCalendarVersions',
    params: CalendarParams,
    handle: async ({ params, caller }) => ({ status: 200, body: { items: await admin.listCalendarVersions(params.calendarId, caller) } }),
  }),
  'POST /sla/policies': httpHandler({
    operation: 'CreateSlaPolicy',
    body: CreatePolicyBody,
    handle: async (request) => {
      const { policyId, ...definition } = request.body;
      const created = await admin.createPolicy(policyId, definition, changeContextOf(request));
      return { status: 201, body: created, headers: { location: `/sla/policies/${policyId}`, etag: etag(created.version) } };
    },
  }),
  'GET /sla/policies': httpHandler({
    operation: 'ListSlaPolicies',
    handle: async ({ caller }) => ({ status: 200, body: { items: await admin.listPolicies(caller) } }),
  }),
  'GET /sla/policies/{policyId}': httpHandler({
    operation: 'GetSlaPolicy',
    params: PolicyParams,
    query: VersionQuery,
    handle: async ({ params, query, caller }) => {
      const policy = await admin.getPolicy(params.policyId, query.version, caller);
      return { status: 200, body: policy, headers: { etag: etag(policy.version) } };
    },
  }),
  'POST /sla/policies/{policyId}/versions': httpHandler({
    operation: 'PublishSlaPolicyVersion',
    params: PolicyParams,
    headers: IfMatchHeader,
    body: PolicyVersionBody,
    handle: async (request) => {
      const published = await admin.publishPolicyVersion(request.params.policyId, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: 201, body: published, headers: { location: `/sla/policies/${published.policyId}?version=${published.version}`, etag: etag(published.version) } };
    },
  }),
  'GET /sla/policies/{policyId}/versions': httpHandler({
    operation: 'ListSlaPolicyVersions',
    params: PolicyParams,
    handle: async ({ params, caller }) => ({ status: 200, body: { items: await admin.listPolicyVersions(params.policyId, caller) } }),
  }),
  'POST /sla/preview': httpHandler({
    operation: 'PreviewSlaDeadlines',
    body: SlaPreviewBody,
    handle: async ({ body, caller }) => ({ status: 200, body: await admin.previewSla(body, caller) }),
  }),
  'POST /entitlements': httpHandler({
    operation: 'GrantEntitlement',
    body: EntitlementBody,
    handle: async (request) => {
      const granted = await admin.grantEntitlement(request.body, changeContextOf(request));
      return { status: 201, body: granted, headers: { location: `/entitlements/${granted.entitlementId}` } };
    },
  }),
  'GET /entitlements': httpHandler({
    operation: 'ListEntitlements',
    query: EntitlementsQuery,
    handle: async ({ query, caller }) => ({ status: 200, body: { items: await admin.listEntitlements(query, caller) } }),
  }),
  'GET /entitlements/{entitlementId}': httpHandler({
    operation: 'GetEntitlement',
    params: EntitlementParams,
    handle: async ({ params, caller }) => ({ status: 200, body: await admin.getEntitlement(params.entitlementId, caller) }),
  }),
});
