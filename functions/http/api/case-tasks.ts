/** Tasks of a case, and open tasks by assignee: what the case-tasks handler serves. */
import { operation } from '../operation.js';
import { CaseIdParams, IfMatch, pageOf, PageQuery } from '../schemas.js';
import { NewTaskBody, OpenTasksQuery, TaskParams, TaskPatchBody, TaskRecord } from '../workflow-schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf } from '../preconditions.js';
import { createTask, listTasks, openTasksOf, updateTask } from '#services/tasks.js';

export const caseTasks = {
  addTask: operation({
    operationId: 'addTask',
    method: 'POST',
    path: '/cases/{id}/tasks',
    fn: 'case-tasks',
    auth: 'jwt',
    summary: 'Add a task to the case (staff)',
    description: 'Who: staff. A task: assignee, due date, checklist, `mandatory`.',
    params: CaseIdParams,
    body: NewTaskBody,
    responses: { 201: { description: 'The task.', schema: TaskRecord, headers: { ETag: 'Version of the task.', Location: 'URL of the task.' } } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const task = await createTask(request.params.id, request.body, changeContextOf(request));
      return { status: 201, body: task, headers: { location: `/cases/${task.caseId}/tasks/${task.taskId}`, etag: etagOf(task.version) } };
    },
  }),
  listTasks: operation({
    operationId: 'listTasks',
    method: 'GET',
    path: '/cases/{id}/tasks',
    fn: 'case-tasks',
    auth: 'jwt',
    summary: 'Tasks of the case, oldest first (staff)',
    description: "Who: staff. The case's tasks.",
    params: CaseIdParams,
    query: PageQuery,
    responses: { 200: { description: 'A page of tasks.', schema: pageOf(TaskRecord, 'TaskPage') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({ status: 200, body: await listTasks(params.id, caller, query.limit, query.cursor) }),
  }),
  updateTask: operation({
    operationId: 'updateTask',
    method: 'PATCH',
    path: '/cases/{id}/tasks/{taskId}',
    fn: 'case-tasks',
    auth: 'jwt',
    summary: 'Change a task: status, assignee, due date, checklist (If-Match optional; staff)',
    description: 'Who: staff. Change a task (status, assignee, due date, checklist); `If-Match` optional; done only with its checklist done.',
    params: TaskParams,
    headers: { 'If-Match': { schema: IfMatch } },
    body: TaskPatchBody,
    responses: { 200: { description: 'The changed task.', schema: TaskRecord, headers: { ETag: 'Version of the task.' } } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415],
    handle: async (request) => {
      const task = await updateTask(request.params.id, request.params.taskId, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: 200, body: task, headers: { etag: etagOf(task.version) } };
    },
  }),
  openTasks: operation({
    operationId: 'openTasks',
    method: 'GET',
    path: '/tasks',
    fn: 'case-tasks',
    auth: 'jwt',
    summary: "Someone's open tasks across cases, soonest due first (staff)",
    description: "Who: staff. Someone's open tasks across cases, soonest due first.",
    query: OpenTasksQuery,
    responses: { 200: { description: 'A page of tasks.', schema: pageOf(TaskRecord, 'OpenTaskPage') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({ status: 200, body: await openTasksOf(query.assignee, caller, query.limit, query.cursor) }),
  }),
};
