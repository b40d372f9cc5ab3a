/**
 * Use cases of SLA configuration: admins create calendars and policies and
 * publish new versions of them (as case types are published); staff read them.
 * Admins and supervisors grant entitlements to customers and assets; staff read them.
 * A policy must name a calendar that exists, so no case can ever be started
 * under a calendar nobody can read.
 */
import { randomBytes } from 'node:crypto';
import { hasRole, isStaff, type Caller } from '#core/caller.js';
import type { ChangeContext } from '#core/audit-event.js';
import { conflict, forbidden, notFound, validationFailed } from '#core/errors.js';
import type { Calendar, CalendarInput } from '#core/sla/calendar.js';
import type { Entitlement, EntitlementInput } from '#core/sla/policy.js';
import { previewDeadlines, type Preview, type PreviewInput, type PreviewPause } from '#core/sla/preview.js';
import type { SlaPolicy, SlaPolicyInput } from '#core/sla/state.js';
import * as entitlements from '#adapters/dynamodb/entitlement-repository.js';
import { slaCalendars, slaPolicies } from '#adapters/dynamodb/config-kinds.js';
import { publishConfig, publishedBy, type Publishing } from './config-publish.js';

function assertAdmin(caller: Caller, what: string): void {
  if (!hasRole(caller, 'admin')) throw forbidden(`Only admins create and publish ${what}.`);
}
function assertStaff(caller: Caller, what: string): void {
  if (!isStaff(caller)) throw forbidden(`${what} are for staff.`);
}

// ---------------------------------------------------------------- calendars

const calendars: Publishing<Calendar, CalendarInput> = {
  store: slaCalendars,
  authorise: (caller) => assertAdmin(caller, 'business calendars'),
  draft: (input, calendarId, version, _previous, ctx) => ({ ...input, calendarId, version, ...publishedBy(ctx) }),
  says: {
    exists: (id) => `Calendar ${id} exists already: publish a new version of it instead.`,
    missing: (id) => `There is no calendar ${id}.`,
    notAt: (id, current, ifMatch) => `Calendar ${id} is at version ${current}, not ${ifMatch}; read it again and reapply your change.`,
    raced: (id) => `Another version of calendar ${id} was published meanwhile; read it again.`,
  },
};

export async function createCalendar(calendarId: string, input: CalendarInput, ctx: ChangeContext): Promise<Calendar> {
  return (await publishConfig(calendars, calendarId, input, 'create', undefined, ctx)).published;
}

export async function publishCalendarVersion(
  calendarId: string,
  input: CalendarInput,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<Calendar> {
  return (await publishConfig(calendars, calendarId, input, 'next', ifMatch, ctx)).published;
}

export async function getCalendar(calendarId: string, version: number | undefined, caller: Caller): Promise<Calendar> {
  assertStaff(caller, 'Business calendars');
  const found = version === undefined ? await slaCalendars.current(calendarId, 'fresh') : await slaCalendars.version(calendarId, version);
  if (!found) throw notFound(version === undefined ? `There is no calendar ${calendarId}.` : `Calendar ${calendarId} has no version ${version}.`);
  return found;
}

export async function listCalendars(caller: Caller): Promise<Calendar[]> {
  assertStaff(caller, 'Business calendars');
  return slaCalendars.list('fresh');
}

export async function listCalendarVersions(calendarId: string, caller: Caller): Promise<Calendar[]> {
  assertStaff(caller, 'Business calendars');
  const versions = await slaCalendars.versions(calendarId);
  if (versions.length === 0) throw notFound(`There is no calendar ${calendarId}.`);
  return versions;
}

// ---------------------------------------------------------------- policies

/** A policy must name a calendar that exists, so no case can ever be started under a calendar nobody can read. */
const policies: Publishing<SlaPolicy, SlaPolicyInput> = {
  store: slaPolicies,
  authorise: (caller) => assertAdmin(caller, 'SLA policies'),
  async checkAgainst(input) {
    if (!(await slaCalendars.current(input.calendarId, 'fresh'))) {
      throw validationFailed([
        {
          field: 'body.calendarId',
          rule: 'unknown_calendar',
          message: `There is no calendar ${input.calendarId}; create it first (POST /sla/calendars).`,
        },
      ]);
    }
  },
  draft: (input, policyId, version, _previous, ctx) => ({ ...input, policyId, version, ...publishedBy(ctx) }),
  says: {
    exists: (id) => `Policy ${id} exists already: publish a new version of it instead.`,
    missing: (id) => `There is no SLA policy ${id}.`,
    notAt: (id, current, ifMatch) => `Policy ${id} is at version ${current}, not ${ifMatch}; read it again and reapply your change.`,
    raced: (id) => `Another version of policy ${id} was published meanwhile; read it again.`,
  },
};

export async function createPolicy(policyId: string, input: SlaPolicyInput, ctx: ChangeContext): Promise<SlaPolicy> {
  return (await publishConfig(policies, policyId, input, 'create', undefined, ctx)).published;
}

/** A new version applies to a case at its next change (which re-targets its clocks, keeping their elapsed time). */
export async function publishPolicyVersion(
  policyId: string,
  input: SlaPolicyInput,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<SlaPolicy> {
  return (await publishConfig(policies, policyId, input, 'next', ifMatch, ctx)).published;
}

export async function getPolicy(policyId: string, version: number | undefined, caller: Caller): Promise<SlaPolicy> {
  assertStaff(caller, 'SLA policies');
  const found = version === undefined ? await slaPolicies.current(policyId, 'fresh') : await slaPolicies.version(policyId, version);
  if (!found) throw notFound(version === undefined ? `There is no SLA policy ${policyId}.` : `Policy ${policyId} has no version ${version}.`);
  return found;
}

export async function listPolicies(caller: Caller): Promise<SlaPolicy[]> {
  assertStaff(caller, 'SLA policies');
  return slaPolicies.list('fresh');
}

export async function listPolicyVersions(policyId: string, caller: Caller): Promise<SlaPolicy[]> {
  assertStaff(caller, 'SLA policies');
  const versions = await slaPolicies.versions(policyId);
  if (versions.length === 0) throw notFound(`There is no SLA policy ${policyId}.`);
  return versions;
}

// ---------------------------------------------------------------- entitlements

export async function grantEntitlement(input: EntitlementInput, ctx: ChangeContext): Promise<Entitlement> {
  if (!hasRole(ctx.caller, 'admin') && !hasRole(ctx.caller, 'supervisor')) throw forbidden('Only admins and supervisors grant entitlements.');
  const entitlement: Entitlement = {
    ...input,
    entitlementId: `ENT-${ctx.now.slice(0, 10).replace(/-/g, '')}-${randomBytes(5).toString('hex')}`,
    consumed: 0,
    createdAt: ctx.now,
    createdBy: ctx.caller.sub,
  };
  if ((await entitlements.insertEntitlement(entitlement)) === 'stale') throw conflict('An entitlement with this id exists already; try again.');
  return entitlement;
}

export async function getEntitlement(entitlementId: string, caller: Caller): Promise<Entitlement> {
  assertStaff(caller, 'Entitlements');
  const found = await entitlements.getEntitlement(entitlementId);
  if (!found) throw notFound(`There is no entitlement ${entitlementId}.`);
  return found;
}

export async function listEntitlements(
  holder: { customerId?: string | undefined; assetId?: string | undefined },
  caller: Caller,
): Promise<Entitlement[]> {
  assertStaff(caller, 'Entitlements');
  const [byCustomer, byAsset] = await Promise.all([
    holder.customerId === undefined ? [] : entitlements.entitlementsOf('customer', holder.customerId),
    holder.assetId === undefined ? [] : entitlements.entitlementsOf('asset', holder.assetId),
  ]);
  return [...byAsset, ...byCustomer];
}

// ---------------------------------------------------------------- deadline preview

/** A published policy by id, or one inline; a calendar by id, inline, or the policy's. */
export interface SlaPreviewRequest {
  readonly policyId?: string | undefined;
  readonly policy?: (PreviewInput['policy'] & { readonly name?: string | undefined; readonly calendarId?: string | undefined }) | undefined;
  readonly calendarId?: string | undefined;
  readonly calendar?: CalendarInput | undefined;
  readonly start: string;
  readonly pauses?: readonly PreviewPause[] | undefined;
}

export interface SlaPreviewAnswer extends Preview {
  readonly policy: { policyId: string | null; version: number | null; name: string | null };
  readonly calendar: { calendarId: string | null; version: number | null; name: string; timeZone: string };
  readonly start: string;
}

/**
 * When a policy's clocks warn and fall due for a case opened at `start` under a calendar,
 * published or inline (staff: agents see the same deadlines on their cases). Writes nothing.
 */
export async function previewSla(input: SlaPreviewRequest, caller: Caller): Promise<SlaPreviewAnswer> {
  assertStaff(caller, 'SLA previews');
  const stored = input.policyId === undefined ? undefined : await getPolicy(input.policyId, undefined, caller);
  const policy = stored ?? input.policy;
  if (!policy)
    throw validationFailed([{ field: 'body.policyId', rule: 'required', message: 'name a policy by policyId or give one inline as policy' }]);
  const calendarId = input.calendar ? undefined : (input.calendarId ?? policy.calendarId);
  if (!input.calendar && calendarId === undefined) {
    throw validationFailed([
      { field: 'body.calendarId', rule: 'required', message: 'name a calendar (calendarId or calendar inline), or a policy that names one' },
    ]);
  }
  const calendar: CalendarInput & { calendarId?: string; version?: number } = input.calendar ?? (await getCalendar(calendarId!, undefined, caller));
  let preview: Preview;
  try {
    preview = previewDeadlines({ policy, calendar, start: input.start, pauses: input.pauses });
  } catch (error) {
    // The only way the maths fails on valid input: a calendar with no working time ahead (all closed for years).
    if (error instanceof RangeError)
      throw validationFailed([{ field: input.calendar ? 'body.calendar' : 'body.calendarId', rule: 'no_working_time', message: error.message }]);
    throw error;
  }
  return {
    policy: { policyId: stored?.policyId ?? null, version: stored?.version ?? null, name: policy.name ?? null },
    calendar: { calendarId: calendar.calendarId ?? null, version: calendar.version ?? null, name: calendar.name, timeZone: calendar.timeZone },
    start: new Date(input.start).toISOString(),
    ...preview,
  };
}
