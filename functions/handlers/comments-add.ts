import { commentsAdd } from '#http/api/comments-add.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import { addComment } from '#services/comments.js';

export const handler = serve(commentsAdd, {
  addComment: async (request) => {
    const comment = await addComment(request.params.id, request.body, changeContextOf(request));
    return { status: 201, body: comment };
  },
});
