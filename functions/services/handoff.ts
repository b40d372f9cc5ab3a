/**
 * Use cases of handoff briefs: what a brief is built from (read only when a
 * change hands a case over), reading one, and the receiving agent's edit of it.
 */
import { isStaff, type Caller } from '#core/caller.js';
import type { HandoffBrief } from '#core/case.js';
import type { AuditEvent, ChangeContext } from '#core/audit-event.js';
import { editHandoff } from '#core/case-lifecycle.js';
import type { Comment } from '#core/comment.js';
import { forbidden, notFound, preconditionFailed } from '#core/errors.js';
import type { HandoffEdit, HandoffSource } from '#core/handoff.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as tasks from '#adapters/dynamodb/task-repository.js';
import { AUDIT_PREFIX, COMMENT_PREFIX } from '#adapters/dynamodb/keys.js';
import { commitCases } from '#adapters/dynamodb/transactions.js';
import { typeOf, untilWritten, visibleCase, writableCase } from './case-access.js';

/** How far back a brief looks: the latest events and comments, and the case's tasks (open ones first to matter). */
const RECENT_EVENTS = 50;
const RECENT_COMMENTS = 20;
const TASKS = 100;

export async function handoffSourceOf(caseId: string): Promise<HandoffSource> {
  const [events, comments, taskPage] = await Promise.all([
    repo.latestUnderCase<AuditEvent>(caseId, AUDIT_PREFIX, RECENT_EVENTS),
    repo.latestUnderCase<Comment>(caseId, COMMENT_PREFIX, RECENT_COMMENTS),
    tasks.listTasks(caseId, TASKS),
  ]);
  return { events, comments, tasks: taskPage.items };
}

function assertStaff(caller: Caller): void {
  if (!isStaff(caller)) throw forbidden('Handoff briefs are staff notes: requesters do not see them.');
}

export async function getHandoff(caseId: string, caller: Caller): Promise<{ handoff: HandoffBrief; version: number }> {
  const { case: c } = await visibleCase(caseId, caller);
  assertStaff(caller);
  if (!c.handoff) throw notFound(`Case ${caseId} has no handoff brief yet: one is generated when it changes queue or owner.`);
  return { handoff: c.handoff, version: c.version };
}

/** Replace the brief's text, from the case version the editor read (412 if the case moved on). */
export async function putHandoff(
  caseId: string,
  edit: HandoffEdit,
  ifMatch: number,
  ctx: ChangeContext,
): Promise<{ handoff: HandoffBrief; version: number }> {
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    assertStaff(ctx.caller);
    if (stored.case.version !== ifMatch) {
      throw preconditionFailed(`Case ${caseId} is at version ${stored.case.version}, not ${ifMatch}; read the brief again and reapply your edit.`, {
        currentVersion: stored.case.version,
      });
    }
    const edited = editHandoff(stored, edit, await typeOf(stored.case), ctx);
    const outcome = await commitCases({ head: stored.head, audit: edited.audit, case: { next: edited.case, expectedVersion: stored.case.version } });
    return outcome === 'written' ? { handoff: edited.case.handoff!, version: edited.case.version } : 'stale';
  });
}
