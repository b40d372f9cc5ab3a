/**
 * Routing decisions per second with 1,000 agents and 50 skills, as ratios to a
 * baseline measured in the same run:
 *
 * - the pure decision (best eligible agent for a waiting case: skills at level,
 *   most free capacity, longest idle) against a round-robin pick that looks at
 *   nothing;
 * - the rules decision (json-rules-engine over a case's facts, 20 rules) against
 *   the same baseline;
 * - the decision plus its DynamoDB transaction (routing state, waiting entry,
 *   agent capacity with its conditions, offer) against round-robin plus the same
 *   transaction, on DynamoDB Local: how much of an offer's cost is the choosing.
 *
 * `npm run bench:routing` (optionally `-- --offers 300`). Figures vary by machine;
 * the ratios are what to compare. `-- --smoke`: 50 agents, 10 offers, 0.1 s timings (smoke.ts).
 */
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { performance } from 'node:perf_hooks';
import type { Case } from '#core/case.js';
import { bestAgent, type Agent, type WaitingCase } from '#core/routing/dispatch.js';
import { evaluateRules } from '#core/routing/rule-engine.js';
import { decide, routingFacts, type RoutingRule } from '#core/routing/rules.js';
import { CHANNELS, PRIORITIES, type Channel } from '#core/vocabulary.js';
import { routingAgentKey, waitingShardOf } from '#adapters/dynamodb/keys.js';
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

const { values } = parseArgs({ options: { offers: { type: 'string', default: sized('300', '10') }, smoke: { type: 'boolean', default: false } } });
const OFFERS = Number(values.offers);
const AGENTS = sized(1000, 50);
const WARM_UP_OFFERS = sized(100, 5);
/** How long each in-memory rate is timed. */
const TIMED_MS = sized(1500, 100);
const SKILLS = Array.from({ length: 50 }, (_, i) => `skill-${String(i).padStart(2, '0')}`);
const USED: Channel[] = ['web', 'email', 'chat', 'phone'];

function lcg(seed: number) {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const rand = lcg(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');

const agents: Agent[] = Array.from({ length: AGENTS }, (_, i) => ({
  agentId: `bench-agent-${String(i).padStart(4, '0')}`,
  skills: Object.fromEntries(Array.from({ length: 3 + Math.floor(rand() * 6) }, () => [pick(SKILLS), 1 + Math.floor(rand() * 10)])),
  // Room enough that the DynamoDB run never fills anyone: the bench measures choosing, not waiting.
  capacity: Object.fromEntries(USED.map((c) => [c, 50])),
  load: Object.fromEntries(USED.map((c) => [c, Math.floor(rand() * 3)])),
  presence: rand() < 0.8 ? 'available' : 'away',
  idleSince: new Date(T0 - Math.floor(rand() * 3_600_000)).toISOString(),
  version: 1,
}));

const waiting: WaitingCase[] = Array.from({ length: Math.max(2000, 2 * OFFERS + WARM_UP_OFFERS) }, (_, i) => ({
  caseId: `CASE-2026-${String(900000 + i).padStart(6, '0')}`,
  queue: 'bench',
  priority: pick(PRIORITIES),
  channel: pick(USED),
  skills: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({ skill: pick(SKILLS), level: 1 + Math.floor(rand() * 4) })).filter(
    (s, j, all) => all.findIndex((x) => x.skill === s.skill) === j,
  ),
  since: new Date(T0 + i * 1000).toISOString(),
  queuedAt: new Date(T0 + i * 1000).toISOString(),
  declinedBy: [],
  routingVersion: 1,
}));

let turn = 0;
/** The baseline: the next agent in turn, whoever it is. */
const roundRobin = (pool: readonly Agent[]): Agent => pool[turn++ % pool.length]!;

function perSecond(run: (i: number) => unknown, minMs = TIMED_MS): number {
  let n = 0;
  const start = performance.now();
  let sink = 0;
  while (performance.now() - start < minMs) {
    for (let k = 0; k < 50; k++) if (run(n++)) sink++;
  }
  if (sink < 0) console.log(sink);
  return n / ((performance.now() - start) / 1000);
}

async function perSecondAsync(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await run(i);
  return count / ((performance.now() - start) / 1000);
}

const rules: RoutingRule[] = Array.from({ length: 20 }, (_, i) => ({
  id: `r${i}`,
  when: {
    all: [
      { fact: 'channel', operator: 'equal', value: pick(CHANNELS) },
      { fact: 'priority', operator: 'in', value: [pick(PRIORITIES), pick(PRIORITIES)] },
      { fact: 'fields', path: '$.region', operator: 'equal', value: `region-${i % 5}` },
    ],
  },
  then: { queue: `q${i}`, skills: [{ skill: pick(SKILLS), level: 3 }] },
  stop: i % 4 === 0,
}));
const caseFor = (i: number): Case =>
  ({
    caseId: `C${i}`,
    type: 'support',
    priority: pick(PRIORITIES),
    channel: pick(USED),
    queue: 'general',
    status: 'open',
    statusCategory: 'active',
    requester: { id: 'r' },
    fields: { region: `region-${i % 7}` },
  }) as unknown as Case;

async function main() {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`Routing bench: ${AGENTS} agents, ${SKILLS.length} skills, ${waiting.length} waiting cases\n`);

  const baseline = perSecond(() => roundRobin(agents));
  const decision = perSecond((i) => bestAgent(agents, waiting[i % waiting.length]!, waiting[i % waiting.length]!.skills));
  const cases = Array.from({ length: 500 }, (_, i) => caseFor(i));
  const facts = cases.map((c) => routingFacts(c));
  let r = 0;
  const rulesStart = performance.now();
  let ruleRuns = 0;
  while (performance.now() - rulesStart < TIMED_MS) {
    const i = r++ % cases.length;
    decide({ version: 1, rules }, await evaluateRules(rules, facts[i]!, 'bench'), facts[i]!, cases[i]!, 'CaseCreated');
    ruleRuns++;
  }
  const rulesPerSecond = ruleRuns / ((performance.now() - rulesStart) / 1000);

  console.log('| step | per second | vs round-robin pick |');
  console.log('|---|---:|---:|');
  console.log(`| round-robin pick (baseline) | ${fmt(baseline)} | 1 |`);
  console.log(`| best eligible agent of ${AGENTS.toLocaleString('en-US')} | ${fmt(decision)} | ${(decision / baseline).toExponential(2)} |`);
  console.log(`| rules decision (20 rules, json-rules-engine) | ${fmt(rulesPerSecond)} | ${(rulesPerSecond / baseline).toExponential(2)} |`);

  // With DynamoDB Local: the offer transaction, chosen both ways.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedCaseTypes: false, routingSweepMs: 0 });
  try {
    const store = await import('#adapters/dynamodb/routing-repository.js');
    for (let i = 0; i < agents.length; i += 25) {
      await Promise.all(
        agents.slice(i, i + 25).map((a) =>
          platform.dynamodb.client.send(
            new PutCommand({
              TableName: platform.tableName,
              Item: { ...routingAgentKey(a.agentId), entity: 'RoutingAgent', ...a },
            }),
          ),
        ),
      );
    }
    const live = new Map(agents.map((a) => [a.agentId, structuredClone(a) as Omit<Agent, 'load'> & { load: Record<string, number> }]));
    const seedCase = async (w: WaitingCase) => {
      const { routingVersion, ...entry } = w;
      await store.transactUnlessStale(store.routingStateItems({ ...entry, state: 'waiting', version: routingVersion }, undefined));
    };
    const offer = async (w: WaitingCase, agent: Agent) => {
      const { routingVersion, ...entry } = w;
      // Where seedCase's entry went: the shard routingStateItems gave it.
      const previous = { ...entry, state: 'waiting' as const, version: routingVersion, waitingShard: waitingShardOf(w.caseId) };
      const now = new Date().toISOString();
      const offerId = `${w.caseId}.${routingVersion + 1}`;
      const outcome = await store.transactUnlessStale([
        ...store.routingStateItems({ ...previous, state: 'offered', offerId, agentId: agent.agentId, version: routingVersion + 1 }, previous),
        store.takeCapacity(agent.agentId, w.channel, now, true),
        store.putOfferItem({ offerId, caseId: w.caseId, agentId: agent.agentId, channel: w.channel, queue: w.queue, offeredAt: now, deadline: now }),
      ]);
      if (outcome !== 'written') throw new Error(`offer of ${w.caseId} to ${agent.agentId} was refused`);
      const held = live.get(agent.agentId)!;
      held.load[w.channel] = (held.load[w.channel] ?? 0) + 1;
    };
    // Half the waiting cases for each run; seeding is not timed.
    const forBaseline = waiting.slice(0, OFFERS);
    const forDecision = waiting.slice(OFFERS, 2 * OFFERS);
    const forWarmUp = waiting.slice(2 * OFFERS, 2 * OFFERS + WARM_UP_OFFERS);
    for (const w of [...forBaseline, ...forDecision, ...forWarmUp]) await seedCase(w);
    const available = [...live.values()].filter((a) => a.presence === 'available');
    // DynamoDB Local (a JVM) and this process warm up first, or whichever run goes first pays for it.
    for (const w of forWarmUp) await offer(w, roundRobin(available));

    const txBaseline = await perSecondAsync(forBaseline.length, (i) => offer(forBaseline[i]!, roundRobin(available)));
    let unplaced = 0;
    const txDecision = await perSecondAsync(forDecision.length, async (i) => {
      const w = forDecision[i]!;
      const agent = bestAgent([...live.values()], w, w.skills);
      if (!agent) unplaced++;
      else await offer(w, agent);
    });
    console.log(`| round-robin pick + offer transaction (DynamoDB Local) | ${fmt(txBaseline)} | ${(txBaseline / baseline).toExponential(2)} |`);
    console.log(`| best agent + offer transaction (DynamoDB Local) | ${fmt(txDecision)} | ${(txDecision / baseline).toExponential(2)} |`);
    console.log(
      `\nDecision + transaction vs round-robin + transaction: ${(txDecision / txBaseline).toFixed(2)}x (the choosing's share of an offer's cost).`,
    );
    console.log(`${unplaced} of ${forDecision.length} cases had no eligible agent (not offered, not timed as offers).`);
  } finally {
    await platform.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
