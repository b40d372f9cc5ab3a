/**
 * Key templates for every item in the single table, derived from the access
 * patterns in the README. All key strings are built here and nowhere else.
 *
 * | item        | pk                       | sk                                 |
 * |-------------|--------------------------|------------------------------------|
 * | case        | CASE#<caseId>            | #CASE                              |
 * | audit event | CASE#<caseId>            | AUDIT#<seq, 10 digits>             |
 * | comment     | CASE#<caseId>            | COMMENT#<createdAt>#<commentId>    |
 * | counter     | COUNTER#<prefix>#<year>  | COUNTER                            |
 * | idempotency | IDEMPOTENCY#<sha256>     | IDEMPOTENCY                        |
 *
 * A case's own item sorts first in its partition (`#` < `A`), so one Query reads
 * a case with its history or comments when a view needs both.
 */
import type { Case, CaseStatus } from '../../core/case.js';
import { caseIndexes, caseTable } from '../../../lib/topology/table.js';

/**
 * Status listings are spread over this many partitions. Creation alone writes
 * every new case to status `new`; eight shards keep each well under a
 * partition's 1,000 writes/s up to ~8,000 creates/s. Changing it re-keys data.
 */
export const STATUS_SHARDS = 8;

export const { byStatus: STATUS_INDEX, byOwner: OWNER_INDEX, byRequester: REQUESTER_INDEX } = caseIndexes;

export const AUDIT_PREFIX = caseTable.auditSortKeyPrefix;

export const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: '#CASE' });
export const auditKey = (caseId: string, seq: number) => ({ pk: `CASE#${caseId}`, sk: `${AUDIT_PREFIX}${String(seq).padStart(10, '0')}` });
export const commentKey = (caseId: string, createdAt: string, commentId: string) => ({
  pk: `CASE#${caseId}`,
  sk: `COMMENT#${createdAt}#${commentId}`,
});
export const counterKey = (prefix: string, year: number) => ({ pk: `COUNTER#${prefix}#${year}`, sk: 'COUNTER' });
export const idempotencyKey = (hash: string) => ({ pk: `IDEMPOTENCY#${hash}`, sk: 'IDEMPOTENCY' });

export const COMMENT_PREFIX = 'COMMENT#';

/** FNV-1a: a cheap, stable spread of case ids over the status shards. */
export function shardOf(caseId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) {
    hash ^= caseId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % STATUS_SHARDS;
}

export const statusPartition = (status: CaseStatus, shard: number) => `STATUS#${status}#${shard}`;
export const ownerPartition = (owner: string) => `OWNER#${owner}`;
export const requesterPartition = (requesterId: string) => `REQUESTER#${requesterId}`;

/** Newest first is a descending Query on this: ISO time, then the id to break ties. */
export const recencySortKey = (c: Pick<Case, 'createdAt' | 'caseId'>) => `${c.createdAt}#${c.caseId}`;

/** Index attributes of a case item; a case with no owner carries no owner-index keys (sparse). */
export function caseIndexKeys(c: Case): Record<string, string> {
  const recency = recencySortKey(c);
  return {
    [STATUS_INDEX.partitionKey]: statusPartition(c.status, shardOf(c.caseId)),
    [STATUS_INDEX.sortKey]: recency,
    ...(c.owner ? { [OWNER_INDEX.partitionKey]: ownerPartition(c.owner), [OWNER_INDEX.sortKey]: recency } : {}),
    [REQUESTER_INDEX.partitionKey]: requesterPartition(c.requester.id),
    [REQUESTER_INDEX.sortKey]: recency,
  };
}

/** Attributes that exist only for the table's sake and never leave the repository. */
export const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'entity', caseTable.timeToLiveAttribute, ...caseTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);

export function withoutStorageAttributes<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !STORAGE_ATTRIBUTES.has(key))) as T;
}
