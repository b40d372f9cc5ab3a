/**
 * Request and response schemas of attachments. Limits (size, media types, retention
 * classes) come from the topology (`lib/topology/attachments.ts`), the same data the
 * bucket's lifecycle rules are built from.
 */
import * as z from 'zod';
import { ATTACHMENT_VISIBILITIES } from '../core/attachment.js';
import { ATTACHMENT_LIMITS, DEFAULT_RETENTION_CLASS, RETENTION_CLASS_NAMES } from '../../lib/topology/attachments.js';
import { CaseId } from './schemas.js';

const ItemId = (what: string) => z.string().regex(/^[0-9TZ]{15,20}-[0-9a-f]{8}$/, `${what} of this case`);

/** Names people give files, without path separators or control characters. */
const FileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  // Control characters are exactly what this refuses.
  // eslint-disable-next-line no-control-regex
  .regex(/^[^/\\\u0000-\u001f\u007f]+$/, 'a file name without / \\ or control characters')
  .meta({ example: 'receipt.pdf' });

const ContentType = z.enum(ATTACHMENT_LIMITS.contentTypes).meta({ description: 'The media type the upload must be sent with.' });
const Size = z
  .number()
  .int()
  .min(1)
  .max(ATTACHMENT_LIMITS.maxBytes)
  .meta({ description: `The exact size of the file in bytes (at most ${ATTACHMENT_LIMITS.maxBytes}); the upload must have exactly this size.` });
const Sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, '64 hex digits')
  .meta({ description: 'SHA-256 of the file, hex: the store refuses other bytes.' });

export const NewAttachmentBody = z
  .object({
    fileName: FileName,
    contentType: ContentType,
    size: Size,
    retentionClass: z
      .enum(RETENTION_CLASS_NAMES)
      .optional()
      .meta({ description: `Staff only: how long the file is kept and where (see the README). Default: the case type's class, else ${DEFAULT_RETENTION_CLASS}.` }),
    sha256: Sha256.optional(),
    visibility: z.enum(ATTACHMENT_VISIBILITIES).optional().meta({ description: 'Internal attachments are never shown to requesters. Default: public.' }),
  })
  .strict()
  .meta({ id: 'NewAttachment' });

export const NewVersionBody = z
  .object({ fileName: FileName, contentType: ContentType, size: Size, sha256: Sha256.optional() })
  .strict()
  .meta({ id: 'NewAttachmentVersion' });

export const CompleteUploadBody = z.object({ uploadId: ItemId('an upload id') }).strict().meta({ id: 'CompleteUpload' });

export const AttachmentParams = z.object({ id: CaseId, attachmentId: ItemId('an attachment id') }).strict();

export const DownloadQuery = z
  .object({ version: z.coerce.number().int().min(1).max(ATTACHMENT_LIMITS.maxVersions).optional().meta({ description: 'Default: the current version.' }) })
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
  .object({ attachmentId: z.string(), uploadId: z.string(), complete: z.string().meta({ description: 'POST {uploadId} here once the file is stored.' }), upload: PresignedRequestRecord })
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
