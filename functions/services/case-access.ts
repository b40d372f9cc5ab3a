/**
 * What every case use case starts with: the case as the caller may see it, the
 * type version it follows, and a retry when another change won the race.
 *
 * This is the one place record-level access is decided for the API: every read
 * or write of a case goes through `visibleCase`, every listing of cases through
 * `pageVisibleTo`, every reference to another case through `maySee`. A case the
 * caller may not see answers 404, exactly like one that does not exist, and every
 * read of a restricted case is written to the read-access log before it is answered.
 */
import { randomBytes } from 'node:crypto';
import { teamsOf, type Caller } from '#core/caller.js';
import { maySeeCase } from '#core/access.js';
import type { Case, StoredCase } from '#core/case.js';
import { caseView } from '#core/case-view.js';
import { assertNotMerged } from '#core/links.js';
import type { CaseAccess, CaseType } from '#core/case-type.js';
import { DomainError, conflict, notFound } from '#core/errors.js';
import { caseTypes } from '#adapters/dynamodb/config-kinds.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import { recordReads } from '#adapters/dynamodb/read-log-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { logger } from '../observability.js';
import { requestScope } from '../request-scope.js';

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

/**
 * The access rule of a type: its current version's, whichever version a case
 * follows, so restricting a type restricts its existing cases at once (and an
 * old version cannot be used to get round a new rule).
 */
export async function accessOf(typeId: string): Promise<CaseAccess | undefined> {
  const current = await caseTypes.current(typeId);
  if (!current) throw new Error(`Case type ${typeId} has no current version in the store`);
  return current.access;
}

/** Whether cases of `subject`'s type are restricted to teams. */
export const isRestricted = async (subject: Pick<Case, 'type'>): Promise<boolean> => (await accessOf(subject.type)) !== undefined;

/** Whether `caller` may see `subject` at all, without recording anything (for checks that return nothing of it). */
export async function maySee(caller: Caller, subject: Pick<Case, 'type' | 'requester'>): Promise<boolean> {
  return maySeeCase(caller, subject, await accessOf(subject.type));
}

/** The field names a case view of `c` carries for `caller`: what a read-access log entry lists. */
async function fieldsSeen(c: Case, caller: Caller): Promise<string[]> {
  const view = caseView(c, await typeOf(c), caller);
  const top = Object.keys(view).filter((key) => key !== 'fields' && view[key as keyof typeof view] !== undefined);
  return [...top, ...Object.keys(view.fields).map((name) => `fields.${name}`)];
}

/**
 * Write one log entry per restricted case read, before the answer leaves.
 * Fail closed: a read that cannot be recorded is not answered (503), since a
 * security log that silently drops entries is a hole, not a log.
 */
async function recordRestrictedReads(caller: Caller, cases: readonly { case: Case; access: CaseAccess | undefined }[]): Promise<void> {
  const restricted = cases.filter((entry) => entry.access !== undefined).map((entry) => entry.case);
  if (restricted.length === 0) return;
  const scope = requestScope();
  const at = new Date().toISOString();
  try {
    const reads = await Promise.all(
      restricted.map(async (c) => ({
        caseId: c.caseId,
        caseType: c.type,
        actor: { sub: caller.sub, roles: [...caller.roles], teams: [...teamsOf(caller)] },
        at,
        operation: scope?.operation ?? 'internal',
        fields: await fieldsSeen(c, caller),
        ...(scope ? { correlationId: scope.correlationId } : {}),
      })),
    );
    await recordReads(reads);
  } catch (error) {
    logger.error('Read-access log write failed; the read is refused', { error: error as Error, caseIds: restricted.map((c) => c.caseId) });
    throw new DomainError('ServiceUnavailable', 'The read could not be recorded in the read-access log, so nothing was returned; retry shortly.');
  }
}

export async function visibleCase(caseId: string, caller: Caller): Promise<StoredCase> {
  const stored = await repo.getCase(caseId);
  if (!stored) throw caseNotFound(caseId);
  const access = await accessOf(stored.case.type);
  if (!maySeeCase(caller, stored.case, access)) throw caseNotFound(caseId);
  await recordRestrictedReads(caller, [{ case: stored.case, access }]);
  return stored;
}

/** The cases of `cases` the caller may see, in order, their reads recorded. */
export async function visibleOnly<C extends Case>(caller: Caller, cases: readonly C[]): Promise<C[]> {
  const rules = new Map<string, Promise<CaseAccess | undefined>>();
  const ruleOf = (typeId: string) => {
    if (!rules.has(typeId)) rules.set(typeId, accessOf(typeId));
    return rules.get(typeId)!;
  };
  const judged = await Promise.all(cases.map(async (c) => ({ case: c, access: await ruleOf(c.type) })));
  const seen = judged.filter((entry) => maySeeCase(caller, entry.case, entry.access));
  await recordRestrictedReads(caller, seen);
  return seen.map((entry) => entry.case);
}

/**
 * A page of a listing with what the caller may not see left out, such that
 * neither its length nor its cursor gives the hidden items away:
 * - a raw page whose every item is hidden is not answered empty with a cursor
 *   (that would say "something is here"): the next raw page is read instead,
 *   until a visible item or the end;
 * - a raw page that ends on a hidden item is read again, shorter, to end on the
 *   last visible one, so the cursor's position is an item the caller may see.
 * Pages may be short. Every step either moves the start forward or shortens the
 * window, so the loop ends.
 */
export async function pageKept<T>(
  caller: Caller,
  limit: number,
  cursor: string | undefined,
  fetch: (limit: number, cursor: string | undefined) => Promise<Page<T>>,
  judge: (caller: Caller, items: readonly T[]) => Promise<boolean[]>,
): Promise<Page<T>> {
  let from = cursor;
  let size = limit;
  for (;;) {
    const page = await fetch(size, from);
    const keep = await judge(caller, page.items);
    const last = keep.lastIndexOf(true);
    if (last === -1) {
      if (!page.nextCursor) return { items: [] };
      from = page.nextCursor;
      size = limit;
      continue;
    }
    if (last === page.items.length - 1 || !page.nextCursor) {
      return { items: page.items.filter((_, i) => keep[i]), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    }
    size = last + 1;
  }
}

/** A page of cases the caller may see (see `pageKept`), each restricted one's read recorded. */
export async function pageVisibleTo<C extends Case>(
  caller: Caller,
  limit: number,
  cursor: string | undefined,
  fetch: (limit: number, cursor: string | undefined) => Promise<Page<C>>,
): Promise<Page<C>> {
  const page = await pageKept(caller, limit, cursor, fetch, judgeCases);
  return { ...page, items: await visibleOnly(caller, page.items) };
}

/** Whether the caller may see each case named by `caseIdOf`, reading the cases in one batch (listings of tasks, links). */
export function judgeByCaseId<T>(caseIdOf: (item: T) => string): (caller: Caller, items: readonly T[]) => Promise<boolean[]> {
  return async (caller, items) => {
    const ids = [...new Set(items.map(caseIdOf))];
    const cases = new Map(
      (await Promise.all(ids.map((id) => repo.getCase(id)))).flatMap((found) => (found ? [[found.case.caseId, found.case] as const] : [])),
    );
    const seen = await judgeCases(caller, [...cases.values()]);
    const visible = new Set([...cases.values()].filter((_, i) => seen[i]).map((c) => c.caseId));
    return items.map((item) => visible.has(caseIdOf(item)));
  };
}

async function judgeCases(caller: Caller, items: readonly Pick<Case, 'type' | 'requester'>[]): Promise<boolean[]> {
  const rules = new Map<string, Promise<CaseAccess | undefined>>();
  return Promise.all(
    items.map(async (c) => {
      if (!rules.has(c.type)) rules.set(c.type, accessOf(c.type));
      return maySeeCase(caller, c, await rules.get(c.type)!);
    }),
  );
}

/** A case the caller may see and that still takes changes: a merged case answers 409 naming its survivor. */
export async function writableCase(caseId: string, caller: Caller): Promise<StoredCase> {
  const stored = await visibleCase(caseId, caller);
  assertNotMerged(stored.case);
  return stored;
}

/** The type version a case follows. Versions are immutable and never deleted, so a miss is a broken store. */
export async function typeOf(c: { readonly type: string; readonly typeVersion: number }): Promise<CaseType> {
  const type = await caseTypes.version(c.type, c.typeVersion);
  if (!type) throw new Error(`Case type ${c.type} version ${c.typeVersion} is missing from the store`);
  return type;
}

/**
 * Ids for items inside a case (comments, tasks, attachments): the creation time
 * first, so they sort in creation order, then randomness, so they never collide.
 */
export const timeOrderedId = (now: string): string => `${now.replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
