/** GET /cases: the declaration the cases-list handler serves. */
import { operation } from '../operation.js';
import { CaseRecord, ListCasesQuery, pageOf } from '../schemas.js';
import { listCases } from '#services/case-reads.js';

export const casesList = {
  listCases: operation({
    operationId: 'listCases',
    method: 'GET',
    path: '/cases',
    fn: 'cases-list',
    auth: 'jwt',
    summary: 'List cases newest first, by status, owner, requester, type or queue (staff default: open work)',
    query: ListCasesQuery,
    responses: { 200: { description: 'A page of cases.', schema: pageOf(CaseRecord, 'CasePage') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => {
      const { status, ...rest } = query;
      const page = await listCases({ ...rest, ...(status ? { statuses: status } : {}) }, caller);
      return { status: 200, body: page };
    },
  }),
};
