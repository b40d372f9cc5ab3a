import { httpHandler } from '../http/http-handler.js';
import { ListCasesQuery } from '../http/schemas.js';
import { listCases } from '../services/cases.js';

export const handler = httpHandler({
  operation: 'ListCases',
  query: ListCasesQuery,
  handle: async ({ query, caller }) => {
    const { status, ...rest } = query;
    const page = await listCases({ ...rest, ...(status ? { statuses: status } : {}) }, caller);
    return { status: 200, body: page };
  },
});
