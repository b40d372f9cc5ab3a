/**
 * A comment and everything it sets off, as one commit: the SLA clocks it moves
 * and, for a requester's public reply, the workflow automation of the case type
 * (a case waiting on the customer goes back to review). The reply, its clocks,
 * the automatic transition and that transition's clocks are sealed onto the
 * chain in order and written in one transaction, so a reply never lands without
 * the move it triggers, nor the move without the reply.
 */
import { isStaff } from '#core/caller.js';
import type { Case, StoredCase } from '#core/case.js';
import type { AuditEvent, ChangeContext } from '#core/audit-event.js';
import { replyAutomation } from '#core/case-lifecycle.js';
import type { Comment } from '#core/comment.js';
import { AUTOMATION_CALLER } from '#core/workflow.js';
import type { CaseCommit, TransactItem } from '#adapters/dynamodb/transactions.js';
import { typeOf } from './case-access.js';
import { slaAfterChange } from './sla.js';
import { guardContextOf } from './tasks.js';

/**
 * The workflow's answer to a requester's public reply, chained after `head` (the
 * last event the reply's commit already holds): the automatic transition and the
 * clock events it causes, and the case they leave. Undefined when the type has no
 * automation from the case's state, or a guard blocks it.
 */
export async function requesterReplyMove(
  stored: StoredCase,
  head: { readonly seq: number; readonly hash: string },
  comment: Comment,
  ctx: ChangeContext,
): Promise<{ followUps: AuditEvent[]; next: Case; items: TransactItem[] } | undefined> {
  // Only the requester's own public words count as their reply (staff and integrations act for themselves).
  if (comment.visibility !== 'public' || isStaff(ctx.caller)) return undefined;
  const type = await typeOf(stored.case);
  const moved = replyAutomation(
    { case: stored.case, head },
    type,
    ctx,
    await guardContextOf(stored.case.caseId, type, stored.case.status),
    comment.commentId,
  );
  if (!moved) return undefined;
  const clocks = await slaAfterChange(
    stored.case,
    moved,
    { kind: 'transitioned', effects: moved.audit.effects ?? [] },
    { ...ctx, caller: AUTOMATION_CALLER },
  );
  return { followUps: [moved.audit, ...clocks.audits], next: clocks.case, items: [...clocks.items] };
}

export async function commentCommit(
  stored: StoredCase,
  written: { comment: Comment; audit: AuditEvent },
  ctx: ChangeContext,
  items: readonly TransactItem[],
): Promise<CaseCommit> {
  // A reply can meet a response clock: only the SLA item beside the case changes (no new content version, no ETag churn).
  const sla = await slaAfterChange(
    stored.case,
    { case: stored.case, audit: written.audit },
    { kind: 'commented', visibility: written.comment.visibility },
    ctx,
  );
  const last = sla.audits.at(-1) ?? written.audit;
  const move = await requesterReplyMove({ case: sla.case, head: stored.head }, { seq: last.seq, hash: last.hash }, written.comment, ctx);
  if (!move)
    return {
      head: stored.head,
      audit: written.audit,
      followUps: sla.audits,
      items: [...items, ...sla.items],
      ...(sla.audits.length > 0 ? { sla: sla.case.sla } : {}),
    };
  return {
    head: stored.head,
    audit: written.audit,
    followUps: [...sla.audits, ...move.followUps],
    case: { next: move.next, expectedVersion: stored.case.version },
    items: [...items, ...sla.items, ...move.items],
  };
}
