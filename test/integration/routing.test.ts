/**
 * Routing against DynamoDB Local: the admin API over real HTTP, the routing
 * consumer fed EventBridge-shaped events built from the cases' real audit
 * events, offers accepted and declined, the clock moving offers, optional skills
 * and overflow through the sweep, and idempotent redelivery.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, useClock } from '#adapters/clock.js';
import { dynamo, tableName } from '#adapters/dynamodb/client.js';
import { routingAgentKey } from '#adapters/dynamodb/keys.js';
import { sweep } from '#services/routing.js';
import { listOffers } from '#adapters/dynamodb/routing-repository.js';
import { REPO_ROOT } from '#lib/local/platform.js';
import { startRoutingSweep } from '#lib/local/routing-sweep.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { RoutingBus, routingEventsOf } from '../support/routing-bus.js';
import { exampleRules, LEGAL_LEAD } from '../support/routing-example.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'admin' | { sub: string; roles: ('agent' | 'supervisor' | 'admin')[] };

let platform: TestPlatform;
const clock = new AdjustableClock();
const bus = new RoutingBus();

const legalType = {
  typeId: 'legal',
  name: 'Legal',
  defaultQueue: 'legal',
  fields: [],
  intake: { questions: [] },
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', label: 'Open', category: 'active' },
      { id: 'resolved', label: 'Resolved', category: 'resolved' },
    ],
    transitions: [
      { id: 'resolve', label: 'Resolve', from: ['open'], to: 'resolved' },
      { id: 'reopen', label: 'Reopen', from: ['resolved'], to: 'open', reopen: true },
    ],
  },
};

beforeAll(async () => {
  useClock(clock);
  // Through Prism: every answer, 201 from a PUT that creates included, must be one the OpenAPI document lists.
  platform = await startTestPlatform({ validateResponses: true });
  for (const type of [legalType, { ...legalType, typeId: 'general', name: 'General', defaultQueue: 'general' }]) {
    const made = await call('admin', 'POST', '/case-types', type);
    expect(made.status).toBe(201);
  }
});
afterAll(async () => {
  await platform?.stop();
});

async function call(who: Who, method: string, path: string, body?: unknown) {
  const init = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const response = await platform.fetchAs(who, path, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

const as = (sub: string): Who => ({ sub, roles: ['agent'] });

async function newCase(type: string, extra: Body = {}): Promise<string> {
  const made = await call('agent', 'POST', '/cases', {
    type,
    subject: 'Contract question',
    description: 'Please review clause 4',
    requester: { id: 'cust-1' },
    ...extra,
  });
  expect(made.status).toBe(201);
  return made.body.caseId as string;
}

async function agent(id: string, skills: Record<string, number>, capacity: Record<string, number>, presence = 'available') {
  const put = await call('admin', 'PUT', `/routing/agents/${id}`, { name: id, skills, capacity });
  expect([200, 201]).toContain(put.status);
  expect((await call(as(id), 'PUT', `/routing/agents/${id}/presence`, { presence })).status).toBe(200);
}

const history = async (caseId: string) => (await call('supervisor', 'GET', `/cases/${caseId}/history`)).body.items as Body[];
const routingOf = async (caseId: string) => (await call('supervisor', 'GET', `/routing/cases/${caseId}`)).body;
const loadOf = async (agentId: string) =>
  (await dynamo().send(new GetCommand({ TableName: tableName(), Key: routingAgentKey(agentId) }))).Item!.load as Record<string, number>;
const offersOf = async (agentId: string) => (await call(as(agentId), 'GET', '/routing/offers')).body.items as Body[];

describe('the routing admin API', () => {
  it('publishes rules as versions, refuses bad ones naming the field, and only to admins', async () => {
    expect((await call('agent', 'POST', '/routing/rules', exampleRules)).status).toBe(403);
    const bad = await call('admin', 'POST', '/routing/rules', {
      rules: [{ id: 'x', when: { all: [{ fact: 'mood', operator: 'equal', value: 1 }] }, then: { queue: 'q' } }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.rules.0.when');
    const deep = await call('admin', 'POST', '/routing/rules', {
      rules: [{ id: 'x', when: { all: [{ fact: 'type', operator: 'equal', value: 'legal' }] }, then: { queue: 'Not A Slug' } }],
    });
    expect(deep.status).toBe(400);

    const v1 = await call('admin', 'POST', '/routing/rules', exampleRules);
    expect(v1.status).toBe(201);
    expect(v1.body.version).toBe(1);
    const stale = await call('admin', 'POST', '/routing/rules', exampleRules);
    expect(stale.status).toBe(201);
    expect(stale.body.version).toBe(2);
    const read = await call('agent', 'GET', '/routing/rules?version=1');
    expect(read.body.rules.map((r: Body) => r.id)).toEqual(['legal-high-to-lead', 'vip-email']);
    expect((await call('agent', 'GET', '/routing/rules?version=9')).status).toBe(404);
  });

  it('defines queues and agents; agents set their own presence only', async () => {
    const q = await call('admin', 'PUT', '/routing/queues/vip', {
      name: 'VIP',
      optionalSkillWaitSeconds: 60,
      overflow: { queue: 'general', afterSeconds: 600 },
      offerTimeoutSeconds: 30,
    });
    expect(q.status).toBe(201);
    expect(q.body).toMatchObject({ queueId: 'vip', offerTimeoutSeconds: 30, version: 1 });
    expect((await call('admin', 'PUT', '/routing/queues/vip', { overflow: { queue: 'vip', afterSeconds: 5 } })).status).toBe(400);
    expect((await call('agent', 'PUT', '/routing/queues/xq', {})).status).toBe(403);

    await agent(LEGAL_LEAD, { legal: 9 }, { web: 2, email: 2 });
    const listed = (await call('agent', 'GET', '/routing/agents')).body.items as Body[];
    expect(listed.find((a) => a.agentId === LEGAL_LEAD)).toMatchObject({
      presence: 'available',
      load: { web: 0, email: 0 },
      capacity: { web: 2, email: 2 },
    });
    expect((await call(as('someone-else'), 'PUT', `/routing/agents/${LEGAL_LEAD}/presence`, { presence: 'away' })).status).toBe(403);
    expect((await call(as(LEGAL_LEAD), 'PUT', `/routing/agents/${LEGAL_LEAD}/presence`, { presence: 'sleeping' })).status).toBe(400);
    expect((await call('admin', 'PUT', '/routing/agents/a1', { skills: { legal: 11 }, capacity: {} })).status).toBe(400);
  });
});

describe('deciding at intake', () => {
  it('IF Legal AND High: assigns the Legal team lead, records which rule fired and why in the same commit, once', async () => {
    const caseId = await newCase('legal', { priority: 'high' });
    await bus.settle([caseId]);

    const c = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    expect(c.owner).toBe(LEGAL_LEAD);
    const trail = await history(caseId);
    const decided = trail.find((e) => e.action === 'RoutingDecided')!;
    expect(decided).toMatchObject({
      actor: { sub: 'caseway-routing' },
      caseVersion: c.version,
      changes: [{ field: 'owner', before: null, after: LEGAL_LEAD }],
      routing: {
        step: 'decided',
        trigger: 'CaseCreated',
        rulesetVersion: 2,
        outcome: 'assigned',
        stoppedAt: 'legal-high-to-lead',
        fired: [
          {
            ruleId: 'legal-high-to-lead',
            matched: [
              { fact: 'type', factValue: 'legal' },
              { fact: 'priority', factValue: 'high' },
            ],
          },
        ],
        facts: { type: 'legal', priority: 'high', vip: false, entitlementLevel: null },
      },
    });
    expect((await routingEventsOf(caseId)).map((e) => e.type)).toContain('Assigned');
    expect(await loadOf(LEGAL_LEAD)).toMatchObject({ web: 1 });
    expect(await routingOf(caseId)).toMatchObject({ state: 'assigned', agentId: LEGAL_LEAD });

    // At least once: the same events again change nothing.
    const before = trail.length;
    for (const event of await routingEventsOf(caseId)) await bus.redeliver(event);
    expect((await history(caseId)).length).toBe(before);
    expect(await loadOf(LEGAL_LEAD)).toMatchObject({ web: 1 });

    // Resolving frees the lead's capacity.
    expect((await call('agent', 'POST', `/cases/${caseId}/transitions`, { to: 'resolved' })).status).toBe(200);
    await bus.settle([caseId]);
    expect(await loadOf(LEGAL_LEAD)).toMatchObject({ web: 0 });
    expect(await routingOf(caseId)).toMatchObject({ state: 'done', doneReason: 'resolved' });
  });

  it('ELSE IF Email AND VIP: the VIP queue; optional skills drop after the wait; the offer is accepted through the cases service', async () => {
    // A VIP is a customer whose entitlement has a VIP level: it is chosen at intake and recorded in the case's SLA state.
    const calendar = await call('admin', 'POST', '/sla/calendars', {
      calendarId: 'always-open',
      name: 'Always open',
      timeZone: 'UTC',
      week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
    });
    expect(calendar.status, JSON.stringify(calendar.body)).toBe(201);
    const policy = await call('admin', 'POST', '/sla/policies', {
      policyId: 'general-vip',
      name: 'General: VIP',
      calendarId: 'always-open',
      match: { caseType: 'general', entitlementLevel: 'vip' },
      targets: { firstResponse: 60, resolution: 480 },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const granted = await call('admin', 'POST', '/entitlements', {
      holder: { kind: 'customer', id: 'vip-cust' },
      level: 'vip',
      validFrom: '2020-01-01T00:00:00.000Z',
      validTo: '2099-01-01T00:00:00.000Z',
    });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    const caseId = await newCase('general', { channel: 'email', requester: { id: 'vip-cust' } });
    expect((await call('agent', 'GET', `/cases/${caseId}`)).body.sla).toMatchObject({ policyId: 'general-vip', entitlement: { level: 'vip' } });
    await bus.settle([caseId]);

    const c = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    expect(c.queue).toBe('vip');
    const decided = (await history(caseId)).find((e) => e.action === 'RoutingDecided')!;
    expect(decided.routing).toMatchObject({
      outcome: 'queued',
      fired: [{ ruleId: 'vip-email' }],
      facts: { vip: true, entitlementLevel: 'vip', channel: 'email' },
    });
    expect(decided.changes).toEqual([{ field: 'queue', before: 'general', after: 'vip' }]);
    const r0 = await routingOf(caseId);
    expect(r0).toMatchObject({ state: 'waiting', queue: 'vip', reason: 'noAgentHasSkills' });

    // An English-only VIP agent comes online: Spanish is optional but still required for the first minute.
    await agent('vip-1', { 'vip-care': 5 }, { email: 1 });
    expect(await offersOf('vip-1')).toEqual([]);
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', reason: 'noAgentHasSkills' });
    clock.advance(61_000);
    expect((await sweep()).offered).toBe(1);
    const [offer] = await offersOf('vip-1');
    expect(offer).toMatchObject({ caseId, agentId: 'vip-1', channel: 'email', queue: 'vip' });
    expect(await loadOf('vip-1')).toEqual({ email: 1 });

    expect((await call(as('vip-2'), 'POST', `/routing/offers/${offer!.offerId}/accept`)).status).toBe(403);
    const accepted = await call(as('vip-1'), 'POST', `/routing/offers/${offer!.offerId}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ caseId, owner: 'vip-1' });
    expect((await call(as('vip-1'), 'POST', `/routing/offers/${offer!.offerId}/accept`)).status).toBe(404);
    await bus.settle([caseId]);
    const trail = await history(caseId);
    expect(trail.at(-1)).toMatchObject({
      action: 'CaseUpdated',
      actor: { sub: 'vip-1' },
      changes: [{ field: 'owner', before: null, after: 'vip-1' }],
    });
    expect(await routingOf(caseId)).toMatchObject({ state: 'assigned', agentId: 'vip-1' });
    expect(await loadOf('vip-1')).toEqual({ email: 1 });

    // Reassigned by hand: routing lets go and the agent's capacity comes back.
    const current = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    const moved = await platform.fetchAs('supervisor', `/cases/${caseId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': `"${current.version}"` },
      body: JSON.stringify({ owner: 'demo-supervisor' }),
    });
    expect(moved.status).toBe(200);
    await bus.settle([caseId]);
    expect(await routingOf(caseId)).toMatchObject({ state: 'done', doneReason: 'reassigned' });
    expect(await loadOf('vip-1')).toEqual({ email: 0 });
  });
});

describe('at least once, in parallel', () => {
  it('the same CaseCreated delivered five times at once routes the case once', async () => {
    const caseId = await newCase('legal', { priority: 'low' });
    const [created] = (await routingEventsOf(caseId)).filter((e) => e.type === 'CaseCreated');
    await Promise.all(Array.from({ length: 5 }, () => bus.redeliver(created!)));
    const trail = await history(caseId);
    expect(trail.filter((e) => e.action === 'RoutingDecided')).toHaveLength(1);
    const routed = await routingOf(caseId);
    expect(routed).toMatchObject({ queue: 'legal' });
    // Routed once: then at most offered once (version 2), never twice.
    expect(routed.version).toBeLessThanOrEqual(2);
    expect((await listOffers()).filter((o) => o.caseId === caseId).length).toBeLessThanOrEqual(1);
  });
});

describe('deciding again on change', () => {
  it('a CaseUpdated that raises a Legal case to high priority re-runs the rules and hands it to the lead, recorded as such', async () => {
    await call(as(LEGAL_LEAD), 'PUT', `/routing/agents/${LEGAL_LEAD}/presence`, { presence: 'away' });
    const caseId = await newCase('legal', { priority: 'low' });
    await bus.settle([caseId]);
    const waiting = await routingOf(caseId);
    expect(waiting).toMatchObject({ state: 'waiting', queue: 'legal' });
    // The lead is away; nobody else available takes web cases.
    expect(['noAgentAvailable', 'agentsAtCapacity']).toContain(waiting.reason);

    const current = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    const raised = await platform.fetchAs('agent', `/cases/${caseId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': `"${current.version}"` },
      body: JSON.stringify({ priority: 'high' }),
    });
    expect(raised.status).toBe(200);
    await bus.settle([caseId]);

    const decisions = (await history(caseId)).filter((e) => e.action === 'RoutingDecided');
    expect(decisions.map((d) => [d.routing.trigger, d.routing.outcome])).toEqual([
      ['CaseCreated', 'queued'],
      ['CaseUpdated', 'assigned'],
    ]);
    expect(decisions[1]).toMatchObject({
      changes: [{ field: 'owner', before: null, after: LEGAL_LEAD }],
      routing: { fired: [{ ruleId: 'legal-high-to-lead' }] },
    });
    expect(await routingOf(caseId)).toMatchObject({ state: 'assigned', agentId: LEGAL_LEAD });
    // Routing's events are on the case's hash chain like any other.
    expect((await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
    await call(as(LEGAL_LEAD), 'PUT', `/routing/agents/${LEGAL_LEAD}/presence`, { presence: 'available' });
  });
});

describe('offers, declines, timeouts and overflow', () => {
  it('re-offers on decline, returns the case on timeout, and overflows to the next queue with a recorded decision', async () => {
    await call('admin', 'PUT', '/routing/queues/triage', { offerTimeoutSeconds: 30, overflow: { queue: 'general', afterSeconds: 300 } });
    await call('admin', 'POST', '/routing/rules', {
      rules: [
        ...exampleRules.rules,
        {
          id: 'web-triage',
          when: { all: [{ fact: 'channel', operator: 'equal', value: 'chat' }] },
          then: { queue: 'triage', skills: [{ skill: 'triage', level: 2 }] },
        },
      ],
    });
    await agent('tri-1', { triage: 3 }, { chat: 2 });
    await agent('tri-2', { triage: 3 }, { chat: 1 });
    const caseId = await newCase('general', { channel: 'chat' });
    await bus.settle([caseId]);

    // Most free capacity first: tri-1.
    const [first] = await offersOf('tri-1');
    expect(first).toMatchObject({ caseId });
    expect((await call(as('tri-1'), 'POST', `/routing/offers/${first!.offerId}/decline`)).status).toBe(204);
    const [second] = await offersOf('tri-2');
    expect(second).toMatchObject({ caseId });
    expect(await loadOf('tri-1')).toEqual({ chat: 0 });
    expect(await loadOf('tri-2')).toEqual({ chat: 1 });

    // tri-2 says nothing: after the offer timeout the sweep takes it back and, silence not being a decline,
    // offers it again to the only agent who has not declined: tri-2.
    clock.advance(31_000);
    expect(await sweep()).toMatchObject({ expired: 1, offered: 1 });
    const [third] = await offersOf('tri-2');
    expect(third).toMatchObject({ caseId });
    expect(third!.offerId).not.toBe(second!.offerId);
    expect(await routingOf(caseId)).toMatchObject({ state: 'offered', agentId: 'tri-2', declinedBy: ['tri-1'], timedOutBy: ['tri-2'] });
    // This time tri-2 declines: now everybody has.
    expect((await call(as('tri-2'), 'POST', `/routing/offers/${third!.offerId}/decline`)).status).toBe(204);
    expect(await loadOf('tri-2')).toEqual({ chat: 0 });
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', declinedBy: ['tri-1', 'tri-2'], timedOutBy: [], reason: 'allDeclined' });

    clock.advance(300_000);
    expect((await sweep()).overflowed).toBe(1);
    const c = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    expect(c.queue).toBe('general');
    expect((await history(caseId)).at(-1)).toMatchObject({
      action: 'RoutingDecided',
      changes: [{ field: 'queue', before: 'triage', after: 'general' }],
      routing: { step: 'overflow', from: 'triage', to: 'general' },
    });
    // A new queue, a new round: both may be offered it again (skills still apply).
    expect(await routingOf(caseId)).toMatchObject({ queue: 'general', declinedBy: [] });
    expect((await call(as('tri-1'), 'POST', '/routing/offers/CASE-2026-999999.1/accept')).status).toBe(404);
  });
});

describe('the local sweep', () => {
  it('runs on every jump of the adjustable clock, as the schedule would in AWS, and takes back an expired offer to offer it again', async () => {
    const rules = (await call('agent', 'GET', '/routing/rules')).body;
    await call('admin', 'POST', '/routing/rules', {
      rules: [
        {
          id: 'phone',
          when: { all: [{ fact: 'channel', operator: 'equal', value: 'phone' }] },
          then: { queue: 'phones', skills: [{ skill: 'calls', level: 1 }] },
        },
        ...rules.rules,
      ],
    });
    await agent('phone-1', { calls: 2 }, { phone: 1 });
    const caseId = await newCase('general', { channel: 'phone' });
    await bus.settle([caseId]);
    const [first] = await offersOf('phone-1');
    expect(first).toMatchObject({ caseId });

    const errors: unknown[] = [];
    const sweeper = startRoutingSweep(REPO_ROOT, 3_600_000, { info: () => undefined, error: (_m, e) => errors.push(e) });
    try {
      clock.advance(61_000);
      await sweeper.runNow();
    } finally {
      await sweeper.stop();
    }
    expect(errors).toEqual([]);
    // The only agent who can take it let the offer lapse: it is not theirs to refuse by silence, so it comes back.
    const offers = await offersOf('phone-1');
    expect(offers).toHaveLength(1);
    expect(offers[0]!.offerId).not.toBe(first!.offerId);
    expect(await routingOf(caseId)).toMatchObject({ state: 'offered', agentId: 'phone-1', declinedBy: [], timedOutBy: ['phone-1'] });
  });
});

describe('who may do what in routing', () => {
  const ROLES = ['requester', 'agent', 'supervisor', 'admin', 'integration'] as const;
  type Role = (typeof ROLES)[number];
  const staffOk = (status: number) => ({ requester: 403, agent: status, supervisor: status, admin: status, integration: status });
  const adminOnly = (status: number) => ({ requester: 403, agent: 403, supervisor: 403, admin: status, integration: 403 });
  let routedCase: string;

  beforeAll(async () => {
    await agent('demo-agent', { general: 1 }, { web: 1 }, 'away');
    routedCase = await newCase('general');
    await bus.settle([routedCase]);
  });

  const MATRIX: { name: string; method: string; path: () => string; body?: unknown; expect: Record<Role, number | number[]> }[] = [
    { name: 'publish rules', method: 'POST', path: () => '/routing/rules', body: { rules: [] }, expect: adminOnly(201) },
    { name: 'read rules', method: 'GET', path: () => '/routing/rules', expect: staffOk(200) },
    { name: 'put a queue', method: 'PUT', path: () => '/routing/queues/matrix', body: {}, expect: { ...adminOnly(0), admin: [200, 201] } },
    { name: 'list queues', method: 'GET', path: () => '/routing/queues', expect: staffOk(200) },
    {
      name: 'put an agent',
      method: 'PUT',
      path: () => '/routing/agents/matrix-agent',
      body: { skills: {}, capacity: {} },
      expect: { ...adminOnly(0), admin: [200, 201] },
    },
    { name: 'list agents', method: 'GET', path: () => '/routing/agents', expect: staffOk(200) },
    { name: 'read an agent', method: 'GET', path: () => '/routing/agents/demo-agent', expect: staffOk(200) },
    // The agent themselves, supervisors and admins; not another staff member.
    {
      name: 'set presence',
      method: 'PUT',
      path: () => '/routing/agents/demo-agent/presence',
      body: { presence: 'away' },
      expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 403 },
    },
    { name: 'list own offers', method: 'GET', path: () => '/routing/offers', expect: staffOk(200) },
    { name: 'accept an offer that is not there', method: 'POST', path: () => '/routing/offers/CASE-2026-999999.1/accept', expect: staffOk(404) },
    { name: 'decline an offer that is not there', method: 'POST', path: () => '/routing/offers/CASE-2026-999999.1/decline', expect: staffOk(404) },
    { name: "a case's routing", method: 'GET', path: () => `/routing/cases/${routedCase}`, expect: staffOk(200) },
  ];

  for (const row of MATRIX) {
    it.each(ROLES)(`${row.name} as %s`, async (role) => {
      const response = await platform.fetchAs(role, row.path(), {
        method: row.method,
        ...(row.body === undefined ? {} : { body: JSON.stringify(row.body), headers: { 'content-type': 'application/json' } }),
      });
      const want = row.expect[role];
      expect(Array.isArray(want) ? want : [want]).toContain(response.status);
      if (response.status >= 400) expect(response.headers.get('content-type')).toBe('application/problem+json');
    });
  }

  it('answers 401 to every routing endpoint without a token', async () => {
    for (const row of MATRIX) {
      const response = await fetch(`${platform.url}${row.path()}`, { method: row.method });
      expect(response.status, `${row.method} ${row.path()}`).toBe(401);
    }
  });
});
