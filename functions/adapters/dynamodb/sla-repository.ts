/**
 * SLA calendars, policies and entitlements in the single table. Calendars and
 * policies are versioned like case types: each version an immutable item, and a
 * `#CURRENT` item per id advanced only from the version the publisher read, in
 * the same transaction. Unlike case types the current item holds the whole
 * definition, so one Query lists every current policy (what policy choice reads).
 * An entitlement is one item; its `consumed` count moves only inside the
 * transaction that creates a case under it, guarded by its allowance.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Calendar } from '../../core/sla/calendar.js';
import type { Entitlement } from '../../core/sla/policy.js';
import type { SlaPolicy } from '../../core/sla/state.js';
import { dynamo, tableName } from './client.js';
import {
  SLA_CALENDARS_PARTITION,
  SLA_POLICIES_PARTITION,
  SLA_VERSION_PREFIX,
  STATUS_INDEX,
  entitlementHolderPartition,
  entitlementKey,
  slaCalendarCurrentKey,
  slaCalendarVersionKey,
  slaPolicyCurrentKey,
  slaPolicyVersionKey,
  withoutStorageAttributes,
} from './keys.js';
import { queryAll } from './paging.js';
import { putNew, transactUnlessStale, type TransactItem, type WriteOutcome } from './transactions.js';

interface Versioned {
  readonly version: number;
}

interface Kind<T extends Versioned> {
  readonly entity: string;
  readonly partition: string;
  readonly idOf: (item: T) => string;
  readonly versionKey: (id: string, version: number) => { pk: string; sk: string };
  readonly currentKey: (id: string) => { pk: string; sk: string };
}

const calendars: Kind<Calendar> = {
  entity: 'SlaCalendar',
  partition: SLA_CALENDARS_PARTITION,
  idOf: (c) => c.calendarId,
  versionKey: slaCalendarVersionKey,
  currentKey: slaCalendarCurrentKey,
};
const policies: Kind<SlaPolicy> = {
  entity: 'SlaPolicy',
  partition: SLA_POLICIES_PARTITION,
  idOf: (p) => p.policyId,
  versionKey: slaPolicyVersionKey,
  currentKey: slaPolicyCurrentKey,
};

/** Versions never change: a container keeps what it read. */
const versionCache = new Map<string, unknown>();

function publish<T extends Versioned>(kind: Kind<T>, item: T): Promise<WriteOutcome> {
  const id = kind.idOf(item);
  const data = item as unknown as Record<string, unknown>;
  const current = { ...kind.currentKey(id), entity: `${kind.entity}Current`, ...data, [STATUS_INDEX.partitionKey]: kind.partition, [STATUS_INDEX.sortKey]: id };
  return transactUnlessStale([
    putNew({ ...kind.versionKey(id, item.version), entity: `${kind.entity}Version`, ...data }),
    item.version === 1
      ? putNew(current)
      : { Put: { TableName: tableName(), Item: current, ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': item.version - 1 } } },
  ]);
}

async function getVersion<T>(kind: Kind<T & Versioned>, id: string, version: number): Promise<T | undefined> {
  const key = `${kind.entity}/${id}@${version}`;
  if (versionCache.has(key)) return versionCache.get(key) as T;
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: kind.versionKey(id, version) }));
  if (!out.Item) return undefined;
  const item = withoutStorageAttributes<T>(out.Item);
  versionCache.set(key, item);
  return item;
}

async function getCurrent<T>(kind: Kind<T & Versioned>, id: string): Promise<T | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: kind.currentKey(id), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<T>(out.Item) : undefined;
}

async function listCurrent<T>(kind: Kind<T & Versioned>): Promise<T[]> {
  const items = await queryAll({
    IndexName: STATUS_INDEX.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': STATUS_INDEX.partitionKey },
    ExpressionAttributeValues: { ':pk': kind.partition },
  });
  return items.map((item) => withoutStorageAttributes<T>(item));
}

async function listVersions<T>(kind: Kind<T & Versioned>, id: string): Promise<T[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': kind.currentKey(id).pk, ':prefix': SLA_VERSION_PREFIX },
  });
  return items.map((item) => withoutStorageAttributes<T>(item));
}

export const publishCalendar = (c: Calendar) => publish(calendars, c);
export const getCalendarVersion = (id: string, version: number) => getVersion(calendars, id, version);
export const getCurrentCalendar = (id: string) => getCurrent(calendars, id);
export const listCurrentCalendars = () => listCurrent(calendars);
export const listCalendarVersions = (id: string) => listVersions(calendars, id);

export const publishPolicy = (p: SlaPolicy) => publish(policies, p);
export const getPolicyVersion = (id: string, version: number) => getVersion(policies, id, version);
export const getCurrentPolicy = (id: string) => getCurrent(policies, id);
export const listCurrentPolicies = () => listCurrent(policies);
export const listPolicyVersions = (id: string) => listVersions(policies, id);

// ---------------------------------------------------------------- entitlements

const entitlementItem = (e: Entitlement) => ({
  ...entitlementKey(e.entitlementId),
  entity: 'Entitlement',
  ...e,
  [STATUS_INDEX.partitionKey]: entitlementHolderPartition(e.holder.kind, e.holder.id),
  [STATUS_INDEX.sortKey]: `${e.validFrom}#${e.entitlementId}`,
});

export async function insertEntitlement(e: Entitlement): Promise<WriteOutcome> {
  return transactUnlessStale([putNew(entitlementItem(e))]);
}

export async function getEntitlement(id: string): Promise<Entitlement | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: entitlementKey(id), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Entitlement>(out.Item) : undefined;
}

/** Every entitlement of one customer or asset, earliest start first. */
export async function entitlementsOf(kind: Entitlement['holder']['kind'], holderId: string): Promise<Entitlement[]> {
  const items = await queryAll({
    IndexName: STATUS_INDEX.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': STATUS_INDEX.partitionKey },
    ExpressionAttributeValues: { ':pk': entitlementHolderPartition(kind, holderId) },
  });
  return items.map((item) => withoutStorageAttributes<Entitlement>(item));
}

/**
 * The write that uses one case of an entitlement, for the case's create
 * transaction: it fails (and so does the create, which then decides again) if
 * the count moved since it was read, so two creates can never both take the
 * last case of an allowance.
 */
export function consumeEntitlement(e: Entitlement): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: entitlementKey(e.entitlementId),
      UpdateExpression: 'SET #consumed = :next',
      ConditionExpression: '#consumed = :read',
      ExpressionAttributeNames: { '#consumed': 'consumed' },
      ExpressionAttributeValues: { ':read': e.consumed, ':next': e.consumed + 1 },
    },
  };
}
