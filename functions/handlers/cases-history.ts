import { casesHistory } from '#http/api/cases-history.js';
import { serve } from '#http/http-handler.js';
import { history, verifyHistory } from '#services/history.js';
import { listReads } from '#services/read-log.js';

export const handler = serve(casesHistory, {
  caseHistory: async ({ params, query, caller }) => ({
    status: 200,
    body: await history(params.id, caller, query.limit, query.cursor, query.includeMerged),
  }),
  verifyCaseHistory: async ({ params, caller }) => ({ status: 200, body: await verifyHistory(params.id, caller) }),
  listCaseReads: async ({ query, caller }) => {
    const { limit, cursor, caseId, actor } = query;
    return { status: 200, body: await listReads(caseId !== undefined ? { caseId } : { actor: actor! }, caller, limit, cursor) };
  },
});
