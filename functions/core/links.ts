/**
 * Related cases as plain data: links between two cases (each kind seen from both
 * ends), parent and child, and merging a duplicate into its survivor. Every rule
 * lives here; the service reads what the rules need (both cases, the parent's
 * ancestry) and commits what they decide in one transaction.
 */
import { isStaff } from './caller.js';
import type { Case, StoredCase } from './case.js';
import { auditEvent, type AuditEvent, type ChangeContext, type FieldChange } from './audit-event.js';
import type { CaseType } from './case-type.js';
import { DomainError, conflict, forbidden, validationFailed } from './errors.js';
import type { Task } from './task.js';

export const LINK_KINDS = ['related', 'duplicateOf', 'hasDuplicate', 'causedBy', 'causes', 'parentOf', 'childOf'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** How the other case sees a link: stored on both, each side in its own words. */
export const INVERSE: Readonly<Record<LinkKind, LinkKind>> = {
  related: 'related',
  duplicateOf: 'hasDuplicate',
  hasDuplicate: 'duplicateOf',
  causedBy: 'causes',
  causes: 'causedBy',
  parentOf: 'childOf',
  childOf: 'parentOf',
};

/** Open tasks a merge cancels in its own transaction (which holds at most 100 writes). */
export const MAX_CANCELLED_TASKS = 80;

/** A parent's ancestry is walked at most this far: deeper trees are refused rather than read without end. */
export const MAX_ANCESTRY = 10;

/** One end of a link, kept in the partition of `caseId`. Two cases share at most one link. */
export interface CaseLink {
  readonly caseId: string;
  readonly targetId: string;
  readonly kind: LinkKind;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Set on both ends of the link a merge made: it can never be removed. */
  readonly merged?: true;
}

/** A case as the ancestry walk needs it. */
export interface AncestorRef {
  readonly caseId: string;
  readonly parentId: string | null;
}

/** One case's part of a link, unlink or merge: its audit event, its new content (if any) and its link end. */
export interface SideChange {
  readonly audit: AuditEvent;
  readonly case?: Case;
  readonly link: CaseLink;
}

/** A merged case is closed for good: every write goes to the survivor. */
export function assertNotMerged(c: Pick<Case, 'caseId' | 'mergedInto'>): void {
  if (c.mergedInto) {
    throw conflict(`Case ${c.caseId} was merged into ${c.mergedInto} and takes no more changes: work on ${c.mergedInto}.`, {
      mergedInto: c.mergedInto,
    });
  }
}

function assertStaff(ctx: ChangeContext, what: string): void {
  if (!isStaff(ctx.caller)) throw forbidden(`Only staff may ${what}: a requester cannot see the other case.`);
}

const ruleBroken = (rule: string, message: string, field = 'body.targetId') => new DomainError('Conflict', message, [{ field, rule, message }]);

/** Which of two cases is the parent and which the child, for a parent/child kind seen from `source`. */
export function parentAndChild<T>(source: T, target: T, kind: LinkKind): { parent: T; child: T } | undefined {
  if (kind === 'parentOf') return { parent: source, child: target };
  if (kind === 'childOf') return { parent: target, child: source };
  return undefined;
}

/**
 * Whether making `childId` a child of the case whose ancestry is `chain` (the
 * parent first, then its parent, up to a root) would close a loop. `undefined`
 * when it is fine; otherwise the loop, from the child down and back to it.
 */
export function cycleThrough(childId: string, chain: readonly AncestorRef[]): string[] | undefined {
  const at = chain.findIndex((a) => a.caseId === childId);
  if (at === -1) return undefined;
  return [
    ...chain
      .slice(0, at + 1)
      .map((a) => a.caseId)
      .reverse(),
    childId,
  ];
}

/** The checks of a new parent/child link: one parent per case, no loops, a bounded depth. */
export function checkParentLink(child: AncestorRef, parentChain: readonly AncestorRef[]): void {
  if (child.parentId !== null) {
    throw ruleBroken('one_parent', `Case ${child.caseId} already has a parent (${child.parentId}); a case has at most one. Unlink it first.`);
  }
  const loop = cycleThrough(child.caseId, parentChain);
  if (loop) throw ruleBroken('no_cycles', `That would make ${child.caseId} its own ancestor (${loop.join(' > ')}).`);
  const root = parentChain.at(-1);
  if (parentChain.length > MAX_ANCESTRY || (root && root.parentId !== null)) {
    throw ruleBroken('max_depth', `Case trees are at most ${MAX_ANCESTRY} levels deep.`);
  }
}

function linkChange(
  stored: StoredCase,
  other: string,
  kind: LinkKind,
  ctx: ChangeContext,
  action: 'CaseLinked' | 'CaseUnlinked',
  parentId?: string | null,
  reason?: string,
): SideChange {
  const current = stored.case;
  const link: CaseLink = { caseId: current.caseId, targetId: other, kind, createdAt: ctx.now, createdBy: ctx.caller.sub };
  const changes: FieldChange[] = [
    {
      field: 'links',
      before: action === 'CaseLinked' ? null : { targetId: other, kind },
      after: action === 'CaseLinked' ? { targetId: other, kind } : null,
    },
  ];
  let next: Case | undefined;
  if (parentId !== undefined && parentId !== current.parentId) {
    next = { ...current, parentId, updatedAt: ctx.now, version: current.version + 1 };
    changes.push({ field: 'parentId', before: current.parentId, after: parentId });
  }
  const audit = auditEvent(current.caseId, stored.head, action, ctx, next?.version ?? current.version, changes, {
    target: { kind: 'link', id: other },
    reason,
  });
  return { audit, link, ...(next ? { case: next } : {}) };
}

export interface LinkRequest {
  readonly kind: LinkKind;
  readonly reason?: string;
}

/**
 * Link `source` to `target` with `kind` (the target gets the inverse). For a
 * parent/child kind, `parentChain` is the would-be parent's ancestry, the parent
 * first; the child's `parentId` changes in the same commit.
 */
export function linkCases(
  source: StoredCase,
  target: StoredCase,
  request: LinkRequest,
  existing: CaseLink | undefined,
  parentChain: readonly AncestorRef[],
  ctx: ChangeContext,
): { source: SideChange; target: SideChange } {
  assertStaff(ctx, 'link cases');
  const { kind } = request;
  if (source.case.caseId === target.case.caseId) {
    throw validationFailed([{ field: 'body.targetId', rule: 'no_self_link', message: 'A case cannot be linked to itself.' }]);
  }
  assertNotMerged(source.case);
  assertNotMerged(target.case);
  if (existing) {
    throw ruleBroken(
      'one_link_per_pair',
      `Cases ${source.case.caseId} and ${target.case.caseId} are already linked (${existing.kind}); unlink them first to link them differently.`,
    );
  }
  const roles = parentAndChild(source.case, target.case, kind);
  if (roles) checkParentLink(roles.child, parentChain);
  const childParent = (side: Case) => (roles && roles.child.caseId === side.caseId ? roles.parent.caseId : undefined);
  return {
    source: linkChange(source, target.case.caseId, kind, ctx, 'CaseLinked', childParent(source.case), request.reason),
    target: linkChange(target, source.case.caseId, INVERSE[kind], ctx, 'CaseLinked', childParent(target.case), request.reason),
  };
}

/**
 * A case opened as the child of `parent` (its `parentId` at creation): the
 * parent's end of the link with its audit event, and the new case's end. The new
 * case has no children yet, so it cannot close a loop; the depth still counts.
 */
export function adoptNewChild(
  parent: StoredCase,
  childId: string,
  parentChain: readonly AncestorRef[],
  ctx: ChangeContext,
): { parent: SideChange; child: CaseLink } {
  assertNotMerged(parent.case);
  checkParentLink({ caseId: childId, parentId: null }, parentChain);
  return {
    parent: linkChange(parent, childId, 'parentOf', ctx, 'CaseLinked'),
    child: { caseId: childId, targetId: parent.case.caseId, kind: 'childOf', createdAt: ctx.now, createdBy: ctx.caller.sub },
  };
}

/** Remove the link between two cases, from both ends; a parent link also frees the child. A merge's link stays. */
export function unlinkCases(
  source: StoredCase,
  target: StoredCase,
  link: CaseLink,
  ctx: ChangeContext,
  reason?: string,
): { source: SideChange; target: SideChange } {
  assertStaff(ctx, 'unlink cases');
  if (link.merged)
    throw ruleBroken(
      'merge_is_final',
      `Case ${link.kind === 'duplicateOf' ? source.case.caseId : target.case.caseId} was merged; a merge cannot be undone.`,
    );
  assertNotMerged(source.case);
  assertNotMerged(target.case);
  const roles = parentAndChild(source.case, target.case, link.kind);
  const freed = (side: Case) => (roles && roles.child.caseId === side.caseId ? null : undefined);
  return {
    source: linkChange(source, target.case.caseId, link.kind, ctx, 'CaseUnlinked', freed(source.case), reason),
    target: linkChange(target, source.case.caseId, INVERSE[link.kind], ctx, 'CaseUnlinked', freed(target.case), reason),
  };
}

/** The state a merged duplicate ends in: its workflow's frozen closed state, or failing that any closed one. */
export function mergedStateOf(type: CaseType): string | undefined {
  const closed = type.workflow.states.filter((s) => s.category === 'closed');
  return (closed.find((s) => !s.editable) ?? closed[0])?.id;
}

/**
 * Merge `duplicate` into `survivor`: the duplicate is closed with a pointer to
 * the survivor (its comments, tasks and trail stay where they are, untouched),
 * the survivor records what it received, and both carry a duplicate link that
 * can never be removed. No merge into itself, into a merged case, or of a case
 * already merged; a parent/child pair must be unlinked first.
 */
export function mergeCases(
  duplicate: StoredCase,
  duplicateType: CaseType,
  survivor: StoredCase,
  existing: CaseLink | undefined,
  reason: string,
  ctx: ChangeContext,
  openTasks: readonly Task[] = [],
): { duplicate: SideChange & { case: Case }; survivor: SideChange; cancelledTasks: Task[] } {
  assertStaff(ctx, 'merge cases');
  const dup = duplicate.case;
  const into = survivor.case;
  if (dup.caseId === into.caseId)
    throw validationFailed([{ field: 'body.survivorId', rule: 'no_self_merge', message: 'A case cannot be merged into itself.' }]);
  if (dup.mergedInto) throw ruleBroken('already_merged', `Case ${dup.caseId} was already merged into ${dup.mergedInto}.`, 'path.id');
  if (into.mergedInto) {
    throw new DomainError(
      'Conflict',
      `Case ${into.caseId} was itself merged into ${into.mergedInto}: merge into ${into.mergedInto} instead.`,
      [{ field: 'body.survivorId', rule: 'survivor_merged', message: `${into.caseId} is merged; its survivor is ${into.mergedInto}.` }],
      { mergedInto: into.mergedInto },
    );
  }
  if (existing && (existing.kind === 'parentOf' || existing.kind === 'childOf')) {
    throw ruleBroken(
      'unlink_parent_first',
      `Cases ${dup.caseId} and ${into.caseId} are parent and child; unlink them before merging.`,
      'body.survivorId',
    );
  }
  const closedState = mergedStateOf(duplicateType);
  if (!closedState) throw conflict(`${duplicateType.name} has no closed state for a merged case to end in.`);
  if (openTasks.length > MAX_CANCELLED_TASKS) {
    throw conflict(`Case ${dup.caseId} has ${openTasks.length} open tasks; finish or cancel all but ${MAX_CANCELLED_TASKS} before merging it.`);
  }
  // A merged case takes no more writes, so its open tasks would stay open for ever: the merge cancels them.
  const cancelledTasks = openTasks.map((t) => ({ ...t, status: 'cancelled' as const, updatedAt: ctx.now, version: t.version + 1 }));

  const version = dup.version + 1;
  const closed: Case = { ...dup, status: closedState, statusCategory: 'closed', mergedInto: into.caseId, updatedAt: ctx.now, version };
  const dupChanges: FieldChange[] = [
    ...(dup.status !== closedState ? [{ field: 'status', before: dup.status, after: closedState }] : []),
    { field: 'mergedInto', before: null, after: into.caseId },
    ...(cancelledTasks.length ? [{ field: 'tasks.cancelled', before: null, after: cancelledTasks.map((t) => t.taskId) }] : []),
  ];
  const mergedLink = (caseId: string, targetId: string, kind: LinkKind): CaseLink => ({
    caseId,
    targetId,
    kind,
    createdAt: ctx.now,
    createdBy: ctx.caller.sub,
    merged: true,
  });
  return {
    cancelledTasks,
    duplicate: {
      case: closed,
      link: mergedLink(dup.caseId, into.caseId, 'duplicateOf'),
      audit: auditEvent(dup.caseId, duplicate.head, 'CaseMerged', ctx, version, dupChanges, { reason, target: { kind: 'case', id: into.caseId } }),
    },
    survivor: {
      link: mergedLink(into.caseId, dup.caseId, 'hasDuplicate'),
      audit: auditEvent(into.caseId, survivor.head, 'MergeReceived', ctx, into.version, [{ field: 'merged', before: null, after: dup.caseId }], {
        reason,
        target: { kind: 'case', id: dup.caseId },
      }),
    },
  };
}
