import { caseTasks } from '#http/api/case-tasks.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, serve } from '#http/http-handler.js';
import { createTask, listTasks, openTasksOf, updateTask } from '#services/tasks.js';

export const handler = serve(caseTasks, {
  addTask: async (request) => {
    const task = await createTask(request.params.id, request.body, changeContextOf(request));
    return { status: 201, body: task, headers: { location: `/cases/${task.caseId}/tasks/${task.taskId}`, etag: etagOf(task.version) } };
  },
  listTasks: async ({ params, query, caller }) => ({ status: 200, body: await listTasks(params.id, caller, query.limit, query.cursor) }),
  updateTask: async (request) => {
    const task = await updateTask(request.params.id, request.params.taskId, request.body, request.headers['if-match'], changeContextOf(request));
    return { status: 200, body: task, headers: { etag: etagOf(task.version) } };
  },
  openTasks: async ({ query, caller }) => ({ status: 200, body: await openTasksOf(query.assignee, caller, query.limit, query.cursor) }),
});
