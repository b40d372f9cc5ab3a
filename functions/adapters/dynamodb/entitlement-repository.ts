/**
 * Entitlements in the single table (SLA calendars and policies are versioned
 * configuration: `config-kinds.ts`). An entitlement is one item; its `consumed`
 * count moves only inside the transaction that creates a case under it, guarded
 * by its allowance.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Entitlement } from '#core/sla/policy.js';
import { dynamo, tableName } from './client.js';
import { STATUS_INDEX, entitlementHolderPartition, entitlementKey, withoutStorageAttributes } from './keys.js';
import { queryAll } from './paging.js';
import { putNew, transactUnlessStale, type TransactItem, type WriteOutcome } from './transactions.js';

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
