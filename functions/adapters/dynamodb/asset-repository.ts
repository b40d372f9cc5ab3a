/**
 * Assets: one item each in its own partition (beside its baselines, open
 * conditions and the cases it opened), listed by owner through the requester
 * index. Every change is conditioned on the version that was read.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset } from '#core/devices/asset.js';
import { dynamo, tableName } from './client.js';
import { ASSET_CASE_PREFIX, REQUESTER_INDEX, assetKey, assetsOfOwnerPartition, withoutStorageAttributes } from './keys.js';
import { type Page, pageOfPartition } from './paging.js';
import { isConditionFailure } from './signal-repository.js';

const assetItem = (asset: Asset) => ({
  ...assetKey(asset.assetId),
  entity: 'Asset',
  ...asset,
  [REQUESTER_INDEX.partitionKey]: assetsOfOwnerPartition(asset.owner.id),
  [REQUESTER_INDEX.sortKey]: asset.assetId,
});

export async function getAsset(assetId: string): Promise<Asset | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: assetKey(assetId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Asset>(out.Item) : undefined;
}

/** Store a new asset; false if the id is taken. */
export async function insertAsset(asset: Asset): Promise<boolean> {
  try {
    await dynamo().send(new PutCommand({ TableName: tableName(), Item: assetItem(asset), ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Replace an asset still at `expectedVersion`; false if it moved on. */
export async function replaceAsset(asset: Asset, expectedVersion: number): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: assetItem(asset),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': expectedVersion },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export function listAssetsOfOwner(ownerId: string, limit: number, cursor?: string): Promise<Page<Asset>> {
  const partition = assetsOfOwnerPartition(ownerId);
  return pageOfPartition(
    {
      partition,
      input: {
        IndexName: REQUESTER_INDEX.indexName,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': REQUESTER_INDEX.partitionKey },
        ExpressionAttributeValues: { ':p': partition },
      },
      startKey: (p) => ({ ...assetKey(p.s), [REQUESTER_INDEX.partitionKey]: partition, [REQUESTER_INDEX.sortKey]: p.s }),
      positionOf: (item) => ({ s: String(item[REQUESTER_INDEX.sortKey]) }),
    },
    limit,
    cursor,
    { list: 'assets', ownerId },
    withoutStorageAttributes<Asset>,
  );
}

/** The cases an asset opened, oldest first (case ids sort by year and number). */
export async function casesOfAsset(assetId: string, limit: number): Promise<{ caseId: string; metric: string; kind: string; openedAt: string }[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': assetKey(assetId).pk, ':prefix': ASSET_CASE_PREFIX },
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => ({ caseId: String(i.caseId), metric: String(i.metric), kind: String(i.kind), openedAt: String(i.openedAt) }));
}
