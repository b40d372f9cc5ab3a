/**
 * Use cases of tasks: add, change and list them, and count what the workflow's
 * `noOpenMandatoryTasks` guard needs. Each change commits with its audit event
 * and the case's chain head, so a transition that checked "no open mandatory
 * task" cannot commit if a task was added meanwhile: the head moved, it re-reads.
 */
import { randomBytes } from 'node:crypto';
import { isStaff, type Caller } from '#core/caller.js';
import type { ChangeContext } from '#core/audit-event.js';
import { forbidden, notFound, preconditionFailed } from '#core/errors.js';
import { addTask, reviseTask, type NewTask, type Task, type TaskPatch } from '#core/task.js';
import type { CaseType } from '#core/case-type.js';
import { transitionsFrom, type GuardContext } from '#core/workflow.js';
import * as tasks from '#adapters/dynamodb/task-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { commitCases } from '#adapters/dynamodb/transactions.js';
import { judgeByCaseId, pageKept, timeOrderedId, typeOf, untilWritten, visibleCase, writableCase } from './case-access.js';

const itemId = () => randomBytes(4).toString('hex');

/**
 * What the guards of the transitions leaving `status` need to know. Tasks are
 * counted only when one of those transitions guards on them: most do not, and the
 * count is a Query.
 */
export async function guardContextOf(caseId: string, type: CaseType, status: string): Promise<GuardContext> {
  const counts = transitionsFrom(type, status).some((t) => t.guards.some((g) => g.kind === 'noOpenMandatoryTasks'));
  return { openMandatoryTasks: counts ? await tasks.countOpenMandatoryTasks(caseId) : 0 };
}

function assertStaff(caller: Caller): void {
  if (!isStaff(caller)) throw forbidden('Tasks are staff work: requesters do not see them.');
}

/** The case first (another's case is not found, for anyone), then the role; for changes, a case that is not merged away. */
async function caseForTasks(caseId: string, caller: Caller, forChange = false) {
  const stored = await (forChange ? writableCase : visibleCase)(caseId, caller);
  assertStaff(caller);
  return stored;
}

export async function createTask(caseId: string, input: NewTask, ctx: ChangeContext): Promise<Task> {
  const taskId = timeOrderedId(ctx.now);
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await caseForTasks(caseId, ctx.caller, true);
    const { task, audit } = addTask(stored, await typeOf(stored.case), taskId, input, ctx, itemId);
    return (await commitCases({ head: stored.head, audit, items: [tasks.newTaskItem(task)] })) === 'written' ? task : 'stale';
  });
}

export async function updateTask(caseId: string, taskId: string, patch: TaskPatch, ifMatch: number | undefined, ctx: ChangeContext): Promise<Task> {
  return untilWritten(`Task ${taskId}`, async () => {
    const stored = await caseForTasks(caseId, ctx.caller, true);
    const task = await tasks.getTask(caseId, taskId);
    if (!task) throw notFound(`Case ${caseId} has no task ${taskId}.`);
    if (ifMatch !== undefined && ifMatch !== task.version) {
      throw preconditionFailed(`Task ${taskId} is at version ${task.version}, not ${ifMatch}; read it again and reapply your change.`, {
        currentVersion: task.version,
      });
    }
    const revised = reviseTask(stored, await typeOf(stored.case), task, patch, ctx, itemId);
    if (!revised) return task;
    const outcome = await commitCases({ head: stored.head, audit: revised.audit, items: [tasks.revisedTaskItem(revised.task, task.version)] });
    return outcome === 'written' ? revised.task : 'stale';
  });
}

export async function listTasks(caseId: string, caller: Caller, limit: number, cursor?: string): Promise<Page<Task>> {
  await caseForTasks(caseId, caller);
  return tasks.listTasks(caseId, limit, cursor);
}

/** An agent's open tasks across cases, soonest due first (`me` is the caller). */
export function openTasksOf(assignee: string, caller: Caller, limit: number, cursor?: string): Promise<Page<Task>> {
  assertStaff(caller);
  const who = assignee === 'me' ? caller.sub : assignee;
  // Tasks of cases the caller may not see are left out: a task names its case and says what is being done on it.
  return pageKept(
    caller,
    limit,
    cursor,
    (size, from) => tasks.listOpenTasksOf(who, size, from),
    judgeByCaseId((task: Task) => task.caseId),
  );
}
