/**
 * Request and response schemas of routing: rulesets, queues, agents, presence
 * and offers. Rule conditions are json-rules-engine conditions limited to the
 * facts and operators the core knows (`functions/core/routing/rules.ts`).
 */
import * as z from 'zod';
import { Slug, TeamName } from '#core/case-type.js';
import { PLACERS } from '#core/routing/decision.js';
import { PRESENCES, WAITING_REASONS } from '#core/routing/dispatch.js';
import { ROUTING_FACTS, RULE_OPERATORS } from '#core/routing/rules.js';
import { CHANNELS, PRIORITIES } from '#core/vocabulary.js';
import { CaseId } from './schemas.js';
import { SafeNumber } from '#core/input-limits.js';

/** Queues are named as cases name them (`case.queue`). */
export const QueueId = Slug.meta({ example: 'legal' });
export const AgentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'an agent id as the JWT sub carries it')
  .meta({ example: 'demo-agent' });
const SkillName = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a lower-case skill name such as legal or spanish');
const Level = z.number().int().min(1).max(10);

const ConditionValue = z.union([
  z.string().max(500),
  SafeNumber,
  z.boolean(),
  z.null(),
  z.array(z.union([z.string().max(500), SafeNumber, z.boolean()])).max(100),
]);

export const FactCondition = z
  .object({
    fact: z.enum(ROUTING_FACTS),
    operator: z.enum(RULE_OPERATORS),
    value: ConditionValue,
    path: z
      .string()
      .regex(/^\$\.[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a custom field path such as $.region')
      .optional(),
  })
  .strict()
  .meta({ id: 'RoutingFactCondition' });

/**
 * Groups of conditions (json-rules-engine's all / any / not), nested up to three
 * deep: spelled out level by level rather than recursively, so the OpenAPI
 * document can be generated from the very schemas that validate.
 */
const groupOf = (inner: z.ZodType, id: string) =>
  z
    .union([
      z.object({ all: z.array(inner).min(1).max(50) }).strict(),
      z.object({ any: z.array(inner).min(1).max(50) }).strict(),
      z.object({ not: inner }).strict(),
    ])
    .meta({ id });
const Group1 = groupOf(FactCondition, 'RoutingConditionGroup1');
const Group2 = groupOf(z.union([FactCondition, Group1]), 'RoutingConditionGroup2');
const TopCondition = groupOf(z.union([FactCondition, Group1, Group2]), 'RoutingConditions');

export const SkillRequirement = z.object({ skill: SkillName, level: Level, optional: z.boolean().optional() }).strict();

const RoutingActions = z
  .object({
    queue: QueueId.optional(),
    priority: z.enum(PRIORITIES).optional(),
    skills: z.array(SkillRequirement).max(20).optional(),
    assignee: AgentId.optional().meta({ description: 'Assign straight to this agent when they have room; otherwise the case waits for them.' }),
    escalate: z.boolean().optional().meta({ description: 'Raise the priority one band.' }),
  })
  .strict();

export const RoutingRule = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/),
    description: z.string().max(500).optional(),
    when: TopCondition.meta({ description: 'json-rules-engine conditions over the routing facts: ' + ROUTING_FACTS.join(', ') }),
    then: RoutingActions,
    stop: z.boolean().optional().meta({ description: 'Whether firing ends the chain (default true: first match wins, as ELSE IF).' }),
  })
  .strict()
  .meta({ id: 'RoutingRule' });

export const RoutingRulesBody = z
  .object({ rules: z.array(RoutingRule).max(200), defaultQueue: QueueId.optional() })
  .strict()
  .meta({ id: 'RoutingRulesInput' });

export const RoutingRulesRecord = RoutingRulesBody.extend({ version: z.number().int(), publishedAt: z.iso.datetime(), publishedBy: z.string() }).meta(
  { id: 'RoutingRules' },
);

export const QueueParams = z.object({ id: QueueId }).strict();
export const AgentParams = z.object({ id: AgentId }).strict();
export const OfferParams = z
  .object({
    id: z
      .string()
      .max(60)
      .regex(/^[A-Z][A-Z0-9]{1,9}-\d{4}-\d{6,}\.\d{1,10}$/, 'an offer id such as CASE-2026-000123.2'),
  })
  .strict();
export const RoutingCaseParams = z.object({ id: CaseId }).strict();
export const OffersQuery = z.object({ agentId: AgentId.optional().meta({ description: 'Whose offers (supervisors); default: your own.' }) }).strict();

export const QueueBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    optionalSkillWaitSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional()
      .meta({ description: 'After this long waiting here, optional skills stop counting.' }),
    overflow: z
      .object({
        queue: QueueId,
        afterSeconds: z
          .number()
          .int()
          .min(1)
          .max(30 * 24 * 3600),
      })
      .strict()
      .optional()
      .meta({ description: 'After afterSeconds waiting here, the case moves to queue.' }),
    offerTimeoutSeconds: z.number().int().min(5).max(3600).optional().meta({ description: 'How long an agent has to accept an offer (default 60).' }),
  })
  .strict()
  .meta({ id: 'QueueInput' });

export const QueueRecord = QueueBody.extend({ queueId: QueueId, offerTimeoutSeconds: z.number().int(), version: z.number().int() }).meta({
  id: 'Queue',
});

const Capacity = z.partialRecord(z.enum(CHANNELS), z.number().int().min(0).max(100));

export const AgentBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    skills: z
      .record(SkillName, Level)
      .refine((s) => Object.keys(s).length <= 100, 'at most 100 skills')
      .meta({ description: 'Skill to proficiency, 1-10.' }),
    capacity: Capacity.meta({ description: 'Cases at once per channel; a channel not listed takes none.' }),
    teams: z
      .array(TeamName)
      .max(20)
      .refine((t) => new Set(t).size === t.length, 'each team once')
      .optional()
      .meta({
        description:
          "Teams the agent is in (team names as case types' access rules name them): a case of a type restricted to teams is offered or assigned only to an agent in one of them. Absent: none; a reconfiguration replaces the list.",
      }),
  })
  .strict()
  .meta({ id: 'AgentInput' });

export const PresenceBody = z
  .object({ presence: z.enum(PRESENCES) })
  .strict()
  .meta({ id: 'PresenceInput' });

export const AgentRecord = AgentBody.extend({
  agentId: AgentId,
  load: Capacity.meta({ description: 'Cases offered or assigned by routing, per channel.' }),
  presence: z.enum(PRESENCES),
  idleSince: z.iso.datetime(),
  version: z.number().int(),
}).meta({ id: 'Agent' });

export const OfferRecord = z
  .object({
    offerId: z.string(),
    caseId: CaseId,
    agentId: AgentId,
    channel: z.enum(CHANNELS),
    queue: QueueId,
    offeredAt: z.iso.datetime(),
    deadline: z.iso.datetime(),
  })
  .meta({ id: 'Offer' });

export const RoutingStateRecord = z
  .object({
    caseId: CaseId,
    state: z.enum(['waiting', 'offered', 'assigned', 'done']),
    queue: QueueId,
    priority: z.enum(PRIORITIES),
    channel: z.enum(CHANNELS),
    skills: z.array(SkillRequirement),
    since: z.iso.datetime(),
    queuedAt: z.iso.datetime(),
    declinedBy: z.array(z.string()),
    timedOutBy: z
      .array(z.string())
      .optional()
      .meta({ description: 'Agents who let an offer expire, longest ago first: still eligible, after everyone else.' }),
    placement: z
      .object({ by: z.enum(PLACERS), actor: z.string(), field: z.enum(['queue', 'owner']), at: z.iso.datetime(), eventId: z.string() })
      .optional()
      .meta({ description: 'A person or an SLA escalation placed the case (queue or owner): routing rules no longer move it.' }),
    reservedFor: z.string().optional(),
    caseType: z.string().optional().meta({ description: 'The case type, whose current access rule decides which agents may have the case.' }),
    offerId: z.string().optional(),
    agentId: z.string().optional(),
    doneReason: z.string().optional(),
    version: z.number().int(),
    reason: z.enum(WAITING_REASONS).optional().meta({ description: 'Why a waiting case has no agent yet.' }),
    why: z.string().optional().meta({ description: 'The rule behind the reason, in words (noAgentInTeam: the teams the case is restricted to).' }),
  })
  .meta({ id: 'CaseRouting' });
