/**
 * Request and response schemas of case types, transitions, migration and tasks.
 * Case type bodies are the domain's own schema (`functions/core/case-type.ts`):
 * what the admin API accepts is exactly what the platform can run.
 */
import * as z from 'zod';
import { CaseTypeInputSchema, MigrationSchema, Slug } from '#core/case-type.js';
import { TASK_STATUSES } from '#core/task.js';
import { CaseId, FieldValue } from './schemas.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const Identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^#\s]+$/, 'must not contain "#" or whitespace');
const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and _, starting with a letter');

export const CaseTypeParams = z.object({ type: Slug }).strict();
export const VersionQuery = z
  .object({
    version: z.coerce.number().int().min(1).max(1_000_000).optional().meta({ description: 'A published version; default: the current one.' }),
  })
  .strict();

export const CreateCaseTypeBody = CaseTypeInputSchema.extend({ typeId: Slug.meta({ description: "The type's id, as cases name it." }) }).meta({
  id: 'NewCaseType',
});
export const PublishVersionBody = CaseTypeInputSchema.extend({
  migration: MigrationSchema.optional().meta({ description: 'Where cases in states the new version drops go: { "states": { "old": "new" } }.' }),
}).meta({ id: 'CaseTypeVersion' });

export const CaseTypeRecord = CaseTypeInputSchema.extend({
  typeId: z.string(),
  version: z.number().int(),
  publishedAt: z.iso.datetime(),
  publishedBy: z.string(),
  migration: MigrationSchema.extend({ fromVersion: z.number().int() }).optional(),
})
  .partial({ workflow: true, defaultQueue: true, clearance: true, priority: true })
  .meta({ id: 'CaseType', description: 'A published version of a case type (requesters see its intake form and public fields only).' });

export const CaseTypeSummaryRecord = z
  .object({ typeId: z.string(), name: z.string(), version: z.number().int(), updatedAt: z.iso.datetime() })
  .meta({ id: 'CaseTypeSummary' });

export const TransitMapRecord = z
  .object({
    typeId: z.string(),
    version: z.number().int(),
    initial: z.string(),
    states: z.array(z.object({ id: z.string(), label: z.string(), category: z.string(), editable: z.boolean() })),
    transitions: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        from: z.array(z.string()),
        to: z.string(),
        reopen: z.boolean(),
        reasonRequired: z.boolean(),
        roles: z.array(z.string()),
        guards: z.array(z.object({ kind: z.string(), description: z.string() })),
        effects: z.array(z.object({ kind: z.string(), description: z.string() })),
      }),
    ),
    mermaid: z.string().meta({ description: 'The same map as a Mermaid stateDiagram-v2.' }),
  })
  .meta({ id: 'TransitMap' });

export const TransitionBody = z
  .object({
    to: Slug.meta({ description: 'The state to move to.' }),
    transition: Slug.optional().meta({ description: 'Which transition, when several lead to the same state.' }),
    reason: text(1000).optional().meta({ description: 'Why: recorded in the audit event (some transitions require it).' }),
    fields: z
      .record(FieldName, FieldValue.nullable())
      .refine((fields) => Object.keys(fields).length <= 50, { message: 'at most 50 custom fields' })
      .optional()
      .meta({ description: 'Fields to set in the same step, e.g. a resolution code.' }),
  })
  .strict()
  .meta({ id: 'TransitionRequest' });

const Blocker = z.object({ guard: z.string(), message: z.string() });
export const TransitionOptionsRecord = z
  .object({
    status: z.string(),
    statusLabel: z.string(),
    version: z.number().int(),
    transitions: z.array(
      z.object({
        transition: z.string(),
        label: z.string(),
        to: z.string(),
        toLabel: z.string(),
        reopen: z.boolean(),
        reasonRequired: z.boolean(),
        allowed: z.boolean(),
        blockedBy: z.array(Blocker),
      }),
    ),
  })
  .meta({ id: 'TransitionOptions', description: 'What you may do with the case now, and what blocks the rest.' });

export const MigrateBody = z
  .object({ toVersion: z.number().int().min(1).optional().meta({ description: "Default: the type's current version." }) })
  .strict()
  .meta({ id: 'MigrateRequest' });

export const TaskParams = z.object({ id: CaseId, taskId: z.string().regex(/^[0-9TZ]{15,20}-[0-9a-f]{8}$/, 'a task id of this case') }).strict();

// Stored in UTC: due dates sort as text in the assignee's task list.
const DueAt = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString())
  .nullable()
  .meta({ description: 'When the task is due (ISO 8601 instant; stored in UTC).' });

export const NewTaskBody = z
  .object({
    title: text(200),
    description: text(4000).optional(),
    assignee: Identifier.nullable().optional(),
    dueAt: DueAt.optional(),
    mandatory: z.boolean().optional().meta({ description: 'An open mandatory task blocks the transitions that guard on it.' }),
    checklist: z.array(text(500)).max(50).optional(),
  })
  .strict()
  .meta({ id: 'NewTask' });

export const TaskPatchBody = z
  .object({
    title: text(200).optional(),
    description: text(4000).nullable().optional(),
    assignee: Identifier.nullable().optional(),
    dueAt: DueAt.optional(),
    status: z.enum(TASK_STATUSES).optional(),
    mandatory: z.boolean().optional(),
    checklist: z
      .array(
        z
          .object({
            itemId: z
              .string()
              .regex(/^[0-9a-f]{8}$/)
              .optional(),
            text: text(500),
            done: z.boolean(),
          })
          .strict(),
      )
      .max(50)
      .optional()
      .meta({ description: 'The whole checklist as it should be: items without itemId are new, items left out are removed.' }),
    reason: text(1000).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'reason'), { message: 'name at least one field to change' })
  .meta({ id: 'TaskPatch' });

export const TaskRecord = z
  .object({
    taskId: z.string(),
    caseId: CaseId,
    title: z.string(),
    description: z.string().nullable(),
    assignee: z.string().nullable(),
    dueAt: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    mandatory: z.boolean(),
    checklist: z.array(
      z.object({ itemId: z.string(), text: z.string(), done: z.boolean(), doneBy: z.string().optional(), doneAt: z.string().optional() }),
    ),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    updatedAt: z.iso.datetime(),
    version: z.number().int(),
  })
  .meta({ id: 'Task' });

export const OpenTasksQuery = z
  .object({
    assignee: Identifier.default('me').meta({ description: 'Whose open tasks; `me` (the default) is you.' }),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(4096).optional(),
  })
  .strict();
