/**
 * Use cases of the case slice: they load what the domain needs, let the pure core
 * decide, and store its decision; on a lost race they re-read and decide again.
 * Handlers call these and map results to HTTP; nothing here knows about HTTP.
 */
import { randomUUID } from 'node:crypto';
import { isStaff, type Caller } from '../core/caller.js';
import {
  canReadHistory,
  canSee,
  commentsVisibleTo,
  OPEN_STATUSES,
  openCase,
  reviseCase,
  writeComment,
  type AuditEvent,
  type Case,
  type CasePatch,
  type CaseStatus,
  type ChangeContext,
  type Comment,
  type NewCase,
  type NewComment,
} from '../core/case.js';
import { CaseNumberAllocator, formatCaseId } from '../core/case-number.js';
import { conflict, DomainError, forbidden, notFound, preconditionFailed } from '../core/errors.js';
import { requestFingerprint, sha256 } from '../core/fingerprint.js';
import * as repo from '../adapters/dynamodb/case-repository.js';
import { config } from '../config.js';

/** Lost races are retried this often before the client is told to retry (409). */
const MAX_ATTEMPTS = 8;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 5)));

let allocator: CaseNumberAllocator | undefined;
function caseNumbers(): CaseNumberAllocator {
  const { CASE_ID_PREFIX, CASE_NUMBER_BLOCK_SIZE } = config();
  allocator ??= new CaseNumberAllocator((year, size) => repo.reserveCaseNumbers(CASE_ID_PREFIX, year, size), CASE_NUMBER_BLOCK_SIZE);
  return allocator;
}

const caseNotFound = (caseId: string) => notFound(`Case ${caseId} does not exist or is not yours to see.`);

async function visibleCase(caseId: string, caller: Caller): Promise<repo.StoredCase> {
  const stored = await repo.getCase(caseId);
  if (!stored || !canSee(caller, stored.case)) throw caseNotFound(caseId);
  return stored;
}

function replay(record: repo.IdempotencyRecord, fingerprint: string): { case: Case; replayed: true } {
  if (record.fingerprint !== fingerprint) {
    throw new DomainError('IdempotencyKeyReused', 'This Idempotency-Key was already used with a different request body; use a new key for a new case.', [
      { field: 'header.idempotency-key', rule: 'reused_with_different_body', message: 'The key is bound to another request.' },
    ]);
  }
  return { case: record.response, replayed: true };
}

export async function createCase(input: NewCase, ctx: ChangeContext, idempotencyKey?: string): Promise<{ case: Case; replayed: boolean }> {
  const fingerprint = requestFingerprint(input);
  // Keys are per caller: two partners choosing the same key never collide.
  const keyHash = idempotencyKey === undefined ? undefined : sha256(`${ctx.caller.sub}\n${idempotencyKey}`);
  if (keyHash) {
    const earlier = await repo.getIdempotencyRecord(keyHash);
    if (earlier) return replay(earlier, fingerprint);
  }
  const year = new Date(ctx.now).getUTCFullYear();
  const caseId = formatCaseId(config().CASE_ID_PREFIX, year, await caseNumbers().next(year));
  const opened = openCase(caseId, input, ctx);
  const expiresAt = Math.floor(Date.parse(ctx.now) / 1000) + config().IDEMPOTENCY_TTL_SECONDS;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const result = await repo.insertCase(opened, keyHash ? { keyHash, fingerprint, expiresAt } : undefined);
    if (result.outcome === 'created') return { case: opened.case, replayed: false };
    if (result.outcome === 'replay') return replay(result.record, fingerprint);
    await pause(attempt);
  }
  throw conflict('The case could not be stored because of concurrent requests with the same key; retry the request.');
}

export async function getCase(caseId: string, caller: Caller): Promise<Case> {
  return (await visibleCase(caseId, caller)).case;
}

/**
 * Revise a case the client last saw at `ifMatch`. A stale version is 412 and
 * writes nothing; a race that only moved the history (a comment) is retried.
 */
export async function updateCase(caseId: string, patch: CasePatch, ifMatch: number, ctx: ChangeContext): Promise<Case> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await visibleCase(caseId, ctx.caller);
    if (stored.case.version !== ifMatch) {
      throw preconditionFailed(`Case ${caseId} is at version ${stored.case.version}, not ${ifMatch}; read it again and reapply your change.`, {
        currentVersion: stored.case.version,
      });
    }
    const revised = reviseCase(stored.case, stored.seq, patch, ctx);
    if (!revised) return stored.case;
    const outcome = await repo.replaceCase(revised.case, { version: stored.case.version, seq: stored.seq }, revised.audit);
    if (outcome === 'written') return revised.case;
    await pause(attempt);
  }
  throw conflict(`Case ${caseId} is changing too fast to update; retry.`);
}

export async function addComment(caseId: string, input: NewComment, ctx: ChangeContext): Promise<Comment> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await visibleCase(caseId, ctx.caller);
    const { comment, audit } = writeComment(stored.case, stored.seq, randomUUID(), input, ctx);
    if ((await repo.appendComment(stored, comment, audit)) === 'written') return comment;
    await pause(attempt);
  }
  throw conflict(`Case ${caseId} is changing too fast to comment on; retry.`);
}

export interface ListRequest {
  readonly statuses?: readonly CaseStatus[];
  readonly owner?: string;
  readonly requester?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Requesters list their own cases; staff list by requester, owner or status (open work by default). */
export function listCases(request: ListRequest, caller: Caller): Promise<repo.Page<Case>> {
  const { limit, cursor, ...selector } = request;
  if (!isStaff(caller)) {
    if (selector.requester !== undefined && selector.requester !== caller.sub) throw forbidden('Requesters can list only their own cases.');
    return repo.listCases({ ...selector, requester: caller.sub }, limit, cursor);
  }
  const statuses = selector.statuses ?? (selector.owner === undefined && selector.requester === undefined ? OPEN_STATUSES : undefined);
  return repo.listCases({ ...selector, ...(statuses ? { statuses } : {}) }, limit, cursor);
}

export async function listComments(caseId: string, caller: Caller, limit: number, cursor?: string): Promise<repo.Page<Comment>> {
  await visibleCase(caseId, caller);
  return repo.listComments(caseId, commentsVisibleTo(caller), limit, cursor);
}

export async function history(caseId: string, caller: Caller, limit: number, cursor?: string): Promise<repo.Page<AuditEvent>> {
  await visibleCase(caseId, caller);
  if (!canReadHistory(caller)) throw forbidden('The audit history is visible to staff only.');
  return repo.listHistory(caseId, limit, cursor);
}
