/**
 * Routing in the single table: agents with their load counters, the waiting
 * list, open offers, and each case's routing state beside the case (`#ROUTING`);
 * rulesets and queues are versioned configuration (`config-kinds.ts`). Every routing move is one
 * transaction whose conditions re-check what the plan assumed (the case still
 * waiting at the version read, the agent still available with room on the
 * channel), so concurrent dispatchers can lose races but never double-book.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { performance } from 'node:perf_hooks';
import { caseRecord, type Attachment, type HandoffBrief, type StoredCase } from '#core/case.js';
import type { Placement } from '#core/routing/decision.js';
import { compareWaiting, type Agent, type Presence, type WaitingCase } from '#core/routing/dispatch.js';
import { mergeShards } from '#core/routing/shard-merge.js';
import type { SkillRequirement } from '#core/routing/rules.js';
import type { SlaState } from '#core/sla/state.js';
import type { Channel, Priority } from '#core/vocabulary.js';
import { dynamo, tableName } from './client.js';
import {
  AGENT_SHARDS,
  LEGACY_WAITING_PARTITION,
  ROUTING_AGENTS_PREFIX,
  OFFER_SHARDS,
  routingOffersPartition,
  WAITING_SHARDS,
  attachmentSummaryKey,
  caseKey,
  handoffKey,
  headKey,
  routingAgentKey,
  routingKey,
  routingAgentsPartition,
  routingOfferKey,
  waitingKey,
  waitingPartition,
  waitingShardOf,
  withoutStorageAttributes,
  CASE_OWN_PREFIX,
  slaKey,
} from './keys.js';
import { queryAll } from './paging.js';
import { putNew, transactUnlessStale, type TransactItem, type WriteOutcome } from './transactions.js';

export type RoutingStateName = 'waiting' | 'offered' | 'assigned' | 'done';

/** A case's routing state (`#ROUTING`): the truth the waiting entry and offers are checked against. */
export interface RoutingState {
  readonly caseId: string;
  readonly state: RoutingStateName;
  readonly queue: string;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly skills: readonly SkillRequirement[];
  readonly since: string;
  readonly queuedAt: string;
  readonly declinedBy: readonly string[];
  /** Agents whose offer of the case expired, longest ago first (still eligible, after the others). */
  readonly timedOutBy?: readonly string[];
  /** Placed by a person or an escalation: rules no longer move the case. */
  readonly placement?: Placement;
  readonly reservedFor?: string;
  /** The case's type, so whoever reads the waiting list can apply its current access rule (absent on entries written before teams counted). */
  readonly caseType?: string;
  readonly offerId?: string;
  readonly agentId?: string;
  /** The waiting shard its entry is in, while waiting (absent on one written before the list was sharded). */
  readonly waitingShard?: number;
  /** Why routing let go of the case (`done`): resolved, closed, reassigned by hand... */
  readonly doneReason?: string;
  readonly version: number;
}

export interface Offer {
  readonly offerId: string;
  readonly caseId: string;
  readonly agentId: string;
  readonly channel: Channel;
  readonly queue: string;
  readonly offeredAt: string;
  readonly deadline: string;
}

/** A case as routing reads it: the record (with its SLA state, whose entitlement routing reads), its chain head and its routing state, all in one Query. */
export interface RoutedCase {
  readonly stored: StoredCase;
  readonly routing: RoutingState | undefined;
}

export async function getRoutedCase(caseId: string): Promise<RoutedCase | undefined> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :own)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':own': CASE_OWN_PREFIX },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  const at = (sk: string) => items.find((i) => i.sk === sk);
  const raw = at(caseKey(caseId).sk);
  const head = at(headKey(caseId).sk);
  if (!raw || !head) return undefined;
  const routing = at(routingKey(caseId).sk);
  return {
    stored: {
      case: {
        ...caseRecord(raw),
        attachments: (at(attachmentSummaryKey(caseId).sk)?.attachments as Attachment[] | undefined) ?? [],
        handoff: (at(handoffKey(caseId).sk)?.brief as HandoffBrief | undefined) ?? null,
        sla: (at(slaKey(caseId).sk)?.sla as SlaState | null | undefined) ?? null,
      },
      head: { seq: Number(head.seq), hash: String(head.hash) },
    },
    routing: routing ? withoutStorageAttributes<RoutingState>(routing) : undefined,
  };
}

/** A case's routing state alone, by key (what placing a newly waiting case needs). */
export async function getRoutingState(caseId: string): Promise<RoutingState | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: routingKey(caseId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<RoutingState>(out.Item) : undefined;
}

// Agents ------------------------------------------------------------------------

export interface AgentConfig {
  readonly agentId: string;
  readonly name?: string;
  readonly skills: Agent['skills'];
  readonly capacity: Agent['capacity'];
  readonly teams?: Agent['teams'];
}

/** A new agent starts offline with nothing on any channel. */
export function createAgent(config: AgentConfig, now: string): Promise<WriteOutcome> {
  const load = Object.fromEntries(Object.keys(config.capacity).map((channel) => [channel, 0]));
  const { teams, ...rest } = config;
  const agent: Agent = {
    ...rest,
    ...(teams && teams.length > 0 ? { teams: [...new Set(teams)] } : {}),
    load,
    presence: 'offline',
    idleSince: now,
    version: 1,
  };
  return transactUnlessStale([putNew({ ...routingAgentKey(config.agentId), entity: 'RoutingAgent', ...agent })]);
}

/** The update that reconfigures an agent: names and values only for the parts it has (DynamoDB refuses unused ones). */
export function agentReconfiguration(config: AgentConfig, expectedVersion: number) {
  const channels = Object.keys(config.capacity);
  const names: Record<string, string> = { '#skills': 'skills', '#capacity': 'capacity', '#version': 'version', '#teams': 'teams' };
  // A reconfiguration replaces the teams like the skills: none listed, none kept (a stale membership is a leak).
  const teams = config.teams && config.teams.length > 0 ? [...new Set(config.teams)] : undefined;
  if (config.name) names['#name'] = 'name';
  if (channels.length > 0) names['#load'] = 'load';
  channels.forEach((c, i) => (names[`#c${i}`] = c));
  return {
    TableName: tableName(),
    Key: routingAgentKey(config.agentId),
    UpdateExpression:
      [
        'SET #skills = :skills, #capacity = :capacity, #version = :next',
        ...(config.name ? ['#name = :name'] : []),
        ...(teams ? ['#teams = :teams'] : []),
        ...channels.map((_, i) => `#load.#c${i} = if_not_exists(#load.#c${i}, :zero)`),
      ].join(', ') + (teams ? '' : ' REMOVE #teams'),
    ConditionExpression: '#version = :version',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ':skills': config.skills,
      ':capacity': config.capacity,
      ':next': expectedVersion + 1,
      ':version': expectedVersion,
      ...(channels.length > 0 ? { ':zero': 0 } : {}),
      ...(config.name ? { ':name': config.name } : {}),
      ...(teams ? { ':teams': teams } : {}),
    },
  };
}

/**
 * Replace an agent's skills and capacity at the version read, keeping their load
 * and presence (routing owns those); a channel new to them starts at zero.
 */
export async function reconfigureAgent(config: AgentConfig, expectedVersion: number): Promise<WriteOutcome> {
  try {
    await dynamo().send(new UpdateCommand(agentReconfiguration(config, expectedVersion)));
    return 'written';
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return 'stale';
    throw error;
  }
}

export async function getAgent(agentId: string): Promise<Agent | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: routingAgentKey(agentId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Agent>(out.Item) : undefined;
}

/** Every agent, by id: each agent shard read whole (the full pass and the snapshot's refresh; offers read the snapshot). */
export const listAgents = (): Promise<Agent[]> => everyItemOfShards<Agent>(AGENT_SHARDS, routingAgentsPartition, (a) => a.agentId);

/** Every item of `count` shards, each read whole and strongly consistent, ordered by `idOf`. */
async function everyItemOfShards<T>(count: number, partitionOf: (shard: number) => string, idOf: (item: T) => string): Promise<T[]> {
  const shards = await Promise.all(
    Array.from({ length: count }, (_, shard) =>
      queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partitionOf(shard) }, ConsistentRead: true }),
    ),
  );
  return shards
    .flat()
    .map((i) => withoutStorageAttributes<T>(i))
    .sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
}

/**
 * The agents as this container last read them, for choosing whom to offer a case.
 * Reading all 1,000 agents on every event is what capped dispatch; the snapshot is
 * read whole at most once per `AGENT_SNAPSHOT_MAX_AGE_MS`, and in between every
 * agent this container writes (offer, release, presence, reconfiguration: any
 * command on an agent key, seen by a middleware on the client) is read again by
 * key before the snapshot is used. What it can miss is another container's
 * writes, for at most that age. Staleness never over-assigns: the offer's
 * transaction takes the capacity only if the agent has it (`takeCapacity`'s
 * condition), and a lost offer marks the agent to be read again. A missed
 * chance is taken by that container's own dispatch, or the sweep's full pass.
 */
export const AGENT_SNAPSHOT_MAX_AGE_MS = 1000;
let snapshot: { agents: Map<string, Agent>; readAt: number } | undefined;
/** Agents written since read, with the generation they were marked at (a read that began before a mark must not clear it). */
const touched = new Map<string, number>();
let generation = 0;
/** Clients whose agent writes are watched (one per container, but a new client must not go unwatched). */
const watched = new WeakSet<object>();

const isAgentKey = (key: unknown): key is { pk: string; sk: string } =>
  typeof (key as { pk?: unknown } | undefined)?.pk === 'string' && (key as { pk: string }).pk.startsWith(ROUTING_AGENTS_PREFIX);
const agentIdOf = (key: { sk: string }) => key.sk.slice('AGENT#'.length);

/** Agent keys a write command names (one item, or a transaction's). */
function agentKeysOf(input: Record<string, unknown>): { pk: string; sk: string }[] {
  const keys: unknown[] = [input.Key, input.Item];
  for (const t of (input.TransactItems as Record<string, { Key?: unknown; Item?: unknown }>[] | undefined) ?? [])
    for (const part of Object.values(t)) keys.push(part.Key, part.Item);
  return keys.filter(isAgentKey);
}

function watchAgentWrites(): void {
  const client = dynamo();
  if (watched.has(client)) return;
  watched.add(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const keys = agentKeysOf(args.input as Record<string, unknown>);
      try {
        return await next(args);
      } finally {
        // Won or lost, the agent may not be what the snapshot holds.
        for (const key of keys) touched.set(agentIdOf(key), ++generation);
      }
    },
    { step: 'initialize', name: 'routingAgentWrites' },
  );
}

export async function agentSnapshot(): Promise<Agent[]> {
  watchAgentWrites();
  if (!snapshot || performance.now() - snapshot.readAt > AGENT_SNAPSHOT_MAX_AGE_MS) {
    const from = generation;
    const readAt = performance.now();
    const agents = await listAgents();
    snapshot = { agents: new Map(agents.map((a) => [a.agentId, a])), readAt };
    for (const [agentId, at] of touched) if (at <= from) touched.delete(agentId);
  }
  if (touched.size > 0) {
    const again = [...touched];
    const fresh = await Promise.all(again.map(([agentId]) => getAgent(agentId)));
    again.forEach(([agentId, at], i) => {
      const agent = fresh[i];
      if (agent) snapshot!.agents.set(agentId, agent);
      else snapshot!.agents.delete(agentId);
      if (touched.get(agentId) === at) touched.delete(agentId);
    });
  }
  return [...snapshot.agents.values()];
}

/** Forget the snapshot (a test that rewrites agents behind routing's back). */
export function dropAgentSnapshot(): void {
  snapshot = undefined;
}

/** The update that sets presence: `:now` only when becoming available starts the idle time. */
export const presenceUpdate = (agentId: string, presence: Presence, now: string) => ({
  TableName: tableName(),
  Key: routingAgentKey(agentId),
  UpdateExpression: `SET presence = :p, version = version + :one${presence === 'available' ? ', idleSince = if_not_exists(idleSince, :now)' : ''}`,
  ConditionExpression: 'attribute_exists(pk)',
  ExpressionAttributeValues: { ':p': presence, ':one': 1, ...(presence === 'available' ? { ':now': now } : {}) },
  ReturnValues: 'ALL_NEW' as const,
});

/** Presence is the agent's to set; becoming available starts their idle time. */
export async function setPresence(agentId: string, presence: Presence, now: string): Promise<Agent | undefined> {
  try {
    const out = await dynamo().send(new UpdateCommand(presenceUpdate(agentId, presence, now)));
    return withoutStorageAttributes<Agent>(out.Attributes!);
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
    throw error;
  }
}

// Waiting list and offers -------------------------------------------------------

/** A waiting entry as stored: the case as dispatch sees it, and the shard it is in. */
export type WaitingEntry = WaitingCase & { readonly waitingShard?: number };

const waitingShardQuery = (pk: string) => ({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });

/**
 * Every waiting case, best first (highest priority, then longest waiting): every
 * shard read whole, and the partition used before sharding. The sweep's full
 * pass and its overflow reads use it; offers read `waitingHeads`.
 */
export async function listWaiting(): Promise<WaitingEntry[]> {
  const partitions = [LEGACY_WAITING_PARTITION, ...Array.from({ length: WAITING_SHARDS }, (_, shard) => waitingPartition(shard))];
  const items = (await Promise.all(partitions.map((pk) => queryAll(waitingShardQuery(pk))))).flat();
  return items.map((i) => withoutStorageAttributes<WaitingEntry>(i)).sort(compareWaiting);
}

/**
 * The waiting cases best first, read lazily: the shards' k-way merge (`mergeShards`),
 * each shard read a page at a time only as far as the consumer iterates.
 */
export function waitingHeads(shards = WAITING_SHARDS): AsyncGenerator<WaitingEntry> {
  const readers = Array.from({ length: shards }, (_, shard) => async (after: Record<string, unknown> | undefined, limit: number) => {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: tableName(),
        ...waitingShardQuery(waitingPartition(shard)),
        Limit: limit,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => withoutStorageAttributes<WaitingEntry>(i)),
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
    };
  });
  return mergeShards(readers, compareWaiting);
}

export async function getOffer(offerId: string): Promise<Offer | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: routingOfferKey(offerId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Offer>(out.Item) : undefined;
}

/** Every open offer: each offer shard read whole. */
export const listOffers = (): Promise<Offer[]> => everyItemOfShards<Offer>(OFFER_SHARDS, routingOffersPartition, (o) => o.offerId);

// Transaction parts --------------------------------------------------------------

export const waitingOf = (r: RoutingState): WaitingEntry => ({
  caseId: r.caseId,
  queue: r.queue,
  priority: r.priority,
  channel: r.channel,
  skills: r.skills,
  since: r.since,
  queuedAt: r.queuedAt,
  declinedBy: r.declinedBy,
  ...(r.timedOutBy?.length ? { timedOutBy: r.timedOutBy } : {}),
  ...(r.reservedFor ? { reservedFor: r.reservedFor } : {}),
  ...(r.caseType ? { caseType: r.caseType } : {}),
  ...(r.waitingShard !== undefined ? { waitingShard: r.waitingShard } : {}),
  routingVersion: r.version,
});

const waitingItem = (r: RoutingState) => ({ ...waitingKey(r), entity: 'RoutingWaiting', ...waitingOf(r) });

/**
 * Write the routing state at the version read (0: none yet), and keep the waiting
 * entry in step with it. A waiting case stays in the shard it is in; one new to
 * the list (or in the partition used before sharding) goes to its id's shard.
 */
export function routingStateItems(proposed: RoutingState, previous: RoutingState | undefined): TransactItem[] {
  const { waitingShard, ...rest } = proposed;
  const next: RoutingState = proposed.state === 'waiting' ? { ...rest, waitingShard: waitingShard ?? waitingShardOf(proposed.caseId) } : rest;
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...routingKey(next.caseId), entity: 'RoutingState', ...next },
        ...(previous
          ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    },
  ];
  const oldKey = previous?.state === 'waiting' ? waitingKey(previous) : undefined;
  const newKey = next.state === 'waiting' ? waitingKey(next) : undefined;
  if (oldKey && (!newKey || oldKey.pk !== newKey.pk || oldKey.sk !== newKey.sk))
    items.push({ Delete: { TableName: tableName(), Key: oldKey, ConditionExpression: 'attribute_exists(pk)' } });
  if (newKey) items.push({ Put: { TableName: tableName(), Item: waitingItem(next) } });
  return items;
}

/**
 * Take one unit of an agent's capacity on a channel, only if they have it (and,
 * for offers, are available; for a case restricted to `teams`, still in one of
 * them, so a reconfiguration that lands after the plan cannot slip a case through).
 */
export function takeCapacity(agentId: string, channel: Channel, now: string, requireAvailable: boolean, teams?: readonly string[]): TransactItem {
  const teamCheck = teams && teams.length > 0 ? ` AND (${teams.map((_, i) => `contains(#teams, :team${i})`).join(' OR ')})` : '';
  return {
    Update: {
      TableName: tableName(),
      Key: routingAgentKey(agentId),
      UpdateExpression: 'SET #load.#ch = #load.#ch + :one, idleSince = :now',
      ConditionExpression: `#load.#ch < #capacity.#ch${requireAvailable ? ' AND presence = :available' : ''}${teamCheck}`,
      ExpressionAttributeNames: { '#load': 'load', '#capacity': 'capacity', '#ch': channel, ...(teamCheck ? { '#teams': 'teams' } : {}) },
      ExpressionAttributeValues: {
        ':one': 1,
        ':now': now,
        ...(requireAvailable ? { ':available': 'available' } : {}),
        ...Object.fromEntries((teamCheck ? teams! : []).map((team, i) => [`:team${i}`, team])),
      },
    },
  };
}

export function releaseCapacity(agentId: string, channel: Channel, now: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: routingAgentKey(agentId),
      UpdateExpression: 'SET #load.#ch = #load.#ch - :one, idleSince = :now',
      ConditionExpression: '#load.#ch > :zero',
      ExpressionAttributeNames: { '#load': 'load', '#ch': channel },
      ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':now': now },
    },
  };
}

export const putOfferItem = (offer: Offer): TransactItem => putNew({ ...routingOfferKey(offer.offerId), entity: 'RoutingOffer', ...offer });
export const deleteOfferItem = (offerId: string): TransactItem => ({
  Delete: { TableName: tableName(), Key: routingOfferKey(offerId), ConditionExpression: 'attribute_exists(pk)' },
});

/** Where agents and offers were kept before they were sharded (`reshardRoutingItems` moves them). */
export const LEGACY_AGENTS_PARTITION = 'ROUTING#AGENTS';
export const LEGACY_OFFERS_PARTITION = 'ROUTING#OFFERS';

/**
 * Move agents and offers written before sharding into their shards: for each, one
 * transaction puts it under its new key (if nothing is there) and deletes the old
 * one (if it is still there), so a rerun or a concurrent writer loses nothing.
 * Waiting entries need no move: their routing state names where they are, and the
 * sweep's full pass reads the old partition until it drains.
 */
export async function reshardRoutingItems(): Promise<{ agents: number; offers: number }> {
  const moved = { agents: 0, offers: 0 };
  for (const [from, what, keyOf] of [
    [LEGACY_AGENTS_PARTITION, 'agents', (i: Record<string, unknown>) => routingAgentKey(String(i.agentId))],
    [LEGACY_OFFERS_PARTITION, 'offers', (i: Record<string, unknown>) => routingOfferKey(String(i.offerId))],
  ] as const) {
    const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': from }, ConsistentRead: true });
    for (const item of items) {
      const outcome = await transactUnlessStale([
        putNew({ ...item, ...keyOf(item) }),
        { Delete: { TableName: tableName(), Key: { pk: item.pk, sk: item.sk }, ConditionExpression: 'attribute_exists(pk)' } },
      ]);
      if (outcome === 'written') moved[what]++;
    }
  }
  return moved;
}

export { transactUnlessStale, type WriteOutcome };
