/**
 * Push-routing maths against obvious oracles (fast-check): the best agent is the
 * first of a plain sort of the eligible ones; a plan never over-fills an agent,
 * never offers a case twice, offers only to eligible agents, and leaves no case
 * waiting that some agent could still take. Plus the clock's effects.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestAgent,
  compareWaiting,
  freeCapacity,
  overflowsDue,
  planOffers,
  skillsInForce,
  waitingReason,
  type Agent,
  type Queue,
  type WaitingCase,
} from '#core/routing/dispatch.js';
import { PRIORITIES, type Channel } from '#core/vocabulary.js';

const CHANNELS: Channel[] = ['email', 'chat', 'phone'];
const SKILLS = ['billing', 'legal', 'spanish', 'vip'];
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const agentArb = (id: number): fc.Arbitrary<Agent> =>
  fc
    .record({
      skills: fc.dictionary(fc.constantFrom(...SKILLS), fc.integer({ min: 1, max: 10 }), { maxKeys: 4 }),
      capacity: fc.dictionary(fc.constantFrom(...CHANNELS), fc.integer({ min: 0, max: 3 }), { maxKeys: 3 }),
      presence: fc.constantFrom('available', 'available', 'busy', 'away', 'offline' as const),
      idle: fc.integer({ min: 0, max: 50 }),
      used: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ skills, capacity, presence, idle, used }) => ({
      agentId: `a${String(id).padStart(2, '0')}`,
      skills,
      capacity,
      load: Object.fromEntries(Object.entries(capacity).map(([ch, cap]) => [ch, Math.min(cap, used)])),
      presence,
      idleSince: at(idle),
      version: 1,
    }));

const agentsArb: fc.Arbitrary<Agent[]> = fc
  .integer({ min: 0, max: 12 })
  .chain((n) => (n === 0 ? fc.constant<Agent[]>([]) : fc.tuple(...Array.from({ length: n }, (_, i) => agentArb(i)))));

const caseArb = (id: number): fc.Arbitrary<WaitingCase> =>
  fc
    .record({
      priority: fc.constantFrom(...PRIORITIES),
      channel: fc.constantFrom(...CHANNELS),
      skills: fc.uniqueArray(fc.record({ skill: fc.constantFrom(...SKILLS), level: fc.integer({ min: 1, max: 10 }), optional: fc.boolean() }), {
        selector: (s) => s.skill,
        maxLength: 2,
      }),
      since: fc.integer({ min: 0, max: 100 }),
      declined: fc.subarray(['a00', 'a01', 'a02']),
      timedOut: fc.shuffledSubarray(['a01', 'a02', 'a03', 'a04']),
    })
    .map(({ priority, channel, skills, since, declined, timedOut }) => ({
      caseId: `CASE-2026-${String(id).padStart(6, '0')}`,
      queue: 'q',
      priority,
      channel,
      skills,
      since: at(since),
      queuedAt: at(since),
      declinedBy: declined,
      ...(timedOut.length ? { timedOutBy: timedOut } : {}),
      routingVersion: 1,
    }));

const casesArb: fc.Arbitrary<WaitingCase[]> = fc
  .integer({ min: 0, max: 25 })
  .chain((n) => (n === 0 ? fc.constant<WaitingCase[]>([]) : fc.tuple(...Array.from({ length: n }, (_, i) => caseArb(i)))));

/** The oracle: eligibility spelled out (a timeout is not a decline), then a full sort: agents who let an offer lapse last, oldest lapse first. */
function oracleBest(agents: readonly Agent[], c: WaitingCase, skills: WaitingCase['skills']): Agent | undefined {
  const free = (a: Agent) => (a.capacity[c.channel] ?? 0) - (a.load[c.channel] ?? 0);
  const ok = agents.filter(
    (a) =>
      a.presence === 'available' &&
      free(a) > 0 &&
      !c.declinedBy.includes(a.agentId) &&
      (!c.reservedFor || c.reservedFor === a.agentId) &&
      skills.every((s) => (a.skills[s.skill] ?? 0) >= s.level),
  );
  const lapsed = (a: Agent) => (c.timedOutBy ?? []).indexOf(a.agentId);
  return [...ok].sort(
    (a, b) => lapsed(a) - lapsed(b) || free(b) - free(a) || a.idleSince.localeCompare(b.idleSince) || a.agentId.localeCompare(b.agentId),
  )[0];
}

const noQueues = new Map<string, Queue>();

describe('choosing an agent', () => {
  it('picks what a full sort of the eligible agents puts first', () => {
    fc.assert(
      fc.property(agentsArb, caseArb(1), (agents, c) => {
        expect(bestAgent(agents, c, c.skills)?.agentId).toBe(oracleBest(agents, c, c.skills)?.agentId);
      }),
      { numRuns: 500 },
    );
  });

  it('a lapsed offer never leaves a case without an agent it would otherwise have, and the reason agrees with the choice', () => {
    fc.assert(
      fc.property(agentsArb, caseArb(1), (agents, c) => {
        const { timedOutBy: _t, ...fresh } = c;
        expect(bestAgent(agents, c, c.skills) === undefined).toBe(bestAgent(agents, fresh, c.skills) === undefined);
        const reason = waitingReason(c, agents, c.skills);
        expect(reason === 'placeable').toBe(bestAgent(agents, c, c.skills) !== undefined);
        if (c.declinedBy.length === 0) expect(reason).not.toBe('allDeclined');
      }),
      { numRuns: 500 },
    );
  });

  it('serves highest priority first, then longest waiting', () => {
    fc.assert(
      fc.property(casesArb, (cases) => {
        const sorted = [...cases].sort(compareWaiting);
        const oracle = [...cases].sort(
          (a, b) =>
            PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) || a.since.localeCompare(b.since) || a.caseId.localeCompare(b.caseId),
        );
        expect(sorted.map((c) => c.caseId)).toEqual(oracle.map((c) => c.caseId));
      }),
    );
  });
});

describe('planning offers', () => {
  it('never over-fills, never offers a case twice, offers only to eligible agents, and leaves nothing placeable', () => {
    fc.assert(
      fc.property(agentsArb, casesArb, (agents, cases) => {
        const plan = planOffers(cases, agents, noQueues, at(200));
        expect(new Set(plan.map((p) => p.caseId)).size).toBe(plan.length);
        // Replay the plan on the agents, checking each step as the transaction would.
        const pool = new Map(agents.map((a) => [a.agentId, structuredClone(a) as { -readonly [K in keyof Agent]: Agent[K] }]));
        for (const p of plan) {
          const agent = pool.get(p.agentId)!;
          const c = cases.find((x) => x.caseId === p.caseId)!;
          expect(oracleBest([agent], c, c.skills)).toBeDefined();
          agent.load = { ...agent.load, [c.channel]: (agent.load[c.channel] ?? 0) + 1 };
        }
        for (const agent of pool.values()) for (const ch of CHANNELS) expect(agent.load[ch] ?? 0).toBeLessThanOrEqual(agent.capacity[ch] ?? 0);
        const placed = new Set(plan.map((p) => p.caseId));
        for (const c of cases.filter((x) => !placed.has(x.caseId))) {
          expect(oracleBest([...pool.values()], c, c.skills)).toBeUndefined();
          expect(waitingReason(c, [...pool.values()], c.skills)).not.toBe('placeable');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the better case the only free seat', () => {
    const agent: Agent = { agentId: 'a', skills: {}, capacity: { email: 1 }, load: {}, presence: 'available', idleSince: at(0), version: 1 };
    const c = (id: number, priority: WaitingCase['priority'], since: number): WaitingCase => ({
      caseId: `C${id}`,
      queue: 'q',
      priority,
      channel: 'email',
      skills: [],
      since: at(since),
      queuedAt: at(since),
      declinedBy: [],
      routingVersion: 1,
    });
    expect(planOffers([c(1, 'low', 0), c(2, 'high', 50), c(3, 'high', 10)], [agent], noQueues, at(100))).toEqual([
      { caseId: 'C3', agentId: 'a', channel: 'email', queue: 'q', routingVersion: 1 },
    ]);
    expect(freeCapacity(agent, 'chat')).toBe(0);
  });
});

describe('what the clock does', () => {
  const c: WaitingCase = {
    caseId: 'C1',
    queue: 'vip',
    priority: 'medium',
    channel: 'email',
    skills: [
      { skill: 'vip', level: 3 },
      { skill: 'spanish', level: 5, optional: true },
    ],
    since: at(0),
    queuedAt: at(0),
    declinedBy: [],
    routingVersion: 1,
  };
  const queues = new Map<string, Queue>([
    [
      'vip',
      { queueId: 'vip', optionalSkillWaitSeconds: 120, overflow: { queue: 'general', afterSeconds: 600 }, offerTimeoutSeconds: 30, version: 1 },
    ],
  ]);

  it('drops optional skills once the queue has waited long enough for them', () => {
    expect(skillsInForce(c, queues.get('vip'), at(119)).map((s) => s.skill)).toEqual(['vip', 'spanish']);
    expect(skillsInForce(c, queues.get('vip'), at(120)).map((s) => s.skill)).toEqual(['vip']);
    expect(skillsInForce(c, undefined, at(99_999)).map((s) => s.skill)).toEqual(['vip', 'spanish']);
    const english: Agent = {
      agentId: 'e',
      skills: { vip: 5 },
      capacity: { email: 2 },
      load: {},
      presence: 'available',
      idleSince: at(0),
      version: 1,
    };
    expect(planOffers([c], [english], queues, at(60))).toEqual([]);
    expect(planOffers([c], [english], queues, at(121)).map((p) => p.agentId)).toEqual(['e']);
  });

  it('overflows after the queue timeout, and only then', () => {
    expect(overflowsDue([c], queues, at(599))).toEqual([]);
    expect(overflowsDue([c], queues, at(600))).toEqual([{ caseId: 'C1', from: 'vip', to: 'general' }]);
  });

  it('says why a case waits', () => {
    const a = (over: Partial<Agent>): Agent => ({
      agentId: 'x',
      skills: { vip: 5, spanish: 6 },
      capacity: { email: 1 },
      load: {},
      presence: 'available',
      idleSince: at(0),
      version: 1,
      ...over,
    });
    expect(waitingReason(c, [a({ skills: {} })], c.skills)).toBe('noAgentHasSkills');
    expect(waitingReason({ ...c, declinedBy: ['x'] }, [a({})], c.skills)).toBe('allDeclined');
    expect(waitingReason(c, [a({ presence: 'away' })], c.skills)).toBe('noAgentAvailable');
    expect(waitingReason(c, [a({ load: { email: 1 } })], c.skills)).toBe('agentsAtCapacity');
    expect(waitingReason(c, [a({ capacity: { chat: 2 } })], c.skills)).toBe('noAgentTakesChannel');
    expect(waitingReason({ ...c, timedOutBy: ['x'] }, [a({})], c.skills)).toBe('placeable');
    expect(waitingReason({ ...c, reservedFor: 'lead' }, [a({})], c.skills)).toBe('reservedAgentBusy');
    expect(waitingReason(c, [a({})], c.skills)).toBe('placeable');
  });
});

describe('cases of types restricted to teams', () => {
  const TEAMS = ['fraud', 'legal', 'hr'];
  const teamOf = (ids: readonly string[]) =>
    fc.record({
      ids: fc.constant(ids),
      teams: fc.array(fc.option(fc.subarray(TEAMS), { nil: undefined }), { minLength: ids.length, maxLength: ids.length }),
    });
  /** Agents and cases as above, each agent given random teams (or none) and each case a type restricted to random teams (or not). */
  const worldArb = fc.tuple(agentsArb, casesArb).chain(([agents, cases]) =>
    fc.tuple(
      teamOf(agents.map((a) => a.agentId)).map(({ teams }) => agents.map((a, i) => (teams[i] === undefined ? a : { ...a, teams: teams[i] }))),
      fc
        .array(fc.option(fc.subarray(TEAMS, { minLength: 1 }), { nil: undefined }), { minLength: cases.length, maxLength: cases.length })
        .map((teams) => cases.map((c, i) => (teams[i] === undefined ? c : { ...c, teams: teams[i] }))),
    ),
  );
  const inAny = (agent: Agent, teams: readonly string[] | undefined) => teams === undefined || teams.some((t) => (agent.teams ?? []).includes(t));

  it('never offers a case of a restricted type to an agent outside its teams, however free; and the reason says so when nobody is in them', () => {
    fc.assert(
      fc.property(worldArb, ([agents, cases]) => {
        const plan = planOffers(cases, agents, noQueues, at(200));
        for (const p of plan) {
          const c = cases.find((x) => x.caseId === p.caseId)!;
          expect(
            inAny(
              agents.find((a) => a.agentId === p.agentId)!,
              c.teams,
            ),
            `${p.caseId} (teams ${c.teams?.join(',')}) went to ${p.agentId}`,
          ).toBe(true);
        }
        for (const c of cases) {
          const best = bestAgent(agents, c, c.skills);
          if (best) expect(inAny(best, c.teams)).toBe(true);
          // The team rule only removes agents: the choice is the oracle's among the team's members.
          expect(best?.agentId).toBe(
            oracleBest(
              agents.filter((a) => inAny(a, c.teams)),
              c,
              c.skills,
            )?.agentId,
          );
          const reason = waitingReason(c, agents, c.skills);
          expect(reason === 'placeable').toBe(best !== undefined);
          const candidates = agents.filter((a) => c.reservedFor === undefined || a.agentId === c.reservedFor);
          if (candidates.length > 0 && !candidates.some((a) => inAny(a, c.teams))) expect(reason).toBe('noAgentInTeam');
          // Only a restricted case can wait for its team (with no agents at all, an open case waits for skills).
          if (c.teams === undefined) expect(reason).not.toBe('noAgentInTeam');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a restricted case waits for a team member even when an outsider is the only agent free, and goes to a member once one is', () => {
    const outsider: Agent = {
      agentId: 'out',
      skills: {},
      capacity: { email: 5 },
      load: {},
      presence: 'available',
      idleSince: at(0),
      version: 1,
      teams: ['legal'],
    };
    const member: Agent = { ...outsider, agentId: 'in', teams: ['legal', 'fraud'], idleSince: at(50) };
    const fraud: WaitingCase = {
      caseId: 'F1',
      queue: 'q',
      priority: 'high',
      channel: 'email',
      skills: [],
      since: at(0),
      queuedAt: at(0),
      declinedBy: [],
      routingVersion: 1,
      teams: ['fraud'],
    };
    expect(planOffers([fraud], [outsider], noQueues, at(10))).toEqual([]);
    expect(waitingReason(fraud, [outsider], [])).toBe('noAgentInTeam');
    expect(planOffers([fraud], [outsider, member], noQueues, at(10)).map((p) => p.agentId)).toEqual(['in']);
    // A member who is away does not open the case to outsiders: it waits for them.
    expect(planOffers([fraud], [outsider, { ...member, presence: 'away' }], noQueues, at(10))).toEqual([]);
    expect(waitingReason(fraud, [outsider, { ...member, presence: 'away' }], [])).toBe('noAgentAvailable');
  });
});
