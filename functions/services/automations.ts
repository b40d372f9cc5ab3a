/**
 * A comment and everything it sets off, as one commit: the SLA clocks it moves
 * and, for a requester's public reply, the workflow automation of the case type
 * (a case waiting on the customer goes back to review). The reply, its clocks,
 * the automatic transition and that transition's clocks are sealed onto the
 * chain in order and written in one transaction, so a reply never lands without
 * the move it triggers, nor the move without the reply.
 */
import { isStaff } from '../core/caller.js';
import { replyAutomation, type AuditEvent, type ChangeContext, type Comment, type StoredCase } from '../core/case.js';
import { AUTOMATION_CALLER } from '../core/workflow.js';
import type { CaseCommit, TransactItem } from '../adapters/dynamodb/transactions.js';
import { typeOf } from './case-access.js';
import { slaAfterChange } from './sla.js';
import { guardContextOf } from './tasks.js';

export async function commentCommit(stored: StoredCase, written: { comment: Comment; audit: AuditEvent }, ctx: ChangeContext, items: readonly TransactItem[]): Promise<CaseCommit> {
  // A reply can meet a response clock: only the SLA item beside the case changes (no new content version, no ETag churn).
  const sla = await slaAfterChange(stored.case, { case: stored.case, audit: written.audit }, { kind: 'commented', visibility: written.comment.visibility }, ctx);
  const replied: CaseCommit = { head: stored.head, audit: written.audit, followUps: sla.audits, items: [...items, ...sla.items], ...(sla.audits.length > 0 ? { sla: sla.case.sla } : {}) };
  // Only the requester's own public words count as their reply (staff and integrations act for themselves).
  if (written.comment.visibility !== 'public' || isStaff(ctx.caller)) return replied;

  const type = await typeOf(stored.case);
  const last = sla.audits.at(-1) ?? written.audit;
  const after = { case: sla.case, head: { seq: last.seq, hash: last.hash } };
  const moved = replyAutomation(after, type, ctx, await guardContextOf(stored.case.caseId, type, stored.case.status), written.comment.commentId);
  if (!moved) return replied;
  const clocks = await slaAfterChange(sla.case, moved, { kind: 'transitioned', effects: moved.audit.effects ?? [] }, { ...ctx, caller: AUTOMATION_CALLER });
  return {
    head: stored.head,
    audit: written.audit,
    followUps: [...sla.audits, moved.audit, ...clocks.audits],
    case: { next: clocks.case, expectedVersion: stored.case.version },
    items: [...items, ...sla.items, ...clocks.items],
  };
}
