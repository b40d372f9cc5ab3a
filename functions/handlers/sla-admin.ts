import { slaAdmin } from '#http/api/sla-admin.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import * as admin from '#services/sla-admin.js';

const etag = (version: number) => `"${version}"`;

export const handler = serve(slaAdmin, {
  createSlaCalendar: async (request) => {
    const { calendarId, ...definition } = request.body;
    const created = await admin.createCalendar(calendarId, definition, changeContextOf(request));
    return { status: 201, body: created, headers: { location: `/sla/calendars/${calendarId}`, etag: etag(created.version) } };
  },
  listSlaCalendars: async ({ caller }) => ({ status: 200, body: { items: await admin.listCalendars(caller) } }),
  getSlaCalendar: async ({ params, query, caller }) => {
    const calendar = await admin.getCalendar(params.calendarId, query.version, caller);
    return { status: 200, body: calendar, headers: { etag: etag(calendar.version) } };
  },
  publishSlaCalendarVersion: async (request) => {
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
  listSlaCalendarVersions: async ({ params, caller }) => ({
    status: 200,
    body: { items: await admin.listCalendarVersions(params.calendarId, caller) },
  }),
  createSlaPolicy: async (request) => {
    const { policyId, ...definition } = request.body;
    const created = await admin.createPolicy(policyId, definition, changeContextOf(request));
    return { status: 201, body: created, headers: { location: `/sla/policies/${policyId}`, etag: etag(created.version) } };
  },
  listSlaPolicies: async ({ caller }) => ({ status: 200, body: { items: await admin.listPolicies(caller) } }),
  getSlaPolicy: async ({ params, query, caller }) => {
    const policy = await admin.getPolicy(params.policyId, query.version, caller);
    return { status: 200, body: policy, headers: { etag: etag(policy.version) } };
  },
  publishSlaPolicyVersion: async (request) => {
    const published = await admin.publishPolicyVersion(request.params.policyId, request.body, request.headers['if-match'], changeContextOf(request));
    return {
      status: 201,
      body: published,
      headers: { location: `/sla/policies/${published.policyId}?version=${published.version}`, etag: etag(published.version) },
    };
  },
  listSlaPolicyVersions: async ({ params, caller }) => ({ status: 200, body: { items: await admin.listPolicyVersions(params.policyId, caller) } }),
  previewSlaDeadlines: async ({ body, caller }) => ({ status: 200, body: await admin.previewSla(body, caller) }),
  grantEntitlement: async (request) => {
    const granted = await admin.grantEntitlement(request.body, changeContextOf(request));
    return { status: 201, body: granted, headers: { location: `/entitlements/${granted.entitlementId}` } };
  },
  listEntitlements: async ({ query, caller }) => ({ status: 200, body: { items: await admin.listEntitlements(query, caller) } }),
  getEntitlement: async ({ params, caller }) => ({ status: 200, body: await admin.getEntitlement(params.entitlementId, caller) }),
});
