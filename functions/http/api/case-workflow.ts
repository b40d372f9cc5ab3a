/** Transitions of a case and its migration to newer type versions: what the case-workflow handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, CaseRecord, IfMatch } from '../schemas.js';
import { MigrateBody, TransitionBody, TransitionOptionsRecord } from '../workflow-schemas.js';

export const caseWorkflow = {
  transitionOptions: operation({
    operationId: 'transitionOptions',
    method: 'GET',
    path: '/cases/{id}/transitions',
    fn: 'case-workflow',
    auth: 'jwt',
    summary: 'What you may do with the case now: each transition your role allows, and the guards that block it',
    params: CaseIdParams,
    responses: { 200: { description: 'The options.', schema: TransitionOptionsRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404],
  }),
  transitionCase: operation({
    operationId: 'transitionCase',
    method: 'POST',
    path: '/cases/{id}/transitions',
    fn: 'case-workflow',
    auth: 'jwt',
    summary: 'Move the case to another state along its workflow (If-Match optional)',
    params: CaseIdParams,
    headers: { 'If-Match': { schema: IfMatch } },
    body: TransitionBody,
    responses: { 200: { description: 'The case in its new state.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 422],
  }),
  migrateCase: operation({
    operationId: 'migrateCase',
    method: 'POST',
    path: '/cases/{id}/migrate',
    fn: 'case-workflow',
    auth: 'jwt',
    summary: "Move the case onto a newer version of its type, through the versions' migration maps (staff)",
    params: CaseIdParams,
    body: MigrateBody,
    responses: { 200: { description: 'The migrated case.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 413, 415],
  }),
};
