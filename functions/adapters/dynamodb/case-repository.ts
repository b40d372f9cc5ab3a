/**
 * Cases, their chain heads, audit events, comments, case-number blocks and
 * idempotency records in the single table. Every write that changes a case also
 * writes its audit event and advances its chain head in the same transaction
 * (`transactions.ts`): the change and its explanation commit together or not at all.
 */
import type { SlaState } from '#core/sla/state.js';
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChainHead, StoredChained } from '#core/audit-chain.js';
import { caseRecord, type Attachment, type Case, type HandoffBrief, type StoredCase } from '#core/case.js';
import type { AuditEvent, CaseChange } from '#core/audit-event.js';
import type { Comment } from '#core/comment.js';
import type { NumberBlock } from '#core/case-number.js';
import { dynamo, tableName } from './client.js';
import { type Filter, type Page, type PartitionQuery, pageAcrossPartitions, pageOfPartition, queryAll } from './paging.js';
import {
  AUDIT_PREFIX,
  CASE_OWN_PREFIX,
  COMMENT_PREFIX,
  OPEN_INDEX,
  OWNER_INDEX,
  REQUESTER_INDEX,
  SLA_DUE_INDEX,
  STATUS_INDEX,
  caseIdOfPartition,
  caseKey,
  commentKey,
  counterKey,
  attachmentSummaryKey,
  handoffKey,
  headKey,
  idempotencyKey,
  openPartition,
  ownerPartition,
  requesterPartition,
  seqOfAuditKey,
  slaDuePartition,
  slaKey,
  statusPartition,
  withoutStorageAttributes,
} from './keys.js';
import { cancellationCodes, newCaseItems, putNew, type TransactItem } from './transactions.js';
import { shardsOf } from './shard-plan.js';
import type { IndexDefinition } from '#topology/table.js';

export type { Page } from './paging.js';

export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly caseId: string;
  readonly response: Case;
  /** The first request joined this open case (200 and `Caseway-Duplicate-Of`, not 201): a replay answers the same. */
  readonly duplicateOf?: { readonly caseId: string; readonly score: number };
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
 * Create a case with its chain head, its first audit event and, when the client
 * sent an Idempotency-Key, the key's record: one transaction, so a key is never
 * remembered without its case nor a case created twice for one key.
 */
export async function insertCase(
  created: CaseChange,
  idempotency?: { keyHash: string; fingerprint: string; expiresAt: number },
  /** Writes to other items that must land with the case (a parent's link and its chain advance). */
  extra: readonly TransactItem[] = [],
  /** Events that follow from the creation in the same transaction (the SLA clocks starting). */
  followUps: readonly AuditEvent[] = [],
): Promise<InsertOutcome> {
  // The idempotency record goes fourth: its cancellation reason is read by position below.
  const [caseEntry, head, first, ...rest] = newCaseItems(created, followUps);
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          caseEntry!,
          head!,
          first!,
          ...(idempotency
            ? [
                idempotencyItem(
                  idempotency.keyHash,
                  { fingerprint: idempotency.fingerprint, caseId: created.case.caseId, response: created.case },
                  idempotency.expiresAt,
                ),
              ]
            : []),
          ...rest,
          ...extra,
        ],
      }),
    );
    return { outcome: 'created' };
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    if (idempotency && codes[3] === 'ConditionalCheckFailed') {
      const record = await getIdempotencyRecord(idempotency.keyHash);
      if (record) return { outcome: 'replay', record };
    }
    if (codes.includes('TransactionConflict')) return { outcome: 'conflict' };
    // The other items moved on (the parent's history advanced): decide again on fresh data.
    if (extra.length > 0 && codes.slice(codes.length - extra.length).some((code) => code === 'ConditionalCheckFailed'))
      return { outcome: 'conflict' };
    throw error;
  }
}

/** An Idempotency-Key's record, which must not exist yet: the first request with a key decides what every retry answers. */
export const idempotencyItem = (keyHash: string, record: IdempotencyRecord, expiresAt: number): TransactItem =>
  putNew({
    ...idempotencyKey(keyHash),
    entity: 'IdempotencyRecord',
    fingerprint: record.fingerprint,
    caseId: record.caseId,
    response: record.response,
    ...(record.duplicateOf ? { duplicateOf: record.duplicateOf } : {}),
    expiresAt,
  });

export async function getIdempotencyRecord(keyHash: string): Promise<IdempotencyRecord | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: idempotencyKey(keyHash), ConsistentRead: true }));
  if (!out.Item) return undefined;
  // An expired record may linger until TTL deletes it; it no longer binds the key.
  if (typeof out.Item.expiresAt === 'number' && out.Item.expiresAt * 1000 < Date.now()) return undefined;
  const duplicateOf = out.Item.duplicateOf as IdempotencyRecord['duplicateOf'] | undefined;
  return {
    fingerprint: String(out.Item.fingerprint),
    caseId: String(out.Item.caseId),
    response: out.Item.response as Case,
    ...(duplicateOf ? { duplicateOf: { caseId: String(duplicateOf.caseId), score: Number(duplicateOf.score) } } : {}),
  };
}

const headOf = (item: Record<string, unknown> | undefined): ChainHead | undefined =>
  item ? { seq: Number(item.seq), hash: String(item.hash) } : undefined;

/** The case and its chain head, in one strongly consistent Query (both sort first in the partition). */
export async function getCase(caseId: string): Promise<StoredCase | undefined> {
  const { pk } = caseKey(caseId);
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :own)',
      ExpressionAttributeValues: { ':pk': pk, ':own': CASE_OWN_PREFIX },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  const caseItem_ = items.find((i) => i.sk === caseKey(caseId).sk);
  const head = headOf(items.find((i) => i.sk === headKey(caseId).sk));
  if (!caseItem_ || !head) return undefined;
  const brief = items.find((i) => i.sk === handoffKey(caseId).sk)?.brief as HandoffBrief | undefined;
  const attachments = items.find((i) => i.sk === attachmentSummaryKey(caseId).sk)?.attachments as Attachment[] | undefined;
  const sla = items.find((i) => i.sk === slaKey(caseId).sk)?.sla as SlaState | null | undefined;
  return { case: { ...caseRecord(caseItem_), attachments: attachments ?? [], handoff: brief ?? null, sla: sla ?? null }, head };
}

export async function getComment(caseId: string, commentId: string): Promise<Comment | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: commentKey(caseId, commentId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Comment>(out.Item) : undefined;
}

export const commentItem = (comment: Comment) => ({ ...commentKey(comment.caseId, comment.commentId), entity: 'Comment', ...comment });

export interface CaseSelector {
  readonly statuses?: readonly string[];
  readonly owner?: string;
  readonly requester?: string;
  readonly type?: string;
  readonly queue?: string;
}

function indexQuery(index: IndexDefinition, partition: string, filter?: Filter): PartitionQuery {
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
    positionOf: (item) => ({ s: String(item[index.sortKey]), id: caseIdOfPartition(String(item.pk)) }),
  };
}

/** Filters on what the chosen index's partition does not already select. */
function narrowing(selector: CaseSelector, keyedBy: 'owner' | 'requester' | 'status' | 'open'): Filter | undefined {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  if (keyedBy !== 'status' && selector.statuses?.length) {
    names['#status'] = 'status';
    const keys = selector.statuses.map((s, i) => {
      values[`:status${i}`] = s;
      return `:status${i}`;
    });
    clauses.push(`#status IN (${keys.join(', ')})`);
  }
  const equal = (attribute: 'owner' | 'type' | 'queue', value: string | undefined) => {
    if (value === undefined) return;
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    clauses.push(`#${attribute} = :${attribute}`);
  };
  if (keyedBy !== 'owner') equal('owner', selector.owner);
  equal('type', selector.type);
  equal('queue', selector.queue);
  if (clauses.length === 0) return undefined;
  return { FilterExpression: clauses.join(' AND '), ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * Cases newest first. A requester or owner selects one partition of its index
 * (other criteria narrow it as filters); statuses fan out over the status shards;
 * with none of these, the open-work shards (a sparse index of active and waiting cases).
 */
export async function listCases(selector: CaseSelector, limit: number, cursor?: string): Promise<Page<Case>> {
  const digestOf = { list: 'cases', ...selector };
  if (selector.requester !== undefined) {
    const requester = selector.requester;
    const queries = shardsOf('requester').map((shard) =>
      indexQuery(REQUESTER_INDEX, requesterPartition(requester, shard), narrowing(selector, 'requester')),
    );
    return queries.length === 1
      ? pageOfPartition(queries[0]!, limit, cursor, digestOf, caseRecord)
      : pageAcrossPartitions(queries, (item) => String(item[REQUESTER_INDEX.sortKey]), 'descending', limit, cursor, digestOf, caseRecord);
  }
  if (selector.owner !== undefined) {
    return pageOfPartition(
      indexQuery(OWNER_INDEX, ownerPartition(selector.owner), narrowing(selector, 'owner')),
      limit,
      cursor,
      digestOf,
      caseRecord,
    );
  }
  const queries = selector.statuses?.length
    ? selector.statuses.flatMap((status) =>
        shardsOf('status').map((shard) => indexQuery(STATUS_INDEX, statusPartition(status, shard), narrowing(selector, 'status'))),
      )
    : shardsOf('open').map((shard) => indexQuery(OPEN_INDEX, openPartition(shard), narrowing(selector, 'open')));
  const index = selector.statuses?.length ? STATUS_INDEX : OPEN_INDEX;
  return pageAcrossPartitions(queries, (item) => String(item[index.sortKey]), 'descending', limit, cursor, digestOf, caseRecord);
}

/** Items of one kind inside a case's partition, oldest first. */
export function itemsUnderCase(caseId: string, prefix: string, filter?: Filter): PartitionQuery {
  const { pk } = caseKey(caseId);
  return {
    partition: `${caseId}/${prefix}`,
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

/**
 * Comments oldest first, of one case or (for a survivor of merges) of it and the
 * cases merged into it, interleaved in time: comment ids are time-ordered.
 */
export function listComments(caseIds: readonly string[], visible: 'all' | 'public', limit: number, cursor?: string): Promise<Page<Comment>> {
  const filter = visible === 'public' ? { FilterExpression: 'visibility = :public', ExpressionAttributeValues: { ':public': 'public' } } : undefined;
  const digestOf = { list: 'comments', caseIds, visible };
  const toComment = withoutStorageAttributes<Comment>;
  if (caseIds.length === 1) return pageOfPartition(itemsUnderCase(caseIds[0]!, COMMENT_PREFIX, filter), limit, cursor, digestOf, toComment);
  const queries = caseIds.map((id) => itemsUnderCase(id, COMMENT_PREFIX, filter));
  return pageAcrossPartitions(queries, (item) => String(item.sk), 'ascending', limit, cursor, digestOf, toComment);
}

export function listHistory(caseId: string, limit: number, cursor?: string): Promise<Page<AuditEvent>> {
  return pageOfPartition(itemsUnderCase(caseId, AUDIT_PREFIX), limit, cursor, { list: 'history', caseId }, withoutStorageAttributes<AuditEvent>);
}

/**
 * The trails of a survivor and the cases merged into it, one after another (each
 * in its own order, never interleaved: a trail's order is its chain, and clocks
 * of concurrent writers need not agree). Every event names its case.
 */
export function listHistories(caseIds: readonly string[], limit: number, cursor?: string): Promise<Page<AuditEvent>> {
  if (caseIds.length === 1) return listHistory(caseIds[0]!, limit, cursor);
  const rank = new Map(caseIds.map((id, i) => [id, String(i).padStart(4, '0')]));
  const queries = caseIds.map((id) => itemsUnderCase(id, AUDIT_PREFIX));
  const sortKeyOf = (item: Record<string, unknown>) => `${rank.get(caseIdOfPartition(String(item.pk)))}#${String(item.sk)}`;
  return pageAcrossPartitions(queries, sortKeyOf, 'ascending', limit, cursor, { list: 'histories', caseIds }, withoutStorageAttributes<AuditEvent>);
}

/** The latest `count` items of one kind in a case's partition, oldest first (what a handoff brief reads). */
export async function latestUnderCase<T>(caseId: string, prefix: string, count: number): Promise<T[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': prefix },
      ScanIndexForward: false,
      Limit: count,
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).reverse().map((item) => withoutStorageAttributes<T>(item));
}

/** What `verifyChain` needs: every audit event with the position its key gives it, and the recorded head. */
export interface StoredTrail {
  readonly events: (AuditEvent & StoredChained)[];
  readonly head: ChainHead | undefined;
}

/**
 * The whole trail of a case and its head, read so that they agree: if the head
 * moves while the events are read (a concurrent change), read again.
 */
export async function readTrail(caseId: string): Promise<StoredTrail> {
  const readHead = async () =>
    headOf((await dynamo().send(new GetCommand({ TableName: tableName(), Key: headKey(caseId), ConsistentRead: true }))).Item);
  for (let attempt = 0; ; attempt++) {
    const before = await readHead();
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': AUDIT_PREFIX },
      ConsistentRead: true,
    });
    const after = await readHead();
    if (attempt < 5 && (before?.seq !== after?.seq || before?.hash !== after?.hash)) continue;
    const events = items.map((item) => ({ ...withoutStorageAttributes<AuditEvent>(item), position: seqOfAuditKey(String(item.sk)) }));
    return { events, head: after };
  }
}

/**
 * Cases whose earliest running SLA deadline is before `before`, soonest first.
 * The sparse due index holds the small `#SLA` items of cases with a running
 * clock, spread over the listing shards like open work and merged back into one
 * order here; the page's cases are then read in one batch.
 */
export async function listCasesDueBefore(before: string, limit: number, cursor?: string): Promise<Page<Case>> {
  const index = SLA_DUE_INDEX;
  const queries = shardsOf('slaDue').map((shard): PartitionQuery => {
    const partition = slaDuePartition(shard);
    return {
      partition,
      input: {
        IndexName: index.indexName,
        // `#` sorts before every character of a case id: everything due strictly before the instant.
        KeyConditionExpression: '#ipk = :ipk AND #isk < :before',
        ScanIndexForward: true,
        ExpressionAttributeNames: { '#ipk': index.partitionKey, '#isk': index.sortKey },
        ExpressionAttributeValues: { ':ipk': partition, ':before': `${before}#` },
      },
      startKey: (p) => ({ ...slaKey(p.id ?? ''), [index.partitionKey]: partition, [index.sortKey]: p.s }),
      positionOf: (item) => ({ s: String(item[index.sortKey]), id: caseIdOfPartition(String(item.pk)) }),
    };
  });
  const page = await pageAcrossPartitions(
    queries,
    (item) => String(item[index.sortKey]),
    'ascending',
    limit,
    cursor,
    { list: 'sla-due', before },
    (item) => item,
  );
  const cases = await batchGetCases(page.items.map((item) => String(item.caseId)));
  const items = page.items.flatMap((item) => {
    const found = cases.get(String(item.caseId));
    return found ? [{ ...found, sla: item.sla as SlaState }] : [];
  });
  return { ...page, items };
}

async function batchGetCases(caseIds: readonly string[]): Promise<Map<string, Case>> {
  const found = new Map<string, Case>();
  for (let i = 0; i < caseIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = caseIds.slice(i, i + 100).map((id) => caseKey(id));
    while (keys && keys.length > 0) {
      const out: BatchGetCommandOutput = await dynamo().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }));
      for (const item of out.Responses?.[tableName()] ?? []) found.set(String(item.caseId), caseRecord(item));
      keys = out.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}
