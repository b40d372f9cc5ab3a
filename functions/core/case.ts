/**
 * The case lifecycle as plain data: opening a case under its type, revising it,
 * moving it along its workflow, and the audit event each change produces, sealed
 * onto the case's hash chain. No I/O here; the caller supplies the type, ids,
 * clocks and the chain head it read.
 */
import { type ChainHead, type Chained, seal } from './audit-chain.js';
import { type Caller, isStaff } from './caller.js';
import { type CaseType, type Effect, type Sensitivity, type StateCategory, stateOf } from './case-type.js';
import { DomainError, conflict, forbidden, notFound, validationFailed, type FieldIssue } from './errors.js';
import { checkFields, factsOf, sensitivityOf, type Fields, type FieldsPatch } from './fields.js';
import { accessFor, fieldFilter, type FieldFilter } from './visibility.js';
import { effectivePriority, scorePriority, type PriorityInputValue, type PriorityScore } from './priority.js';
import { type Channel, type FieldValue, type Priority, PRIORITIES, CHANNELS } from './vocabulary.js';
import { buildHandoff, handsOver, type HandoffEdit, type HandoffSource } from './handoff.js';
import type { SlaAction, SlaState } from './sla/state.js';
import {
  AUTOMATION_CALLER,
  categoryOf,
  callerMayTake,
  failingGuards,
  onRequesterReply,
  optionsFor,
  transitionsFrom,
  type GuardContext,
  type TransitionOption,
} from './workflow.js';

export { PRIORITIES, CHANNELS, type Priority, type Channel, type FieldValue };

export interface Party {
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
}

/** A case's summary of one attachment (its current version); the versions live on the attachment item. */
export interface Attachment {
  readonly attachmentId: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  /** Requesters see only public attachments. */
  readonly visibility?: 'public' | 'internal';
  readonly retentionClass?: string;
  readonly latestVersion?: number;
}

/** A structured brief for whoever receives a case from another queue or owner. */
export interface HandoffBrief {
  readonly generatedAt: string;
  /** The audit events the brief was built from. */
  readonly generatedFrom: readonly string[];
  readonly from: { readonly queue: string; readonly owner: string | null };
  readonly to: { readonly queue: string; readonly owner: string | null };
  readonly asked: string;
  readonly tried: readonly string[];
  readonly pending: readonly string[];
  readonly editedBy?: string;
  readonly editedAt?: string;
}

export interface Case {
  readonly caseId: string;
  /** The case type, and the version of it the case follows. */
  readonly type: string;
  readonly typeVersion: number;
  /** A state of the type version's workflow. */
  readonly status: string;
  readonly statusCategory: StateCategory;
  readonly priority: Priority;
  /** How the priority was reached, when the type has a formula. */
  readonly priorityScore: PriorityScore | null;
  readonly owner: string | null;
  readonly queue: string;
  readonly requester: Party;
  readonly channel: Channel;
  readonly subject: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly attachments: readonly Attachment[];
  /** Times the case was reopened after being resolved or closed. */
  readonly reopenCount: number;
  readonly resolvedAt: string | null;
  readonly parentId: string | null;
  /** Set when the case was merged into another: it is closed and points at the survivor. */
  readonly mergedInto: string | null;
  readonly handoff: HandoffBrief | null;
  /** Service-level clocks under the policy chosen at create; null when no policy applies. */
  readonly sla: SlaState | null;
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
  'typeVersion',
  'status',
  'statusCategory',
  'priority',
  'priorityScore',
  'owner',
  'queue',
  'requester',
  'channel',
  'subject',
  'description',
  'fields',
  'attachments',
  'reopenCount',
  'resolvedAt',
  'parentId',
  'mergedInto',
  'handoff',
  'sla',
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
  /** For custom fields: how sensitive the field was when it changed (history and events redact by it). */
  readonly sensitivity?: Sensitivity;
}

export type AuditAction =
  | 'CaseCreated'
  | 'CaseUpdated'
  | 'Transitioned'
  | 'TypeMigrated'
  | 'CommentAdded'
  | 'TaskAdded'
  | 'TaskUpdated'
  | 'AttachmentAdded'
  | 'AttachmentVersionAdded'
  | 'CaseLinked'
  | 'CaseUnlinked'
  | 'CaseMerged'
  | 'MergeReceived'
  | 'HandoffEdited'
  | 'ArticleLinked'
  | SlaAction
  /** Intake recognised a message as a repeat of this open case and added it here instead of opening another. */
  | 'DuplicateIntake'
  /** Routing rules decided where the case goes (`routing` says which rules fired and why); see `core/routing/`. */
  | 'RoutingDecided';

/** What an event is about, when that is something inside the case (a comment, a task, a link...). */
export interface AuditTarget {
  readonly kind: 'comment' | 'task' | 'attachment' | 'link' | 'case' | 'article';
  readonly id: string;
}

/** One immutable line of a case's history; also the outbox record for domain events. */
export interface AuditEvent extends Chained {
  /** Stable across retries and redeliveries: `<caseId>/<seq>`. */
  readonly eventId: string;
  readonly caseId: string;
  readonly action: AuditAction;
  readonly at: string;
  readonly actor: { readonly sub: string; readonly name?: string; readonly roles: readonly string[] };
  readonly channel: Channel;
  readonly correlationId: string;
  /** The case version after this event. */
  readonly caseVersion: number;
  readonly changes: readonly FieldChange[];
  readonly reason?: string;
  readonly target?: AuditTarget;
  /** For comments: who may see it (the text itself never enters the trail). */
  readonly visibility?: CommentVisibility;
  /** For comments: who was mentioned. */
  readonly mentions?: readonly string[];
  readonly transition?: { readonly id: string; readonly from: string; readonly to: string; readonly reopen: boolean };
  /** Everything the transition's definition did, including what it asked of the bus (events, clocks, notifications). */
  readonly effects?: readonly Effect[];
  /** The brief generated (or edited) with this change, when the case changed hands. */
  readonly handoff?: HandoffBrief;
  /** For `RoutingDecided`: the rules that fired, the facts and conditions that matched, what was done. */
  readonly routing?: RoutingRecord;
  /** Set when the workflow took the transition by itself: what triggered it and under which rule. */
  readonly automation?: AutomationRecord;
}

/** Why the workflow moved a case by itself. */
export interface AutomationRecord {
  readonly on: 'requesterReply';
  /** Declared on the case type, or the default for types that declare none. */
  readonly rule: 'declared' | 'default';
  /** The reply that triggered it. */
  readonly commentId: string;
}

/** What a routing step records (shape owned by `core/routing/`; kept structural here to avoid an import cycle). */
export interface RoutingRecord {
  readonly step: string;
  readonly [key: string]: unknown;
}

export interface ChangeContext {
  readonly caller: Caller;
  readonly now: string;
  readonly channel: Channel;
  readonly correlationId: string;
}

/** A case as read from storage: the record and where its history's chain ends. */
export interface StoredCase {
  readonly case: Case;
  readonly head: ChainHead;
}

/** A change and the audit event that explains it, ready to commit together. */
export interface CaseChange {
  readonly case: Case;
  readonly audit: AuditEvent;
}

export function actorOf(caller: Caller): AuditEvent['actor'] {
  return { sub: caller.sub, ...(caller.name ? { name: caller.name } : {}), roles: [...caller.roles] };
}

type AuditExtras = Partial<Pick<AuditEvent, 'reason' | 'target' | 'visibility' | 'mentions' | 'transition' | 'effects' | 'handoff' | 'routing' | 'automation'>>;

/** The next event of a case's history, sealed onto the chain after `head` (none: the first event). */
export function auditEvent(
  caseId: string,
  head: ChainHead | undefined,
  action: AuditAction,
  ctx: ChangeContext,
  caseVersion: number,
  changes: readonly FieldChange[],
  extras: AuditExtras = {},
): AuditEvent {
  const seq = (head?.seq ?? 0) + 1;
  const defined = Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  return seal(caseId, head, {
    eventId: `${caseId}/${seq}`,
    caseId,
    seq,
    action,
    at: ctx.now,
    actor: actorOf(ctx.caller),
    channel: ctx.channel,
    correlationId: ctx.correlationId,
    caseVersion,
    changes: [...changes],
    ...defined,
  });
}

export interface NewCase {
  readonly type: string;
  readonly subject: string;
  readonly description: string;
  readonly priority?: Priority;
  readonly channel?: Channel;
  readonly requester?: Party;
  readonly owner?: string | null;
  readonly queue?: string;
  readonly parentId?: string;
  readonly fields?: Record<string, FieldValue>;
}

export interface CasePatch {
  readonly subject?: string;
  readonly description?: string;
  /** Overrides the computed priority (null returns to it); on a type without a formula, sets it. */
  readonly priority?: Priority | null;
  readonly owner?: string | null;
  readonly queue?: string;
  /** Merged into the case's fields; `null` removes a field. */
  readonly fields?: FieldsPatch;
  readonly reason?: string;
}

/**
 * Who a new case is for. A requester is always the requester, and who they are
 * comes from their token alone (sub, name, email): a body that names a requester
 * would let them send acknowledgements to any address. Staff and integrations
 * open cases on someone's behalf and must name them.
 */
function requesterFor(input: NewCase, caller: Caller): Party {
  if (isStaff(caller)) {
    if (!input.requester) {
      throw validationFailed([{ field: 'body.requester', rule: 'required', message: 'Staff and integrations must name the requester the case is for.' }]);
    }
    return input.requester;
  }
  return { id: caller.sub, ...(caller.name ? { name: caller.name } : {}), ...(caller.email ? { email: caller.email } : {}) };
}

/**
 * What only staff and integrations may say about a new case: who it is for and
 * which channel it came through (a requester's channel is the door they used).
 * Refused field by field, so the client learns exactly what to drop.
 */
function requesterOnlyProblems(input: NewCase, caller: Caller): FieldIssue[] {
  if (isStaff(caller)) return [];
  const issues: FieldIssue[] = [];
  if (input.requester !== undefined) {
    issues.push({ field: 'body.requester', rule: 'not_permitted', message: 'A requester is always themselves, as their sign-in says: leave requester out.' });
  }
  if (input.channel !== undefined) {
    issues.push({ field: 'body.channel', rule: 'not_permitted', message: 'The channel is the one the request came through: leave channel out.' });
  }
  return issues;
}

/** Throw the field problems of a check: what the caller may not write (403) before what is wrong (400). */
function raiseFieldProblems(result: { invalid: FieldIssue[]; forbidden: FieldIssue[] }): void {
  if (result.forbidden.length > 0) throw new DomainError('Forbidden', 'You may not set some of these fields.', result.forbidden);
  if (result.invalid.length > 0) throw validationFailed(result.invalid);
}

/** The priority of a case with these facts under its type: computed by the formula, or as given. */
function priorityFor(
  type: CaseType,
  facts: ReturnType<typeof factsOf>,
  override: PriorityScore['override'] | undefined,
  given: Priority | undefined,
): { priority: Priority; priorityScore: PriorityScore | null } {
  if (!type.priority) return { priority: given ?? 'medium', priorityScore: null };
  const score: PriorityScore = { ...scorePriority(type.priority, facts), ...(override ? { override } : {}) };
  return { priority: effectivePriority(score), priorityScore: score };
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Changed custom fields, in the order the type defines them (stored maps keep no order). */
function fieldChanges(type: CaseType, before: Fields, after: Fields): FieldChange[] {
  const position = (name: string) => {
    const at = type.fields.findIndex((f) => f.name === name);
    return at === -1 ? type.fields.length : at;
  };
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort((a, b) => position(a) - position(b) || (a < b ? -1 : 1));
  return names
    .filter((name) => !sameValue(before[name], after[name]))
    .map((name) => ({ field: `fields.${name}`, before: before[name] ?? null, after: after[name] ?? null, sensitivity: sensitivityOf(type, name) }));
}

/** The priority change worth recording: the band, and the score beside it. */
function priorityChanges(before: Pick<Case, 'priority' | 'priorityScore'>, after: Pick<Case, 'priority' | 'priorityScore'>): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.priority !== after.priority) changes.push({ field: 'priority', before: before.priority, after: after.priority });
  const summary = (s: PriorityScore | null) => (s ? { score: s.score, band: s.band, ...(s.override ? { override: s.override.priority } : {}) } : null);
  if (!sameValue(summary(before.priorityScore), summary(after.priorityScore))) {
    changes.push({ field: 'priorityScore', before: summary(before.priorityScore), after: summary(after.priorityScore) });
  }
  return changes;
}

/**
 * Check a new case against its type (permissions, intake form, field values) and
 * return how to open it once it has a number: a request that fails here costs no
 * case number.
 */
export function intakeCase(input: NewCase, type: CaseType, ctx: ChangeContext): (caseId: string) => CaseChange {
  const { caller } = ctx;
  if (input.owner != null && !isStaff(caller)) throw forbidden('Only staff may assign an owner.');
  if (input.queue !== undefined && !isStaff(caller)) throw forbidden('Only staff may choose the queue.');
  if (input.priority !== undefined && type.priority && !isStaff(caller)) {
    throw validationFailed([
      { field: 'body.priority', rule: 'computed', message: `${type.name} computes priority from ${type.priority.inputs.map((i) => i.name).join(', ')}: answer those instead.` },
    ]);
  }
  const notPermitted = requesterOnlyProblems(input, caller);
  if (notPermitted.length > 0) throw new DomainError('Forbidden', 'A requester may not set some of these.', notPermitted);
  const requester = requesterFor(input, caller);
  const channel = (isStaff(caller) ? input.channel : undefined) ?? ctx.channel;
  const attributes = { channel, status: type.workflow.initial, owner: input.owner ?? null, queue: input.queue ?? type.defaultQueue };
  const checked = checkFields({ type, caller, mode: 'intake', current: {}, change: input.fields ?? {}, attributes });
  raiseFieldProblems(checked);
  const facts = factsOf(checked.fields, attributes);
  const override = input.priority !== undefined && type.priority ? { priority: input.priority, by: caller.sub, at: ctx.now } : undefined;
  const { priority, priorityScore } = priorityFor(type, facts, override, input.priority);

  return (caseId) => {
    const opened: Case = {
      caseId,
      type: type.typeId,
      typeVersion: type.version,
      status: type.workflow.initial,
      statusCategory: categoryOf(type, type.workflow.initial),
      priority,
      priorityScore,
      owner: input.owner ?? null,
      queue: attributes.queue,
      requester,
      channel,
      subject: input.subject,
      description: input.description,
      fields: checked.fields,
      attachments: [],
      reopenCount: 0,
      resolvedAt: null,
      parentId: input.parentId ?? null,
      mergedInto: null,
      handoff: null,
      sla: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      createdBy: caller.sub,
      version: 1,
    };
    const changes: FieldChange[] = [
      ...(['type', 'typeVersion', 'status', 'priority', 'owner', 'queue', 'requester', 'channel', 'subject', 'description', 'parentId'] as const)
        .filter((field) => opened[field] !== null)
        .map((field) => ({ field, before: null, after: opened[field] })),
      ...priorityChanges({ priority: opened.priority, priorityScore: null }, opened).filter((c) => c.field === 'priorityScore'),
      ...fieldChanges(type, {}, opened.fields),
    ];
    return { case: opened, audit: auditEvent(caseId, undefined, 'CaseCreated', { ...ctx, channel }, 1, changes) };
  };
}

export const openCase = (caseId: string, input: NewCase, type: CaseType, ctx: ChangeContext): CaseChange => intakeCase(input, type, ctx)(caseId);

/** A brief for whoever receives the case, when the change hands it to another queue or owner (and the service read its recent work). */
function handoffFor(before: Case, after: Case, type: CaseType, source: HandoffSource | undefined, ctx: ChangeContext): HandoffBrief | undefined {
  if (!source || !handsOver(before, after)) return undefined;
  return buildHandoff({ before, after, type, source, now: ctx.now });
}

/**
 * Staff rewrite a case's brief (the receiving agent corrects or completes it):
 * a new content version, with the brief before and after in the audit event.
 */
export function editHandoff(stored: StoredCase, edit: HandoffEdit, type: CaseType, ctx: ChangeContext): CaseChange {
  const current = stored.case;
  if (!isStaff(ctx.caller)) throw forbidden('Only staff may edit a handoff brief.');
  assertEditable(type, current);
  if (!current.handoff) throw notFound(`Case ${current.caseId} has no handoff brief yet: one is generated when it changes queue or owner.`);
  const brief: HandoffBrief = { ...current.handoff, asked: edit.asked, tried: [...edit.tried], pending: [...edit.pending], editedBy: ctx.caller.sub, editedAt: ctx.now };
  const version = current.version + 1;
  const pick = (b: HandoffBrief) => ({ asked: b.asked, tried: b.tried, pending: b.pending });
  return {
    case: { ...current, handoff: brief, updatedAt: ctx.now, version },
    audit: auditEvent(current.caseId, stored.head, 'HandoffEdited', ctx, version, [{ field: 'handoff', before: pick(current.handoff), after: pick(brief) }], { handoff: brief }),
  };
}

/** Refuse changes to a case whose state freezes it (closed): it must be reopened first. */
function assertEditable(type: CaseType, current: Case): void {
  const state = stateOf(type, current.status);
  if (state && !state.editable) {
    throw conflict(`Case ${current.caseId} is ${state.label.toLowerCase()}: reopen it (POST /cases/${current.caseId}/transitions) before changing it.`, {
      caseStatus: current.status,
    });
  }
}

/**
 * Apply a revision (anything but the state: that moves only by transitions).
 * Returns `undefined` when the patch changes nothing, so no version is burnt and
 * no empty audit event is written.
 */
export function reviseCase(stored: StoredCase, patch: CasePatch, type: CaseType, ctx: ChangeContext, handoff?: HandoffSource): CaseChange | undefined {
  const current = stored.case;
  if (!isStaff(ctx.caller)) throw forbidden('Only staff may change a case.');
  assertEditable(type, current);

  const next: { -readonly [K in keyof Case]: Case[K] } = { ...current };
  for (const field of ['subject', 'description', 'owner', 'queue'] as const) {
    if (patch[field] !== undefined) (next as Record<string, unknown>)[field] = patch[field];
  }
  const attributes = { channel: next.channel, status: next.status, owner: next.owner, queue: next.queue };
  if (patch.fields) {
    const checked = checkFields({ type, caller: ctx.caller, mode: 'update', current: current.fields, change: patch.fields, attributes });
    raiseFieldProblems(checked);
    next.fields = checked.fields;
  }
  if (type.priority) {
    let override = current.priorityScore?.override;
    if (patch.priority === null) override = undefined;
    else if (patch.priority !== undefined && patch.priority !== override?.priority) {
      override = { priority: patch.priority, by: ctx.caller.sub, at: ctx.now, ...(patch.reason ? { reason: patch.reason } : {}) };
    }
    Object.assign(next, priorityFor(type, factsOf(next.fields, attributes), override, undefined));
  } else if (patch.priority !== undefined) {
    next.priority = patch.priority ?? 'medium';
  }

  const changes: FieldChange[] = [
    ...(['subject', 'description', 'owner', 'queue'] as const)
      .filter((field) => !sameValue(current[field], next[field]))
      .map((field) => ({ field, before: current[field], after: next[field] })),
    ...priorityChanges(current, next),
    ...fieldChanges(type, current.fields, next.fields),
  ];
  if (changes.length === 0) return undefined;
  const version = current.version + 1;
  const revised: Case = { ...next, updatedAt: ctx.now, version };
  const brief = handoffFor(current, revised, type, handoff, ctx);
  return {
    case: brief ? { ...revised, handoff: brief } : revised,
    audit: auditEvent(current.caseId, stored.head, 'CaseUpdated', ctx, version, changes, { reason: patch.reason, handoff: brief }),
  };
}

export interface TransitionRequest {
  /** The target state. */
  readonly to: string;
  /** Which transition, when several lead to `to` (optional). */
  readonly transition?: string;
  readonly reason?: string;
  /** Field values to set as part of the transition (e.g. a resolution code). */
  readonly fields?: FieldsPatch;
}

/** What the caller could do instead, for 409/422 answers. */
const allowedNow = (options: TransitionOption[]) => options.filter((o) => o.allowed).map(({ transition, to, label }) => ({ transition, to, label }));

/**
 * Move a case along its workflow. Refused with 409 when no transition of the
 * type leads from the current state to `to` (naming the ones that do exist), 403
 * when the caller's role may not take it, and 422 when a guard blocks it.
 */
export function transitionCase(
  stored: StoredCase,
  request: TransitionRequest,
  type: CaseType,
  ctx: ChangeContext,
  guards: GuardContext,
  handoff?: HandoffSource,
  /** The workflow takes the transition by itself: the type's automation authorises it, not the caller's role. */
  automation?: AutomationRecord,
): CaseChange {
  const current = stored.case;
  const { caller } = ctx;
  const attributesOf = (c: Pick<Case, 'channel' | 'status' | 'owner' | 'queue' | 'priority'>) => ({ channel: c.channel, status: c.status, owner: c.owner, queue: c.queue, priority: c.priority });
  const options = () => optionsFor(type, current.status, factsOf(current.fields, attributesOf(current)), caller, guards);

  const candidates = transitionsFrom(type, current.status).filter((t) => t.to === request.to && (request.transition === undefined || t.id === request.transition));
  if (candidates.length === 0) {
    throw new DomainError('InvalidTransition', `${type.name} has no transition from ${current.status} to ${request.to}${request.transition ? ` named ${request.transition}` : ''}.`, [], {
      caseStatus: current.status,
      allowed: allowedNow(options()),
    });
  }
  const permitted = automation ? candidates : candidates.filter((t) => callerMayTake(t, caller));
  if (permitted.length === 0) throw forbidden(`Your role may not move this case from ${current.status} to ${request.to}.`);

  let requested: Fields = current.fields;
  if (request.fields) {
    const checked = checkFields({ type, caller, mode: 'update', current: current.fields, change: request.fields, attributes: attributesOf(current) });
    raiseFieldProblems(checked);
    requested = checked.fields;
  }
  let blocked: { transition: string; blockedBy: ReturnType<typeof failingGuards> } | undefined;
  for (const t of permitted) {
    if (t.reasonRequired && !request.reason && !automation) {
      throw validationFailed([{ field: 'body.reason', rule: 'required', message: `Say why: ${t.label} needs a reason.` }]);
    }
    let fields = requested;
    let owner = current.owner;
    for (const effect of t.effects) {
      if (effect.kind === 'setField') {
        const { [effect.field]: _dropped, ...rest } = fields;
        fields = effect.value === null ? rest : { ...fields, [effect.field]: effect.value };
      } else if (effect.kind === 'setOwner') {
        // The system takes no cases: an automation leaves the owner as it was.
        if (!automation) owner = effect.owner === 'caller' ? caller.sub : null;
      }
    }
    const failures = failingGuards(t, factsOf(fields, { ...attributesOf(current), owner }), guards, fieldFilter(type, caller));
    if (failures.length > 0) {
      blocked ??= { transition: t.id, blockedBy: failures };
      continue;
    }

    const toCategory = categoryOf(type, t.to);
    const facts = factsOf(fields, { ...attributesOf(current), status: t.to, owner });
    const next: Case = {
      ...current,
      status: t.to,
      statusCategory: toCategory,
      fields,
      owner,
      ...priorityFor(type, facts, current.priorityScore?.override, current.priority),
      reopenCount: current.reopenCount + (t.reopen ? 1 : 0),
      resolvedAt: toCategory === 'resolved' ? (current.statusCategory === 'resolved' ? current.resolvedAt : ctx.now) : toCategory === 'closed' ? current.resolvedAt : null,
      updatedAt: ctx.now,
      version: current.version + 1,
    };
    const changes: FieldChange[] = [
      { field: 'status', before: current.status, after: next.status },
      ...(current.owner !== next.owner ? [{ field: 'owner', before: current.owner, after: next.owner }] : []),
      ...(t.reopen ? [{ field: 'reopenCount', before: current.reopenCount, after: next.reopenCount }] : []),
      ...(current.resolvedAt !== next.resolvedAt ? [{ field: 'resolvedAt', before: current.resolvedAt, after: next.resolvedAt }] : []),
      ...priorityChanges(current, next),
      ...fieldChanges(type, current.fields, next.fields),
    ];
    const brief = handoffFor(current, next, type, handoff, ctx);
    return {
      case: brief ? { ...next, handoff: brief } : next,
      audit: auditEvent(current.caseId, stored.head, 'Transitioned', ctx, next.version, changes, {
        reason: request.reason,
        transition: { id: t.id, from: current.status, to: t.to, reopen: t.reopen },
        effects: t.effects,
        handoff: brief,
        automation,
      }),
    };
  }
  const label = permitted.find((t) => t.id === blocked!.transition)!.label;
  throw new DomainError('TransitionBlocked', `${label} is blocked: ${blocked!.blockedBy.map((b) => b.message).join(' ')}`, [], {
    caseStatus: current.status,
    transition: blocked!.transition,
    blockedBy: blocked!.blockedBy,
    allowed: allowedNow(options()),
  });
}

/**
 * What a requester's public reply does to the workflow (`onRequesterReply`): the
 * transition, taken by the system with reason "requester replied", chained after
 * `stored.head` (the reply's own event). Undefined when the type has no such
 * automation from this state, or a guard blocks it now: the reply stands either way.
 */
export function replyAutomation(stored: StoredCase, type: CaseType, ctx: ChangeContext, guards: GuardContext, commentId: string): CaseChange | undefined {
  const move = onRequesterReply(type, stored.case.status);
  if (!move) return undefined;
  try {
    return transitionCase(
      stored,
      { to: move.transition.to, transition: move.transition.id, reason: 'requester replied' },
      type,
      { ...ctx, caller: AUTOMATION_CALLER },
      guards,
      undefined,
      { on: 'requesterReply', rule: move.rule, commentId },
    );
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'TransitionBlocked') return undefined;
    throw error;
  }
}

/**
 * Move a case onto a newer version of its type. `path` is every version from the
 * case's own to the target, consecutive; the state is carried through each
 * version's migration map in turn (a state the next version keeps needs no map).
 * One audit event records the whole move.
 */
export function migrateCase(stored: StoredCase, path: readonly CaseType[], ctx: ChangeContext): CaseChange {
  const current = stored.case;
  if (!isStaff(ctx.caller)) throw forbidden('Only staff may migrate a case.');
  const [from, ...steps] = path;
  if (!from || from.version !== current.typeVersion || from.typeId !== current.type || steps.length === 0) {
    throw conflict(`Case ${current.caseId} is on ${current.type} version ${current.typeVersion}; migrate it to a later version.`);
  }
  let status = current.status;
  let previous = from;
  for (const to of steps) {
    if (to.typeId !== from.typeId || to.version !== previous.version + 1) throw new RangeError('migration path must list consecutive versions of one type');
    const mapped = to.migration?.fromVersion === previous.version ? to.migration.states[status] : undefined;
    const next = mapped ?? (stateOf(to, status) ? status : undefined);
    if (!next) throw conflict(`Version ${to.version} of ${to.typeId} has no state ${status} and no migration for it.`);
    status = next;
    previous = to;
  }
  const target = previous;
  const version = current.version + 1;
  const next: Case = { ...current, typeVersion: target.version, status, statusCategory: categoryOf(target, status), updatedAt: ctx.now, version };
  const changes: FieldChange[] = [
    { field: 'typeVersion', before: current.typeVersion, after: target.version },
    ...(status !== current.status ? [{ field: 'status', before: current.status, after: status }] : []),
    ...(next.statusCategory !== current.statusCategory ? [{ field: 'statusCategory', before: current.statusCategory, after: next.statusCategory }] : []),
  ];
  return { case: next, audit: auditEvent(current.caseId, stored.head, 'TypeMigrated', ctx, version, changes) };
}

export type CommentVisibility = 'public' | 'internal';

export interface Comment {
  readonly commentId: string;
  readonly caseId: string;
  /** The comment this one answers; threads are one level deep, so a reply to a reply joins its thread. */
  readonly parentId: string | null;
  readonly body: string;
  readonly visibility: CommentVisibility;
  /** People named with @handle in the body. */
  readonly mentions: readonly string[];
  readonly author: AuditEvent['actor'];
  readonly createdAt: string;
}

export interface NewComment {
  readonly body: string;
  readonly visibility?: CommentVisibility;
  readonly parentId?: string;
}

/** `@handle` where handle is an identifier as the API takes them (a JWT sub, an agent id). */
const MENTION = /(?:^|[^\w@.])@([A-Za-z0-9][A-Za-z0-9._:-]{0,127})/g;

export function mentionsIn(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1]!.replace(/[.:-]+$/, '')))];
}

export function writeComment(
  stored: StoredCase,
  commentId: string,
  input: NewComment,
  parent: Comment | undefined,
  ctx: ChangeContext,
): { comment: Comment; audit: AuditEvent } {
  const subject = stored.case;
  const visibility = input.visibility ?? parent?.visibility ?? 'public';
  if (visibility === 'internal' && !isStaff(ctx.caller)) throw forbidden('Only staff may write internal comments.');
  if (parent?.visibility === 'internal' && visibility === 'public') {
    throw validationFailed([{ field: 'body.visibility', rule: 'thread_is_internal', message: 'A reply in an internal thread is internal too.' }]);
  }
  const comment: Comment = {
    commentId,
    caseId: subject.caseId,
    parentId: parent ? (parent.parentId ?? parent.commentId) : null,
    body: input.body,
    visibility,
    mentions: mentionsIn(input.body),
    author: actorOf(ctx.caller),
    createdAt: ctx.now,
  };
  const audit = auditEvent(subject.caseId, stored.head, 'CommentAdded', ctx, subject.version, [], {
    target: { kind: 'comment', id: commentId },
    visibility,
    mentions: comment.mentions,
  });
  return { comment, audit };
}

/** Which comments a caller may read: requesters never see internal notes. */
export const commentsVisibleTo = (caller: Caller): 'all' | 'public' => (isStaff(caller) ? 'all' : 'public');

/** History is an internal record: staff only, whoever's case it is. */
export const canReadHistory = (caller: Caller): boolean => isStaff(caller);

export const REDACTED = '[redacted]';

/** An audit event as `caller` may read it: restricted field values are hidden from those without clearance. */
export function historyView(event: AuditEvent, mayReadRestricted: boolean): AuditEvent {
  if (mayReadRestricted || !event.changes.some((c) => c.sensitivity === 'restricted')) return event;
  return {
    ...event,
    changes: event.changes.map((c) => (c.sensitivity === 'restricted' ? { ...c, before: c.before === null ? null : REDACTED, after: c.after === null ? null : REDACTED } : c)),
  };
}

/** A case as one caller may read it: the fields they may see, and the names of those they may not. */
export interface CaseView extends Omit<Case, 'priorityScore'> {
  readonly priorityScore: (Omit<PriorityScore, 'inputs'> & { readonly inputs: readonly (PriorityInputValue | RedactedInput)[] }) | null;
  /** Fields the case has that the caller's clearance does not cover (staff only; requesters never learn of them). */
  readonly redactedFields?: readonly string[];
}

/** A priority input read from a field the caller may not see: its weight shows, its value and points do not. */
export interface RedactedInput {
  readonly name: string;
  readonly field: string;
  readonly weight: number;
  readonly redacted: true;
}

/**
 * The priority explanation as one caller may read it, through the same field
 * filter as the fields: an input read from a field they may read shows in full;
 * one they may know of but not read shows its weight only; one they may not know
 * of is left out (the score and band stay: the priority itself is the case's).
 */
export function priorityScoreView(score: PriorityScore | null, filter: FieldFilter): CaseView['priorityScore'] {
  if (!score) return null;
  const inputs = score.inputs.flatMap((i): (PriorityInputValue | RedactedInput)[] => {
    const access = filter.access(i.field);
    if (access === 'read') return [i];
    return access === 'redacted' ? [{ name: i.name, field: i.field, weight: i.weight, redacted: true as const }] : [];
  });
  return { ...score, inputs };
}

export function caseView(c: Case, type: CaseType, caller: Caller): CaseView {
  const filter = fieldFilter(type, caller);
  const { fields, redacted } = filter.values(c.fields);
  const priorityScore = priorityScoreView(c.priorityScore, filter);
  // Listings read the case item alone, without the summary and brief stored beside it: they leave both out.
  const attachments = c.attachments === undefined ? undefined : isStaff(caller) ? c.attachments : c.attachments.filter((a) => a.visibility !== 'internal');
  return {
    ...c,
    fields,
    priorityScore,
    ...(attachments ? { attachments } : {}),
    handoff: isStaff(caller) ? c.handoff : null,
    // Clocks, policy and entitlement are internal workings: staff see them, requesters do not.
    // Listings read the case item alone: they leave it out, as they do the brief (the due-soon listing includes it).
    ...(c.sla === undefined ? {} : { sla: isStaff(caller) ? c.sla : null }),
    ...(redacted.length > 0 ? { redactedFields: redacted } : {}),
  };
}

/** Whether the caller's roles clear them for restricted fields of this type. */
export const hasClearance = (type: CaseType, caller: Caller): boolean => accessFor('restricted', type.clearance, caller) === 'read';

/** Open work, for listings: active or waiting. */
export const isOpen = (c: Pick<Case, 'statusCategory'>): boolean => c.statusCategory === 'active' || c.statusCategory === 'waiting';
export type { GuardContext, TransitionOption };
