/** The handoff brief of a case: what the case-handoff handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, HandoffBody, HandoffResponse, IfMatch } from '../schemas.js';

export const caseHandoff = {
  getHandoff: operation({
    operationId: 'getHandoff',
    method: 'GET',
    path: '/cases/{id}/handoff',
    fn: 'case-handoff',
    auth: 'jwt',
    summary: "The case's handoff brief (staff): what is asked, what was tried, what is pending",
    params: CaseIdParams,
    responses: { 200: { description: 'The brief.', schema: HandoffResponse, headers: CaseHeaders } },
    problems: [400, 401, 403, 404],
  }),
  editHandoff: operation({
    operationId: 'editHandoff',
    method: 'PUT',
    path: '/cases/{id}/handoff',
    fn: 'case-handoff',
    auth: 'jwt',
    summary: 'Rewrite the handoff brief (staff; If-Match with the case ETag)',
    params: CaseIdParams,
    headers: { 'If-Match': { schema: IfMatch, required: true } },
    body: HandoffBody,
    responses: { 200: { description: 'The edited brief.', schema: HandoffResponse, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
  }),
};
