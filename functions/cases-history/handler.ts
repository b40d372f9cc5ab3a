import { httpHandler } from '../http/http-handler.js';
import { CaseIdParams, PageQuery } from '../http/schemas.js';
import { history } from '../services/cases.js';

export const handler = httpHandler({
  operation: 'CaseHistory',
  params: CaseIdParams,
  query: PageQuery,
  handle: async ({ params, query, caller }) => ({ status: 200, body: await history(params.id, caller, query.limit, query.cursor) }),
});
