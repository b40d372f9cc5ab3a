import { changeContextOf } from '../http/change-context.js';
import { httpHandler } from '../http/http-handler.js';
import { CaseIdParams, CommentBody } from '../http/schemas.js';
import { addComment } from '../services/comments.js';

export const handler = httpHandler({
  operation: 'AddComment',
  params: CaseIdParams,
  body: CommentBody,
  handle: async (request) => {
    const comment = await addComment(request.params.id, request.body, changeContextOf(request));
    return { status: 201, body: comment };
  },
});
