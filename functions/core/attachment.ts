/**
 * Attachments of a case as plain data: who may add one (or a new version of one),
 * what an upload must turn out to be before it joins the case, and the audit event
 * and case summary that record it. The bytes never pass through here: the caller
 * supplies what the file store holds.
 *
 * Access: staff add and read every attachment; a requester adds only public
 * attachments to their own case, adds versions only to attachments they added
 * themselves, and never learns that an internal attachment exists. Nothing is added
 * to a case whose state freezes it (closed).
 */
import { isStaff, type Caller } from './caller.js';
import type { Attachment, Case, StoredCase } from './case.js';
import { actorOf, auditEvent, type AuditEvent, type ChangeContext } from './audit-event.js';
import { stateOf, type CaseType } from './case-type.js';
import { DomainError, conflict, forbidden, validationFailed, type FieldIssue } from './errors.js';

export const ATTACHMENT_VISIBILITIES = ['public', 'internal'] as const;
export type AttachmentVisibility = (typeof ATTACHMENT_VISIBILITIES)[number];

export interface AttachmentVersion {
  /** 1, 2, 3... in the order versions were confirmed. */
  readonly version: number;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  /** Hex SHA-256 the store verified, when the uploader declared one. */
  readonly sha256: string | null;
  /** Where the bytes are, and the store's id of exactly these bytes: downloads name both. */
  readonly key: string;
  readonly storageVersionId: string;
  readonly uploadedBy: AuditEvent['actor'];
  readonly uploadedAt: string;
}

export interface AttachmentRecord {
  readonly attachmentId: string;
  readonly caseId: string;
  readonly retentionClass: string;
  readonly visibility: AttachmentVisibility;
  /** Every confirmed version, oldest first; the last is current. */
  readonly versions: readonly AttachmentVersion[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** Bumped by every new version: guards the item against lost updates. */
  readonly version: number;
}

/** An upload that was granted a URL and has not been confirmed yet. */
export interface PendingUpload {
  readonly uploadId: string;
  readonly caseId: string;
  readonly attachmentId: string;
  /** True when it would be a new version of an existing attachment. */
  readonly newVersion: boolean;
  readonly key: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string | null;
  readonly retentionClass: string;
  readonly visibility: AttachmentVisibility;
  /** Only the caller who asked for the URL may confirm the upload. */
  readonly requestedBy: string;
  readonly requestedAt: string;
  /** After this the upload cannot be confirmed any more. */
  readonly completeBy: string;
}

export interface UploadRequest {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256?: string;
  /** Staff only; otherwise the case type's class. */
  readonly retentionClass?: string;
  readonly visibility?: AttachmentVisibility;
}

/** A new version carries its own file; class and visibility stay the attachment's. */
export type VersionUploadRequest = Omit<UploadRequest, 'retentionClass' | 'visibility'>;

/** What the file store holds under an upload's key. */
export interface UploadedObject {
  readonly size: number;
  readonly contentType: string;
  readonly versionId: string;
  readonly sha256?: string;
}

export interface UploadPlan {
  readonly uploadId: string;
  readonly attachmentId: string;
  readonly key: string;
  readonly now: string;
  readonly completeBy: string;
  /** Decided by `retentionClassFor` (a new attachment) or the attachment's own (a new version); the key starts with it. */
  readonly retentionClass: string;
}

/** Which attachments a caller may read: requesters never see internal ones. */
export const attachmentsVisibleTo = (caller: Caller): 'all' | 'public' => (isStaff(caller) ? 'all' : 'public');

export const mayReadAttachment = (caller: Caller, attachment: Pick<AttachmentRecord, 'visibility'>): boolean =>
  attachment.visibility === 'public' || isStaff(caller);

function assertWritable(stored: StoredCase, type: CaseType): void {
  const state = stateOf(type, stored.case.status);
  if (state && !state.editable)
    throw conflict(`Case ${stored.case.caseId} is ${state.label.toLowerCase()}: reopen it before adding attachments.`, {
      caseStatus: stored.case.status,
    });
}

/**
 * How long a new attachment is kept: the case type decides (`attachmentRetention`,
 * else `fallback`, the deployment's default). Staff may choose another class for
 * one file; a requester may not, or they could keep evidence for ten years or
 * have it expire in ninety days.
 */
export function retentionClassFor(
  input: Pick<UploadRequest, 'retentionClass'>,
  type: Pick<CaseType, 'attachmentRetention'>,
  caller: Caller,
  fallback: string,
): string {
  if (input.retentionClass !== undefined && !isStaff(caller)) {
    throw new DomainError('Forbidden', 'The case type decides how long files are kept.', [
      { field: 'body.retentionClass', rule: 'not_permitted', message: 'Only staff choose a retention class: leave retentionClass out.' },
    ]);
  }
  return input.retentionClass ?? type.attachmentRetention ?? fallback;
}

/** Grant a first upload: the attachment is pending until `completeUpload` confirms it. */
export function planUpload(stored: StoredCase, type: CaseType, input: UploadRequest, plan: UploadPlan, caller: Caller): PendingUpload {
  assertWritable(stored, type);
  const visibility = input.visibility ?? 'public';
  if (visibility === 'internal' && !isStaff(caller)) throw forbidden('Only staff may add internal attachments.');
  return pending(stored, input, plan, caller, { newVersion: false, retentionClass: plan.retentionClass, visibility });
}

/** Grant an upload of a new version of `existing`. */
export function planVersionUpload(
  stored: StoredCase,
  type: CaseType,
  existing: AttachmentRecord,
  input: VersionUploadRequest,
  plan: UploadPlan,
  caller: Caller,
  maxVersions: number,
): PendingUpload {
  assertWritable(stored, type);
  if (!isStaff(caller) && existing.createdBy !== caller.sub) throw forbidden('A requester adds versions only to attachments they added.');
  if (existing.versions.length >= maxVersions)
    throw conflict(`Attachment ${existing.attachmentId} has ${maxVersions} versions, the most one attachment keeps; add a new attachment.`);
  return pending(stored, input, plan, caller, { newVersion: true, retentionClass: existing.retentionClass, visibility: existing.visibility });
}

function pending(
  stored: StoredCase,
  input: VersionUploadRequest,
  plan: UploadPlan,
  caller: Caller,
  kind: Pick<PendingUpload, 'newVersion' | 'retentionClass' | 'visibility'>,
): PendingUpload {
  return {
    uploadId: plan.uploadId,
    caseId: stored.case.caseId,
    attachmentId: plan.attachmentId,
    ...kind,
    key: plan.key,
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.size,
    sha256: input.sha256?.toLowerCase() ?? null,
    requestedBy: caller.sub,
    requestedAt: plan.now,
    completeBy: plan.completeBy,
  };
}

/** The object must be exactly what the upload declared; each difference is named. */
export function uploadMismatches(upload: PendingUpload, object: UploadedObject): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (object.size !== upload.size)
    issues.push({ field: 'upload.size', rule: 'mismatch', message: `The stored file has ${object.size} bytes, not the declared ${upload.size}.` });
  if (object.contentType !== upload.contentType) {
    issues.push({
      field: 'upload.contentType',
      rule: 'mismatch',
      message: `The stored file is ${object.contentType}, not the declared ${upload.contentType}.`,
    });
  }
  if (upload.sha256 && object.sha256 !== upload.sha256)
    issues.push({ field: 'upload.sha256', rule: 'mismatch', message: 'The stored file does not have the declared SHA-256.' });
  return issues;
}

const summaryOf = (record: AttachmentRecord): Attachment => {
  const current = record.versions.at(-1)!;
  return {
    attachmentId: record.attachmentId,
    name: current.fileName,
    contentType: current.contentType,
    size: current.size,
    visibility: record.visibility,
    retentionClass: record.retentionClass,
    latestVersion: current.version,
  };
};

export interface CompletedUpload {
  readonly attachment: AttachmentRecord;
  /** The case as it reads now: the same record and version, with its attachment summary changed. */
  readonly case: Case;
  readonly audit: AuditEvent;
}

/**
 * Confirm an upload: the stored object matches the declaration, so the attachment
 * (or its new version) joins the case, the case's attachment summary changes with
 * it, and one audit event records it.
 */
export function completeUpload(
  stored: StoredCase,
  type: CaseType,
  upload: PendingUpload,
  existing: AttachmentRecord | undefined,
  object: UploadedObject | undefined,
  ctx: ChangeContext,
): CompletedUpload {
  assertWritable(stored, type);
  if (upload.requestedBy !== ctx.caller.sub) throw forbidden('Only whoever asked for the upload URL may confirm the upload.');
  if (ctx.now > upload.completeBy) throw conflict(`Upload ${upload.uploadId} expired at ${upload.completeBy}; ask for a new upload URL.`);
  if (!object) throw conflict(`Nothing has been uploaded for ${upload.uploadId} yet: PUT the file to the upload URL first.`);
  const mismatches = uploadMismatches(upload, object);
  if (mismatches.length > 0) throw validationFailed(mismatches, 'The uploaded file is not what was declared; nothing was added.');
  if (upload.newVersion && !existing) throw conflict(`Attachment ${upload.attachmentId} is gone.`);

  const version: AttachmentVersion = {
    version: (existing?.versions.at(-1)?.version ?? 0) + 1,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    sha256: upload.sha256,
    key: upload.key,
    storageVersionId: object.versionId,
    uploadedBy: actorOf(ctx.caller),
    uploadedAt: ctx.now,
  };
  const attachment: AttachmentRecord = existing
    ? { ...existing, versions: [...existing.versions, version], updatedAt: ctx.now, version: existing.version + 1 }
    : {
        attachmentId: upload.attachmentId,
        caseId: upload.caseId,
        retentionClass: upload.retentionClass,
        visibility: upload.visibility,
        versions: [version],
        createdAt: ctx.now,
        createdBy: ctx.caller.sub,
        updatedAt: ctx.now,
        version: 1,
      };
  const current = stored.case;
  const summary = summaryOf(attachment);
  const before = current.attachments.find((a) => a.attachmentId === attachment.attachmentId);
  const attachments = before
    ? current.attachments.map((a) => (a.attachmentId === summary.attachmentId ? summary : a))
    : [...current.attachments, summary];
  // Like a comment, an attachment joins the case without changing its record: the
  // case's version (its ETag) stays, so an agent's pending edit is not invalidated.
  const next: Case = { ...current, attachments };
  const audit = auditEvent(
    current.caseId,
    stored.head,
    existing ? 'AttachmentVersionAdded' : 'AttachmentAdded',
    ctx,
    current.version,
    [{ field: 'attachment', before: before ?? null, after: { ...summary, sha256: version.sha256 } }],
    { target: { kind: 'attachment', id: attachment.attachmentId }, visibility: attachment.visibility },
  );
  return { attachment, case: next, audit };
}

/** An attachment as the API shows it: where the bytes are stays inside. */
export function attachmentView(record: AttachmentRecord) {
  return {
    ...record,
    versions: record.versions.map(({ key: _key, storageVersionId: _id, ...version }) => version),
  };
}
export type AttachmentView = ReturnType<typeof attachmentView>;
