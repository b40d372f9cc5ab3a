import { commentsList } from '#http/api/comments-list.js';
import { serve } from '#http/http-handler.js';
import { listComments } from '#services/comment-reads.js';

export const handler = serve(commentsList, {
  listComments: async ({ params, query, caller }) => ({
    status: 200,
    body: await listComments(params.id, caller, query.limit, query.cursor, query.includeMerged),
  }),
});
