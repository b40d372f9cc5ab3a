/**
 * The read-access log in the single table: who read which restricted case, when,
 * through which operation, and which of its fields the answer carried. One item
 * per read (`READS#<caseId>` / `<at>#<readId>`), also under its reader in the
 * owner index (`READER#<sub>`), so an auditor lists either way, newest first.
 * Items are never updated or deleted by Caseway.
 */
import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { dynamo, tableName } from './client.js';
import { OWNER_INDEX, caseIdOfReads, readerPartition, readsPartition, withoutStorageAttributes } from './keys.js';
import { pageOfPartition, type Page, type PartitionQuery } from './paging.js';

export interface CaseRead {
  readonly readId: string;
  readonly caseId: string;
  /** The case's type, whose access rule made the read worth recording. */
  readonly caseType: string;
  readonly actor: { readonly sub: string; readonly roles: readonly string[]; readonly teams: readonly string[] };
  readonly at: string;
  /** The API operation that read it (`GetCase`, `ListCases`, `CaseHistory`, ...). */
  readonly operation: string;
  /** Fields of the case the answer could carry to this reader (their clearance applied). */
  readonly fields: readonly string[];
  readonly correlationId?: string;
}

export type NewCaseRead = Omit<CaseRead, 'readId'>;

const BATCH = 25;
const ATTEMPTS = 6;

const itemOf = (read: CaseRead) => {
  const sk = `${read.at}#${read.readId}`;
  return {
    pk: readsPartition(read.caseId),
    sk,
    entity: 'CaseRead',
    [OWNER_INDEX.partitionKey]: readerPartition(read.actor.sub),
    [OWNER_INDEX.sortKey]: sk,
    ...read,
  };
};

/**
 * Record reads durably, all of them or an error: BatchWrite's unprocessed items
 * are retried with backoff, and whatever still did not land fails the call, so
 * the caller can refuse to answer rather than answer unrecorded.
 */
export async function recordReads(reads: readonly NewCaseRead[]): Promise<void> {
  const items = reads.map((read) => itemOf({ ...read, readId: randomBytes(8).toString('hex') }));
  for (let i = 0; i < items.length; i += BATCH) {
    let pending: NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string] | undefined = items
      .slice(i, i + BATCH)
      .map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt === ATTEMPTS) throw new Error(`${pending.length} read-access log entries could not be written`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const out: BatchWriteCommandOutput = await dynamo().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }));
      pending = out.UnprocessedItems?.[tableName()];
    }
  }
}

const toRead = (item: Record<string, unknown>) => withoutStorageAttributes<CaseRead>(item);

/** Reads of one case, newest first. */
export function readsOfCase(caseId: string, limit: number, cursor?: string): Promise<Page<CaseRead>> {
  const pk = readsPartition(caseId);
  const query: PartitionQuery = {
    partition: pk,
    input: { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ScanIndexForward: false },
    startKey: (p) => ({ pk, sk: p.s }),
    positionOf: (item) => ({ s: String(item.sk) }),
  };
  return pageOfPartition(query, limit, cursor, { list: 'reads', caseId }, toRead);
}

/** Reads by one person, newest first. */
export function readsBy(sub: string, limit: number, cursor?: string): Promise<Page<CaseRead>> {
  const ipk = readerPartition(sub);
  const index = OWNER_INDEX;
  const query: PartitionQuery = {
    partition: ipk,
    input: {
      IndexName: index.indexName,
      KeyConditionExpression: '#ipk = :ipk',
      ExpressionAttributeNames: { '#ipk': index.partitionKey },
      ExpressionAttributeValues: { ':ipk': ipk },
      ScanIndexForward: false,
    },
    // The index key and the item's own key: the case id is part of the position, the reads partition is derived from it.
    startKey: (p) => ({ [index.partitionKey]: ipk, [index.sortKey]: p.s, pk: readsPartition(p.id ?? ''), sk: p.s }),
    // Called with the last evaluated key too, which holds only key attributes: the case id comes from `pk`.
    positionOf: (item) => ({ s: String(item.sk), id: caseIdOfReads(String(item.pk)) }),
  };
  return pageOfPartition(query, limit, cursor, { list: 'reads-by', sub }, toRead);
}
