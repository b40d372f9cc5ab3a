/**
 * The case lifecycle as plain data: opening a case, revising it, and the audit
 * event each change produces. No I/O here; the caller supplies ids and clocks.
 */
import { type Caller, isStaff } from './caller.js';
import { conflict, forbidden, validationFailed } from './errors.js';

export const CASE_STATUSES = ['new', 'in_progress', 'waiting_on_customer', 'blocked', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses a case is still being worked in; the default listing for staff. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'in_progress', 'waiting_on_customer', 'blocked'];

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['web', 'email', 'chat', 'social', 'phone', 'partner', 'iot', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export type FieldValue = string | number | boolean | string[];

export interface Party {
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
}

export interface Attachment {
  readonly attachmentId: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

export interface Case {
  readonly caseId: string;
  readonly type: string;
  readonly status: CaseStatus;
  readonly priority: Priority;
  readonly owner: string | null;
  readonly requester: Party;
  readonly channel: Channel;
  readonly subject: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly attachments: readonly Attachment[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
  /** Content version: the ETag. Bumped by every revision of the case itself. */
  readonly version: number;
}

/** The public record, field by field in the order every response lists them. */
const CASE_FIELDS = [
  'caseId',
  'type',
  'status',
  'priority',
  'owner',
  'requester',
  'channel',
  'subject',
  'description',
  'fields',
  'attachments',
  'createdAt',
  'updatedAt',
  'createdBy',
  'version',
] as const satisfies readonly (keyof Case)[];

/** Exactly the public fields of a stored case, in their order: nothing internal leaves storage. */
export function caseRecord(stored: Readonly<Record<string, unknown>>): Case {
  return Object.fromEntries(CASE_FIELDS.filter((field) => stored[field] !== undefined).map((field) => [field, stored[field]])) as unknown as Case;
}

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export type AuditAction = 'CaseCreated' | 'CaseUpdated' | 'CommentAdded';

/** One immutable line of a case's history; also the outbox record for domain events. */
export interface AuditEvent {
  /** Stable across retries and redeliveries: `<caseId>/<seq>`. */
  readonly eventId: string;
  readonly caseId: string;
  /** Position in the case's history, 1-based and gapless. */
  readonly seq: number;
  readonly action: AuditAction;
  readonly at: string;
  readonly actor: { readonly sub: string; readonly name?: string; readonly roles: readonly string[] };
  readonly channel: Channel;
  readonly correlationId: string;
  /** The case version after this event. */
  readonly caseVersion: number;
  readonly changes: readonly FieldChange[];
  readonly reason?: string;
  /** For CommentAdded: which comment, never its text (internal text stays out of the trail). */
  readonly commentId?: string;
  readonly visibility?: CommentVisibility;
}

export interface ChangeContext {
  readonly caller: Caller;
  readonly now: string;
  readonly channel: Channel;
  readonly correlationId: string;
}

export interface NewCase {
  readonly type: string;
  readonly subject: string;
  readonly description: string;
  readonly priority?: Priority;
  readonly channel?: Channel;
  readonly requester?: Party;
  readonly owner?: string | null;
  readonly fields?: Record<string, FieldValue>;
}

export interface CasePatch {
  readonly subject?: string;
  readonly description?: string;
  readonly priority?: Priority;
  readonly status?: CaseStatus;
  readonly owner?: string | null;
  /** Merged into the case's fields; `null` removes a field. */
  readonly fields?: Record<string, FieldValue | null>;
  readonly reason?: string;
}

function actorOf(caller: Caller): AuditEvent['actor'] {
  return { sub: caller.sub, ...(caller.name ? { name: caller.name } : {}), roles: [...caller.roles] };
}

function auditEvent(
  caseId: string,
  seq: number,
  action: AuditAction,
  ctx: ChangeContext,
  caseVersion: number,
  changes: FieldChange[],
  more: Partial<Pick<AuditEvent, 'reason' | 'commentId' | 'visibility'>> = {},
): AuditEvent {
  return {
    eventId: `${caseId}/${seq}`,
    caseId,
    seq,
    action,
    at: ctx.now,
    actor: actorOf(ctx.caller),
    channel: ctx.channel,
    correlationId: ctx.correlationId,
    caseVersion,
    changes,
    ...(more.reason ? { reason: more.reason } : {}),
    ...(more.commentId ? { commentId: more.commentId, visibility: more.visibility } : {}),
  };
}

/** Who a new case is for: a requester always opens for themselves; staff must name the requester. */
function requesterFor(input: NewCase, caller: Caller): Party {
  if (isStaff(caller)) {
    if (!input.requester) {
      throw validationFailed([{ field: 'body.requester', rule: 'required', message: 'Staff and integrations must name the requester the case is for.' }]);
    }
    return input.requester;
  }
  if (input.requester && input.requester.id !== caller.sub) {
    throw forbidden('A requester can open cases only for themselves.');
  }
  return {
    id: caller.sub,
    ...(input.requester?.name ?? caller.name ? { name: input.requester?.name ?? caller.name } : {}),
    ...(input.requester?.email ?? caller.email ? { email: input.requester?.email ?? caller.email } : {}),
  };
}

export function openCase(caseId: string, input: NewCase, ctx: ChangeContext): { case: Case; audit: AuditEvent } {
  const { caller } = ctx;
  if (input.owner != null && !isStaff(caller)) throw forbidden('Only staff may assign an owner.');
  const opened: Case = {
    caseId,
    type: input.type,
    status: 'new',
    priority: input.priority ?? 'medium',
    owner: input.owner ?? null,
    requester: requesterFor(input, caller),
    channel: input.channel ?? ctx.channel,
    subject: input.subject,
    description: input.description,
    fields: input.fields ?? {},
    attachments: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: caller.sub,
    version: 1,
  };
  const changes = (['type', 'status', 'priority', 'owner', 'requester', 'channel', 'subject', 'description', 'fields'] as const)
    .filter((field) => opened[field] !== null && !(field === 'fields' && Object.keys(opened.fields).length === 0))
    .map((field) => ({ field, before: null, after: opened[field] }));
  return { case: opened, audit: auditEvent(caseId, 1, 'CaseCreated', { ...ctx, channel: opened.channel }, 1, changes) };
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Field-level differences a patch would make; an empty list means the patch changes nothing. */
export function diffPatch(current: Case, patch: CasePatch): { next: Case; changes: FieldChange[] } {
  const changes: FieldChange[] = [];
  const next: Record<string, unknown> = { ...current };
  for (const field of ['subject', 'description', 'priority', 'status', 'owner'] as const) {
    const after = patch[field];
    if (after === undefined || sameValue(current[field], after)) continue;
    changes.push({ field, before: current[field], after });
    next[field] = after;
  }
  if (patch.fields) {
    const fields: Record<string, FieldValue> = { ...current.fields };
    for (const [name, after] of Object.entries(patch.fields)) {
      const before = current.fields[name];
      if (after === null) {
        if (before === undefined) continue;
        delete fields[name];
        changes.push({ field: `fields.${name}`, before, after: null });
      } else if (!sameValue(before, after)) {
        fields[name] = after;
        changes.push({ field: `fields.${name}`, before: before ?? null, after });
      }
    }
    next.fields = fields;
  }
  return { next: next as unknown as Case, changes };
}

/**
 * Apply a revision. Returns `undefined` when the patch changes nothing, so no
 * version is burnt and no empty audit event is written.
 */
export function reviseCase(current: Case, seq: number, patch: CasePatch, ctx: ChangeContext): { case: Case; audit: AuditEvent } | undefined {
  if (!isStaff(ctx.caller)) throw forbidden('Only staff may change a case.');
  if (current.status === 'closed' && Object.keys(patch).some((key) => key !== 'status' && key !== 'reason')) {
    throw conflict('A closed case can only be reopened (change its status) before anything else changes.');
  }
  const { next, changes } = diffPatch(current, patch);
  if (changes.length === 0) return undefined;
  const version = current.version + 1;
  const revised: Case = { ...next, updatedAt: ctx.now, version };
  return {
    case: revised,
    audit: auditEvent(current.caseId, seq + 1, 'CaseUpdated', ctx, version, changes, patch.reason ? { reason: patch.reason } : {}),
  };
}

/** A requester may see their own cases only; to anyone else the case does not exist. */
export function canSee(caller: Caller, subject: Case): boolean {
  return isStaff(caller) || subject.requester.id === caller.sub;
}

export type CommentVisibility = 'public' | 'internal';

export interface Comment {
  readonly commentId: string;
  readonly caseId: string;
  readonly body: string;
  readonly visibility: CommentVisibility;
  readonly author: AuditEvent['actor'];
  readonly createdAt: string;
}

export interface NewComment {
  readonly body: string;
  readonly visibility?: CommentVisibility;
}

export function writeComment(
  subject: Case,
  seq: number,
  commentId: string,
  input: NewComment,
  ctx: ChangeContext,
): { comment: Comment; audit: AuditEvent } {
  const visibility = input.visibility ?? 'public';
  if (visibility === 'internal' && !isStaff(ctx.caller)) throw forbidden('Only staff may write internal comments.');
  const comment: Comment = {
    commentId,
    caseId: subject.caseId,
    body: input.body,
    visibility,
    author: actorOf(ctx.caller),
    createdAt: ctx.now,
  };
  const audit = auditEvent(subject.caseId, seq + 1, 'CommentAdded', ctx, subject.version, [], { commentId, visibility });
  return { comment, audit };
}

/** Which comments a caller may read: requesters never see internal notes. */
export const commentsVisibleTo = (caller: Caller): 'all' | 'public' => (isStaff(caller) ? 'all' : 'public');

/** History is an internal record: staff only, whoever's case it is. */
export const canReadHistory = (caller: Caller): boolean => isStaff(caller);
