/** POST /cases/{id}/comments: the declaration the comments-add handler serves. */
import { operation } from '../operation.js';
import { CaseIdParams, CommentBody, CommentRecord } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { addComment } from '#services/comments.js';

export const commentsAdd = {
  addComment: operation({
    operationId: 'addComment',
    method: 'POST',
    path: '/cases/{id}/comments',
    fn: 'comments-add',
    auth: 'jwt',
    summary: 'Comment on a case, or reply in a thread (public, or internal for staff; @mentions)',
    description: 'Who: own case / staff. `public` (default) or `internal` (staff only); `parentId` replies in a thread; `@handle` mentions.',
    params: CaseIdParams,
    body: CommentBody,
    responses: { 201: { description: 'The comment.', schema: CommentRecord } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const comment = await addComment(request.params.id, request.body, changeContextOf(request));
      return { status: 201, body: comment };
    },
  }),
};
