/**
 * Routing's answers to the trust issue, against DynamoDB Local over real HTTP:
 * update expressions for every combination of optional fields, placements made
 * by people or escalation that rules leave alone, offers that time out and come
 * back, the waiting reason, and a waiting case re-ranked when its priority moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, useClock } from '#adapters/clock.js';
import { sweep } from '#services/routing.js';
import { updateCase } from '#services/cases.js';
import { SLA_TIMER_CALLER } from '#core/caller.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { RoutingBus } from '../support/routing-bus.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'admin' | { sub: string; roles: ('agent' | 'supervisor' | 'admin')[] };

let platform: TestPlatform;
const clock = new AdjustableClock();
const bus = new RoutingBus();

const trustType = {
  typeId: 'trust',
  name: 'Trust',
  defaultQueue: 'intake',
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

beforeAll(async () => {
  useClock(clock);
  platform = await startTestPlatform();
  expect((await call('admin', 'POST', '/case-types', trustType)).status).toBe(201);
  // Web cases go to the front desk; every channel's case gets a skill only its own tests' agents have.
  const rules = (['web', 'chat', 'phone', 'social'] as const).map((channel) => ({
    id: `${channel}-rule`,
    when: { all: [{ fact: 'channel', operator: 'equal', value: channel }] },
    then: { queue: channel === 'web' ? 'front' : `${channel}-desk`, skills: [{ skill: `${channel}-skill`, level: 1 }] },
  }));
  expect((await call('admin', 'POST', '/routing/rules', { rules })).status).toBe(201);
  expect((await call('admin', 'PUT', '/routing/queues/chat-desk', { offerTimeoutSeconds: 30 })).status).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init =
    body === undefined ? { method, headers } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
  const response = await platform.fetchAs(who, path, init);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: (text ? JSON.parse(text) : undefined) as Body };
}

describe('PUT /routing/agents/{id}: every combination of optional fields, on create and on reconfigure', () => {
  const NAMES = [undefined, 'Ada'] as const;
  const CAPACITIES = [{}, { web: 1 }, { web: 2, email: 1 }] as const;
  const SKILLS = [{}, { legal: 3 }] as const;
  const combos = NAMES.flatMap((name) => CAPACITIES.flatMap((capacity) => SKILLS.map((skills) => ({ ...(name ? { name } : {}), capacity, skills }))));
  let n = 0;

  it.each(combos.flatMap((before) => combos.map((after) => [before, after] as const)))('%j then %j', async (before, after) => {
    const id = `combo-${n++}`;
    const created = await call('admin', 'PUT', `/routing/agents/${id}`, before);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const again = await call('admin', 'PUT', `/routing/agents/${id}`, after, { 'if-match': '"1"' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ agentId: id, skills: after.skills, capacity: after.capacity, version: 2, presence: 'offline' });
    // A name given is the new name; none given keeps the old one.
    expect(again.body.name).toBe(after.name ?? before.name);
    // Load is kept where it was and starts at zero on a new channel.
    for (const channel of Object.keys(after.capacity)) expect(again.body.load[channel]).toBe(0);
  });

  it.each(['available', 'busy', 'away', 'offline'])('sets presence %s', async (presence) => {
    const id = `presence-${presence}`;
    expect((await call('admin', 'PUT', `/routing/agents/${id}`, { skills: {}, capacity: {} })).status).toBe(201);
    const set = await call({ sub: id, roles: ['agent'] }, 'PUT', `/routing/agents/${id}/presence`, { presence });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.presence).toBe(presence);
  });
});

const as = (sub: string): Who => ({ sub, roles: ['agent'] });
const history = async (caseId: string) => (await call('supervisor', 'GET', `/cases/${caseId}/history`)).body.items as Body[];
const routingOf = async (caseId: string) => (await call('supervisor', 'GET', `/routing/cases/${caseId}`)).body;
const caseOf = async (caseId: string) => (await call('supervisor', 'GET', `/cases/${caseId}`)).body;
const offersOf = async (agentId: string) => (await call(as(agentId), 'GET', '/routing/offers')).body.items as Body[];

async function newCase(channel: string): Promise<string> {
  const made = await call('agent', 'POST', '/cases', {
    type: 'trust',
    channel,
    subject: 'Where is my parcel',
    description: 'It did not come.',
    requester: { id: 'cust-1' },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  await bus.settle([made.body.caseId]);
  return made.body.caseId as string;
}

async function patch(caseId: string, change: Body) {
  const current = await caseOf(caseId);
  const patched = await call('supervisor', 'PATCH', `/cases/${caseId}`, change, { 'if-match': `"${current.version}"` });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  await bus.settle([caseId]);
}

async function agent(id: string, skills: Record<string, number>, capacity: Record<string, number>, presence = 'available') {
  expect([200, 201]).toContain((await call('admin', 'PUT', `/routing/agents/${id}`, { skills, capacity })).status);
  expect((await call(as(id), 'PUT', `/routing/agents/${id}/presence`, { presence })).status).toBe(200);
}

const decisions = async (caseId: string) => (await history(caseId)).filter((e) => e.action === 'RoutingDecided').map((e) => e.routing as Body);

describe('a case placed by a person or an escalation stays placed', () => {
  it('a queue changed by hand is not moved back by the rules, now or on a later change, and the decision says why', async () => {
    const caseId = await newCase('web');
    expect((await caseOf(caseId)).queue).toBe('front');

    await patch(caseId, { queue: 'back-office' });
    expect((await caseOf(caseId)).queue).toBe('back-office');
    const [, placed] = await decisions(caseId);
    expect(placed).toMatchObject({
      trigger: 'CaseUpdated',
      outcome: 'queued',
      fired: [],
      rulesApplied: false,
      placement: { by: 'person', actor: 'demo-supervisor', field: 'queue' },
      actions: { queue: 'back-office' },
    });
    expect(placed!.why).toContain('demo-supervisor');
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', queue: 'back-office', placement: { by: 'person', field: 'queue' } });

    // A later change the rules would react to: the case stays where it was put, at its new priority.
    await patch(caseId, { priority: 'urgent' });
    expect((await caseOf(caseId)).queue).toBe('back-office');
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', queue: 'back-office', priority: 'urgent' });
    expect((await decisions(caseId)).at(-1)).toMatchObject({
      trigger: 'CaseUpdated',
      rulesApplied: false,
      actions: { queue: 'back-office', priority: 'urgent' },
    });
  });

  it("an SLA escalation's reassignment is not moved back by the rules when the escalation then raises the priority", async () => {
    const caseId = await newCase('web');
    // What the escalation ladder's `reassign` and `raisePriority` rungs commit: CaseUpdated by the SLA timer.
    const escalate = async (change: Body) => {
      const current = await caseOf(caseId);
      await updateCase(caseId, { ...change, reason: 'SLA escalation' }, current.version, {
        caller: SLA_TIMER_CALLER,
        now: clock.now().toISOString(),
        channel: 'api',
        correlationId: `esc-${caseId}-${current.version}`,
      });
      await bus.settle([caseId]);
    };
    await escalate({ queue: 'escalations' });
    expect((await caseOf(caseId)).queue).toBe('escalations');
    expect((await decisions(caseId)).at(-1)).toMatchObject({
      rulesApplied: false,
      placement: { by: 'escalation', actor: 'caseway-sla-timer', field: 'queue' },
    });
    await escalate({ priority: 'urgent' });
    expect((await caseOf(caseId)).queue).toBe('escalations');
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', queue: 'escalations', priority: 'urgent', placement: { by: 'escalation' } });
  });

  it('an owner set by hand and taken away again puts the case back where it is, without the rules', async () => {
    const caseId = await newCase('web');
    await patch(caseId, { owner: 'demo-agent' });
    expect(await routingOf(caseId)).toMatchObject({ state: 'done', doneReason: 'reassigned', placement: { by: 'person', field: 'owner' } });
    await patch(caseId, { owner: null });
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', queue: 'front', placement: { by: 'person', field: 'owner' } });
    expect((await decisions(caseId)).at(-1)).toMatchObject({ trigger: 'Assigned', fired: [], rulesApplied: false });
  });
});

describe('an offer that times out is not a decline', () => {
  it('the only eligible agent lets offers lapse: every sweep offers the case again, it never waits for ever', async () => {
    await agent('chat-1', { 'chat-skill': 1 }, { chat: 1 });
    const caseId = await newCase('chat');
    let [offer] = await offersOf('chat-1');
    expect(offer).toMatchObject({ caseId });
    for (let round = 1; round <= 3; round++) {
      clock.advance(31_000);
      expect(await sweep()).toMatchObject({ expired: 1, offered: 1 });
      const [again] = await offersOf('chat-1');
      expect(again).toMatchObject({ caseId });
      expect(again!.offerId).not.toBe(offer!.offerId);
      offer = again;
      expect(await routingOf(caseId)).toMatchObject({ state: 'offered', agentId: 'chat-1', declinedBy: [], timedOutBy: ['chat-1'] });
    }
    // Away now: the case waits, and says why truthfully (nobody declined it).
    expect((await call(as('chat-1'), 'PUT', '/routing/agents/chat-1/presence', { presence: 'away' })).status).toBe(200);
    clock.advance(31_000);
    expect(await sweep()).toMatchObject({ expired: 1, offered: 0 });
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', declinedBy: [], timedOutBy: ['chat-1'], reason: 'noAgentAvailable' });

    // Another agent comes: they get it first; the one who let it lapse is behind them.
    await agent('chat-2', { 'chat-skill': 1 }, { chat: 1 });
    expect((await call(as('chat-1'), 'PUT', '/routing/agents/chat-1/presence', { presence: 'available' })).status).toBe(200);
    expect(await routingOf(caseId)).toMatchObject({ state: 'offered', agentId: 'chat-2' });
    clock.advance(31_000);
    expect(await sweep()).toMatchObject({ expired: 1, offered: 1 });
    // Both have let it lapse now: the one who did so longest ago is next.
    expect(await routingOf(caseId)).toMatchObject({ state: 'offered', agentId: 'chat-1', timedOutBy: ['chat-1', 'chat-2'] });
    const [last] = await offersOf('chat-1');
    expect((await call(as('chat-1'), 'POST', `/routing/offers/${last!.offerId}/accept`)).status).toBe(200);
  });
});

describe('the waiting reason', () => {
  it('an agent who takes no cases on the channel is not "at capacity"', async () => {
    await agent('social-1', { 'social-skill': 1 }, { email: 1 });
    const caseId = await newCase('social');
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', reason: 'noAgentTakesChannel' });
  });
});

describe('priority while routed', () => {
  it('a priority raised while the case is offered is the priority it waits at when the offer is declined', async () => {
    await agent('phone-1', { 'phone-skill': 1 }, { phone: 1 });
    const caseId = await newCase('phone');
    const [offer] = await offersOf('phone-1');
    expect(offer).toMatchObject({ caseId });
    await patch(caseId, { priority: 'urgent' });
    expect(await routingOf(caseId)).toMatchObject({ state: 'offered', priority: 'urgent' });
    expect((await call(as('phone-1'), 'POST', `/routing/offers/${offer!.offerId}/decline`)).status).toBe(204);
    expect(await routingOf(caseId)).toMatchObject({ state: 'waiting', priority: 'urgent', declinedBy: ['phone-1'], reason: 'allDeclined' });
  });
});
