/**
 * Every kind of versioned configuration, declared once as data for the one
 * config store (`config-store.ts`): its items' keys (from `keys.ts`, unchanged
 * from before the store), what its current item holds, how it is listed, and
 * how long a container may trust what it read as current.
 *
 * | kind           | current item holds        | history        | listed from            | current kept |
 * |----------------|---------------------------|----------------|------------------------|--------------|
 * | case types     | a summary, points at it   | version items  | gsi1 `CASETYPES`       | read always  |
 * | SLA calendars  | the whole definition      | version items  | gsi1 `SLACALENDARS`    | 10 s         |
 * | SLA policies   | the whole definition      | version items  | gsi1 `SLAPOLICIES`     | 10 s         |
 * | routing rules  | `version`, `publishedAt`  | version items  | (one ruleset)          | read always  |
 * | queues         | the whole definition      | none: replaced | table `ROUTING#QUEUES` | read always  |
 *
 * Why the SLA kinds alone are kept 10 s: every case write reads every current
 * policy and its calendar, and they change a few times a year (another container
 * sees a publish within 10 s, as before the store). A new case type must apply to
 * the very next case, and routing reads its rules and queues once per decision.
 */
import type { CaseType } from '#core/case-type.js';
import type { Queue } from '#core/routing/dispatch.js';
import type { RoutingRuleset } from '#core/routing/rules.js';
import type { Calendar } from '#core/sla/calendar.js';
import type { SlaPolicy } from '#core/sla/state.js';
import { configStore } from './config-store.js';
import {
  CASE_TYPE_VERSION_PREFIX,
  CASE_TYPES_PARTITION,
  ROUTING_QUEUES_PARTITION,
  ROUTING_RULES_VERSION_PREFIX,
  SLA_CALENDARS_PARTITION,
  SLA_POLICIES_PARTITION,
  SLA_VERSION_PREFIX,
  caseTypeCurrentKey,
  caseTypeVersionKey,
  routingQueueKey,
  routingRulesCurrentKey,
  routingRulesVersionKey,
  slaCalendarCurrentKey,
  slaCalendarVersionKey,
  slaPolicyCurrentKey,
  slaPolicyVersionKey,
} from './keys.js';

/** The summary a type's current item holds, listed by `GET /case-types`. */
export interface CaseTypeSummary {
  readonly typeId: string;
  readonly name: string;
  readonly version: number;
  readonly updatedAt: string;
}

export const caseTypes = configStore<CaseType, CaseTypeSummary>({
  name: 'case-type',
  idOf: (t) => t.typeId,
  current: {
    key: caseTypeCurrentKey,
    entity: 'CaseTypeCurrent',
    pointer: (t) => ({ typeId: t.typeId, name: t.name, version: t.version, updatedAt: t.publishedAt }),
  },
  versions: { key: caseTypeVersionKey, prefix: CASE_TYPE_VERSION_PREFIX, entity: 'CaseTypeVersion' },
  listing: { statusIndexPartition: CASE_TYPES_PARTITION },
  listed: (item) => ({ typeId: String(item.typeId), name: String(item.name), version: Number(item.version), updatedAt: String(item.updatedAt) }),
  currentForMs: 0,
});

const SLA_CURRENT_FOR_MS = 10_000;

export const slaCalendars = configStore<Calendar>({
  name: 'sla-calendar',
  idOf: (c) => c.calendarId,
  current: { key: slaCalendarCurrentKey, entity: 'SlaCalendarCurrent' },
  versions: { key: slaCalendarVersionKey, prefix: SLA_VERSION_PREFIX, entity: 'SlaCalendarVersion' },
  listing: { statusIndexPartition: SLA_CALENDARS_PARTITION },
  currentForMs: SLA_CURRENT_FOR_MS,
});

export const slaPolicies = configStore<SlaPolicy>({
  name: 'sla-policy',
  idOf: (p) => p.policyId,
  current: { key: slaPolicyCurrentKey, entity: 'SlaPolicyCurrent' },
  versions: { key: slaPolicyVersionKey, prefix: SLA_VERSION_PREFIX, entity: 'SlaPolicyVersion' },
  listing: { statusIndexPartition: SLA_POLICIES_PARTITION },
  currentForMs: SLA_CURRENT_FOR_MS,
});

/** There is one routing ruleset: its id only names it in the store's calls. */
export const ROUTING_RULESET = 'ruleset';

export const routingRules = configStore<RoutingRuleset>({
  name: 'routing-rules',
  idOf: () => ROUTING_RULESET,
  current: {
    key: () => routingRulesCurrentKey(),
    entity: 'RoutingRulesCurrent',
    pointer: (r) => ({ version: r.version, publishedAt: r.publishedAt }),
  },
  versions: { key: (_id, version) => routingRulesVersionKey(version), prefix: ROUTING_RULES_VERSION_PREFIX, entity: 'RoutingRules' },
  currentForMs: 0,
});

export const routingQueues = configStore<Queue>({
  name: 'routing-queue',
  idOf: (q) => q.queueId,
  current: { key: routingQueueKey, entity: 'RoutingQueue' },
  listing: { tablePartition: ROUTING_QUEUES_PARTITION },
  currentForMs: 0,
});
