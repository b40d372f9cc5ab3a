/** GET /cases/{id}/comments: the declaration the comments-list handler serves. */
import { operation } from '../operation.js';
import { CaseIdParams, CommentRecord, MergedPageQuery, pageOf } from '../schemas.js';
import { listComments } from '#services/comment-reads.js';

export const commentsList = {
  listComments: operation({
    operationId: 'listComments',
    method: 'GET',
    path: '/cases/{id}/comments',
    fn: 'comments-list',
    auth: 'jwt',
    summary: 'Comments of a case, oldest first (requesters see public ones only); includeMerged adds those of the cases merged into it',
    description: 'Who: own case / staff. Oldest first; requesters see public comments only.',
    params: CaseIdParams,
    query: MergedPageQuery,
    responses: { 200: { description: 'A page of comments.', schema: pageOf(CommentRecord, 'CommentPage') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({
      status: 200,
      body: await listComments(params.id, caller, query.limit, query.cursor, query.includeMerged),
    }),
  }),
};
