import { caseWorkflow } from '#http/api/case-workflow.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, serve } from '#http/http-handler.js';
import { migrate, transition, transitionOptions } from '#services/cases.js';

export const handler = serve(caseWorkflow, {
  transitionOptions: async ({ params, caller }) => {
    const options = await transitionOptions(params.id, caller);
    return { status: 200, body: options, headers: { etag: etagOf(options.version) } };
  },
  transitionCase: async (request) => {
    const { case: moved, audit } = await transition(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
    // Reopened / resolved is the reopen rate, per deployment.
    if (audit.transition?.reopen) request.count('CasesReopened');
    if (moved.statusCategory === 'resolved') request.count('CasesResolved');
    return { status: 200, body: moved, headers: { etag: etagOf(moved.version) } };
  },
  migrateCase: async (request) => {
    const migrated = await migrate(request.params.id, request.body.toVersion, changeContextOf(request));
    return { status: 200, body: migrated, headers: { etag: etagOf(migrated.version) } };
  },
});
