/**
 * The case lifecycle as plain data: opening a case under its type, revising it,
 * moving it along its workflow, migrating it to a newer type version, and the audit
 * event each change produces. No I/O here; the caller supplies the type, ids, clocks
 * and the chain head it read.
 */
import { type Caller, isStaff } from './caller.js';
import type { Case, HandoffBrief, Party, StoredCase } from './case.js';
import { auditEvent, type AutomationRecord, type CaseChange, type ChangeContext, type FieldChange } from './audit-event.js';
import { type CaseType, stateOf } from './case-type.js';
import { DomainError, conflict, forbidden, notFound, validationFailed, type FieldIssue } from './errors.js';
import { checkFields, factsOf, sensitivityOf, type Fields, type FieldsPatch } from './fields.js';
import { effectivePriority, scorePriority, type PriorityScore } from './priority.js';
import { fieldFilter } from './visibility.js';
import type { Channel, FieldValue, Priority } from './vocabulary.js';
import { buildHandoff, handsOver, type HandoffEdit, type HandoffSource } from './handoff.js';
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
      throw validationFailed([
        { field: 'body.requester', rule: 'required', message: 'Staff and integrations must name the requester the case is for.' },
      ]);
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
    issues.push({
      field: 'body.requester',
      rule: 'not_permitted',
      message: 'A requester is always themselves, as their sign-in says: leave requester out.',
    });
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
  const summary = (s: PriorityScore | null) =>
    s ? { score: s.score, band: s.band, ...(s.override ? { override: s.override.priority } : {}) } : null;
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
      {
        field: 'body.priority',
        rule: 'computed',
        message: `${type.name} computes priority from ${type.priority.inputs.map((i) => i.name).join(', ')}: answer those instead.`,
      },
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
  const brief: HandoffBrief = {
    ...current.handoff,
    asked: edit.asked,
    tried: [...edit.tried],
    pending: [...edit.pending],
    editedBy: ctx.caller.sub,
    editedAt: ctx.now,
  };
  const version = current.version + 1;
  const pick = (b: HandoffBrief) => ({ asked: b.asked, tried: b.tried, pending: b.pending });
  return {
    case: { ...current, handoff: brief, updatedAt: ctx.now, version },
    audit: auditEvent(
      current.caseId,
      stored.head,
      'HandoffEdited',
      ctx,
      version,
      [{ field: 'handoff', before: pick(current.handoff), after: pick(brief) }],
      { handoff: brief },
    ),
  };
}

/** Refuse changes to a case whose state freezes it (closed): it must be reopened first. */
function assertEditable(type: CaseType, current: Case): void {
  const state = stateOf(type, current.status);
  if (state && !state.editable) {
    throw conflict(
      `Case ${current.caseId} is ${state.label.toLowerCase()}: reopen it (POST /cases/${current.caseId}/transitions) before changing it.`,
      {
        caseStatus: current.status,
      },
    );
  }
}

/**
 * Apply a revision (anything but the state: that moves only by transitions).
 * Returns `undefined` when the patch changes nothing, so no version is burnt and
 * no empty audit event is written.
 */
export function reviseCase(
  stored: StoredCase,
  patch: CasePatch,
  type: CaseType,
  ctx: ChangeContext,
  handoff?: HandoffSource,
): CaseChange | undefined {
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
  const attributesOf = (c: Pick<Case, 'channel' | 'status' | 'owner' | 'queue' | 'priority'>) => ({
    channel: c.channel,
    status: c.status,
    owner: c.owner,
    queue: c.queue,
    priority: c.priority,
  });
  const options = () => optionsFor(type, current.status, factsOf(current.fields, attributesOf(current)), caller, guards);

  const candidates = transitionsFrom(type, current.status).filter(
    (t) => t.to === request.to && (request.transition === undefined || t.id === request.transition),
  );
  if (candidates.length === 0) {
    throw new DomainError(
      'InvalidTransition',
      `${type.name} has no transition from ${current.status} to ${request.to}${request.transition ? ` named ${request.transition}` : ''}.`,
      [],
      {
        caseStatus: current.status,
        allowed: allowedNow(options()),
      },
    );
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
      resolvedAt:
        toCategory === 'resolved'
          ? current.statusCategory === 'resolved'
            ? current.resolvedAt
            : ctx.now
          : toCategory === 'closed'
            ? current.resolvedAt
            : null,
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
export function replyAutomation(
  stored: StoredCase,
  type: CaseType,
  ctx: ChangeContext,
  guards: GuardContext,
  commentId: string,
): CaseChange | undefined {
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
    if (to.typeId !== from.typeId || to.version !== previous.version + 1)
      throw new RangeError('migration path must list consecutive versions of one type');
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
    ...(next.statusCategory !== current.statusCategory
      ? [{ field: 'statusCategory', before: current.statusCategory, after: next.statusCategory }]
      : []),
  ];
  return { case: next, audit: auditEvent(current.caseId, stored.head, 'TypeMigrated', ctx, version, changes) };
}

export type { GuardContext, TransitionOption };
