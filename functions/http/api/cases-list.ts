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
    description:
      'Who: all roles. Newest first by `status` (comma list), `owner`, `requester`, `type`, `queue`; `limit` (max 100), opaque `cursor`; staff default: open work (active or waiting); requesters: only their own. `/cases?slaDueBefore=<ISO instant>`: cases whose next SLA deadline is before it, soonest first, paginated; 400 combined with other filters; 403 for requesters.',
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
