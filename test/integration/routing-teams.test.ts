/**
 * Routing and record-level access, against DynamoDB Local over real HTTP with
 * real signed tokens: a case of a type restricted to teams (the seeded
 * `fraud-investigation`, team `fraud`) is never offered or assigned to an agent
 * outside the team, by dispatch, by a rule or by hand, even when that agent is
 * the only one free; it waits, saying why, and goes to a member once one is
 * there. And no routing read shows its id to a caller outside the team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#topology/routes.js';
import { sweep } from '#services/routing.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { RoutingBus } from '../support/routing-bus.js';
import type { DemoUserKey, Identity } from '#lib/local/dev-issuer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = DemoUserKey | Identity;

let platform: TestPlatform;
const bus = new RoutingBus();

/** Takes any channel: only the team rule can keep a case from them. */
const CAPACITY = { web: 5, email: 5, chat: 5, api: 5 };
const OUTSIDER = 'outsider-agent';
const outsider: Identity = { sub: OUTSIDER, roles: ['agent'] };
/** The seeded fraud-team agent (group fraud-team -> team fraud; lib/seed/routing gives them team fraud). */
const MEMBER = 'demo-fraud-agent';
/** A rule names the outsider as assignee of fraud cases: the team rule must win over it. */
const RULE_ASSIGNEE = 'rule-outsider';

/** A type restricted to a team nobody in routing is in (yet). */
const hrType = {
  typeId: 'hr-grievance',
  name: 'HR grievance',
  defaultQueue: 'hr',
  access: { teams: ['hr'] },
  fields: [],
  intake: { questions: [] },
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', label: 'Open', category: 'active' },
      { id: 'resolved', label: 'Resolved', category: 'resolved' },
    ],
    transitions: [{ id: 'resolve', label: 'Resolve', from: ['open'], to: 'resolved' }],
  },
};
const HR_AGENT = 'hr-agent';
const hrLead: Identity = { sub: 'hr-lead', roles: ['supervisor'], groups: ['hr-team'] };

beforeAll(async () => {
  // This file's process only: the demo mapping plus an hr team.
  process.env.TEAM_GROUPS = JSON.stringify({ 'fraud-team': 'fraud', 'hr-team': 'hr', 'legal-team': 'legal' });
  // The example agents too, as `npm start` loads them: the fraud team's member comes from the seed.
  platform = await startTestPlatform({ seedRouting: true });
  const rules = {
    rules: [
      {
        id: 'fraud-to-rule-outsider',
        when: { all: [{ fact: 'type', operator: 'equal', value: 'fraud-investigation' }] },
        then: { assignee: RULE_ASSIGNEE },
      },
    ],
  };
  expect((await call('admin', 'POST', '/routing/rules', rules)).status).toBe(201);
  expect((await call('admin', 'POST', '/case-types', hrType)).status).toBe(201);
  expect((await call('admin', 'PUT', `/routing/agents/${RULE_ASSIGNEE}`, { skills: {}, capacity: CAPACITY, teams: ['legal'] })).status).toBe(201);
  expect((await call('admin', 'PUT', `/routing/agents/${OUTSIDER}`, { skills: {}, capacity: CAPACITY })).status).toBe(201);
  for (const id of [RULE_ASSIGNEE, OUTSIDER])
    expect((await call({ sub: id, roles: ['agent'] }, 'PUT', `/routing/agents/${id}/presence`, { presence: 'available' })).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init =
    body === undefined ? { method, headers } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
  const response = await platform.fetchAs(who, path, init);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), text, body: (text ? JSON.parse(text) : undefined) as Body };
}

async function newCase(who: Who, body: Body): Promise<string> {
  const made = await call(who, 'POST', '/cases', {
    subject: 'Card used abroad',
    description: 'Three payments I did not make',
    requester: { id: 'demo-requester' },
    ...body,
  });
  expect(made.status, made.text).toBe(201);
  await bus.settle([made.body.caseId]);
  await sweep();
  return made.body.caseId as string;
}
const newFraudCase = () =>
  newCase('fraudSupervisor', { type: 'fraud-investigation', fields: { allegationType: 'payment-fraud', amountAtRisk: 5000 } });
const offerIds = async (who: Who, query = '') =>
  ((await call(who, 'GET', `/routing/offers${query}`)).body.items as Body[]).map((o) => o.caseId as string);
const routingOf = async (caseId: string) => (await call('fraudSupervisor', 'GET', `/routing/cases/${caseId}`)).body;
const decisions = async (caseId: string) =>
  ((await call('fraudSupervisor', 'GET', `/cases/${caseId}/history`)).body.items as Body[])
    .filter((e) => e.action === 'RoutingDecided')
    .map((e) => e.routing as Body);

let fraudCase: string;
let hrCase: string;

describe('offering and assigning a case of a type restricted to teams', () => {
  it('PUT /routing/agents/{id} takes teams, validated like case types name them', async () => {
    const bad = await call('admin', 'PUT', '/routing/agents/someone', { skills: {}, capacity: {}, teams: ['Fraud Team'] });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    expect(bad.text).toContain('body.teams.0');
    expect((await call('admin', 'PUT', '/routing/agents/someone', { skills: {}, capacity: {}, teams: ['fraud', 'fraud'] })).status).toBe(400);
    expect((await call('admin', 'GET', '/routing/agents/someone')).status).toBe(404);
    const made = await call('admin', 'PUT', '/routing/agents/someone', { skills: {}, capacity: {}, teams: ['fraud'] });
    expect(made.body.teams).toEqual(['fraud']);
    // A reconfiguration replaces the teams, as it replaces the skills: left out, none are kept.
    const again = await call('admin', 'PUT', '/routing/agents/someone', { skills: {}, capacity: {} }, { 'if-match': '"1"' });
    expect(again.status, again.text).toBe(200);
    expect(again.body).not.toHaveProperty('teams');
  });

  it('an unrestricted case goes to an outsider: they are free and eligible for it', async () => {
    const support = await newCase('agent', { type: 'support' });
    const routing = (await call('supervisor', 'GET', `/routing/cases/${support}`)).body;
    expect(routing, JSON.stringify(routing)).toMatchObject({ state: 'offered' });
    expect([OUTSIDER, RULE_ASSIGNEE]).toContain(routing.agentId);
  });

  it('a case whose team has no agent at all waits for noAgentInTeam, however free the others, and goes to the first member there is', async () => {
    const grievance = await newCase(hrLead, { type: 'hr-grievance', requester: { id: 'employee-7' } });
    for (const who of [outsider, { sub: RULE_ASSIGNEE, roles: ['agent'] } as Identity]) expect(await offerIds(who)).not.toContain(grievance);
    const waiting = (await call(hrLead, 'GET', `/routing/cases/${grievance}`)).body;
    expect(waiting).toMatchObject({ state: 'waiting', reason: 'noAgentInTeam' });
    expect(waiting.why).toContain('No agent is in team hr');
    expect((await call('admin', 'PUT', `/routing/agents/${HR_AGENT}`, { skills: {}, capacity: CAPACITY, teams: ['hr'] })).status).toBe(201);
    expect(
      (await call({ sub: HR_AGENT, roles: ['agent'], groups: ['hr-team'] }, 'PUT', `/routing/agents/${HR_AGENT}/presence`, { presence: 'available' }))
        .status,
    ).toBe(200);
    expect((await call(hrLead, 'GET', `/routing/cases/${grievance}`)).body).toMatchObject({ state: 'offered', agentId: HR_AGENT });
    expect(await offerIds({ sub: HR_AGENT, roles: ['agent'], groups: ['hr-team'] })).toContain(grievance);
    hrCase = grievance;
  });

  it('an agent taken out of the team loses their open offer of its case at once, and it waits for the team again', async () => {
    const hrAgent: Identity = { sub: HR_AGENT, roles: ['agent'], groups: ['hr-team'] };
    const { version } = (await call('admin', 'GET', `/routing/agents/${HR_AGENT}`)).body;
    expect(
      (await call('admin', 'PUT', `/routing/agents/${HR_AGENT}`, { skills: {}, capacity: CAPACITY }, { 'if-match': `"${version}"` })).status,
    ).toBe(200);
    expect(await offerIds(hrAgent)).not.toContain(hrCase);
    expect((await call(hrLead, 'GET', `/routing/cases/${hrCase}`)).body).toMatchObject({ state: 'waiting', reason: 'noAgentInTeam', declinedBy: [] });
    expect((await call('admin', 'GET', `/routing/agents/${HR_AGENT}`)).body.load.web).toBe(0);
    // Back in the team: offered to them again straight away.
    expect(
      (
        await call(
          'admin',
          'PUT',
          `/routing/agents/${HR_AGENT}`,
          { skills: {}, capacity: CAPACITY, teams: ['hr'] },
          { 'if-match': `"${version + 1}"` },
        )
      ).status,
    ).toBe(200);
    expect((await call(hrLead, 'GET', `/routing/cases/${hrCase}`)).body).toMatchObject({ state: 'offered', agentId: HR_AGENT });
  });

  it('a type restricted to another team after the offer: the sweep takes the offer back from the agent outside it', async () => {
    const hrAdmin: Identity = { sub: 'hr-admin', roles: ['admin'], groups: ['hr-team'] };
    const { typeId: _id, ...definition } = hrType;
    const moved = await call(hrAdmin, 'POST', '/case-types/hr-grievance/versions', { ...definition, access: { teams: ['legal'] } });
    expect(moved.status, moved.text).toBe(201);
    expect((await sweep()).withdrawn).toBe(1);
    expect(await offerIds({ sub: HR_AGENT, roles: ['agent'], groups: ['hr-team', 'legal-team'] })).not.toContain(hrCase);
    // The rule-named outsider is in legal and available: now it is theirs to be offered.
    const legal: Identity = { sub: RULE_ASSIGNEE, roles: ['agent'], groups: ['legal-team'] };
    expect(await offerIds(legal)).toContain(hrCase);
  });

  it('never offers or assigns it to an agent outside the team, even the only ones free; it waits for its team, saying so', async () => {
    fraudCase = await newFraudCase();
    expect(await offerIds(outsider)).not.toContain(fraudCase);
    expect(await offerIds({ sub: RULE_ASSIGNEE, roles: ['agent'] })).not.toContain(fraudCase);
    const routing = await routingOf(fraudCase);
    // The seeded fraud-team members are offline: that, not the free outsiders, is what it waits for.
    expect(routing).toMatchObject({ state: 'waiting', reason: 'noAgentAvailable', caseType: 'fraud-investigation' });
    expect(routing).not.toHaveProperty('agentId');
    expect((await call('fraudSupervisor', 'GET', `/cases/${fraudCase}`)).body.owner).toBeNull();
    // The rule that names an outsider did not get its way, and the decision says why.
    const [decided] = await decisions(fraudCase);
    expect(decided).toMatchObject({ outcome: 'queued', assigneeNotEligible: { agentId: RULE_ASSIGNEE, why: 'not eligible: not in team fraud' } });
    expect(decided!.why).toContain(`${RULE_ASSIGNEE} not eligible: not in team fraud`);
  });

  it('refuses a supervisor assigning it by hand to an agent outside the team (422, nothing written)', async () => {
    const before = (await call('fraudSupervisor', 'GET', `/cases/${fraudCase}`)).body;
    for (const owner of [OUTSIDER, RULE_ASSIGNEE]) {
      const refused = await call('fraudSupervisor', 'PATCH', `/cases/${fraudCase}`, { owner }, { 'if-match': `"${before.version}"` });
      expect(refused.status, refused.text).toBe(422);
      expect(refused.type).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'body.owner', rule: 'not_in_team' })]);
      expect(refused.body.detail).toContain('not in team fraud');
    }
    const after = (await call('fraudSupervisor', 'GET', `/cases/${fraudCase}`)).body;
    expect({ version: after.version, owner: after.owner }).toEqual({ version: before.version, owner: null });
    // Nor can a new case be opened straight into an outsider's hands.
    const listed = async () => ((await call('fraudSupervisor', 'GET', '/cases?type=fraud-investigation&limit=100')).body.items as Body[]).length;
    const count = await listed();
    const opened = await call('fraudSupervisor', 'POST', '/cases', {
      type: 'fraud-investigation',
      subject: 'S',
      description: 'D',
      requester: { id: 'demo-requester' },
      owner: OUTSIDER,
      fields: { allegationType: 'internal' },
    });
    expect(opened.status, opened.text).toBe(422);
    expect(await listed()).toBe(count);
  });

  it('an agent whose token is in the team may take a case themselves though routing does not list the team for them; nobody else may give it to them', async () => {
    const TOKEN_MEMBER = 'token-member';
    expect((await call('admin', 'PUT', `/routing/agents/${TOKEN_MEMBER}`, { skills: {}, capacity: {} })).status).toBe(201);
    const member: Identity = { sub: TOKEN_MEMBER, roles: ['supervisor'], groups: ['fraud-team'] };
    const other = await newFraudCase();
    const { version } = (await call(member, 'GET', `/cases/${other}`)).body;
    expect((await call('fraudSupervisor', 'PATCH', `/cases/${other}`, { owner: TOKEN_MEMBER }, { 'if-match': `"${version}"` })).status).toBe(422);
    const taken = await call(member, 'PATCH', `/cases/${other}`, { owner: TOKEN_MEMBER }, { 'if-match': `"${version}"` });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.body.owner).toBe(TOKEN_MEMBER);
  });

  it('offers it to the seeded fraud-team agent as soon as they are available', async () => {
    expect((await call('admin', 'GET', `/routing/agents/${MEMBER}`)).body).toMatchObject({ teams: ['fraud'], presence: 'offline' });
    expect((await call('fraudAgent', 'PUT', `/routing/agents/${MEMBER}/presence`, { presence: 'available' })).status).toBe(200);
    expect(await offerIds('fraudAgent')).toContain(fraudCase);
    expect(await routingOf(fraudCase)).toMatchObject({ state: 'offered', agentId: MEMBER });
  });
});

describe('routing reads for callers outside the team', () => {
  /** Every GET of the routing API, with the paths that name an agent or case filled in for the fraud case's side. */
  const READS: { route: string; paths: () => string[] }[] = [
    { route: 'GET /routing/rules', paths: () => ['/routing/rules', '/routing/rules?version=1'] },
    { route: 'GET /routing/queues', paths: () => ['/routing/queues'] },
    { route: 'GET /routing/agents', paths: () => ['/routing/agents'] },
    {
      route: 'GET /routing/agents/{id}',
      paths: () => [`/routing/agents/${MEMBER}`, `/routing/agents/${OUTSIDER}`, `/routing/agents/${RULE_ASSIGNEE}`],
    },
    {
      route: 'GET /routing/offers',
      paths: () => [
        '/routing/offers',
        `/routing/offers?agentId=${MEMBER}`,
        `/routing/offers?agentId=${OUTSIDER}`,
        `/routing/offers?agentId=${RULE_ASSIGNEE}`,
      ],
    },
    { route: 'GET /routing/cases/{id}', paths: () => [`/routing/cases/${fraudCase}`] },
  ];
  /** Staff outside the fraud team, of every role, and the agents routing refused it to. */
  const OUTSIDERS: Who[] = ['agent', 'supervisor', 'admin', 'integration', outsider, { sub: RULE_ASSIGNEE, roles: ['agent'] }];

  it('the table covers every routing GET the API serves', () => {
    const served = routes.filter((r) => r.fn === 'routing' && r.method === 'GET').map((r) => `${r.method} ${r.path}`);
    expect(READS.map((r) => r.route).sort()).toEqual(served.sort());
  });

  /** A body with its correlation id left out, and the id the caller itself asked about replaced: what is left is what the server told. */
  const told = (text: string, asked?: string) => {
    const { correlationId: _c, ...rest } = JSON.parse(text) as Body;
    return asked ? JSON.stringify(rest).replaceAll(asked, '<asked>') : JSON.stringify(rest);
  };
  const NEVER = 'CASE-2026-999999';

  it.each(READS.flatMap((r) => OUTSIDERS.map((who) => [r.route, who] as const)))('%s never shows the fraud case to %j', async (route, who) => {
    for (const path of READS.find((r) => r.route === route)!.paths()) {
      const read = await call(who, 'GET', path);
      expect(read.status).toBeLessThan(500);
      if (path.includes(fraudCase)) {
        // A path that names the case: exactly the answer for a case that never existed, its own id echoed and nothing else.
        const never = await call(who, 'GET', path.replace(fraudCase, NEVER));
        expect(read.status).toBe(404);
        expect(told(read.text, fraudCase)).toBe(told(never.text, NEVER));
      } else {
        expect(read.text, `${path} as ${JSON.stringify(who)}`).not.toContain(fraudCase);
      }
    }
  });

  it('while the team sees it where it is (so the table above is not vacuous)', async () => {
    expect(await offerIds('fraudSupervisor', `?agentId=${MEMBER}`)).toContain(fraudCase);
    expect((await call('fraudSupervisor', 'GET', `/routing/cases/${fraudCase}`)).text).toContain(fraudCase);
    expect((await call('agent', 'GET', `/routing/cases/${fraudCase}`)).status).toBe(404);
  });

  it('the team member accepts it and owns it', async () => {
    const [offer] = ((await call('fraudAgent', 'GET', '/routing/offers')).body.items as Body[]).filter((o) => o.caseId === fraudCase);
    const accepted = await call('fraudAgent', 'POST', `/routing/offers/${offer!.offerId}/accept`);
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.owner).toBe(MEMBER);
  });
});
