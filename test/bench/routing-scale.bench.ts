/**
 * `npm run bench:routing-scale`: routing dispatch with 2,000 cases waiting and
 * 1,000 agents on DynamoDB Local, the incremental passes against the full
 * re-read they replaced, in the same run:
 *
 * - an agent frees a seat: the targeted pass (`serveAgents`: that agent by key,
 *   the waiting shards' merged heads) against the full pass (`dispatchOnce`: every
 *   agent, every waiting case, one plan), each followed by its one offer;
 * - a case arrives with a seat free somewhere: `placeCase` (the agent snapshot, no
 *   waiting read) against the full pass;
 *
 * as dispatches a second and items read a dispatch (Query items counted by a
 * middleware on the client). Then the heat of the routing partitions: every
 * write of a routed case's life (queued, offered, accepted, released) captured
 * from the client and spread over the partitions it went to, at 2,000 routed
 * cases a second, against DynamoDB's 1,000 WCU/s a partition key.
 *
 *   --passes N   dispatches timed per kind (default 100; --smoke: 3)
 *   --smoke      50 agents, 100 waiting
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Agent } from '#core/routing/dispatch.js';
import { PRIORITIES, type Channel } from '#core/vocabulary.js';
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

const { values } = parseArgs({ options: { passes: { type: 'string' }, smoke: { type: 'boolean', default: false } } });
const PASSES = Number(values.passes ?? sized(100, 3));
const AGENTS = sized(1000, 50);
const WAITING = sized(2000, 100);
/** The full pass is slow at this size: fewer of them, enough for a mean. */
const FULL_PASSES = Math.max(2, Math.round(PASSES / 10));
const ROUTED_PER_SECOND = 2000;
const PARTITION_WCU = 1000;
const SKILLS = Array.from({ length: 50 }, (_, i) => `skill-${String(i).padStart(2, '0')}`);
const USED: Channel[] = ['web', 'email', 'chat', 'phone'];
const CASE_TYPE = 'support';

function lcg(seed: number) {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
const rand = lcg(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Every agent full on every channel: cases wait, and each timed dispatch follows one freed seat. */
const agents: Agent[] = Array.from({ length: AGENTS }, (_, i) => ({
  agentId: `scale-agent-${String(i).padStart(4, '0')}`,
  skills: Object.fromEntries(Array.from({ length: 3 + Math.floor(rand() * 6) }, () => [pick(SKILLS), 1 + Math.floor(rand() * 10)])),
  capacity: Object.fromEntries(USED.map((c) => [c, 3])),
  load: Object.fromEntries(USED.map((c) => [c, 3])),
  presence: 'available',
  idleSince: new Date(T0 - Math.floor(rand() * 3_600_000)).toISOString(),
  version: 1,
}));

let caseNo = 0;
function waitingState(skills = true) {
  const n = caseNo++;
  return {
    caseId: `CASE-2026-${String(800000 + n).padStart(6, '0')}`,
    state: 'waiting' as const,
    queue: 'bench',
    priority: pick(PRIORITIES),
    channel: pick(USED),
    // Most cases need a skill or two, so a freed agent looks past cases they cannot take.
    skills: skills && rand() < 0.7 ? [{ skill: pick(SKILLS), level: 1 + Math.floor(rand() * 3) }] : [],
    since: new Date(T0 + n * 1000).toISOString(),
    queuedAt: new Date(T0 + n * 1000).toISOString(),
    declinedBy: [],
    caseType: CASE_TYPE,
    version: 1,
  };
}

interface Write {
  readonly partition: string;
  readonly units: number;
}
const unitsOf = (item: unknown, transactional: boolean) =>
  Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item ?? {})) / 1024)) * (transactional ? 2 : 1);
type Input = Record<string, unknown> & { TransactItems?: Record<string, { Key?: Record<string, unknown>; Item?: Record<string, unknown> }>[] };
function writesOf(command: string, input: Input): Write[] {
  if (command === 'TransactWriteItemsCommand')
    return (input.TransactItems ?? []).flatMap((t) =>
      Object.values(t).map((part) => ({ partition: String((part.Item ?? part.Key)!.pk), units: unitsOf(part.Item ?? part.Key, true) })),
    );
  if (command === 'PutItemCommand' || command === 'UpdateItemCommand' || command === 'DeleteItemCommand') {
    const key = (input.Item ?? input.Key) as Record<string, unknown>;
    return [{ partition: String(key.pk), units: unitsOf(input.Item ?? input.Key, false) }];
  }
  return [];
}
const kindOf = (partition: string) => partition.replace(/^CASE#.*/, 'CASE#<id>').replace(/#\d{1,3}$/, '#<shard>');

async function main() {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  console.log(`Routing dispatch at scale: ${fmt(WAITING)} waiting x ${fmt(AGENTS)} agents, DynamoDB Local\n`);
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, routingSweepMs: 0 });
  try {
    const { dynamo, tableName } = await import('#adapters/dynamodb/client.js');
    const keys = await import('#adapters/dynamodb/keys.js');
    const store = await import('#adapters/dynamodb/routing-repository.js');
    const routing = await import('#services/routing.js');

    const reads = { waiting: 0, agents: 0, gets: 0 };
    let writes: Write[] = [];
    let recording = false;
    dynamo().middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName ?? '');
        if (recording) writes.push(...writesOf(command, args.input as Input));
        const result = await next(args);
        if (command === 'QueryCommand') {
          const pk = String((args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues?.[':pk'] ?? '');
          const count = (result.output as { Count?: number }).Count ?? 0;
          if (pk.startsWith(keys.LEGACY_WAITING_PARTITION)) reads.waiting += count;
          if (pk.startsWith(keys.ROUTING_AGENTS_PREFIX)) reads.agents += count;
        }
        if (command === 'GetCommand' || command === 'GetItemCommand') reads.gets++;
        return result;
      },
      { step: 'initialize', name: 'benchRoutingScale' },
    );

    await routing.putQueue('bench', { offerTimeoutSeconds: 3600 }, undefined, {
      caller: { sub: 'bench-admin', roles: ['admin'] },
      now: new Date().toISOString(),
      channel: 'api',
      correlationId: 'bench',
    });
    for (let i = 0; i < agents.length; i += 25)
      await Promise.all(
        agents
          .slice(i, i + 25)
          .map((a) =>
            dynamo().send(new PutCommand({ TableName: tableName(), Item: { ...keys.routingAgentKey(a.agentId), entity: 'RoutingAgent', ...a } })),
          ),
      );
    const seedWaiting = async (count: number) => {
      const states = Array.from({ length: count }, () => waitingState());
      for (let i = 0; i < states.length; i += 25)
        await Promise.all(states.slice(i, i + 25).map((s) => store.transactUnlessStale(store.routingStateItems(s, undefined))));
      return states;
    };
    await seedWaiting(WAITING);
    /** One seat freed, as a release would free it (not timed). */
    const freeSeat = (agentId: string, channel: Channel) =>
      dynamo().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.routingAgentKey(agentId),
          UpdateExpression: 'SET #load.#ch = #load.#ch - :one',
          ConditionExpression: '#load.#ch > :zero',
          ExpressionAttributeNames: { '#load': 'load', '#ch': channel },
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        }),
      );
    const topUp = async () => {
      // Keep the list at its size: each offer took a case off it.
      const waiting = (await store.listWaiting()).length;
      if (waiting < WAITING) await seedWaiting(WAITING - waiting);
    };

    interface Run {
      readonly perSecond: number;
      readonly waitingRead: number;
      readonly agentsRead: number;
      readonly gets: number;
      readonly offered: number;
    }
    const timed = async (passes: number, before: (i: number) => Promise<unknown>, run: (i: number) => Promise<{ offered: number }>): Promise<Run> => {
      let ms = 0;
      let offered = 0;
      const total = { waiting: 0, agents: 0, gets: 0 };
      for (let i = 0; i < passes; i++) {
        await before(i);
        Object.assign(reads, { waiting: 0, agents: 0, gets: 0 });
        const start = performance.now();
        offered += (await run(i)).offered;
        ms += performance.now() - start;
        total.waiting += reads.waiting;
        total.agents += reads.agents;
        total.gets += reads.gets;
      }
      return {
        perSecond: passes / (ms / 1000),
        waitingRead: total.waiting / passes,
        agentsRead: total.agents / passes,
        gets: total.gets / passes,
        offered: offered / passes,
      };
    };

    // Warm-up: the JVM and this process, for both kinds, untimed.
    await routing.dispatchOnce(1);
    await routing.serveAgents([agents[0]!.agentId]);

    const freed = (i: number) => ({ agentId: agents[(i * 7919) % agents.length]!.agentId, channel: USED[i % USED.length]! });
    const full = await timed(
      FULL_PASSES,
      (i) => freeSeat(freed(i).agentId, freed(i).channel),
      () => routing.dispatchOnce(1),
    );
    await topUp();
    const serve = await timed(
      PASSES,
      (i) => freeSeat(freed(FULL_PASSES + i).agentId, freed(FULL_PASSES + i).channel),
      (i) => routing.serveAgents([freed(FULL_PASSES + i).agentId], 1),
    );
    await topUp();
    // Arrivals: a seat free somewhere (untimed), then the new case's own pass. No skills: the freed agent may take it.
    const arriving: string[] = [];
    const place = await timed(
      PASSES,
      async (i) => {
        const f = freed(FULL_PASSES + PASSES + i);
        await freeSeat(f.agentId, f.channel);
        const s = { ...waitingState(false), channel: f.channel };
        arriving[i] = s.caseId;
        await store.transactUnlessStale(store.routingStateItems(s, undefined));
      },
      (i) => routing.placeCase(arriving[i]!),
    );

    console.log('| dispatch, one seat or one case | dispatches/s | waiting items read | agent items read | gets | offers made | vs full re-read |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    const row = (name: string, r: Run) =>
      console.log(
        `| ${name} | ${fmt(r.perSecond, 1)} | ${fmt(r.waitingRead, 1)} | ${fmt(r.agentsRead, 1)} | ${fmt(r.gets, 1)} | ${fmt(r.offered, 2)} | ${(r.perSecond / full.perSecond).toFixed(1)}x |`,
      );
    row('full re-read (before: every event)', full);
    row('agent frees a seat: waiting shard heads', serve);
    row('case arrives: agent snapshot, no waiting read', place);
    console.log(
      `\nIncremental vs full re-read: agent freed ${(serve.perSecond / full.perSecond).toFixed(1)}x the dispatches/s reading ${(full.waitingRead / Math.max(1, serve.waitingRead)).toFixed(1)}x fewer waiting items; ` +
        `case arrived ${(place.perSecond / full.perSecond).toFixed(1)}x the dispatches/s, ${fmt(place.waitingRead)} waiting items read.`,
    );

    // Partition heat: one routed case's whole life, written through the same code, over a sample.
    const sample = sized(300, 10);
    writes = [];
    recording = true;
    const lives = await seedWaiting(sample);
    for (const s of lives) {
      const agent = pick(agents);
      const now = new Date().toISOString();
      recording = false;
      await freeSeat(agent.agentId, s.channel);
      recording = true;
      const offerId = `${s.caseId}.2`;
      const offered = { ...s, waitingShard: keys.waitingShardOf(s.caseId), state: 'offered' as const, offerId, agentId: agent.agentId, version: 2 };
      const queued = { ...s, waitingShard: keys.waitingShardOf(s.caseId) };
      const steps = [
        [
          ...store.routingStateItems(offered, queued),
          store.takeCapacity(agent.agentId, s.channel, now, true),
          store.putOfferItem({
            offerId,
            caseId: s.caseId,
            agentId: agent.agentId,
            channel: s.channel,
            queue: s.queue,
            offeredAt: now,
            deadline: now,
          }),
        ],
        [...store.routingStateItems({ ...offered, state: 'assigned', version: 3 }, offered), store.deleteOfferItem(offerId)],
        [
          ...store.routingStateItems({ ...offered, state: 'done', version: 4 }, { ...offered, state: 'assigned', version: 3 }),
          store.releaseCapacity(agent.agentId, s.channel, now),
        ],
      ];
      for (const items of steps)
        if ((await store.transactUnlessStale(items)) !== 'written') throw new Error(`a step of ${s.caseId}'s life was refused`);
    }
    recording = false;
    const lifeWrites = writes;
    const byKind = new Map<string, { partitions: Set<string>; units: number }>();
    for (const w of lifeWrites) {
      const kind = kindOf(w.partition);
      const entry = byKind.get(kind) ?? { partitions: new Set<string>(), units: 0 };
      entry.partitions.add(w.partition);
      entry.units += w.units;
      byKind.set(kind, entry);
    }
    const shardsOf = (kind: string) =>
      kind.startsWith(keys.ROUTING_WAITING_PREFIX)
        ? keys.WAITING_SHARDS
        : kind.startsWith(keys.ROUTING_AGENTS_PREFIX)
          ? keys.AGENT_SHARDS
          : kind.startsWith(keys.ROUTING_OFFERS_PREFIX)
            ? keys.OFFER_SHARDS
            : 1;
    console.log(
      `\nRouting partitions at ${fmt(ROUTED_PER_SECOND)} routed cases/s (a case's life: queued, offered, accepted, released; ${sample} lives measured)`,
    );
    console.log('| partition key | partitions | WCU per case | WCU/s each | of the 1,000 WCU/s limit |');
    console.log('|---|---:|---:|---:|---:|');
    let hottest = { kind: '', ratio: 0 };
    for (const [kind, { units }] of [...byKind].sort((a, b) => b[1].units - a[1].units)) {
      const perCase = units / sample;
      if (kind === 'CASE#<id>') {
        console.log(`| ${kind} | one per case | ${fmt(perCase, 1)} | - | - |`);
        continue;
      }
      const each = (perCase * ROUTED_PER_SECOND) / shardsOf(kind);
      const ratio = each / PARTITION_WCU;
      if (ratio > hottest.ratio) hottest = { kind, ratio };
      console.log(`| ${kind} | ${shardsOf(kind)} | ${fmt(perCase, 1)} | ${fmt(each)} | ${ratio.toFixed(2)}x |`);
    }
    console.log(`\nHottest routing partition at ${fmt(ROUTED_PER_SECOND)} routed/s: ${hottest.kind} at ${hottest.ratio.toFixed(2)}x the limit.`);
  } finally {
    await platform.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
