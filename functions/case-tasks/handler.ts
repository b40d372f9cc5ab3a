import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { etagOf, httpHandler, httpRoutes } from '../http/http-handler.js';
import { CaseIdParams, IfMatch, PageQuery } from '../http/schemas.js';
import { NewTaskBody, OpenTasksQuery, TaskParams, TaskPatchBody } from '../http/workflow-schemas.js';
import { createTask, listTasks, openTasksOf, updateTask } from '../services/tasks.js';

export const handler = httpRoutes({
  'POST /cases/{id}/tasks': httpHandler({
    operation: 'AddTask',
    params: CaseIdParams,
    body: NewTaskBody,
    handle: async (request) => {
      const task = await createTask(request.params.id, request.body, changeContextOf(request));
      return { status: 201, body: task, headers: { location: `/cases/${task.caseId}/tasks/${task.taskId}`, etag: etagOf(task.version) } };
    },
  }),
  'GET /cases/{id}/tasks': httpHandler({
    operation: 'ListTasks',
    params: CaseIdParams,
    query: PageQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await listTasks(params.id, caller, query.limit, query.cursor) }),
  }),
  'PATCH /cases/{id}/tasks/{taskId}': httpHandler({
    operation: 'UpdateTask',
    params: TaskParams,
    headers: z.looseObject({ 'if-match': IfMatch.optional() }),
    body: TaskPatchBody,
    handle: async (request) => {
      const task = await updateTask(request.params.id, request.params.taskId, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: 200, body: task, headers: { etag: etagOf(task.version) } };
    },
  }),
  'GET /tasks': httpHandler({
    operation: 'OpenTasks',
    query: OpenTasksQuery,
    handle: async ({ query, caller }) => ({ status: 200, body: await openTasksOf(query.assignee, caller, query.limit, query.cursor) }),
  }),
});
