/** Transitions of a case and its migration to newer type versions: what the case-workflow handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, CaseRecord, IfMatch } from '../schemas.js';
import { MigrateBody, TransitionBody, TransitionOptionsRecord } from '../workflow-schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf } from '../preconditions.js';
import { migrate, transition, transitionOptions } from '#services/cases.js';

export const caseWorkflow = {
  transitionOptions: operation({
    operationId: 'transitionOptions',
    method: 'GET',
    path: '/cases/{id}/transitions',
    fn: 'case-workflow',
    auth: 'jwt',
    summary: 'What you may do with the case now: each transition your role allows, and the guards that block it',
    description: 'Who: own case / staff. What the caller may do now: each transition their role allows, with the guards that block it.',
    params: CaseIdParams,
    responses: { 200: { description: 'The options.', schema: TransitionOptionsRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => {
      const options = await transitionOptions(params.id, caller);
      return { status: 200, body: options, headers: { etag: etagOf(options.version) } };
    },
  }),
  transitionCase: operation({
    operationId: 'transitionCase',
    method: 'POST',
    path: '/cases/{id}/transitions',
    fn: 'case-workflow',
    auth: 'jwt',
    summary: 'Move the case to another state along its workflow (If-Match optional)',
    description:
      "Who: by the transition's roles. Move to `to` with a `reason` (and `fields` set in the same step); `If-Match` optional; 409 names the allowed transitions, 422 the blocking guards.",
    params: CaseIdParams,
    headers: { 'If-Match': { schema: IfMatch } },
    body: TransitionBody,
    responses: { 200: { description: 'The case in its new state.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 422],
    handle: async (request) => {
      const { case: moved, audit } = await transition(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
      // Reopened / resolved is the reopen rate, per deployment.
      if (audit.transition?.reopen) request.count('CasesReopened');
      if (moved.statusCategory === 'resolved') request.count('CasesResolved');
      return { status: 200, body: moved, headers: { etag: etagOf(moved.version) } };
    },
  }),
  migrateCase: operation({
    operationId: 'migrateCase',
    method: 'POST',
    path: '/cases/{id}/migrate',
    fn: 'case-workflow',
    auth: 'jwt',
    summary: "Move the case onto a newer version of its type, through the versions' migration maps (staff)",
    description: 'Who: staff. Move the case onto a newer version of its type through the migration maps.',
    params: CaseIdParams,
    body: MigrateBody,
    responses: { 200: { description: 'The migrated case.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const migrated = await migrate(request.params.id, request.body.toVersion, changeContextOf(request));
      return { status: 200, body: migrated, headers: { etag: etagOf(migrated.version) } };
    },
  }),
};
