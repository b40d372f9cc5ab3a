/**
 * What declaring a file may say, whichever door it comes through (the API, e-mail
 * intake): its name, media type, exact size and hash. Limits (size, media types,
 * retention classes) come from the topology (`functions/topology/attachments.ts`), the
 * same data the bucket's lifecycle rules are built from.
 */
import * as z from 'zod';
import { ATTACHMENT_LIMITS, DEFAULT_RETENTION_CLASS, RETENTION_CLASS_NAMES } from '#topology/attachments.js';
import { ATTACHMENT_VISIBILITIES } from './attachment.js';

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
      .meta({
        description: `Staff only: how long the file is kept and where (see the README). Default: the case type's class, else ${DEFAULT_RETENTION_CLASS}.`,
      }),
    sha256: Sha256.optional(),
    visibility: z
      .enum(ATTACHMENT_VISIBILITIES)
      .optional()
      .meta({ description: 'Internal attachments are never shown to requesters. Default: public.' }),
  })
  .strict()
  .meta({ id: 'NewAttachment' });

export const NewVersionBody = z
  .object({ fileName: FileName, contentType: ContentType, size: Size, sha256: Sha256.optional() })
  .strict()
  .meta({ id: 'NewAttachmentVersion' });
