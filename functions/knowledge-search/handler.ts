import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { DeflectBody, SearchQuery, SuggestionsQuery } from '../http/knowledge-schemas.js';
import { CaseIdParams } from '../http/schemas.js';
import { deflect, search, suggestForCase } from '../services/knowledge-search.js';

export const handler = httpRoutes({
  'GET /knowledge/search': httpHandler({
    operation: 'SearchKnowledge',
    query: SearchQuery,
    handle: async ({ query, caller }) => ({
      status: 200,
      body: await search({ text: query.q, limit: query.limit, ...(query.category ? { category: query.category } : {}) }, caller),
    }),
  }),
  'GET /cases/{id}/suggestions': httpHandler({
    operation: 'SuggestForCase',
    params: CaseIdParams,
    query: SuggestionsQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await suggestForCase(params.id, caller, query.limit) }),
  }),
  'POST /knowledge/deflect': httpHandler({
    operation: 'DeflectCase',
    body: DeflectBody,
    handle: async ({ body, caller }) => ({ status: 200, body: await deflect(body, caller, body.limit) }),
  }),
});
