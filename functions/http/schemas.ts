/**
 * The API's request and response schemas. The same zod objects validate every
 * request and generate the OpenAPI document (`functions/http/openapi.ts`).
 */
import * as z from 'zod';
import { CASE_ID_PATTERN } from '../core/case-number.js';
import { CASE_STATUSES, CHANNELS, PRIORITIES } from '../core/case.js';

/** Free text that must carry something besides whitespace. */
const text = (max: number) => z.string().trim().min(1).max(max);
/** Identifiers of people and systems (a JWT `sub`, an agent id): no separators that keys use. */
const Identifier = z.string().min(1).max(128).regex(/^[^#\s]+$/, 'must not contain "#" or whitespace');

export const CaseId = z.string().regex(CASE_ID_PATTERN, 'must look like CASE-2026-000123').meta({ example: 'CASE-2026-000123' });
export const CaseStatus = z.enum(CASE_STATUSES).meta({ id: 'CaseStatus' });
export const Priority = z.enum(PRIORITIES).meta({ id: 'Priority' });
export const Channel = z.enum(CHANNELS).meta({ id: 'Channel' });

const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and _, starting with a letter');
export const FieldValue = z
  .union([z.string().max(4000), z.number().finite(), z.boolean(), z.array(z.string().max(200)).max(50)])
  .meta({ id: 'FieldValue' });
const Fields = z
  .record(FieldName, FieldValue)
  .refine((fields) => Object.keys(fields).length <= 50, { message: 'at most 50 custom fields' })
  .meta({ description: 'Custom fields of the case type.' });

export const Party = z
  .object({ id: Identifier, name: text(200).optional(), email: z.email().max(254).optional() })
  .strict()
  .meta({ id: 'Party' });

export const CreateCaseBody = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case slug such as support').default('support'),
    subject: text(200),
    description: text(20_000),
    priority: Priority.optional(),
    channel: Channel.optional(),
    requester: Party.optional().meta({ description: 'Required for staff and integrations; a requester is always the requester.' }),
    owner: Identifier.nullable().optional(),
    fields: Fields.optional(),
  })
  .strict()
  .meta({ id: 'CreateCase' });

export const PatchCaseBody = z
  .object({
    subject: text(200).optional(),
    description: text(20_000).optional(),
    priority: Priority.optional(),
    status: CaseStatus.optional(),
    owner: Identifier.nullable().optional(),
    fields: z
      .record(FieldName, FieldValue.nullable())
      .refine((fields) => Object.keys(fields).length <= 50, { message: 'at most 50 custom fields' })
      .optional()
      .meta({ description: 'Merged into the case; null removes a field.' }),
    reason: text(1000).optional().meta({ description: 'Why: recorded in the audit event.' }),
  })
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'reason'), { message: 'name at least one field to change' })
  .meta({ id: 'PatchCase' });

export const CommentBody = z
  .object({
    body: text(10_000),
    visibility: z.enum(['public', 'internal']).default('public').meta({ description: 'Internal comments are never shown to requesters.' }),
  })
  .strict()
  .meta({ id: 'NewComment' });

export const Limit = z.coerce.number().int().min(1).max(100).default(25).meta({ description: 'Page size, at most 100.' });
export const Cursor = z.string().min(1).max(4096).meta({ description: 'Opaque: the `nextCursor` of the previous page.' });

export const PageQuery = z.object({ limit: Limit, cursor: Cursor.optional() }).strict();

export const ListCasesQuery = z
  .object({
    status: z
      .string()
      .transform((value) => value.split(','))
      .pipe(z.array(CaseStatus).min(1).max(CASE_STATUSES.length))
      .optional()
      .meta({ description: 'One status or several, comma-separated. Staff default: the open statuses.', example: 'new,in_progress' }),
    owner: Identifier.optional(),
    requester: Identifier.optional(),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict();

export const CaseIdParams = z.object({ id: CaseId }).strict();

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .meta({ description: 'Retries with the same key return the first result and never create a second case.' });

/** `If-Match: "3"`, `W/"3"` or `3`: the version from the case's ETag. */
export const IfMatch = z
  .string()
  .regex(/^(W\/)?"?\d{1,10}"?$/, 'an ETag of this case, such as "3"')
  .transform((value) => Number(value.replace(/\D/g, '')))
  .meta({ description: 'The ETag of the case version being changed.' });

export const ChannelHeader = Channel.meta({ description: 'The channel the caller acts through, for the audit trail.' });

// Responses

export const CaseRecord = z
  .object({
    caseId: CaseId,
    type: z.string(),
    status: CaseStatus,
    priority: Priority,
    owner: z.string().nullable(),
    requester: Party,
    channel: Channel,
    subject: z.string(),
    description: z.string(),
    fields: z.record(z.string(), FieldValue),
    attachments: z.array(z.object({ attachmentId: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() })),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    createdBy: z.string(),
    version: z.number().int().min(1),
  })
  .meta({ id: 'Case' });

const Actor = z.object({ sub: z.string(), name: z.string().optional(), roles: z.array(z.string()) }).meta({ id: 'Actor' });

export const CommentRecord = z
  .object({
    commentId: z.string(),
    caseId: CaseId,
    body: z.string(),
    visibility: z.enum(['public', 'internal']),
    author: Actor,
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Comment' });

export const AuditRecord = z
  .object({
    eventId: z.string(),
    caseId: CaseId,
    seq: z.number().int(),
    action: z.enum(['CaseCreated', 'CaseUpdated', 'CommentAdded']),
    at: z.iso.datetime(),
    actor: Actor,
    channel: Channel,
    correlationId: z.string(),
    caseVersion: z.number().int(),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
    reason: z.string().optional(),
    commentId: z.string().optional(),
    visibility: z.enum(['public', 'internal']).optional(),
  })
  .meta({ id: 'AuditEvent' });

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() }).meta({ id: name });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    correlationId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
