/**
 * Routing at scale, on DynamoDB Local: waiting entries land in their case's shard
 * (and are deleted from the one their state names, the partition used before
 * sharding included); an agent freeing a seat reads the heads of the waiting
 * shards, not the list, and gets what one partition's order would have given
 * them; a case arriving reads no waiting shard at all. Reads are counted as the
 * items DynamoDB returns to Queries, by a middleware on the client (as
 * test/bench/key-heat.bench.ts counts them).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo, tableName } from '#adapters/dynamodb/client.js';
import {
  LEGACY_WAITING_PARTITION,
  ROUTING_AGENTS_PREFIX,
  ROUTING_WAITING_PREFIX,
  WAITING_SHARDS,
  routingAgentKey,
  routingKey,
  waitingShardOf,
  waitingSortKey,
} from '#adapters/dynamodb/keys.js';
import * as store from '#adapters/dynamodb/routing-repository.js';
import type { RoutingState } from '#adapters/dynamodb/routing-repository.js';
import { compareWaiting } from '#core/routing/dispatch.js';
import { FIRST_PAGE } from '#core/routing/shard-merge.js';
import { PRIORITIES, type Channel } from '#core/vocabulary.js';
import * as routing from '#services/routing.js';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { scanTable } from '../support/table-snapshot.js';

const WAITING = 400;
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
let platform: TestPlatform;

const staff = { sub: 'scale-admin', roles: ['admin', 'supervisor'] as ('admin' | 'supervisor')[] };
const ctx = (sub = staff.sub) => ({
  caller: sub === staff.sub ? staff : { sub, roles: ['agent' as const] },
  now: new Date().toISOString(),
  channel: 'web' as const,
  correlationId: `t-${sub}`,
});

const stateOf = (n: number, extra: Partial<RoutingState> = {}): RoutingState => ({
  caseId: `CASE-2026-${String(700000 + n).padStart(6, '0')}`,
  state: 'waiting',
  queue: 'scale',
  priority: PRIORITIES[n % PRIORITIES.length]!,
  channel: 'web',
  skills: [],
  since: new Date(T0 + (n % 37) * 1000).toISOString(),
  queuedAt: new Date(T0).toISOString(),
  declinedBy: [],
  caseType: LAB_TYPE,
  version: 1,
  ...extra,
});
const seed = (s: RoutingState) => store.transactUnlessStale(store.routingStateItems(s, undefined));

/** Items the Queries of a block return, by what they read. */
async function reading<T>(run: () => Promise<T>): Promise<{ result: T; waiting: number; agents: number }> {
  const counts = { waiting: 0, agents: 0 };
  const name = `count-${Math.random()}`;
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') {
        const pk = String((args.input as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues?.[':pk'] ?? '');
        const items = (result.output as { Count?: number }).Count ?? 0;
        if (pk.startsWith(LEGACY_WAITING_PARTITION)) counts.waiting += items;
        if (pk.startsWith(ROUTING_AGENTS_PREFIX)) counts.agents += items;
      }
      return result;
    },
    { step: 'initialize', name },
  );
  try {
    return { result: await run(), ...counts };
  } finally {
    dynamo().middlewareStack.remove(name);
  }
}

async function agent(agentId: string, capacity: Partial<Record<Channel, number>>, skills: Record<string, number> = {}) {
  await routing.putAgent(agentId, { skills, capacity }, undefined, ctx());
}

beforeAll(async () => {
  platform = await startTestPlatform();
  await ensureLabType(platform);
  await routing.putQueue('scale', { offerTimeoutSeconds: 3600 }, undefined, ctx());
  for (let i = 0; i < WAITING; i += 25) await Promise.all(Array.from({ length: Math.min(25, WAITING - i) }, (_, k) => seed(stateOf(i + k))));
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

describe('the sharded waiting list', () => {
  it('keeps every waiting case in its own shard, as its routing state records, and every agent in theirs', async () => {
    await agent('scale-a', { web: 2 });
    const items = await scanTable(platform);
    const entries = items.filter((i) => i.entity === 'RoutingWaiting');
    expect(entries).toHaveLength(WAITING);
    for (const e of entries) expect(e.pk).toBe(`${ROUTING_WAITING_PREFIX}${waitingShardOf(String(e.caseId))}`);
    const states = items.filter((i) => i.entity === 'RoutingState' && i.state === 'waiting');
    for (const s of states) expect(s.waitingShard).toBe(waitingShardOf(String(s.caseId)));
    // Spread, not piled up: 400 cases over 48 shards touch nearly all of them.
    expect(new Set(entries.map((e) => e.pk)).size).toBeGreaterThan(WAITING_SHARDS * 0.9);
    const agentItem = items.find((i) => i.entity === 'RoutingAgent' && i.agentId === 'scale-a')!;
    expect({ pk: agentItem.pk, sk: agentItem.sk }).toEqual(routingAgentKey('scale-a'));
  });

  it('an agent becoming available gets the best cases of the single-partition order, reading the shard heads, not the list', async () => {
    const best = Array.from({ length: WAITING }, (_, n) => store.waitingOf(stateOf(n))).sort(compareWaiting);
    const { result, waiting } = await reading(() => routing.setPresence('scale-a', 'available', ctx('scale-a')));
    expect(result.presence).toBe('available');
    const offers = (await store.listOffers()).filter((o) => o.agentId === 'scale-a');
    expect(offers.map((o) => o.caseId).sort()).toEqual(
      best
        .slice(0, 2)
        .map((w) => w.caseId)
        .sort(),
    );
    // A first page of each shard and what the merge went on to (at most twice the cases it looked at, in batches of eight).
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThanOrEqual(WAITING_SHARDS * FIRST_PAGE + 2 * 8);
    // The full re-read, for comparison: every entry.
    const full = await reading(() => store.listWaiting());
    expect(full.waiting).toBe(WAITING - 2);
    expect(waiting).toBeLessThan(full.waiting);
  });

  it('a case arriving is placed from the agent snapshot, reading no waiting shard', async () => {
    await agent('scale-chat', { chat: 1 });
    await routing.setPresence('scale-chat', 'available', ctx('scale-chat'));
    const arriving = stateOf(WAITING + 1, { channel: 'chat' });
    await seed(arriving);
    const { result, waiting } = await reading(() => routing.placeCase(arriving.caseId));
    expect(result.offered).toBe(1);
    expect(waiting).toBe(0);
    expect(await store.getRoutingState(arriving.caseId)).toMatchObject({ state: 'offered', agentId: 'scale-chat' });
  });

  it('an entry in a shard its hash no longer names (the count grown since), or in the partition used before sharding, is still offered and deleted where it is', async () => {
    const moved = stateOf(WAITING + 2, { channel: 'email', skills: [{ skill: 'old', level: 1 }], priority: 'urgent' });
    const shifted = (waitingShardOf(moved.caseId) + 1) % WAITING_SHARDS;
    await seed({ ...moved, waitingShard: shifted });
    // Written as the code before sharding wrote it: no shard in the state, the entry in the one partition.
    const legacy = stateOf(WAITING + 3, { channel: 'email', skills: [{ skill: 'old', level: 1 }], priority: 'urgent' });
    const { version, ...entry } = legacy;
    await dynamo().send(new PutCommand({ TableName: tableName(), Item: { ...routingKey(legacy.caseId), entity: 'RoutingState', ...legacy } }));
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: LEGACY_WAITING_PARTITION, sk: waitingSortKey(legacy), entity: 'RoutingWaiting', ...entry, routingVersion: version },
      }),
    );
    const before = (await scanTable(platform)).filter((i) => i.entity === 'RoutingWaiting');
    expect(before.find((i) => i.caseId === moved.caseId)?.pk).toBe(`${ROUTING_WAITING_PREFIX}${shifted}`);
    expect(before.find((i) => i.caseId === legacy.caseId)?.pk).toBe(LEGACY_WAITING_PARTITION);

    await agent('scale-old', { email: 2 }, { old: 1 });
    await routing.setPresence('scale-old', 'available', ctx('scale-old'));
    expect(await store.getRoutingState(moved.caseId)).toMatchObject({ state: 'offered', agentId: 'scale-old' });
    // The targeted pass reads the shards; the sweep's full pass reads the old partition too.
    await routing.sweep();
    expect(await store.getRoutingState(legacy.caseId)).toMatchObject({ state: 'offered', agentId: 'scale-old' });
    const after = (await scanTable(platform)).filter((i) => i.entity === 'RoutingWaiting');
    expect(after.filter((i) => i.caseId === moved.caseId || i.caseId === legacy.caseId)).toEqual([]);
  });

  it('moves agents and open offers written before sharding into their shards, once, losing nothing (npm run routing:reshard)', async () => {
    const old = {
      agentId: 'scale-legacy',
      skills: {},
      capacity: { web: 1 },
      load: { web: 1 },
      presence: 'away',
      idleSince: new Date(T0).toISOString(),
      version: 3,
    };
    const offer = {
      offerId: 'CASE-2026-799999.2',
      caseId: 'CASE-2026-799999',
      agentId: 'scale-legacy',
      channel: 'web',
      queue: 'scale',
      offeredAt: new Date(T0).toISOString(),
      deadline: new Date(T0 + 3_600_000).toISOString(),
    };
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: store.LEGACY_AGENTS_PARTITION, sk: 'AGENT#scale-legacy', entity: 'RoutingAgent', ...old },
      }),
    );
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: store.LEGACY_OFFERS_PARTITION, sk: `OFFER#${offer.offerId}`, entity: 'RoutingOffer', ...offer },
      }),
    );
    expect(await store.getAgent('scale-legacy')).toBeUndefined();
    expect(await store.reshardRoutingItems()).toEqual({ agents: 1, offers: 1 });
    expect(await store.getAgent('scale-legacy')).toEqual(old);
    expect(await store.getOffer(offer.offerId)).toEqual(offer);
    const left = (await scanTable(platform)).filter((i) => i.pk === store.LEGACY_AGENTS_PARTITION || i.pk === store.LEGACY_OFFERS_PARTITION);
    expect(left).toEqual([]);
    expect(await store.reshardRoutingItems()).toEqual({ agents: 0, offers: 0 });
  });
});
