/**
 * Use cases of related cases: link and unlink two cases, list a case's links,
 * merge a duplicate into its survivor, and find the cases merged into a survivor.
 * Each change touches two cases and commits in one transaction that advances
 * both chain heads (each conditioned on the seq that was read), so two changes
 * to either case serialize: two merges racing on a pair, or crossing (A into B
 * while B into A), cannot both land; the loser re-reads and meets the rules.
 */
import { isStaff, type Caller } from '#core/caller.js';
import type { Case, StoredCase } from '#core/case.js';
import type { ChangeContext } from '#core/audit-event.js';
import { caseView, type CaseView } from '#core/case-view.js';
import { forbidden, notFound, validationFailed } from '#core/errors.js';
import {
  MAX_ANCESTRY,
  linkCases,
  mergeCases,
  parentAndChild,
  unlinkCases,
  type AncestorRef,
  type CaseLink,
  type LinkKind,
  type SideChange,
} from '#core/links.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as links from '#adapters/dynamodb/link-repository.js';
import * as tasks from '#adapters/dynamodb/task-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { commitCases, type CaseCommit, type TransactItem } from '#adapters/dynamodb/transactions.js';
import { slaAfterChange } from './sla.js';
import { judgeByCaseId, maySee, pageKept, typeOf, untilWritten, visibleCase } from './case-access.js';

function assertStaff(caller: Caller): void {
  if (!isStaff(caller)) throw forbidden('Links between cases are staff work: a requester cannot see the other case.');
}

/** The other case of a link, as the caller may see it: one they may not see is not there (400 on the body's id). */
async function otherCase(caseId: string, caller: Caller, field: string): Promise<StoredCase> {
  const stored = await repo.getCase(caseId);
  if (!stored || !(await maySee(caller, stored.case)))
    throw validationFailed([{ field, rule: 'unknown_reference', message: `There is no case ${caseId} you can see.` }]);
  return stored;
}

/** A parent's ancestry, the parent first, walked one past the depth limit so the rule can see a tree too deep. */
export async function ancestryOf(parent: Case): Promise<AncestorRef[]> {
  const chain: AncestorRef[] = [{ caseId: parent.caseId, parentId: parent.parentId }];
  while (chain.length <= MAX_ANCESTRY && chain.at(-1)!.parentId !== null) {
    const up = await repo.getCase(chain.at(-1)!.parentId!);
    // A parent that vanished ends the walk: cases are never deleted, so this is a broken store, not a loop.
    if (!up) break;
    chain.push({ caseId: up.case.caseId, parentId: up.case.parentId });
  }
  return chain;
}

const commitOf = (stored: StoredCase, side: SideChange, linkItem: TransactItem, extra: TransactItem[] = [], mergedInto?: string): CaseCommit => ({
  head: stored.head,
  audit: side.audit,
  ...(side.case ? { case: { next: side.case, expectedVersion: stored.case.version } } : {}),
  items: [linkItem, ...extra],
  ...(mergedInto ? { mergedInto } : {}),
});

export interface LinkInput {
  readonly targetId: string;
  readonly kind: LinkKind;
  readonly reason?: string;
}

export async function linkCase(caseId: string, input: LinkInput, ctx: ChangeContext): Promise<CaseLink> {
  return untilWritten(`Case ${caseId}`, async () => {
    const source = await visibleCase(caseId, ctx.caller);
    assertStaff(ctx.caller);
    const target = await otherCase(input.targetId, ctx.caller, 'body.targetId');
    const existing = await links.getLink(caseId, input.targetId);
    const roles = parentAndChild(source.case, target.case, input.kind);
    const chain = roles && roles.parent.caseId !== roles.child.caseId ? await ancestryOf(roles.parent) : [];
    const change = linkCases(source, target, { kind: input.kind, ...(input.reason ? { reason: input.reason } : {}) }, existing, chain, ctx);
    // The ancestry the cycle check walked must still be the ancestry when this commits.
    const held = chain.map((a) => links.parentUnchanged(a.caseId, a.parentId));
    const outcome = await commitCases(
      commitOf(source, change.source, links.newLinkItem(change.source.link), held),
      commitOf(target, change.target, links.newLinkItem(change.target.link)),
    );
    return outcome === 'written' ? change.source.link : 'stale';
  });
}

export async function unlinkCase(caseId: string, targetId: string, ctx: ChangeContext, reason?: string): Promise<void> {
  await untilWritten(`Case ${caseId}`, async () => {
    const source = await visibleCase(caseId, ctx.caller);
    assertStaff(ctx.caller);
    const link = await links.getLink(caseId, targetId);
    const other = link ? await repo.getCase(targetId) : undefined;
    // A link to a case the caller may not see is answered as no link at all.
    if (!link || !other || !(await maySee(ctx.caller, other.case))) throw notFound(`Case ${caseId} has no link to ${targetId}.`);
    const change = unlinkCases(source, other, link, ctx, reason);
    const outcome = await commitCases(
      commitOf(source, change.source, links.removedLinkItem(link)),
      commitOf(other, change.target, links.removedLinkItem({ ...link, caseId: targetId, targetId: caseId })),
    );
    return outcome === 'written' ? true : 'stale';
  });
}

export async function listLinks(caseId: string, caller: Caller, limit: number, cursor?: string): Promise<Page<CaseLink>> {
  await visibleCase(caseId, caller);
  assertStaff(caller);
  // A link to a case the caller may not see is not there for them: it would name the case.
  return pageKept(
    caller,
    limit,
    cursor,
    (size, from) => links.listLinks(caseId, size, from),
    judgeByCaseId((link: CaseLink) => link.targetId),
  );
}

/**
 * Merge case `caseId` (the duplicate) into `survivorId`, in one transaction: the
 * duplicate closed with its pointer, both audit events, both link ends.
 */
export async function mergeCase(caseId: string, survivorId: string, reason: string, ctx: ChangeContext): Promise<CaseView> {
  return untilWritten(`Case ${caseId}`, async () => {
    const duplicate = await visibleCase(caseId, ctx.caller);
    assertStaff(ctx.caller);
    const survivor = await otherCase(survivorId, ctx.caller, 'body.survivorId');
    const type = await typeOf(duplicate.case);
    const openTasks = await tasks.listOpenTasksOfCase(caseId);
    const change = mergeCases(duplicate, type, survivor, await links.getLink(caseId, survivorId), reason, ctx, openTasks);
    const cancelled = change.cancelledTasks.map((t) => tasks.revisedTaskItem(t, t.version - 1));
    const closed = change.duplicate.case!;
    // The duplicate's clocks stop with it, in the same transaction.
    const sla = await slaAfterChange(duplicate.case, { case: closed, audit: change.duplicate.audit }, { kind: 'merged' }, ctx);
    const outcome = await commitCases(
      {
        ...commitOf(duplicate, { ...change.duplicate, case: sla.case }, links.mergeLinkItem(change.duplicate.link), cancelled, survivorId),
        followUps: sla.audits,
      },
      commitOf(survivor, change.survivor, links.mergeLinkItem(change.survivor.link)),
    );
    return outcome === 'written' ? caseView(sla.case, type, ctx.caller) : 'stale';
  });
}
