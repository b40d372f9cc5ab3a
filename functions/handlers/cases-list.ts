import { casesList } from '#http/api/cases-list.js';
import { serve } from '#http/http-handler.js';
import { listCases } from '#services/case-reads.js';

export const handler = serve(casesList, {
  listCases: async ({ query, caller }) => {
    const { status, ...rest } = query;
    const page = await listCases({ ...rest, ...(status ? { statuses: status } : {}) }, caller);
    return { status: 200, body: page };
  },
});
