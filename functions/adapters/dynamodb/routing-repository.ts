/**
 * Routing in the single table: agents with their load counters, the waiting
 * list, open offers, and each case's routing state beside the case (`#ROUTING`);
 * rulesets and queues are versioned configuration (`config-kinds.ts`). Every routing move is one
 * transaction whose conditions re-check what the plan assumed (the case still
 * waiting at the version read, the agent still available with room on the
 * channel), so concurrent dispatchers can lose races but never double-book.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { caseRecord, type Attachment, type HandoffBrief, type StoredCase } from '#core/case.js';
import type { Placement } from '#core/routing/decision.js';
import type { Agent, Presence, WaitingCase } from '#core/routing/dispatch.js';
import type { SkillRequirement } from '#core/routing/rules.js';
import type { SlaState } from '#core/sla/state.js';
import type { Channel, Priority } from '#core/vocabulary.js';
import { dynamo, tableName } from './client.js';
import {
  ROUTING_AGENTS_PARTITION,
  ROUTING_OFFERS_PARTITION,
  ROUTING_WAITING_PARTITION,
  attachmentSummaryKey,
  caseKey,
  handoffKey,
  headKey,
  routingAgentKey,
  routingKey,
  routingOfferKey,
  waitingKey,
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

export async function listAgents(): Promise<Agent[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ROUTING_AGENTS_PARTITION },
    ConsistentRead: true,
  });
  return items.map((i) => withoutStorageAttributes<Agent>(i));
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

/** Waiting cases, best first (highest priority, then longest waiting): the key order is the queue order. */
export async function listWaiting(): Promise<WaitingCase[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ROUTING_WAITING_PARTITION },
    ConsistentRead: true,
  });
  return items.map((i) => withoutStorageAttributes<WaitingCase>(i));
}

export async function getOffer(offerId: string): Promise<Offer | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: routingOfferKey(offerId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Offer>(out.Item) : undefined;
}

export async function listOffers(): Promise<Offer[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': ROUTING_OFFERS_PARTITION },
    ConsistentRead: true,
  });
  return items.map((i) => withoutStorageAttributes<Offer>(i));
}

// Transaction parts --------------------------------------------------------------

export const waitingOf = (r: RoutingState): WaitingCase => ({
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
  routingVersion: r.version,
});

const waitingItem = (r: RoutingState) => ({ ...waitingKey(r), entity: 'RoutingWaiting', ...waitingOf(r) });

/** Write the routing state at the version read (0: none yet), and keep the waiting entry in step with it. */
export function routingStateItems(next: RoutingState, previous: RoutingState | undefined): TransactItem[] {
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
  if (oldKey && (!newKey || oldKey.sk !== newKey.sk))
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

export { transactUnlessStale, type WriteOutcome };
