/** GET /cases/{id}: the declaration the cases-get handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, CaseRecord } from '../schemas.js';
import { etagOf } from '../preconditions.js';
import { getCase } from '#services/case-reads.js';

export const casesGet = {
  getCase: operation({
    operationId: 'getCase',
    method: 'GET',
    path: '/cases/{id}',
    fn: 'cases-get',
    auth: 'jwt',
    summary: 'Read a case',
    description: 'Who: own case / staff. The case as the caller may read it, with `ETag`.',
    params: CaseIdParams,
    responses: { 200: { description: 'The case.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => {
      const found = await getCase(params.id, caller);
      return { status: 200, body: found, headers: { etag: etagOf(found.version) } };
    },
  }),
};
