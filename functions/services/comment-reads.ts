/**
 * Reading a case's comments. Apart from ./comments.ts, whose writes run the type's
 * automations and reach the SLA clocks (and date-holidays' data, about 1.4 MiB).
 */
import type { Caller } from '#core/caller.js';
import { commentsVisibleTo, type Comment } from '#core/comment.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { visibleCase } from './case-access.js';
import { mergedFamily } from './merged-family.js';

/** A case's comments; with `includeMerged`, also those of the cases merged into it, interleaved in time (each names its case). */
export async function listComments(caseId: string, caller: Caller, limit: number, cursor?: string, includeMerged = false): Promise<Page<Comment>> {
  await visibleCase(caseId, caller);
  const caseIds = includeMerged ? await mergedFamily(caseId, caller) : [caseId];
  return repo.listComments(caseIds, commentsVisibleTo(caller), limit, cursor);
}
