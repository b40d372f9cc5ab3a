/**
 * Tasks inside a case: manual work with an assignee, a due date, a checklist and a
 * mandatory flag. Several run in parallel and can be added at any time while the
 * case is open; an open mandatory task blocks the transitions that guard on it.
 * Each change is an event in the case's audit trail.
 */
import { isStaff } from './caller.js';
import type { StoredCase } from './case.js';
import { auditEvent, type AuditEvent, type ChangeContext, type FieldChange } from './audit-event.js';
import { type CaseType, stateOf } from './case-type.js';
import { conflict, forbidden } from './errors.js';

export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface ChecklistItem {
  readonly itemId: string;
  readonly text: string;
  readonly done: boolean;
  readonly doneBy?: string;
  readonly doneAt?: string;
}

export interface Task {
  readonly taskId: string;
  readonly caseId: string;
  readonly title: string;
  readonly description: string | null;
  readonly assignee: string | null;
  /** An ISO instant. */
  readonly dueAt: string | null;
  readonly status: TaskStatus;
  readonly mandatory: boolean;
  readonly checklist: readonly ChecklistItem[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  /** Bumped by every change: the task's ETag. */
  readonly version: number;
}

export interface NewTask {
  readonly title: string;
  readonly description?: string;
  readonly assignee?: string | null;
  readonly dueAt?: string | null;
  readonly mandatory?: boolean;
  readonly checklist?: readonly string[];
}

export interface TaskPatch {
  readonly title?: string;
  readonly description?: string | null;
  readonly assignee?: string | null;
  readonly dueAt?: string | null;
  readonly status?: TaskStatus;
  readonly mandatory?: boolean;
  /** The whole checklist as it should be: items without an id are new, items left out are removed. */
  readonly checklist?: readonly { readonly itemId?: string; readonly text: string; readonly done: boolean }[];
  readonly reason?: string;
}

export const isOpenTask = (task: Pick<Task, 'status'>): boolean => task.status === 'open' || task.status === 'in_progress';

function assertWorkable(stored: StoredCase, type: CaseType, ctx: ChangeContext): void {
  if (!isStaff(ctx.caller)) throw forbidden('Only staff work with tasks.');
  const state = stateOf(type, stored.case.status);
  if (state && !state.editable) throw conflict(`Case ${stored.case.caseId} is ${state.label.toLowerCase()}: reopen it before changing its tasks.`);
}

const summaryOf = (task: Task) => ({ title: task.title, assignee: task.assignee, dueAt: task.dueAt, mandatory: task.mandatory, status: task.status });

export function addTask(
  stored: StoredCase,
  type: CaseType,
  taskId: string,
  input: NewTask,
  ctx: ChangeContext,
  newItemId: () => string,
): { task: Task; audit: AuditEvent } {
  assertWorkable(stored, type, ctx);
  const task: Task = {
    taskId,
    caseId: stored.case.caseId,
    title: input.title,
    description: input.description ?? null,
    assignee: input.assignee ?? null,
    dueAt: input.dueAt ?? null,
    status: 'open',
    mandatory: input.mandatory ?? false,
    checklist: (input.checklist ?? []).map((text) => ({ itemId: newItemId(), text, done: false })),
    createdAt: ctx.now,
    createdBy: ctx.caller.sub,
    updatedAt: ctx.now,
    version: 1,
  };
  const audit = auditEvent(
    stored.case.caseId,
    stored.head,
    'TaskAdded',
    ctx,
    stored.case.version,
    [{ field: 'task', before: null, after: summaryOf(task) }],
    {
      target: { kind: 'task', id: taskId },
    },
  );
  return { task, audit };
}

/** Apply a change to a task; `undefined` when it changes nothing. A task is done only when its checklist is. */
export function reviseTask(
  stored: StoredCase,
  type: CaseType,
  task: Task,
  patch: TaskPatch,
  ctx: ChangeContext,
  newItemId: () => string,
): { task: Task; audit: AuditEvent } | undefined {
  assertWorkable(stored, type, ctx);
  const next: { -readonly [K in keyof Task]: Task[K] } = { ...task };
  for (const field of ['title', 'description', 'assignee', 'dueAt', 'status', 'mandatory'] as const) {
    if (patch[field] !== undefined) (next as Record<string, unknown>)[field] = patch[field];
  }
  if (patch.checklist) {
    const known = new Map(task.checklist.map((item) => [item.itemId, item]));
    next.checklist = patch.checklist.map((item) => {
      const before = item.itemId ? known.get(item.itemId) : undefined;
      if (item.itemId && !before) throw conflict(`Task ${task.taskId} has no checklist item ${item.itemId}; read the task again.`);
      const itemId = before?.itemId ?? newItemId();
      if (!item.done) return { itemId, text: item.text, done: false };
      return before?.done ? { ...before, text: item.text } : { itemId, text: item.text, done: true, doneBy: ctx.caller.sub, doneAt: ctx.now };
    });
  }
  const openItems = next.checklist.filter((item) => !item.done).length;
  if (next.status === 'done' && openItems > 0) {
    throw conflict(
      `Task ${task.taskId} still has ${openItems} open checklist item${openItems === 1 ? '' : 's'}; tick them off or remove them first.`,
    );
  }
  const changes: FieldChange[] = (['title', 'description', 'assignee', 'dueAt', 'status', 'mandatory', 'checklist'] as const)
    .filter((field) => JSON.stringify(task[field]) !== JSON.stringify(next[field]))
    .map((field) => ({ field: `task.${field}`, before: task[field], after: next[field] }));
  if (changes.length === 0) return undefined;
  const revised: Task = { ...next, updatedAt: ctx.now, version: task.version + 1 };
  const audit = auditEvent(stored.case.caseId, stored.head, 'TaskUpdated', ctx, stored.case.version, changes, {
    target: { kind: 'task', id: task.taskId },
    reason: patch.reason,
  });
  return { task: revised, audit };
}
