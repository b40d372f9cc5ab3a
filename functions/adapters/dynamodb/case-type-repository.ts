/**
 * Case types in the single table. Each published version is an immutable item
 * (its own record of who published what, when); a `#CURRENT` item per type names
 * the version new cases get and is advanced only from the version the publisher
 * read, in the same transaction as the new version. Versions never change, so a
 * container caches them for its whole life.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseType } from '../../core/case-type.js';
import { dynamo, tableName } from './client.js';
import { CASE_TYPE_VERSION_PREFIX, CASE_TYPES_PARTITION, STATUS_INDEX, caseTypeCurrentKey, caseTypeVersionKey, withoutStorageAttributes } from './keys.js';
import { queryAll } from './paging.js';
import { putNew, transactUnlessStale, type WriteOutcome } from './transactions.js';

/** The summary a type's `#CURRENT` item holds, listed by `GET /case-types`. */
export interface CaseTypeSummary {
  readonly typeId: string;
  readonly name: string;
  readonly version: number;
  readonly updatedAt: string;
}

const versions = new Map<string, CaseType>();
const cacheKey = (typeId: string, version: number) => `${typeId}@${version}`;

export async function getCaseTypeVersion(typeId: string, version: number): Promise<CaseType | undefined> {
  const cached = versions.get(cacheKey(typeId, version));
  if (cached) return cached;
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: caseTypeVersionKey(typeId, version) }));
  if (!out.Item) return undefined;
  const type = withoutStorageAttributes<CaseType>(out.Item);
  versions.set(cacheKey(typeId, version), type);
  return type;
}

/** The version new cases of this type get; read every time, so a publish takes effect at once. */
export async function getCurrentVersion(typeId: string): Promise<number | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: caseTypeCurrentKey(typeId), ConsistentRead: true }));
  return out.Item ? Number(out.Item.version) : undefined;
}

export async function getCurrentCaseType(typeId: string): Promise<CaseType | undefined> {
  const version = await getCurrentVersion(typeId);
  return version === undefined ? undefined : getCaseTypeVersion(typeId, version);
}

/**
 * Publish `type` as the next version: fails (`stale`) if the type already exists
 * (version 1) or another version was published since `type.version - 1` was read.
 */
export function publishCaseType(type: CaseType): Promise<WriteOutcome> {
  const summary: CaseTypeSummary = { typeId: type.typeId, name: type.name, version: type.version, updatedAt: type.publishedAt };
  const current = {
    ...caseTypeCurrentKey(type.typeId),
    entity: 'CaseTypeCurrent',
    ...summary,
    [STATUS_INDEX.partitionKey]: CASE_TYPES_PARTITION,
    [STATUS_INDEX.sortKey]: type.typeId,
  };
  return transactUnlessStale([
    putNew({ ...caseTypeVersionKey(type.typeId, type.version), entity: 'CaseTypeVersion', ...type }),
    type.version === 1
      ? putNew(current)
      : {
          Put: {
            TableName: tableName(),
            Item: current,
            ConditionExpression: 'version = :previous',
            ExpressionAttributeValues: { ':previous': type.version - 1 },
          },
        },
  ]);
}

export async function listCaseTypes(): Promise<CaseTypeSummary[]> {
  const out = await queryAll({
    IndexName: STATUS_INDEX.indexName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': STATUS_INDEX.partitionKey },
    ExpressionAttributeValues: { ':pk': CASE_TYPES_PARTITION },
  });
  return out.map((item) => ({ typeId: String(item.typeId), name: String(item.name), version: Number(item.version), updatedAt: String(item.updatedAt) }));
}

/** Every version of a type, oldest first. */
export async function listCaseTypeVersions(typeId: string): Promise<CaseType[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': caseTypeCurrentKey(typeId).pk, ':prefix': CASE_TYPE_VERSION_PREFIX },
  });
  return items.map((item) => withoutStorageAttributes<CaseType>(item));
}
