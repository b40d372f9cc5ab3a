import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { CaseIdParams, MergedPageQuery } from '../http/schemas.js';
import { history, verifyHistory } from '../services/history.js';
import { ReadLogQuery } from '../http/operations/audit.js';
import { listReads } from '../services/read-log.js';

export const handler = httpRoutes({
  'GET /cases/{id}/history': httpHandler({
    operation: 'CaseHistory',
    params: CaseIdParams,
    query: MergedPageQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await history(params.id, caller, query.limit, query.cursor, query.includeMerged) }),
  }),
  'GET /cases/{id}/history/verify': httpHandler({
    operation: 'VerifyCaseHistory',
    params: CaseIdParams,
    handle: async ({ params, caller }) => ({ status: 200, body: await verifyHistory(params.id, caller) }),
  }),
  'GET /audit/reads': httpHandler({
    operation: 'ListCaseReads',
    query: ReadLogQuery,
    handle: async ({ query, caller }) => {
      const { limit, cursor, caseId, actor } = query;
      return { status: 200, body: await listReads(caseId !== undefined ? { caseId } : { actor: actor! }, caller, limit, cursor) };
    },
  }),
});
