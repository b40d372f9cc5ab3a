/** PATCH /cases/{id}: the declaration the cases-update handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, CaseRecord, IfMatch, PatchCaseBody } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf, requiredIfMatch } from '../preconditions.js';
import { updateCase } from '#services/cases.js';

export const casesUpdate = {
  updateCase: operation({
    operationId: 'updateCase',
    method: 'PATCH',
    path: '/cases/{id}',
    fn: 'cases-update',
    auth: 'jwt',
    summary: 'Change a case, except its state (optimistic concurrency with If-Match)',
    description:
      'Who: staff. Partial update of everything but the state; `If-Match` required (428 without, 412 if stale); `fields` merge, `null` removes; `priority` overrides the computed band (`null` clears); `reason` goes to the audit trail.',
    params: CaseIdParams,
    headers: { 'If-Match': { schema: IfMatch, required: true } },
    body: PatchCaseBody,
    responses: { 200: { description: 'The changed case.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 422, 428],
    handle: async (request) => {
      const ifMatch = requiredIfMatch(
        request.headers['if-match'],
        'Send If-Match with the ETag of the case version you are changing.',
        'If-Match is required for updates.',
      );
      const updated = await updateCase(request.params.id, request.body, ifMatch, changeContextOf(request));
      return { status: 200, body: updated, headers: { etag: etagOf(updated.version) } };
    },
  }),
};
