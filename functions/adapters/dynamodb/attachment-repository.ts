/**
 * Attachments and pending uploads in their case's partition. An attachment item
 * holds its metadata and every version; a pending upload is a short-lived item
 * (TTL) that the completing transaction deletes, so an upload is confirmed once.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AttachmentRecord, PendingUpload } from '#core/attachment.js';
import type { Attachment } from '#core/case.js';
import { caseTable } from '#topology/table.js';
import { dynamo, tableName } from './client.js';
import { itemsUnderCase } from './case-repository.js';
import { ATTACHMENT_PREFIX, attachmentKey, uploadKey, withoutStorageAttributes } from './keys.js';
import { type Page, pageAcrossPartitions, pageOfPartition } from './paging.js';
import { attachmentSummaryItem, putIfVersion, putNew, type TransactItem } from './transactions.js';

const attachmentItem = (a: AttachmentRecord) => ({ ...attachmentKey(a.caseId, a.attachmentId), entity: 'Attachment', ...a });

/** The attachment's first version makes the item; later ones replace it at the version read. */
export const attachmentWrite = (a: AttachmentRecord, expectedVersion: number | undefined): TransactItem =>
  expectedVersion === undefined ? putNew(attachmentItem(a)) : putIfVersion(attachmentItem(a), expectedVersion);

/** The case's attachment summary, replaced whole; the chain head's condition in the same commit serializes its writers. */
export const summaryWrite = (caseId: string, summary: readonly Attachment[]): TransactItem => ({
  Put: { TableName: tableName(), Item: attachmentSummaryItem(caseId, summary) },
});

/** Completing an upload consumes it: the transaction fails if it was consumed already. */
export const consumeUpload = (upload: PendingUpload): TransactItem => ({
  Delete: { TableName: tableName(), Key: uploadKey(upload.caseId, upload.uploadId), ConditionExpression: 'attribute_exists(pk)' },
});

export async function getAttachment(caseId: string, attachmentId: string): Promise<AttachmentRecord | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: attachmentKey(caseId, attachmentId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<AttachmentRecord>(out.Item) : undefined;
}

/**
 * Attachments oldest first, of one case or (for a survivor of merges) of it and the
 * cases merged into it, interleaved in time: attachment ids are time-ordered.
 */
export function listAttachments(
  caseIds: readonly string[],
  visible: 'all' | 'public',
  limit: number,
  cursor?: string,
): Promise<Page<AttachmentRecord>> {
  const filter = visible === 'public' ? { FilterExpression: 'visibility = :public', ExpressionAttributeValues: { ':public': 'public' } } : undefined;
  const digestOf = { list: 'attachments', caseIds, visible };
  const toRecord = withoutStorageAttributes<AttachmentRecord>;
  if (caseIds.length === 1) return pageOfPartition(itemsUnderCase(caseIds[0]!, ATTACHMENT_PREFIX, filter), limit, cursor, digestOf, toRecord);
  const queries = caseIds.map((id) => itemsUnderCase(id, ATTACHMENT_PREFIX, filter));
  return pageAcrossPartitions(queries, (item) => String(item.sk), 'ascending', limit, cursor, digestOf, toRecord);
}

/** A granted upload, kept until a little after it can no longer be confirmed (TTL). */
export async function putPendingUpload(upload: PendingUpload): Promise<void> {
  const expiresAt = Math.ceil(Date.parse(upload.completeBy) / 1000) + 3600;
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...uploadKey(upload.caseId, upload.uploadId), entity: 'PendingUpload', ...upload, [caseTable.timeToLiveAttribute]: expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getPendingUpload(caseId: string, uploadId: string): Promise<PendingUpload | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: uploadKey(caseId, uploadId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<PendingUpload>(out.Item) : undefined;
}
