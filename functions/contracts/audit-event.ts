/**
 * The audit event: the outbox's payload (the audit item is the outbox, see
 * `core/domain-events.ts`), so an event contract as much as an API shape. Declared
 * here, once: the API's history pages (`http/schemas.ts` re-exports it) and every
 * domain event's `detail` (`domain-events.ts`) are built from it. Kept light (zod
 * and a few core constants), because every consumer's bundle carries it.
 */
import * as z from 'zod';
import { SENSITIVITIES } from '#core/case-type.js';
import { CASE_ID_PATTERN } from '#core/case-number.js';
import { CHANNELS } from '#core/vocabulary.js';

/** Bounded as well as shaped: the pattern allows any number of digits, and an id becomes part of a key. */
export const CaseId = z.string().max(40).regex(CASE_ID_PATTERN, 'must look like CASE-2026-000123').meta({ example: 'CASE-2026-000123' });

export const Channel = z.enum(CHANNELS).meta({ id: 'Channel' });

export const Actor = z.object({ sub: z.string(), name: z.string().optional(), roles: z.array(z.string()) }).meta({ id: 'Actor' });

export const HandoffRecord = z
  .object({
    generatedAt: z.iso.datetime(),
    generatedFrom: z.array(z.string()).meta({ description: 'The audit events the brief was built from.' }),
    from: z.object({ queue: z.string(), owner: z.string().nullable() }),
    to: z.object({ queue: z.string(), owner: z.string().nullable() }),
    asked: z.string(),
    tried: z.array(z.string()),
    pending: z.array(z.string()),
    editedBy: z.string().optional(),
    editedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'HandoffBrief' });

export const AuditRecord = z
  .object({
    eventId: z.string(),
    caseId: CaseId,
    seq: z.number().int(),
    action: z.string().meta({
      description:
        'CaseCreated, CaseUpdated, Transitioned, TypeMigrated, CommentAdded, TaskAdded, TaskUpdated, CaseLinked, CaseUnlinked, CaseMerged, MergeReceived, HandoffEdited, ...',
    }),
    at: z.iso.datetime(),
    actor: Actor,
    channel: Channel,
    correlationId: z.string(),
    caseVersion: z.number().int(),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown(), sensitivity: z.enum(SENSITIVITIES).optional() })),
    reason: z.string().optional(),
    target: z.object({ kind: z.string(), id: z.string() }).optional().meta({ description: 'What inside the case the event is about.' }),
    visibility: z.enum(['public', 'internal']).optional(),
    mentions: z.array(z.string()).optional(),
    transition: z.object({ id: z.string(), from: z.string(), to: z.string(), reopen: z.boolean() }).optional(),
    effects: z
      .array(z.object({ kind: z.string() }).loose())
      .optional()
      .meta({ description: "Everything the transition's definition did." }),
    handoff: HandoffRecord.optional().meta({ description: 'The handoff brief generated or edited with this change.' }),
    routing: z.object({ step: z.string() }).loose().optional().meta({
      description:
        'For RoutingDecided: the routing step (`decided`, `overflow`, ...), the rules that fired, the facts and conditions that matched, and what was done.',
    }),
    automation: z
      .object({ on: z.string(), rule: z.enum(['declared', 'default']), commentId: z.string() })
      .optional()
      .meta({ description: "Set when the workflow took the transition by itself (the type's automation): what triggered it and the rule." }),
    prevHash: z.string().meta({ description: 'Hash of the event before (or of the trail itself, for the first).' }),
    hash: z.string().meta({ description: 'SHA-256 of this event without its hash, in canonical JSON.' }),
  })
  .meta({ id: 'AuditEvent' });
