/**
 * Never over capacity, never double-assigned, under real concurrency against
 * DynamoDB Local: 200 cases and 20 agents, every case's events delivered to the
 * routing consumer at once, agents accepting and declining offers and going
 * away and back while it happens. Afterwards, the invariants are checked on
 * the table itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '#core/routing/dispatch.js';
import { waitingReason, skillsInForce, freeCapacity } from '#core/routing/dispatch.js';
import type { Case } from '#core/case.js';
import type { RoutingState } from '#adapters/dynamodb/routing-repository.js';
import { listHistory } from '#adapters/dynamodb/case-repository.js';
import * as routing from '#services/routing.js';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { RoutingBus } from '../support/routing-bus.js';
import { scanTable } from '../support/table-snapshot.js';

const CASES = 200;
const AGENTS = 20;
const CHANNELS = ['web', 'email', 'chat'] as const;

let platform: TestPlatform;
const bus = new RoutingBus();
const ids: string[] = [];

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const rand = lcg(20261127);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const staff = { sub: 'conc-admin', roles: ['admin', 'supervisor'] as ('admin' | 'supervisor')[] };
const ctxOf = (sub: string) => ({
  caller: { sub, roles: ['agent' as const] },
  now: new Date().toISOString(),
  channel: 'web' as const,
  correlationId: `t-${sub}`,
});
const adminCtx = () => ({ caller: staff, now: new Date().toISOString(), channel: 'web' as const, correlationId: 't-admin' });

const scan = () => scanTable(platform);

async function inParallel<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

beforeAll(async () => {
  platform = await startTestPlatform();
  await ensureLabType(platform);
  await routing.publishRules(
    {
      rules: [
        {
          id: 'big-deals',
          when: { all: [{ fact: 'fields', path: '$.seats', operator: 'greaterThanInclusive', value: 50 }] },
          then: { priority: 'high', skills: [{ skill: 'sales', level: 5 }] },
        },
        {
          id: 'email',
          when: { all: [{ fact: 'channel', operator: 'equal', value: 'email' }] },
          then: {
            skills: [
              { skill: 'writing', level: 3 },
              { skill: 'spanish', level: 4, optional: true },
            ],
          },
        },
      ],
    },
    undefined,
    adminCtx(),
  );
  await routing.putQueue('lab', { optionalSkillWaitSeconds: 0, offerTimeoutSeconds: 3600 }, undefined, adminCtx());
  for (let i = 0; i < AGENTS; i++) {
    const skills = Object.fromEntries(['sales', 'writing', 'spanish'].filter(() => rand() < 0.6).map((s) => [s, 1 + Math.floor(rand() * 10)]));
    const capacity = Object.fromEntries(CHANNELS.filter(() => rand() < 0.8).map((c) => [c, 1 + Math.floor(rand() * 3)]));
    await routing.putAgent(`ag-${String(i).padStart(2, '0')}`, { skills, capacity }, undefined, adminCtx());
    await routing.setPresence(`ag-${String(i).padStart(2, '0')}`, 'available', ctxOf(`ag-${String(i).padStart(2, '0')}`));
  }
  await inParallel(
    Array.from({ length: CASES }, (_, n) => n),
    16,
    async (n) => {
      const response = await platform.fetchAs('agent', '/cases', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: LAB_TYPE,
          subject: `Case ${n}`,
          description: 'concurrency',
          channel: pick(CHANNELS),
          requester: { id: `cust-${n % 17}` },
          fields: { seats: Math.floor(rand() * 100) },
        }),
      });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { caseId: string }).caseId);
    },
  );
}, 300_000);
afterAll(async () => {
  await platform?.stop();
});

describe('routing 200 cases to 20 agents at once', () => {
  it('never over-fills an agent, never gives a case two owners or two offers, and leaves every case assigned or waiting for a reason', async () => {
    const agentIds = Array.from({ length: AGENTS }, (_, i) => `ag-${String(i).padStart(2, '0')}`);
    let delivering = true;
    const outcomes = { accepted: 0, declined: 0, lostRaces: 0 };

    /** An agent's client: takes what is offered (declining some), now and then steps away and back. */
    async function agentLoop(agentId: string): Promise<void> {
      while (delivering) {
        const offers = await routing.listOffers(agentId, ctxOf(agentId).caller);
        await Promise.all(
          offers.map(async (offer) => {
            try {
              if (rand() < 0.15) {
                await routing.declineOffer(offer.offerId, ctxOf(agentId));
                outcomes.declined++;
              } else {
                await routing.acceptOffer(offer.offerId, ctxOf(agentId));
                outcomes.accepted++;
              }
            } catch (error) {
              // Another path got there first (a timeout sweep, a redelivered event): a lost race, not a failure.
              const kind = (error as { kind?: string }).kind;
              if (kind !== 'Conflict' && kind !== 'NotFound') throw error;
              outcomes.lostRaces++;
            }
          }),
        );
        if (rand() < 0.1) {
          await routing.setPresence(agentId, 'away', ctxOf(agentId));
          await routing.setPresence(agentId, 'available', ctxOf(agentId));
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }

    /**
     * Other containers dispatching side by side with the consumer's own: the transactions must keep them apart.
     * As containers do: targeted passes (an agent's freed seat, a newly waiting case), and one sweep's full pass.
     */
    async function dispatcherLoop(): Promise<void> {
      while (delivering) {
        await routing.serveAgents([pick(agentIds), pick(agentIds)], 1);
        if (ids.length > 0) await routing.placeCase(pick(ids), 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    async function sweeperLoop(): Promise<void> {
      while (delivering) await routing.dispatchOnce(1);
    }

    const started = Date.now();
    const working = Promise.all([...agentIds.map(agentLoop), ...Array.from({ length: 5 }, dispatcherLoop), sweeperLoop()]);
    // Every case's events at once, each case's in order, as the bus would.
    await bus.deliver(ids);
    await bus.settle(ids);
    delivering = false;
    await working;
    const elapsed = Date.now() - started;
    // Let the accepted offers' own events arrive, then one sweep for anything left placeable.
    await bus.settle(ids);
    await routing.sweep();

    const items = await scan();
    const agents = items.filter((i) => i.entity === 'RoutingAgent') as unknown as Agent[];
    const states = items.filter((i) => i.entity === 'RoutingState') as unknown as RoutingState[];
    const offers = items.filter((i) => i.entity === 'RoutingOffer') as unknown as {
      offerId: string;
      caseId: string;
      agentId: string;
      channel: string;
    }[];
    const waitingEntries = items.filter((i) => i.entity === 'RoutingWaiting') as unknown as { caseId: string }[];
    const cases = new Map((items.filter((i) => i.entity === 'Case') as unknown as Case[]).map((c) => [c.caseId, c]));

    expect(agents).toHaveLength(AGENTS);
    expect(states).toHaveLength(CASES);

    // No agent over capacity on any channel, and each agent's counter is exactly what routing holds for them.
    for (const agent of agents) {
      for (const channel of CHANNELS) {
        const load = agent.load[channel] ?? 0;
        expect(load, `${agent.agentId} ${channel}`).toBeLessThanOrEqual(agent.capacity[channel] ?? 0);
        const held = states.filter(
          (s) => s.agentId === agent.agentId && s.channel === channel && (s.state === 'assigned' || s.state === 'offered'),
        ).length;
        expect(load, `${agent.agentId} ${channel} counter`).toBe(held);
      }
    }

    // No case with two offers; every offer matches its case's state.
    expect(new Set(offers.map((o) => o.caseId)).size).toBe(offers.length);
    const offered = states.filter((s) => s.state === 'offered');
    expect(offers.map((o) => o.offerId).sort()).toEqual(offered.map((s) => s.offerId).sort());

    // Every case assigned to exactly the agent routing holds it for, or waiting for a reason.
    const reasons: Record<string, number> = {};
    for (const s of states) {
      const c = cases.get(s.caseId)!;
      if (s.state === 'assigned') {
        expect(c.owner).toBe(s.agentId);
      } else {
        expect(c.owner).toBeNull();
        expect(['waiting', 'offered']).toContain(s.state);
      }
      if (s.state === 'waiting') {
        const w = { ...s, routingVersion: s.version };
        const reason = waitingReason(w, agents, skillsInForce(w, { optionalSkillWaitSeconds: 0 }, new Date().toISOString()));
        expect(reason, s.caseId).not.toBe('placeable');
        reasons[reason] = (reasons[reason] ?? 0) + 1;
      }
    }
    // The waiting list holds exactly the waiting cases, once each.
    expect(waitingEntries.map((w) => w.caseId).sort()).toEqual(
      states
        .filter((s) => s.state === 'waiting')
        .map((s) => s.caseId)
        .sort(),
    );

    // Never double-assigned: each case's history shows its owner set at most once.
    await inParallel(ids, 16, async (caseId) => {
      const trail = (await listHistory(caseId, 1000)).items;
      const ownerChanges = trail.flatMap((e) => e.changes.filter((ch) => ch.field === 'owner'));
      expect(ownerChanges.length, caseId).toBeLessThanOrEqual(1);
      expect(trail.filter((e) => e.action === 'RoutingDecided').length, caseId).toBe(1);
    });

    const assigned = states.filter((s) => s.state === 'assigned').length;
    const freeSeats = agents.reduce((sum, a) => sum + CHANNELS.reduce((n, ch) => n + Math.max(0, freeCapacity(a, ch)), 0), 0);
    console.info(
      `routing concurrency: ${assigned} assigned, ${offered.length} offered, ${states.length - assigned - offered.length} waiting ${JSON.stringify(reasons)}; ${freeSeats} free seats; in ${elapsed} ms; accepted ${outcomes.accepted}, declined ${outcomes.declined}, lost races ${outcomes.lostRaces}`,
    );
    expect(assigned).toBeGreaterThan(0);
    expect(outcomes.accepted).toBe(assigned);
  }, 600_000);
});
