import { httpHandler } from '../http/http-handler.js';
import { CaseIdParams, MergedPageQuery } from '../http/schemas.js';
import { listComments } from '../services/comments.js';

export const handler = httpHandler({
  operation: 'ListComments',
  params: CaseIdParams,
  query: MergedPageQuery,
  handle: async ({ params, query, caller }) => ({ status: 200, body: await listComments(params.id, caller, query.limit, query.cursor, query.includeMerged) }),
});
