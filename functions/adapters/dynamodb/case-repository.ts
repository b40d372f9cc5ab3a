/**
 * Cases, comments, audit events, case-number blocks and idempotency records in
 * the single table. Every write that changes a case also writes its audit event
 * in the same transaction: the change and its explanation commit together or not at all.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { IndexDefinition } from '../../../lib/topology/table.js';
import { caseRecord, type AuditEvent, type Case, type CaseStatus, type Comment } from '../../core/case.js';
import type { NumberBlock } from '../../core/case-number.js';
import { dynamo, tableName } from './client.js';
import { type CursorState, type Position, decodeCursor, encodeCursor, queryDigest } from './cursor.js';
import {
  AUDIT_PREFIX,
  COMMENT_PREFIX,
  OWNER_INDEX,
  REQUESTER_INDEX,
  STATUS_INDEX,
  STATUS_SHARDS,
  auditKey,
  caseIndexKeys,
  caseKey,
  commentKey,
  counterKey,
  idempotencyKey,
  ownerPartition,
  requesterPartition,
  statusPartition,
  withoutStorageAttributes,
} from './keys.js';

export interface StoredCase {
  readonly case: Case;
  /** Number of audit events so far; the next one is `seq + 1`. */
  readonly seq: number;
}

export interface Page<T> {
  readonly items: T[];
  /** Present while there may be more; pass it back as `cursor`. */
  readonly nextCursor?: string;
}

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly caseId: string;
  readonly response: Case;
}

/** A write lost a race: the item changed (or another transaction held it) since it was read. */
export type WriteOutcome = 'written' | 'stale';

const caseItem = (c: Case, seq: number) => ({ ...caseKey(c.caseId), entity: 'Case', ...c, seq, ...caseIndexKeys(c) });
const auditItem = (e: AuditEvent) => ({ ...auditKey(e.caseId, e.seq), entity: 'AuditEvent', ...e });

function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Put an item that must not exist yet: audit events and comments are never overwritten. */
const putNew = (Item: Record<string, unknown>) => ({ Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(pk)' } });

/** Run a transaction whose conditions guard against lost races; a cancelled one is `stale`. */
async function transactUnlessStale(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<WriteOutcome> {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    if (cancellationCodes(error)) return 'stale';
    throw error;
  }
}

export async function reserveCaseNumbers(prefix: string, year: number, size: number): Promise<NumberBlock> {
  const out = await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: counterKey(prefix, year),
      UpdateExpression: 'ADD #last :size SET entity = :entity',
      ExpressionAttributeNames: { '#last': 'last' },
      ExpressionAttributeValues: { ':size': size, ':entity': 'CaseNumberCounter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const last = Number(out.Attributes?.last);
  return { first: last - size + 1, last };
}

export type InsertOutcome = { outcome: 'created' } | { outcome: 'replay'; record: IdempotencyRecord } | { outcome: 'conflict' };

/**
 * Create a case with its first audit event and, when the client sent an
 * Idempotency-Key, the key's record: one transaction, so a key is never
 * remembered without its case nor a case created twice for one key.
 */
export async function insertCase(
  created: { case: Case; audit: AuditEvent },
  idempotency?: { keyHash: string; fingerprint: string; expiresAt: number },
): Promise<InsertOutcome> {
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          putNew(caseItem(created.case, 1)),
          putNew(auditItem(created.audit)),
          ...(idempotency
            ? [
                putNew({
                  ...idempotencyKey(idempotency.keyHash),
                  entity: 'IdempotencyRecord',
                  fingerprint: idempotency.fingerprint,
                  caseId: created.case.caseId,
                  response: created.case,
                  expiresAt: idempotency.expiresAt,
                }),
              ]
            : []),
        ],
      }),
    );
    return { outcome: 'created' };
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    if (idempotency && codes[2] === 'ConditionalCheckFailed') {
      const record = await getIdempotencyRecord(idempotency.keyHash);
      if (record) return { outcome: 'replay', record };
    }
    if (codes.includes('TransactionConflict')) return { outcome: 'conflict' };
    throw error;
  }
}

export async function getIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: idempotencyKey(keyHash), ConsistentRead: true }));
  if (!out.Item) return undefined;
  // An expired record may linger until TTL deletes it; it no longer binds the key.
  if (typeof out.Item.expiresAt === 'number' && out.Item.expiresAt * 1000 < Date.now()) return undefined;
  return { fingerprint: String(out.Item.fingerprint), caseId: String(out.Item.caseId), response: out.Item.response as Case };
}

export async function getCase(caseId: string): Promise<StoredCase | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: caseKey(caseId), ConsistentRead: true }));
  if (!out.Item) return undefined;
  return { case: caseRecord(out.Item), seq: Number(out.Item.seq) };
}

/** Replace a case if nobody changed it (version) or its history (seq) since `expected` was read. */
export function replaceCase(next: Case, expected: { version: number; seq: number }, audit: AuditEvent): Promise<WriteOutcome> {
  return transactUnlessStale([
    {
      Put: {
        TableName: tableName(),
        Item: caseItem(next, audit.seq),
        ConditionExpression: 'version = :version AND seq = :seq',
        ExpressionAttributeValues: { ':version': expected.version, ':seq': expected.seq },
      },
    },
    putNew(auditItem(audit)),
  ]);
}

/** A comment does not change the case's content (its ETag stays), only its history position. */
export function appendComment(subject: StoredCase, comment: Comment, audit: AuditEvent): Promise<WriteOutcome> {
  return transactUnlessStale([
    {
      Update: {
        TableName: tableName(),
        Key: caseKey(subject.case.caseId),
        UpdateExpression: 'SET seq = :next',
        ConditionExpression: 'seq = :seq',
        ExpressionAttributeValues: { ':seq': subject.seq, ':next': audit.seq },
      },
    },
    putNew({ ...commentKey(comment.caseId, comment.createdAt, comment.commentId), entity: 'Comment', ...comment }),
    putNew(auditItem(audit)),
  ]);
}

interface PartitionQuery {
  /** Name of the partition in cursors. */
  readonly partition: string;
  readonly input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit' | 'TableName'>;
  /** Rebuild a start key from a cursor position. */
  readonly startKey: (position: Position) => Record<string, string>;
  /** Where an item leaves off, for the next cursor. */
  readonly positionOf: (item: Record<string, unknown>) => Position;
}

async function queryPartition(q: PartitionQuery, limit: number, from: Position | undefined) {
  const out = await dynamo().send(
    new QueryCommand({ ...q.input, TableName: tableName(), Limit: limit, ...(from ? { ExclusiveStartKey: q.startKey(from) } : {}) }),
  );
  return { items: out.Items ?? [], lastEvaluated: out.LastEvaluatedKey };
}

/** One partition, in key order; a filter may make pages short, the cursor still continues exactly. */
async function pageOfPartition<T>(
  q: PartitionQuery,
  limit: number,
  cursor: string | undefined,
  digestOf: unknown,
  toEntity: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const digest = queryDigest(digestOf);
  const state = decodeCursor(cursor, digest, [q.partition]);
  const from = state[q.partition];
  if (from === null) return { items: [] };
  const { items, lastEvaluated } = await queryPartition(q, limit, from);
  return {
    items: items.map(toEntity),
    ...(lastEvaluated ? { nextCursor: encodeCursor(digest, { [q.partition]: q.positionOf(lastEvaluated) }) } : {}),
  };
}

/**
 * Newest first across several partitions (the status shards): read up to `limit`
 * from each, merge by sort key, keep the top `limit`. The global top `limit` is
 * always inside the union of each partition's top `limit`, so the merge is exact.
 */
async function pageAcrossPartitions<T>(
  queries: PartitionQuery[],
  sortKeyOf: (item: Record<string, unknown>) => string,
  limit: number,
  cursor: string | undefined,
  digestOf: unknown,
  toEntity: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const digest = queryDigest(digestOf);
  const state = decodeCursor(
    cursor,
    digest,
    queries.map((q) => q.partition),
  );
  const live = queries.filter((q) => state[q.partition] !== null);
  const results = await Promise.all(live.map(async (q) => ({ q, ...(await queryPartition(q, limit, state[q.partition] ?? undefined)) })));
  const merged = results
    .flatMap(({ q, items }) => items.map((item) => ({ q, item })))
    .sort((a, b) => (sortKeyOf(a.item) < sortKeyOf(b.item) ? 1 : -1))
    .slice(0, limit);
  const next: CursorState = { ...state };
  for (const { q, items, lastEvaluated } of results) {
    const taken = merged.filter((m) => m.q === q);
    const last = taken.at(-1);
    if (last) next[q.partition] = q.positionOf(last.item);
    if (taken.length === items.length && !lastEvaluated) next[q.partition] = null;
  }
  const more = queries.some((q) => next[q.partition] !== null);
  return { items: merged.map((m) => toEntity(m.item)), ...(more ? { nextCursor: encodeCursor(digest, next) } : {}) };
}

export interface CaseSelector {
  readonly statuses?: readonly CaseStatus[];
  readonly owner?: string;
  readonly requester?: string;
}

function indexQuery(index: IndexDefinition, partition: string, filter?: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): PartitionQuery {
  return {
    partition,
    input: {
      IndexName: index.indexName,
      KeyConditionExpression: '#ipk = :ipk',
      ScanIndexForward: false,
      ...filter,
      ExpressionAttributeNames: { '#ipk': index.partitionKey, ...filter?.ExpressionAttributeNames },
      ExpressionAttributeValues: { ':ipk': partition, ...filter?.ExpressionAttributeValues },
    },
    startKey: (p) => ({ ...caseKey(p.id ?? ''), [index.partitionKey]: partition, [index.sortKey]: p.s }),
    positionOf: (item) => ({ s: String(item[index.sortKey]), id: String(item.pk).slice('CASE#'.length) }),
  };
}

/** Narrowing filters on a single-partition listing (status within an owner's or requester's cases). */
function narrowing(selector: CaseSelector, skip: 'owner' | 'requester') {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  if (selector.statuses?.length) {
    names['#status'] = 'status';
    const keys = selector.statuses.map((s, i) => {
      values[`:status${i}`] = s;
      return `:status${i}`;
    });
    clauses.push(`#status IN (${keys.join(', ')})`);
  }
  if (skip !== 'owner' && selector.owner !== undefined) {
    names['#owner'] = 'owner';
    values[':owner'] = selector.owner;
    clauses.push('#owner = :owner');
  }
  if (clauses.length === 0) return undefined;
  return { FilterExpression: clauses.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * Cases newest first. A requester or owner selects one partition of its index
 * (status narrows it as a filter); statuses alone fan out over the status shards.
 */
export async function listCases(selector: CaseSelector, limit: number, cursor?: string): Promise<Page<Case>> {
  const digestOf = { list: 'cases', ...selector };
  if (selector.requester !== undefined) {
    return pageOfPartition(indexQuery(REQUESTER_INDEX, requesterPartition(selector.requester), narrowing(selector, 'requester')), limit, cursor, digestOf, caseRecord);
  }
  if (selector.owner !== undefined) {
    return pageOfPartition(indexQuery(OWNER_INDEX, ownerPartition(selector.owner), narrowing(selector, 'owner')), limit, cursor, digestOf, caseRecord);
  }
  const queries = (selector.statuses ?? []).flatMap((status) =>
    Array.from({ length: STATUS_SHARDS }, (_, shard) => indexQuery(STATUS_INDEX, statusPartition(status, shard))),
  );
  return pageAcrossPartitions(queries, (item) => String(item[STATUS_INDEX.sortKey]), limit, cursor, digestOf, caseRecord);
}

function itemsUnderCase(caseId: string, prefix: string, filter?: Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): PartitionQuery {
  const { pk } = caseKey(caseId);
  return {
    partition: prefix,
    input: {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ScanIndexForward: true,
      ...filter,
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...filter?.ExpressionAttributeValues },
    },
    startKey: (p) => ({ pk, sk: p.s }),
    positionOf: (item) => ({ s: String(item.sk) }),
  };
}

export function listComments(caseId: string, visible: 'all' | 'public', limit: number, cursor?: string): Promise<Page<Comment>> {
  const filter =
    visible === 'public'
      ? { FilterExpression: 'visibility = :public', ExpressionAttributeValues: { ':public': 'public' } }
      : undefined;
  return pageOfPartition(itemsUnderCase(caseId, COMMENT_PREFIX, filter), limit, cursor, { list: 'comments', caseId, visible }, withoutStorageAttributes<Comment>);
}

export function listHistory(caseId: string, limit: number, cursor?: string): Promise<Page<AuditEvent>> {
  return pageOfPartition(itemsUnderCase(caseId, AUDIT_PREFIX), limit, cursor, { list: 'history', caseId }, withoutStorageAttributes<AuditEvent>);
}
