/**
 * Routing rules through json-rules-engine: the issue's IF / ELSE IF example, the
 * record of why (facts and matched conditions), overriding and stopping, and the
 * checks that keep a ruleset publishable.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '#core/case.js';
import { evaluateRules } from '#core/routing/rule-engine.js';
import { checkRules, decide, routingFacts, type RoutingRule } from '#core/routing/rules.js';
import { exampleRules, LEGAL_LEAD } from '../support/routing-example.js';

const base: Case = {
  caseId: 'CASE-2026-000001',
  type: 'support',
  typeVersion: 1,
  status: 'new',
  statusCategory: 'active',
  priority: 'medium',
  priorityScore: null,
  owner: null,
  queue: 'general',
  requester: { id: 'r1' },
  channel: 'web',
  subject: 's',
  description: 'd',
  fields: {},
  attachments: [],
  reopenCount: 0,
  resolvedAt: null,
  parentId: null,
  mergedInto: null,
  handoff: null,
  sla: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'r1',
  version: 1,
};

/** The part of the SLA state routing reads is all these cases carry of it. */
type WithSla = Omit<Case, 'sla'> & { sla?: { entitlement: { id: string; level: string } | null } | null };

async function decideFor(c: WithSla, rules: readonly RoutingRule[] = exampleRules.rules as RoutingRule[]) {
  const facts = routingFacts(c);
  return decide({ version: 1, rules }, await evaluateRules(rules, facts), facts, c, 'CaseCreated');
}

describe('the issue example: IF Legal AND High THEN lead; ELSE IF Email AND VIP THEN VIP queue', () => {
  it('assigns a high-priority Legal case to the Legal team lead, and says why', async () => {
    const d = await decideFor({ ...base, type: 'legal', priority: 'high' });
    expect(d.actions).toMatchObject({ assignee: LEGAL_LEAD, queue: 'legal' });
    expect(d.stoppedAt).toBe('legal-high-to-lead');
    expect(d.fired).toEqual([
      expect.objectContaining({
        ruleId: 'legal-high-to-lead',
        matched: [
          { fact: 'type', operator: 'equal', value: 'legal', factValue: 'legal' },
          { fact: 'priority', operator: 'equal', value: 'high', factValue: 'high' },
        ],
      }),
    ]);
  });

  it('sends a VIP email case to the VIP queue, the VIP status read from the SLA entitlement', async () => {
    const d = await decideFor({ ...base, channel: 'email', sla: { entitlement: { id: 'e1', level: 'vip' } } });
    expect(d.actions).toMatchObject({
      queue: 'vip',
      skills: [
        { skill: 'vip-care', level: 3 },
        { skill: 'spanish', level: 5, optional: true },
      ],
    });
    expect(d.facts).toMatchObject({ vip: true, entitlementLevel: 'vip', channel: 'email' });
    expect(d.fired.map((f) => f.ruleId)).toEqual(['vip-email']);
    expect(d.fired[0]!.matched).toContainEqual({ fact: 'vip', operator: 'equal', value: true, factValue: true });
  });

  it('is ELSE IF: a high Legal VIP email goes to the lead only', async () => {
    const d = await decideFor({ ...base, type: 'legal', priority: 'high', channel: 'email', sla: { entitlement: { id: 'e1', level: 'vip' } } });
    expect(d.fired.map((f) => f.ruleId)).toEqual(['legal-high-to-lead']);
    expect(d.actions.queue).toBe('legal');
  });

  it('treats a case without SLA state (before contract 4 lands) as not VIP', async () => {
    const d = await decideFor({ ...base, channel: 'email' });
    expect(d.facts).toMatchObject({ vip: false, entitlementLevel: null });
    expect(d.fired).toEqual([]);
    expect(d.actions).toEqual({ queue: 'general', priority: 'medium', skills: [] });
  });

  it('a gold entitlement is not VIP; a platinum one is', async () => {
    expect((await decideFor({ ...base, channel: 'email', sla: { entitlement: { id: 'e', level: 'gold' } } })).fired).toEqual([]);
    expect((await decideFor({ ...base, channel: 'email', sla: { entitlement: { id: 'e', level: 'platinum' } } })).actions.queue).toBe('vip');
  });
});

describe('combining rules', () => {
  const rules: RoutingRule[] = [
    {
      id: 'any-email',
      when: { any: [{ fact: 'channel', operator: 'equal', value: 'email' }] },
      then: { queue: 'mail', priority: 'low' },
      stop: false,
    },
    {
      id: 'region',
      when: { all: [{ fact: 'fields', path: '$.region', operator: 'in', value: ['emea', 'apac'] }] },
      then: { queue: 'intl', escalate: true },
    },
    { id: 'never-reached', when: { all: [{ fact: 'channel', operator: 'equal', value: 'email' }] }, then: { queue: 'x' } },
  ];

  it('applies fired rules in order, later actions over earlier, until one stops; escalate raises a band', async () => {
    const d = await decideFor({ ...base, channel: 'email', fields: { region: 'emea' } }, rules);
    expect(d.fired.map((f) => f.ruleId)).toEqual(['any-email', 'region']);
    expect(d.actions).toMatchObject({ queue: 'intl', priority: 'medium', escalate: true });
    expect(d.fired[1]!.matched).toEqual([{ fact: 'fields', path: '$.region', operator: 'in', value: ['emea', 'apac'], factValue: 'emea' }]);
  });

  it('a custom field the case lacks makes its condition false, not an error', async () => {
    const d = await decideFor({ ...base, channel: 'email' }, rules);
    expect(d.fired.map((f) => f.ruleId)).toEqual(['any-email', 'never-reached']);
    expect(d.actions.queue).toBe('x');
  });

  it('negation holds and is reported by the leaves that held inside it', async () => {
    const not: RoutingRule[] = [{ id: 'not-web', when: { not: { fact: 'channel', operator: 'equal', value: 'web' } }, then: { queue: 'elsewhere' } }];
    expect((await decideFor({ ...base, channel: 'chat' }, not)).actions.queue).toBe('elsewhere');
    expect((await decideFor(base, not)).fired).toEqual([]);
  });
});

describe('checking a ruleset', () => {
  it('names unknown facts, duplicate ids, empty actions, fields without a path and duplicate skills', () => {
    const issues = checkRules({
      rules: [
        { id: 'a', when: { all: [{ fact: 'mood', operator: 'equal', value: 1 }] }, then: { queue: 'q' } },
        { id: 'a', when: { all: [{ fact: 'fields', operator: 'equal', value: 1 }] }, then: {} },
        {
          id: 'b',
          when: { any: [] },
          then: {
            skills: [
              { skill: 's', level: 1 },
              { skill: 's', level: 2 },
            ],
          },
        },
      ],
    });
    expect(issues.map((i) => `${i.field}:${i.rule}`)).toEqual([
      'body.rules.0.when.all.0.fact:unknown_fact',
      'body.rules.1.id:duplicate',
      'body.rules.1.when.all.0.path:required',
      'body.rules.1.then:empty',
      'body.rules.2.when.any:empty',
      'body.rules.2.then.skills.1.skill:duplicate',
    ]);
    expect(checkRules(exampleRules as never)).toEqual([]);
  });
});
