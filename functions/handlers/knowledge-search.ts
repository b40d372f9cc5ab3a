import { knowledgeSearch } from '#http/api/knowledge-search.js';
import { serve } from '#http/http-handler.js';
import { deflect, search, suggestForCase } from '#services/knowledge-search.js';

export const handler = serve(knowledgeSearch, {
  searchKnowledge: async ({ query, caller }) => ({
    status: 200,
    body: await search({ text: query.q, limit: query.limit, ...(query.category ? { category: query.category } : {}) }, caller),
  }),
  suggestForCase: async ({ params, query, caller }) => ({ status: 200, body: await suggestForCase(params.id, caller, query.limit) }),
  deflectCase: async ({ body, caller }) => ({ status: 200, body: await deflect(body, caller, body.limit) }),
});
