/** Knowledge search, case suggestions and deflection: what the knowledge-search handler serves. */
import { DeflectBody, SearchQuery, SuggestionsQuery, SuggestionsRecord } from '../knowledge-schemas.js';
import { operation } from '../operation.js';
import { CaseIdParams } from '../schemas.js';

export const knowledgeSearch = {
  searchKnowledge: operation({
    operationId: 'searchKnowledge',
    method: 'GET',
    path: '/knowledge/search',
    fn: 'knowledge-search',
    auth: 'jwt',
    summary: 'Search the articles you may read: score, matched terms and highlights per hit',
    query: SearchQuery,
    responses: { 200: { description: 'The hits, best first, with a suggestionId for feedback.', schema: SuggestionsRecord } },
    problems: [400, 401, 403],
  }),
  suggestForCase: operation({
    operationId: 'suggestForCase',
    method: 'GET',
    path: '/cases/{id}/suggestions',
    fn: 'knowledge-search',
    auth: 'jwt',
    summary: 'Articles that may answer the case, from its subject and description',
    params: CaseIdParams,
    query: SuggestionsQuery,
    responses: { 200: { description: 'The suggestions, best first.', schema: SuggestionsRecord } },
    problems: [400, 401, 403, 404],
  }),
  deflectCase: operation({
    operationId: 'deflectCase',
    method: 'POST',
    path: '/knowledge/deflect',
    fn: 'knowledge-search',
    auth: 'jwt',
    summary: 'Articles that may answer a case before it is submitted (deflection)',
    body: DeflectBody,
    responses: { 200: { description: 'The suggestions, best first.', schema: SuggestionsRecord } },
    problems: [400, 401, 403, 413, 415],
  }),
};
