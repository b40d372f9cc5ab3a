/**
 * Request and response schemas of attachments. What a file's declaration may say is the
 * core's (`core/attachment-declaration.ts`): e-mail intake applies the same rules.
 */
import * as z from 'zod';
import { ATTACHMENT_VISIBILITIES } from '#core/attachment.js';
import { ATTACHMENT_LIMITS } from '#topology/attachments.js';
import { CaseId } from './schemas.js';

const ItemId = (what: string) => z.string().regex(/^[0-9TZ]{15,20}-[0-9a-f]{8}$/, `${what} of this case`);

export const CompleteUploadBody = z
  .object({ uploadId: ItemId('an upload id') })
  .strict()
  .meta({ id: 'CompleteUpload' });

export const AttachmentParams = z.object({ id: CaseId, attachmentId: ItemId('an attachment id') }).strict();

export const DownloadQuery = z
  .object({
    version: z.coerce.number().int().min(1).max(ATTACHMENT_LIMITS.maxVersions).optional().meta({ description: 'Default: the current version.' }),
  })
  .strict();

// Responses

const PresignedRequestRecord = z
  .object({
    method: z.enum(['PUT', 'GET']),
    url: z.string(),
    headers: z.record(z.string(), z.string()).meta({ description: 'Send exactly these headers: they are signed.' }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'PresignedRequest' });

export const GrantedUploadRecord = z
  .object({
    attachmentId: z.string(),
    uploadId: z.string(),
    complete: z.string().meta({ description: 'POST {uploadId} here once the file is stored.' }),
    upload: PresignedRequestRecord,
  })
  .meta({ id: 'GrantedUpload' });

const Actor = z.object({ sub: z.string(), name: z.string().optional(), roles: z.array(z.string()) });

export const AttachmentRecord = z
  .object({
    attachmentId: z.string(),
    caseId: CaseId,
    retentionClass: z.string(),
    visibility: z.enum(ATTACHMENT_VISIBILITIES),
    versions: z.array(
      z.object({
        version: z.number().int(),
        fileName: z.string(),
        contentType: z.string(),
        size: z.number().int(),
        sha256: z.string().nullable(),
        uploadedBy: Actor,
        uploadedAt: z.iso.datetime(),
      }),
    ),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Attachment' });

export const DownloadRecord = z
  .object({ attachment: AttachmentRecord, version: z.number().int(), download: PresignedRequestRecord })
  .meta({ id: 'AttachmentDownload' });
