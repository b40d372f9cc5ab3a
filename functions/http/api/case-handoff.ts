/** The handoff brief of a case: what the case-handoff handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, HandoffBody, HandoffResponse, IfMatch } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf, requiredIfMatch } from '../preconditions.js';
import { getHandoff, putHandoff } from '#services/handoff.js';

export const caseHandoff = {
  getHandoff: operation({
    operationId: 'getHandoff',
    method: 'GET',
    path: '/cases/{id}/handoff',
    fn: 'case-handoff',
    auth: 'jwt',
    summary: "The case's handoff brief (staff): what is asked, what was tried, what is pending",
    description: 'Who: staff. The brief generated when the case last changed queue or owner, with `ETag`.',
    params: CaseIdParams,
    responses: { 200: { description: 'The brief.', schema: HandoffResponse, headers: CaseHeaders } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => {
      const { handoff, version } = await getHandoff(params.id, caller);
      return { status: 200, body: { handoff }, headers: { etag: etagOf(version) } };
    },
  }),
  editHandoff: operation({
    operationId: 'editHandoff',
    method: 'PUT',
    path: '/cases/{id}/handoff',
    fn: 'case-handoff',
    auth: 'jwt',
    summary: 'Rewrite the handoff brief (staff; If-Match with the case ETag)',
    description: 'Who: staff. Rewrite its `asked`, `tried`, `pending`; `If-Match` required; audited as `HandoffEdited`.',
    params: CaseIdParams,
    headers: { 'If-Match': { schema: IfMatch, required: true } },
    body: HandoffBody,
    responses: { 200: { description: 'The edited brief.', schema: HandoffResponse, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
    handle: async (request) => {
      // The brief's version is the case's: an edit without one could overwrite a newer brief.
      const ifMatch = requiredIfMatch(
        request.headers['if-match'],
        'Send If-Match with the ETag of the case version whose brief you are editing.',
        'If-Match is required for edits.',
      );
      const { handoff, version } = await putHandoff(request.params.id, request.body, ifMatch, changeContextOf(request));
      return { status: 200, body: { handoff }, headers: { etag: etagOf(version) } };
    },
  }),
};
