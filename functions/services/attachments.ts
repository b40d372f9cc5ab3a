/**
 * Use cases of attachments: grant an upload URL (a pending upload), confirm what
 * arrived in the file store (the attachment or its new version joins the case with
 * its audit event, in one transaction), list them, and grant download URLs.
 */
import type { Caller } from '#core/caller.js';
import {
  attachmentView,
  attachmentsVisibleTo,
  completeUpload,
  mayReadAttachment,
  planUpload,
  planVersionUpload,
  retentionClassFor,
  type AttachmentRecord,
  type AttachmentView,
  type PendingUpload,
  type UploadRequest,
  type VersionUploadRequest,
} from '#core/attachment.js';
import type { ChangeContext } from '#core/audit-event.js';
import { notFound } from '#core/errors.js';
import * as attachments from '#adapters/dynamodb/attachment-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { commitCases } from '#adapters/dynamodb/transactions.js';
import type { PresignedRequest } from '#adapters/file-store.js';
import { fileStore } from '#adapters/files.js';
import { ATTACHMENT_LIMITS, DEFAULT_RETENTION_CLASS, retentionPrefix, type RetentionClassName } from '#topology/attachments.js';
import { mergedFamily } from './merged-family.js';
import { timeOrderedId, typeOf, untilWritten, visibleCase, writableCase } from './case-access.js';

export interface GrantedUpload {
  readonly attachmentId: string;
  readonly uploadId: string;
  /** Confirm the upload here once the file is stored. */
  readonly complete: string;
  readonly upload: PresignedRequest;
}

const COMPLETION_GRACE_SECONDS = 3600;

const attachmentNotFound = (caseId: string, attachmentId: string) => notFound(`Case ${caseId} has no attachment ${attachmentId}.`);

/** The attachment as `caller` may see it: an internal one does not exist for a requester. */
async function readableAttachment(caseId: string, attachmentId: string, caller: Caller): Promise<AttachmentRecord> {
  const found = await attachments.getAttachment(caseId, attachmentId);
  if (!found || !mayReadAttachment(caller, found)) throw attachmentNotFound(caseId, attachmentId);
  return found;
}

function planOf(caseId: string, attachmentId: string, retentionClass: string, now: string) {
  const uploadId = timeOrderedId(now);
  // An upload that started just before its URL expired still has time to finish and be confirmed.
  const completeBy = new Date(Date.parse(now) + (ATTACHMENT_LIMITS.uploadUrlSeconds + COMPLETION_GRACE_SECONDS) * 1000).toISOString();
  // The retention class is the first segment: the bucket's lifecycle rules select on it.
  const key = `${retentionPrefix(retentionClass as RetentionClassName)}${caseId}/${attachmentId}/${uploadId}`;
  return { uploadId, attachmentId, key, now, completeBy, retentionClass };
}

async function grant(pending: PendingUpload): Promise<GrantedUpload> {
  const upload = await fileStore().presignUpload({
    key: pending.key,
    contentType: pending.contentType,
    size: pending.size,
    maxBytes: ATTACHMENT_LIMITS.maxBytes,
    ...(pending.sha256 ? { sha256: pending.sha256 } : {}),
    expiresInSeconds: ATTACHMENT_LIMITS.uploadUrlSeconds,
  });
  await attachments.putPendingUpload(pending);
  return {
    attachmentId: pending.attachmentId,
    uploadId: pending.uploadId,
    complete: `/cases/${pending.caseId}/attachments/${pending.attachmentId}/complete`,
    upload,
  };
}

export async function requestUpload(caseId: string, input: UploadRequest, ctx: ChangeContext): Promise<GrantedUpload> {
  const stored = await writableCase(caseId, ctx.caller);
  const type = await typeOf(stored.case);
  const plan = planOf(caseId, timeOrderedId(ctx.now), retentionClassFor(input, type, ctx.caller, DEFAULT_RETENTION_CLASS), ctx.now);
  return grant(planUpload(stored, type, input, plan, ctx.caller));
}

export async function requestVersionUpload(
  caseId: string,
  attachmentId: string,
  input: VersionUploadRequest,
  ctx: ChangeContext,
): Promise<GrantedUpload> {
  const stored = await writableCase(caseId, ctx.caller);
  const existing = await readableAttachment(caseId, attachmentId, ctx.caller);
  const plan = planOf(caseId, attachmentId, existing.retentionClass, ctx.now);
  return grant(planVersionUpload(stored, await typeOf(stored.case), existing, input, plan, ctx.caller, ATTACHMENT_LIMITS.maxVersions));
}

/** Confirm an upload: look at what the store holds, then commit attachment, case summary, audit event, and consume the upload. */
export async function confirmUpload(
  caseId: string,
  attachmentId: string,
  uploadId: string,
  ctx: ChangeContext,
): Promise<{ attachment: AttachmentView; created: boolean }> {
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    const upload = await attachments.getPendingUpload(caseId, uploadId);
    // Someone else's upload, or one already confirmed, is simply not there.
    if (!upload || upload.attachmentId !== attachmentId || upload.requestedBy !== ctx.caller.sub) {
      throw notFound(`Case ${caseId} has no pending upload ${uploadId} of yours for attachment ${attachmentId}.`);
    }
    const existing = upload.newVersion ? await attachments.getAttachment(caseId, attachmentId) : undefined;
    const object = await fileStore().head(upload.key);
    const done = completeUpload(stored, await typeOf(stored.case), upload, existing, object, ctx);
    const outcome = await commitCases({
      head: stored.head,
      audit: done.audit,
      items: [
        attachments.attachmentWrite(done.attachment, existing?.version),
        attachments.summaryWrite(caseId, done.case.attachments),
        attachments.consumeUpload(upload),
      ],
    });
    return outcome === 'written' ? { attachment: attachmentView(done.attachment), created: !existing } : 'stale';
  });
}

/** A case's attachments; with `includeMerged`, also those of the cases merged into it (each names its case). */
export async function listCaseAttachments(
  caseId: string,
  caller: Caller,
  limit: number,
  cursor?: string,
  includeMerged = false,
): Promise<Page<AttachmentView>> {
  await visibleCase(caseId, caller);
  const caseIds = includeMerged ? await mergedFamily(caseId, caller) : [caseId];
  const page = await attachments.listAttachments(caseIds, attachmentsVisibleTo(caller), limit, cursor);
  return { ...page, items: page.items.map(attachmentView) };
}

/** The attachment with a download URL for its current version, or for `version`. */
export async function downloadAttachment(caseId: string, attachmentId: string, version: number | undefined, caller: Caller) {
  await visibleCase(caseId, caller);
  const found = await readableAttachment(caseId, attachmentId, caller);
  const chosen = version === undefined ? found.versions.at(-1) : found.versions.find((v) => v.version === version);
  if (!chosen) throw notFound(`Attachment ${attachmentId} has no version ${version}.`);
  const download = await fileStore().presignDownload({
    key: chosen.key,
    versionId: chosen.storageVersionId,
    fileName: chosen.fileName,
    contentType: chosen.contentType,
    expiresInSeconds: ATTACHMENT_LIMITS.downloadUrlSeconds,
  });
  return { attachment: attachmentView(found), version: chosen.version, download };
}
