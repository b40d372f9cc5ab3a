/**
 * Routing rules as data: an ordered, versioned ruleset whose conditions are
 * json-rules-engine conditions over a case's routing facts, and whose actions say
 * where the case goes. Evaluation order is the rules' order; a rule that fires
 * and `stop`s (the default) ends the chain, which is how "IF ... ELSE IF ..." is
 * written. No I/O: the engine runs in `rule-engine.ts`, the facts come from here.
 */
import type { Case } from '../case.js';
import type { FieldIssue } from '../errors.js';
import { PRIORITIES, type FieldValue, type Priority } from '../vocabulary.js';

export interface SkillRequirement {
  readonly skill: string;
  /** Lowest proficiency (1-10) an agent needs. */
  readonly level: number;
  /** Dropped after the queue's `optionalSkillWaitSeconds`, so a case never waits forever for a nice-to-have. */
  readonly optional?: boolean;
}

export interface RoutingActions {
  readonly queue?: string;
  readonly priority?: Priority;
  readonly skills?: readonly SkillRequirement[];
  /** Assign straight to this agent (when they have capacity; otherwise the case waits, reserved for them). */
  readonly assignee?: string;
  /** Raise the priority one band (after any `priority` action) and mark the case escalated. */
  readonly escalate?: boolean;
}

/** A leaf condition as json-rules-engine takes it. */
export interface FactCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  readonly path?: string;
}
export type RuleCondition =
  FactCondition | { readonly all: readonly RuleCondition[] } | { readonly any: readonly RuleCondition[] } | { readonly not: RuleCondition };
export type TopCondition = { readonly all: readonly RuleCondition[] } | { readonly any: readonly RuleCondition[] } | { readonly not: RuleCondition };

export interface RoutingRule {
  readonly id: string;
  readonly description?: string;
  readonly when: TopCondition;
  readonly then: RoutingActions;
  /** Whether a firing ends the chain (default true: first match wins, "else if"). */
  readonly stop?: boolean;
}

export interface RoutingRulesInput {
  readonly rules: readonly RoutingRule[];
  /** Where a case goes when no rule names a queue (default: the queue the case has). */
  readonly defaultQueue?: string;
}

export interface RoutingRuleset extends RoutingRulesInput {
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: string;
}

/** The facts every rule may test. `fields` holds the case's custom fields (use `path`, e.g. `$.region`). */
export const ROUTING_FACTS = [
  'type',
  'priority',
  'channel',
  'queue',
  'status',
  'statusCategory',
  'requesterId',
  'entitlementLevel',
  'vip',
  'fields',
] as const;
export type RoutingFactName = (typeof ROUTING_FACTS)[number];
export type RoutingFacts = Readonly<Record<RoutingFactName, FieldValue | null | Readonly<Record<string, FieldValue>>>>;

export const RULE_OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
] as const;

/** Entitlement levels that make a customer a VIP (contract 6: `case.sla.entitlement.level`). */
export const VIP_LEVELS: readonly string[] = ['vip', 'platinum'];

/** The part of the case's SLA state routing reads: the entitlement chosen at intake. */
interface WithSla {
  readonly sla?: { readonly entitlement?: { readonly level?: string } | null } | null;
}

/**
 * The facts of a case. `vip` is true when the SLA entitlement chosen at intake is
 * one of VIP_LEVELS, or when the case type has a boolean field `vip` set: rules
 * can test either `vip` or `entitlementLevel` itself.
 */
export function routingFacts(c: Omit<Case, 'sla'> & WithSla): RoutingFacts {
  const entitlementLevel = c.sla?.entitlement?.level ?? null;
  return {
    type: c.type,
    priority: c.priority,
    channel: c.channel,
    queue: c.queue,
    status: c.status,
    statusCategory: c.statusCategory,
    requesterId: c.requester.id,
    entitlementLevel,
    vip: (entitlementLevel !== null && VIP_LEVELS.includes(entitlementLevel)) || c.fields.vip === true,
    fields: c.fields,
  };
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function checkCondition(cond: RuleCondition, at: string, issues: FieldIssue[], depth: number): void {
  if (depth > 8) {
    issues.push({ field: at, rule: 'too_deep', message: 'Conditions nest at most 8 deep.' });
    return;
  }
  if ('all' in cond || 'any' in cond) {
    const list = 'all' in cond ? cond.all : cond.any;
    const key = 'all' in cond ? 'all' : 'any';
    if (list.length === 0) issues.push({ field: `${at}.${key}`, rule: 'empty', message: 'A group needs at least one condition.' });
    list.forEach((c, i) => checkCondition(c, `${at}.${key}.${i}`, issues, depth + 1));
  } else if ('not' in cond) {
    checkCondition(cond.not, `${at}.not`, issues, depth + 1);
  } else {
    if (!(ROUTING_FACTS as readonly string[]).includes(cond.fact)) {
      issues.push({
        field: `${at}.fact`,
        rule: 'unknown_fact',
        message: `There is no fact ${cond.fact}; rules may test ${ROUTING_FACTS.join(', ')}.`,
      });
    }
    if (cond.fact === 'fields' && cond.path === undefined)
      issues.push({ field: `${at}.path`, rule: 'required', message: 'The fields fact needs a path such as $.region.' });
  }
}

/** Problems with a ruleset, field by field: empty when it can be published. */
export function checkRules(input: RoutingRulesInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  input.rules.forEach((rule, i) => {
    const at = `body.rules.${i}`;
    if (!ID.test(rule.id)) issues.push({ field: `${at}.id`, rule: 'format', message: 'Rule ids are 1-64 letters, digits, . _ : -' });
    if (seen.has(rule.id)) issues.push({ field: `${at}.id`, rule: 'duplicate', message: `Rule id ${rule.id} is used twice.` });
    seen.add(rule.id);
    checkCondition(rule.when, `${at}.when`, issues, 0);
    const actions = rule.then;
    if (Object.values(actions).every((v) => v === undefined))
      issues.push({ field: `${at}.then`, rule: 'empty', message: 'A rule must do something.' });
    const skills = new Set<string>();
    (actions.skills ?? []).forEach((s, j) => {
      if (skills.has(s.skill))
        issues.push({ field: `${at}.then.skills.${j}.skill`, rule: 'duplicate', message: `Skill ${s.skill} is listed twice.` });
      skills.add(s.skill);
    });
  });
  return issues;
}

/** One leaf condition that held, with the value the fact had: the "why" of a decision. */
export interface MatchedCondition {
  readonly fact: string;
  readonly path?: string;
  readonly operator: string;
  readonly value: unknown;
  readonly factValue: unknown;
}

/** What the engine said about one rule. */
export interface RuleOutcome {
  readonly ruleId: string;
  readonly fired: boolean;
  /** The leaf conditions that held (for a fired rule: the ones that made it fire). */
  readonly matched: readonly MatchedCondition[];
}

export interface FiredRule {
  readonly ruleId: string;
  readonly description?: string;
  readonly matched: readonly MatchedCondition[];
  readonly actions: RoutingActions;
}

/** A routing decision as recorded on the case's `RoutingDecided` audit event. */
export interface RoutingDecision {
  readonly rulesetVersion: number | null;
  readonly trigger: string;
  readonly facts: RoutingFacts;
  readonly fired: readonly FiredRule[];
  /** The rule whose firing ended the chain, if one did. */
  readonly stoppedAt: string | null;
  /** The actions in force after every fired rule, in order. */
  readonly actions: RoutingActions & { readonly queue: string; readonly priority: Priority; readonly skills: readonly SkillRequirement[] };
}

export const raisePriority = (p: Priority): Priority => PRIORITIES[Math.min(PRIORITIES.indexOf(p) + 1, PRIORITIES.length - 1)]!;

/**
 * Combine the engine's outcomes into one decision: fired rules in ruleset order,
 * later ones overriding earlier ones action by action, until one that stops.
 */
export function decide(
  ruleset: Pick<RoutingRuleset, 'rules' | 'defaultQueue'> & { version: number | null },
  outcomes: readonly RuleOutcome[],
  facts: RoutingFacts,
  current: Pick<Case, 'queue' | 'priority'>,
  trigger: string,
): RoutingDecision {
  const byId = new Map(outcomes.map((o) => [o.ruleId, o]));
  const fired: FiredRule[] = [];
  let stoppedAt: string | null = null;
  let merged: RoutingActions = {};
  for (const rule of ruleset.rules) {
    const outcome = byId.get(rule.id);
    if (!outcome?.fired) continue;
    fired.push({ ruleId: rule.id, ...(rule.description ? { description: rule.description } : {}), matched: outcome.matched, actions: rule.then });
    merged = { ...merged, ...Object.fromEntries(Object.entries(rule.then).filter(([, v]) => v !== undefined)) };
    if (rule.stop ?? true) {
      stoppedAt = rule.id;
      break;
    }
  }
  const basePriority = merged.priority ?? current.priority;
  return {
    rulesetVersion: ruleset.version,
    trigger,
    facts,
    fired,
    stoppedAt,
    actions: {
      ...merged,
      queue: merged.queue ?? ruleset.defaultQueue ?? current.queue,
      priority: merged.escalate ? raisePriority(basePriority) : basePriority,
      skills: merged.skills ?? [],
    },
  };
}
