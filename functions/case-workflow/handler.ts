import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { etagOf, httpHandler, httpRoutes } from '../http/http-handler.js';
import { CaseIdParams, IfMatch } from '../http/schemas.js';
import { MigrateBody, TransitionBody } from '../http/workflow-schemas.js';
import { migrate, transition, transitionOptions } from '../services/cases.js';

const IfMatchHeader = z.looseObject({ 'if-match': IfMatch.optional() });

export const handler = httpRoutes({
  'GET /cases/{id}/transitions': httpHandler({
    operation: 'TransitionOptions',
    params: CaseIdParams,
    handle: async ({ params, caller }) => {
      const options = await transitionOptions(params.id, caller);
      return { status: 200, body: options, headers: { etag: etagOf(options.version) } };
    },
  }),
  'POST /cases/{id}/transitions': httpHandler({
    operation: 'TransitionCase',
    params: CaseIdParams,
    headers: IfMatchHeader,
    body: TransitionBody,
    handle: async (request) => {
      const { case: moved, audit } = await transition(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
      // Reopened / resolved is the reopen rate, per deployment.
      if (audit.transition?.reopen) request.count('CasesReopened');
      if (moved.statusCategory === 'resolved') request.count('CasesResolved');
      return { status: 200, body: moved, headers: { etag: etagOf(moved.version) } };
    },
  }),
  'POST /cases/{id}/migrate': httpHandler({
    operation: 'MigrateCase',
    params: CaseIdParams,
    body: MigrateBody,
    handle: async (request) => {
      const migrated = await migrate(request.params.id, request.body.toVersion, changeContextOf(request));
      return { status: 200, body: migrated, headers: { etag: etagOf(migrated.version) } };
    },
  }),
});
