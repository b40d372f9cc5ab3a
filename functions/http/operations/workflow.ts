/** OpenAPI descriptions of case types, transitions, migration and tasks. */
import * as z from 'zod';
import { CaseIdParams, CaseRecord, IfMatch, pageOf, PageQuery } from '../schemas.js';
import {
  CaseTypeParams,
  CaseTypeRecord,
  CaseTypeSummaryRecord,
  CreateCaseTypeBody,
  MigrateBody,
  NewTaskBody,
  OpenTasksQuery,
  PublishVersionBody,
  TaskParams,
  TaskPatchBody,
  TaskRecord,
  TransitionBody,
  TransitionOptionsRecord,
  TransitMapRecord,
  VersionQuery,
} from '../workflow-schemas.js';
import { CaseHeaders, json, type Operation } from './shared.js';

const listOf = (item: z.ZodType, name: string) => z.object({ items: z.array(item) }).meta({ id: name });
const TypeHeaders = { ETag: 'The version of the case type.' };
const OptionalIfMatch = z.object({ 'If-Match': IfMatch.optional() });

export const workflowOperations: Record<string, Operation> = {
  'POST /case-types': {
    operationId: 'createCaseType',
    summary: 'Create a case type (its version 1): fields, intake form, workflow, default queue, priority formula (admin)',
    request: { body: { ...json(CreateCaseTypeBody), required: true } },
    ok: { status: 201, description: 'The published version 1.', schema: CaseTypeRecord, headers: { ...TypeHeaders, Location: 'URL of the type.' } },
    problems: [400, 401, 403, 409, 413, 415],
  },
  'GET /case-types': {
    operationId: 'listCaseTypes',
    summary: 'The case types there are, with their current versions',
    ok: { status: 200, description: 'Every case type.', schema: listOf(CaseTypeSummaryRecord, 'CaseTypeList') },
    problems: [401, 403],
  },
  'GET /case-types/{type}': {
    operationId: 'getCaseType',
    summary: 'A version of a case type (requesters see its intake form and public fields)',
    request: { params: CaseTypeParams, query: VersionQuery },
    ok: { status: 200, description: 'The case type.', schema: CaseTypeRecord, headers: TypeHeaders },
    problems: [400, 401, 403, 404],
  },
  'POST /case-types/{type}/versions': {
    operationId: 'publishCaseTypeVersion',
    summary: 'Publish the next version of a case type; states it drops must be mapped (admin)',
    request: { params: CaseTypeParams, headers: OptionalIfMatch, body: { ...json(PublishVersionBody), required: true } },
    ok: { status: 201, description: 'The published version.', schema: CaseTypeRecord, headers: { ...TypeHeaders, Location: 'URL of the version.' } },
    problems: [400, 401, 403, 404, 412, 413, 415],
  },
  'GET /case-types/{type}/versions': {
    operationId: 'listCaseTypeVersions',
    summary: 'Every published version of a case type, oldest first (staff)',
    request: { params: CaseTypeParams },
    ok: { status: 200, description: 'The versions.', schema: listOf(CaseTypeRecord, 'CaseTypeVersionList') },
    problems: [400, 401, 403, 404],
  },
  'GET /case-types/{type}/workflow': {
    operationId: 'caseTypeWorkflow',
    summary: 'The transit map of a case type: states, transitions with their guards and effects, as data and as Mermaid (staff)',
    request: { params: CaseTypeParams, query: VersionQuery },
    ok: { status: 200, description: 'The transit map.', schema: TransitMapRecord },
    problems: [400, 401, 403, 404],
  },
  'GET /cases/{id}/transitions': {
    operationId: 'transitionOptions',
    summary: 'What you may do with the case now: each transition your role allows, and the guards that block it',
    request: { params: CaseIdParams },
    ok: { status: 200, description: 'The options.', schema: TransitionOptionsRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404],
  },
  'POST /cases/{id}/transitions': {
    operationId: 'transitionCase',
    summary: 'Move the case to another state along its workflow (If-Match optional)',
    request: { params: CaseIdParams, headers: OptionalIfMatch, body: { ...json(TransitionBody), required: true } },
    ok: { status: 200, description: 'The case in its new state.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 422],
  },
  'POST /cases/{id}/migrate': {
    operationId: 'migrateCase',
    summary: "Move the case onto a newer version of its type, through the versions' migration maps (staff)",
    request: { params: CaseIdParams, body: { ...json(MigrateBody), required: true } },
    ok: { status: 200, description: 'The migrated case.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'POST /cases/{id}/tasks': {
    operationId: 'addTask',
    summary: 'Add a task to the case (staff)',
    request: { params: CaseIdParams, body: { ...json(NewTaskBody), required: true } },
    ok: { status: 201, description: 'The task.', schema: TaskRecord, headers: { ETag: 'Version of the task.', Location: 'URL of the task.' } },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/tasks': {
    operationId: 'listTasks',
    summary: 'Tasks of the case, oldest first (staff)',
    request: { params: CaseIdParams, query: PageQuery },
    ok: { status: 200, description: 'A page of tasks.', schema: pageOf(TaskRecord, 'TaskPage') },
    problems: [400, 401, 403, 404],
  },
  'PATCH /cases/{id}/tasks/{taskId}': {
    operationId: 'updateTask',
    summary: 'Change a task: status, assignee, due date, checklist (If-Match optional; staff)',
    request: { params: TaskParams, headers: OptionalIfMatch, body: { ...json(TaskPatchBody), required: true } },
    ok: { status: 200, description: 'The changed task.', schema: TaskRecord, headers: { ETag: 'Version of the task.' } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415],
  },
  'GET /tasks': {
    operationId: 'openTasks',
    summary: "Someone's open tasks across cases, soonest due first (staff)",
    request: { query: OpenTasksQuery },
    ok: { status: 200, description: 'A page of tasks.', schema: pageOf(TaskRecord, 'OpenTaskPage') },
    problems: [400, 401, 403],
  },
};
