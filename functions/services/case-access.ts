/**
 * What every case use case starts with: the case as the caller may see it, the
 * type version it follows, and a retry when another change won the race.
 */
import { randomBytes } from 'node:crypto';
import type { Caller } from '../core/caller.js';
import { canSee, type StoredCase } from '../core/case.js';
import { assertNotMerged } from '../core/links.js';
import type { CaseType } from '../core/case-type.js';
import { conflict, notFound } from '../core/errors.js';
import * as caseTypes from '../adapters/dynamodb/case-type-repository.js';
import * as repo from '../adapters/dynamodb/case-repository.js';

/** Lost races are retried this often before the client is told to retry (409). */
const MAX_ATTEMPTS = 12;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));

/**
 * Run read-decide-write until the write lands: `attempt` returns 'stale' when its
 * conditional write lost to a concurrent change, and is then run again on fresh data.
 */
export async function untilWritten<T>(what: string, attempt: () => Promise<T | 'stale'>): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const result = await attempt();
    if (result !== 'stale') return result;
    await pause(i);
  }
  throw conflict(`${what} is changing too fast; retry.`);
}

export const caseNotFound = (caseId: string) => notFound(`Case ${caseId} does not exist or is not yours to see.`);

export async function visibleCase(caseId: string, caller: Caller): Promise<StoredCase> {
  const stored = await repo.getCase(caseId);
  if (!stored || !canSee(caller, stored.case)) throw caseNotFound(caseId);
  return stored;
}

/** A case the caller may see and that still takes changes: a merged case answers 409 naming its survivor. */
export async function writableCase(caseId: string, caller: Caller): Promise<StoredCase> {
  const stored = await visibleCase(caseId, caller);
  assertNotMerged(stored.case);
  return stored;
}

/** The type version a case follows. Versions are immutable and never deleted, so a miss is a broken store. */
export async function typeOf(c: { readonly type: string; readonly typeVersion: number }): Promise<CaseType> {
  const type = await caseTypes.getCaseTypeVersion(c.type, c.typeVersion);
  if (!type) throw new Error(`Case type ${c.type} version ${c.typeVersion} is missing from the store`);
  return type;
}

/**
 * Ids for items inside a case (comments, tasks, attachments): the creation time
 * first, so they sort in creation order, then randomness, so they never collide.
 */
export const timeOrderedId = (now: string): string => `${now.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
