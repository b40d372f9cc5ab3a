/**
 * Tasks in their case's partition. An open task with an assignee also sits in the
 * owner index under `TASKS#<assignee>`, sorted by due date, so "my open tasks,
 * soonest first" is one Query; finished tasks drop out of it (sparse).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isOpenTask, type Task } from '#core/task.js';
import { dynamo, tableName } from './client.js';
import { itemsUnderCase } from './case-repository.js';
import {
  OWNER_INDEX,
  TASK_PREFIX,
  assigneeTasksPartition,
  caseIdOfPartition,
  caseKey,
  dueSortKey,
  taskKey,
  withoutStorageAttributes,
} from './keys.js';
import { type Page, pageOfPartition, queryAll } from './paging.js';
import { putIfVersion, putNew, type TransactItem } from './transactions.js';

const taskItem = (task: Task) => ({
  ...taskKey(task.caseId, task.taskId),
  entity: 'Task',
  ...task,
  ...(task.assignee && isOpenTask(task)
    ? { [OWNER_INDEX.partitionKey]: assigneeTasksPartition(task.assignee), [OWNER_INDEX.sortKey]: dueSortKey(task) }
    : {}),
});

export const newTaskItem = (task: Task): TransactItem => putNew(taskItem(task));
export const revisedTaskItem = (task: Task, expectedVersion: number): TransactItem => putIfVersion(taskItem(task), expectedVersion);

export async function getTask(caseId: string, taskId: string): Promise<Task | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: taskKey(caseId, taskId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Task>(out.Item) : undefined;
}

export function listTasks(caseId: string, limit: number, cursor?: string): Promise<Page<Task>> {
  return pageOfPartition(itemsUnderCase(caseId, TASK_PREFIX), limit, cursor, { list: 'tasks', caseId }, withoutStorageAttributes<Task>);
}

/** Mandatory tasks of a case that are still open: what the `noOpenMandatoryTasks` guard counts. */
export async function countOpenMandatoryTasks(caseId: string): Promise<number> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: 'mandatory = :yes AND #status IN (:open, :working)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': TASK_PREFIX, ':yes': true, ':open': 'open', ':working': 'in_progress' },
    ProjectionExpression: 'sk',
    ConsistentRead: true,
  });
  return items.length;
}

/** Every open task of one case (a merge cancels them). */
export async function listOpenTasksOfCase(caseId: string): Promise<Task[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: '#status IN (:open, :working)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': TASK_PREFIX, ':open': 'open', ':working': 'in_progress' },
    ConsistentRead: true,
  });
  return items.map((item) => withoutStorageAttributes<Task>(item));
}

/** Open tasks of one assignee across all cases, soonest due first. */
export function listOpenTasksOf(assignee: string, limit: number, cursor?: string): Promise<Page<Task>> {
  const partition = assigneeTasksPartition(assignee);
  return pageOfPartition(
    {
      partition,
      input: {
        IndexName: OWNER_INDEX.indexName,
        KeyConditionExpression: '#ipk = :ipk',
        ExpressionAttributeNames: { '#ipk': OWNER_INDEX.partitionKey },
        ExpressionAttributeValues: { ':ipk': partition },
        ScanIndexForward: true,
      },
      startKey: (p) => ({ ...taskKey(p.id ?? '', p.s.split('#').at(-1) ?? ''), [OWNER_INDEX.partitionKey]: partition, [OWNER_INDEX.sortKey]: p.s }),
      positionOf: (item) => ({ s: String(item[OWNER_INDEX.sortKey]), id: caseIdOfPartition(String(item.pk)) }),
    },
    limit,
    cursor,
    { list: 'tasks-of', assignee },
    withoutStorageAttributes<Task>,
  );
}
