/**
 * Use cases of comments: threaded (one level: a reply to a reply joins its thread),
 * public or internal, with @mentions recorded for notification.
 */
import type { ChangeContext } from '#core/audit-event.js';
import { commentsVisibleTo, writeComment, type Comment, type NewComment } from '#core/comment.js';
import { validationFailed } from '#core/errors.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import { commitCases, putNew } from '#adapters/dynamodb/transactions.js';
import { commentCommit } from './automations.js';
import { timeOrderedId, untilWritten, writableCase } from './case-access.js';

export async function addComment(caseId: string, input: NewComment, ctx: ChangeContext): Promise<Comment> {
  const commentId = timeOrderedId(ctx.now);
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    let parent: Comment | undefined;
    if (input.parentId !== undefined) {
      parent = await repo.getComment(caseId, input.parentId);
      // A requester must not learn that an internal comment exists: it is simply not there.
      if (!parent || (parent.visibility === 'internal' && commentsVisibleTo(ctx.caller) === 'public')) {
        throw validationFailed([
          { field: 'body.parentId', rule: 'unknown_comment', message: `Case ${caseId} has no comment ${input.parentId} to reply to.` },
        ]);
      }
    }
    const written = writeComment(stored, commentId, input, parent, ctx);
    const commit = await commentCommit(stored, written, ctx, [putNew(repo.commentItem(written.comment))]);
    return (await commitCases(commit)) === 'written' ? written.comment : 'stale';
  });
}
