/**
 * The API's request and response schemas. The same zod objects validate every
 * request and generate the OpenAPI document (`functions/http/openapi.ts`).
 */
import * as z from 'zod';
import { SlaRecord } from './case-sla-schemas.js';
import { PRIORITIES } from '#core/vocabulary.js';
import { STATE_CATEGORIES, Slug } from '#core/case-type.js';
import { LINK_KINDS } from '#core/links.js';
import { SafeNumber } from '#core/input-limits.js';
import { Actor, AuditRecord, CaseId, Channel, HandoffRecord } from '#contracts/audit-event.js';

export { AuditRecord, CaseId, Channel };

/** Free text that must carry something besides whitespace. */
const text = (max: number) => z.string().trim().min(1).max(max);
/** Identifiers of people and systems (a JWT `sub`, an agent id): no separators that keys use. */
const Identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^#\s]+$/, 'must not contain "#" or whitespace');

/** A state of the case type's workflow, such as new or in_review. */
export const CaseStatus = Slug.meta({ id: 'CaseStatus', description: "A state of the case type's workflow.", example: 'in_review' });
export const Priority = z.enum(PRIORITIES).meta({ id: 'Priority' });

const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and _, starting with a letter');
export const FieldValue = z.union([z.string().max(4000), SafeNumber, z.boolean(), z.array(z.string().max(200)).max(50)]).meta({ id: 'FieldValue' });
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
    type: Slug.default('support').meta({ description: 'The case type; the case follows its current version.' }),
    subject: text(200),
    description: text(20_000),
    priority: Priority.optional().meta({
      description: "Staff only on a type with a priority formula (an override of the computed band); otherwise anyone's.",
    }),
    channel: Channel.optional().meta({
      description: 'Staff and integrations relaying another channel; a requester may not set it (403): their channel is the door they came through.',
    }),
    requester: Party.optional().meta({
      description: 'Required for staff and integrations; a requester may not send it (403): they are always the requester, as their token says.',
    }),
    owner: Identifier.nullable().optional(),
    queue: Slug.optional().meta({ description: "Staff only; default: the type's default queue." }),
    parentId: CaseId.optional().meta({ description: 'The parent case, for a child case.' }),
    fields: Fields.optional(),
  })
  .strict()
  .meta({ id: 'CreateCase' });

export const PatchCaseBody = z
  .object({
    subject: text(200).optional(),
    description: text(20_000).optional(),
    priority: Priority.nullable().optional().meta({ description: 'Overrides the computed priority; null returns to the computed band.' }),
    owner: Identifier.nullable().optional(),
    queue: Slug.optional(),
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
    body: text(10_000).meta({ description: 'Plain text; @handle mentions a person.' }),
    visibility: z
      .enum(['public', 'internal'])
      .optional()
      .meta({ description: "Internal comments are never shown to requesters. Default: public, or the thread's." }),
    parentId: z
      .string()
      .regex(/^[0-9TZ]{15,20}-[0-9a-f]{8}$/, 'a comment id of this case')
      .optional()
      .meta({ description: 'Reply to this comment (its thread).' }),
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
      .pipe(z.array(Slug).min(1).max(20))
      .optional()
      .meta({
        description: 'One state or several, comma-separated. Without status, owner or requester, staff get open work (active or waiting).',
        example: 'new,in_review',
      }),
    owner: Identifier.optional(),
    requester: Identifier.optional(),
    type: Slug.optional(),
    queue: Slug.optional(),
    slaDueBefore: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Staff: cases with a running SLA clock due before this instant, soonest first (other filters do not combine with it).' }),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict();

export const CaseIdParams = z.object({ id: CaseId }).strict();

/** `includeMerged=true`: also the items of the cases merged into this one, each naming its case. */
export const MergedPageQuery = PageQuery.extend({
  includeMerged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false)
    .meta({ description: 'Also the items of the cases merged into this one.' }),
}).strict();

export const LinkKindSchema = z
  .enum(LINK_KINDS)
  .meta({ id: 'LinkKind', description: 'How this case relates to the target; the target records the inverse.' });

export const LinkBody = z
  .object({
    targetId: CaseId,
    kind: LinkKindSchema,
    reason: text(1000).optional().meta({ description: 'Why: recorded in both audit events.' }),
  })
  .strict()
  .meta({ id: 'NewLink' });

export const LinkParams = z.object({ id: CaseId, targetId: CaseId }).strict();

export const MergeBody = z
  .object({
    survivorId: CaseId.meta({ description: 'The case this one is a duplicate of: it stays open and shows what was merged into it.' }),
    reason: text(1000),
  })
  .strict()
  .meta({ id: 'Merge' });

const BriefLines = z.array(text(1000)).max(50);
export const HandoffBody = z
  .object({ asked: text(4000), tried: BriefLines, pending: BriefLines })
  .strict()
  .meta({ id: 'HandoffEdit', description: 'The whole text of the brief as it should read.' });

export const LinkRecord = z
  .object({
    caseId: CaseId,
    targetId: CaseId,
    kind: LinkKindSchema,
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    merged: z.literal(true).optional().meta({ description: 'The link a merge made: it cannot be removed.' }),
  })
  .meta({ id: 'CaseLink' });

/** Query flags: `true`/`false` in the URL. */
const Flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ImportQuery = z
  .object({
    mode: z
      .enum(['valid-rows', 'all-or-nothing'])
      .default('valid-rows')
      .meta({ description: 'valid-rows writes every row that passes; all-or-nothing writes none if any fails (422).' }),
    dryRun: Flag.default(false).meta({ description: 'Check every row, write none.' }),
  })
  .strict();

export const ExportQuery = ListCasesQuery.extend({
  format: z.enum(['csv', 'jsonl']).default('csv'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(250)
    .meta({ description: 'Cases per page, at most 1,000; the next page is in the X-Next-Cursor header.' }),
}).strict();

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

const PriorityScoreRecord = z
  .object({
    score: z.number().int().min(0).max(100),
    band: Priority,
    inputs: z.array(
      z.object({
        name: z.string(),
        field: z.string(),
        value: z.unknown().optional(),
        points: z.number().optional(),
        weight: z.number(),
        assumed: z.boolean().optional(),
        redacted: z.boolean().optional().meta({ description: 'Read from a field you may not see: its value and points are withheld.' }),
      }),
    ),
    override: z.object({ priority: Priority, by: z.string(), at: z.iso.datetime(), reason: z.string().optional() }).optional(),
  })
  .meta({ id: 'PriorityScore', description: 'How the priority was reached: the score, its band, and each input beside it.' });

export const CaseRecord = z
  .object({
    caseId: CaseId,
    type: z.string(),
    typeVersion: z.number().int().min(1),
    status: CaseStatus,
    statusCategory: z.enum(STATE_CATEGORIES),
    priority: Priority,
    priorityScore: PriorityScoreRecord.nullable(),
    owner: z.string().nullable(),
    queue: z.string(),
    requester: Party,
    channel: Channel,
    subject: z.string(),
    description: z.string(),
    fields: z.record(z.string(), FieldValue),
    attachments: z
      .array(z.object({ attachmentId: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() }).loose())
      .optional()
      .meta({
        description:
          'Summary of the attachments the caller may see (their current versions). Listings leave it out: read the case or its /attachments.',
      }),
    reopenCount: z.number().int().min(0),
    resolvedAt: z.iso.datetime().nullable(),
    parentId: CaseId.nullable(),
    mergedInto: CaseId.nullable(),
    handoff: HandoffRecord.nullable().optional().meta({
      description: 'The handoff brief (staff; null for requesters and before any handover). Listings leave it out: read the case or its /handoff.',
    }),
    sla: SlaRecord.nullable()
      .optional()
      .meta({ description: 'SLA clocks (staff; null for requesters and for cases no policy covers). Listings leave it out, except `slaDueBefore`.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    createdBy: z.string(),
    version: z.number().int().min(1),
    redactedFields: z.array(z.string()).optional().meta({ description: 'Fields the case has that your clearance does not cover.' }),
  })
  .meta({ id: 'Case' });

export const CommentRecord = z
  .object({
    commentId: z.string(),
    caseId: CaseId,
    parentId: z.string().nullable(),
    body: z.string(),
    visibility: z.enum(['public', 'internal']),
    mentions: z.array(z.string()),
    author: Actor,
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Comment' });

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

export const HandoffResponse = z.object({ handoff: HandoffRecord }).meta({ id: 'Handoff' });
