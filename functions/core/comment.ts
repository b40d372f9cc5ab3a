/** Comments on a case: public replies and internal notes, their threads and @mentions. */
import { type Caller, isStaff } from './caller.js';
import type { CommentVisibility, StoredCase } from './case.js';
import { actorOf, auditEvent, type AuditEvent, type ChangeContext } from './audit-event.js';
import { forbidden, validationFailed } from './errors.js';

export interface Comment {
  readonly commentId: string;
  readonly caseId: string;
  /** The comment this one answers; threads are one level deep, so a reply to a reply joins its thread. */
  readonly parentId: string | null;
  readonly body: string;
  readonly visibility: CommentVisibility;
  /** People named with @handle in the body. */
  readonly mentions: readonly string[];
  readonly author: AuditEvent['actor'];
  readonly createdAt: string;
}

export interface NewComment {
  readonly body: string;
  readonly visibility?: CommentVisibility;
  readonly parentId?: string;
}

/** `@handle` where handle is an identifier as the API takes them (a JWT sub, an agent id). */
const MENTION = /(?:^|[^\w@.])@([A-Za-z0-9][A-Za-z0-9._:-]{0,127})/g;

export function mentionsIn(body: string): string[] {
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1]!.replace(/[.:-]+$/, '')))];
}

export function writeComment(
  stored: StoredCase,
  commentId: string,
  input: NewComment,
  parent: Comment | undefined,
  ctx: ChangeContext,
): { comment: Comment; audit: AuditEvent } {
  const subject = stored.case;
  const visibility = input.visibility ?? parent?.visibility ?? 'public';
  if (visibility === 'internal' && !isStaff(ctx.caller)) throw forbidden('Only staff may write internal comments.');
  if (parent?.visibility === 'internal' && visibility === 'public') {
    throw validationFailed([{ field: 'body.visibility', rule: 'thread_is_internal', message: 'A reply in an internal thread is internal too.' }]);
  }
  const comment: Comment = {
    commentId,
    caseId: subject.caseId,
    parentId: parent ? (parent.parentId ?? parent.commentId) : null,
    body: input.body,
    visibility,
    mentions: mentionsIn(input.body),
    author: actorOf(ctx.caller),
    createdAt: ctx.now,
  };
  const audit = auditEvent(subject.caseId, stored.head, 'CommentAdded', ctx, subject.version, [], {
    target: { kind: 'comment', id: commentId },
    visibility,
    mentions: comment.mentions,
  });
  return { comment, audit };
}

/** Which comments a caller may read: requesters never see internal notes. */
export const commentsVisibleTo = (caller: Caller): 'all' | 'public' => (isStaff(caller) ? 'all' : 'public');
