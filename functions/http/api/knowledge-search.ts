/** Knowledge search, case suggestions and deflection: what the knowledge-search handler serves. */
import { DeflectBody, SearchQuery, SuggestionsQuery, SuggestionsRecord } from '../knowledge-schemas.js';
import { operation } from '../operation.js';
import { CaseIdParams } from '../schemas.js';
import { deflect, search, suggestForCase } from '#services/knowledge-search.js';

export const knowledgeSearch = {
  searchKnowledge: operation({
    operationId: 'searchKnowledge',
    method: 'GET',
    path: '/knowledge/search',
    fn: 'knowledge-search',
    auth: 'jwt',
    summary: 'Search the articles you may read: score, matched terms and highlights per hit',
    description: 'Who: all roles. Articles the caller may read, best first: `score`, `matchedTerms`, `highlights`; a `suggestionId` for feedback.',
    query: SearchQuery,
    responses: { 200: { description: 'The hits, best first, with a suggestionId for feedback.', schema: SuggestionsRecord } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({
      status: 200,
      body: await search({ text: query.q, limit: query.limit, ...(query.category ? { category: query.category } : {}) }, caller),
    }),
  }),
  suggestForCase: operation({
    operationId: 'suggestForCase',
    method: 'GET',
    path: '/cases/{id}/suggestions',
    fn: 'knowledge-search',
    auth: 'jwt',
    summary: 'Articles that may answer the case, from its subject and description',
    description: 'Who: own case / staff. Articles for the case, from its subject and description.',
    params: CaseIdParams,
    query: SuggestionsQuery,
    responses: { 200: { description: 'The suggestions, best first.', schema: SuggestionsRecord } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({ status: 200, body: await suggestForCase(params.id, caller, query.limit) }),
  }),
  deflectCase: operation({
    operationId: 'deflectCase',
    method: 'POST',
    path: '/knowledge/deflect',
    fn: 'knowledge-search',
    auth: 'jwt',
    summary: 'Articles that may answer a case before it is submitted (deflection)',
    description: 'Who: all roles. Articles for a case not yet submitted (`subject`, `description`): deflection.',
    body: DeflectBody,
    responses: { 200: { description: 'The suggestions, best first.', schema: SuggestionsRecord } },
    problems: [400, 401, 403, 413, 415],
    handle: async ({ body, caller }) => ({ status: 200, body: await deflect(body, caller, body.limit) }),
  }),
};
