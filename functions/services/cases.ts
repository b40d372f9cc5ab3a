/**
 * Use cases of cases: they load what the domain needs (the case, its chain head,
 * its type version), let the pure core decide, and store its decision; on a lost
 * race they re-read and decide again. Handlers call these and map results to
 * HTTP; nothing here knows about HTTP.
 */
import { isStaff, type Caller } from '#core/caller.js';
import type { Case, StoredCase } from '#core/case.js';
import type { AuditEvent, CaseChange, ChangeContext } from '#core/audit-event.js';
import { migrateCase, intakeCase, reviseCase, transitionCase, type CasePatch, type NewCase, type TransitionRequest } from '#core/case-lifecycle.js';
import { caseView, type CaseView } from '#core/case-view.js';
import { CaseNumberAllocator, formatCaseId } from '#core/case-number.js';
import { type CaseType, fieldOf } from '#core/case-type.js';
import { DomainError, conflict, forbidden, preconditionFailed, validationFailed, type FieldIssue } from '#core/errors.js';
import { factsOf } from '#core/fields.js';
import { requestFingerprint, sha256 } from '#core/fingerprint.js';
import { optionsFor, transitionsFrom, type TransitionOption } from '#core/workflow.js';
import { caseTypes } from '#adapters/dynamodb/config-kinds.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as assetRepo from '#adapters/dynamodb/asset-repository.js';
import { caseCommitItems, commitCases, type TransactItem } from '#adapters/dynamodb/transactions.js';
import { newLinkItem } from '#adapters/dynamodb/link-repository.js';
import { adoptNewChild } from '#core/links.js';
import { ancestryOf } from './links.js';
import { config } from '../config.js';
import { guardContextOf } from './tasks.js';
import { maySee, typeOf, untilWritten, visibleCase, writableCase } from './case-access.js';
import { handoffSourceOf } from './handoff.js';
import { assertAssigneeInTeams } from './assignee-access.js';
import { slaAfterChange, slaForNewCase } from './sla.js';

let allocator: CaseNumberAllocator | undefined;
function caseNumbers(): CaseNumberAllocator {
  const { CASE_ID_PREFIX, CASE_NUMBER_BLOCK_SIZE } = config();
  allocator ??= new CaseNumberAllocator((year, size) => repo.reserveCaseNumbers(CASE_ID_PREFIX, year, size), CASE_NUMBER_BLOCK_SIZE);
  return allocator;
}

/** The case an Idempotency-Key's first request got, if this request is that one again (409-like problem otherwise). */
export function replay(record: repo.IdempotencyRecord, fingerprint: string): Case {
  if (record.fingerprint !== fingerprint) {
    throw new DomainError(
      'IdempotencyKeyReused',
      'This Idempotency-Key was already used with a different request body; use a new key for a new case.',
      [{ field: 'header.idempotency-key', rule: 'reused_with_different_body', message: 'The key is bound to another request.' }],
    );
  }
  return record.response;
}

/** A fresh case id for a case opened at `now`, from the same block allocator every create uses (intake and devices open cases through it). */
export async function nextCaseId(now: string): Promise<string> {
  const year = new Date(now).getUTCFullYear();
  return formatCaseId(config().CASE_ID_PREFIX, year, await caseNumbers().next(year));
}

/** Give back an id from `nextCaseId` whose case was certainly never written (every write with it was cancelled). */
export function returnCaseId(caseId: string): void {
  const match = /-(\d{4})-(\d+)$/.exec(caseId);
  if (match) caseNumbers().giveBack(Number(match[1]), Number(match[2]));
}

/** The current version of a type, or a 400 that names the types there are. */
export async function currentType(typeId: string): Promise<CaseType> {
  const type = await caseTypes.current(typeId);
  if (type) return type;
  const known = (await caseTypes.list()).map((t) => t.typeId);
  throw validationFailed([
    { field: 'body.type', rule: 'unknown_type', message: `There is no case type ${typeId}${known.length ? `; there are ${known.join(', ')}` : ''}.` },
  ]);
}

/**
 * References must name things the caller may use. A case reference names a case
 * the caller can see: a requester cannot learn that someone else's case exists by
 * pointing at it. A requester's asset reference names an asset they own: an asset
 * carries an entitlement (and its SLA), so pointing at another customer's asset
 * would spend theirs. Staff may name any asset, registered or not (a device not
 * yet enrolled). Both refusals read the same whether the thing exists or not.
 */
async function checkReferences(
  type: CaseType,
  fields: Readonly<Record<string, unknown>>,
  caller: Caller,
  at: string,
  extra: { parentId?: string | undefined } = {},
): Promise<void> {
  const wanted: { field: string; caseId: string }[] = [];
  const assets: { field: string; assetId: string }[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const def = fieldOf(type, name);
    if (def?.type !== 'reference' || typeof value !== 'string') continue;
    if (def.target === 'case') wanted.push({ field: `${at}.${name}`, caseId: value });
    else if (!isStaff(caller)) assets.push({ field: `${at}.${name}`, assetId: value });
  }
  if (extra.parentId) wanted.push({ field: 'body.parentId', caseId: extra.parentId });
  const issues: FieldIssue[] = [];
  await Promise.all([
    ...wanted.map(async ({ field, caseId }) => {
      const found = await repo.getCase(caseId);
      if (!found || !(await maySee(caller, found.case)))
        issues.push({ field, rule: 'unknown_reference', message: `There is no case ${caseId} you can see.` });
    }),
    ...assets.map(async ({ field, assetId }) => {
      const found = await assetRepo.getAsset(assetId);
      if (!found || found.owner.id !== caller.sub)
        issues.push({ field, rule: 'unknown_reference', message: `There is no asset ${assetId} of yours.` });
    }),
  ]);
  if (issues.length > 0) throw validationFailed(issues.sort((a, b) => (a.field < b.field ? -1 : 1)));
}

export async function createCase(input: NewCase, ctx: ChangeContext, idempotencyKey?: string): Promise<{ case: CaseView; replayed: boolean }> {
  // Keys are per caller: two partners choosing the same key never collide.
  return admitCase(
    input,
    await currentType(input.type),
    ctx,
    idempotencyKey === undefined ? undefined : sha256(`${ctx.caller.sub}\n${idempotencyKey}`),
  );
}

/** A new case that passed every check and waits only for its number. */
export type PreparedCase = (caseId: string) => CaseChange;

/** Every check a new case must pass (type rules, intake form, references), before it costs a case number. */
export async function prepareCase(input: NewCase, type: CaseType, ctx: ChangeContext): Promise<PreparedCase> {
  const open = intakeCase(input, type, ctx);
  await assertAssigneeInTeams(type.typeId, input.owner, ctx.caller);
  await checkReferences(type, input.fields ?? {}, ctx.caller, 'body.fields', { parentId: input.parentId });
  return open;
}

/**
 * Open a case of `type` (its current version), idempotently when `keyHash` is
 * given: the first request with the key creates, every later one with the same
 * body replays that result, one with another body is refused. Shared by the API
 * and by bulk import, so an imported row is created exactly as a posted case is.
 */
export async function admitCase(
  input: NewCase,
  type: CaseType,
  ctx: ChangeContext,
  keyHash?: string,
  keyTtlSeconds = config().IDEMPOTENCY_TTL_SECONDS,
  prepared?: PreparedCase,
): Promise<{ case: CaseView; replayed: boolean }> {
  const fingerprint = requestFingerprint(input);
  const view = async (c: Case) => caseView(c, c.typeVersion === type.version ? type : await typeOf(c), ctx.caller);
  if (keyHash) {
    const earlier = await repo.getIdempotencyRecord(keyHash);
    if (earlier) return { case: await view(replay(earlier, fingerprint)), replayed: true };
  }
  const open = prepared ?? (await prepareCase(input, type, ctx));
  const year = new Date(ctx.now).getUTCFullYear();
  const opened = open(formatCaseId(config().CASE_ID_PREFIX, year, await caseNumbers().next(year)));
  const expiresAt = Math.floor(Date.parse(ctx.now) / 1000) + keyTtlSeconds;
  return untilWritten('This Idempotency-Key', async () => {
    const family = opened.case.parentId ? await parentLinkOf(opened.case.parentId, opened.case.caseId, ctx) : [];
    // Decided inside the retry: a lost race for an entitlement's last case decides again on fresh counts.
    const sla = await slaForNewCase(opened, ctx);
    const result = await repo.insertCase(
      { ...opened, case: sla.case },
      keyHash ? { keyHash, fingerprint, expiresAt } : undefined,
      [...family, ...sla.items],
      sla.audits,
    );
    if (result.outcome === 'created') return { case: caseView(sla.case, type, ctx.caller), replayed: false };
    if (result.outcome === 'replay') return { case: await view(replay(result.record, fingerprint)), replayed: true };
    return 'stale';
  });
}

/**
 * A case opened with a parent is linked like any parent and child: the parent's
 * end of the link and its audit event commit with the new case, so both trees
 * and both trails agree.
 */
async function parentLinkOf(parentId: string, childId: string, ctx: ChangeContext): Promise<TransactItem[]> {
  const parent = await repo.getCase(parentId);
  if (!parent) throw validationFailed([{ field: 'body.parentId', rule: 'unknown_reference', message: `There is no case ${parentId} you can see.` }]);
  const adopted = adoptNewChild(parent, childId, await ancestryOf(parent.case), ctx);
  return [
    ...caseCommitItems({ head: parent.head, audit: adopted.parent.audit, items: [newLinkItem(adopted.parent.link)] }),
    newLinkItem(adopted.child),
  ];
}

/** A stale version is 412 and writes nothing. */
function assertVersion(stored: StoredCase, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && stored.case.version !== ifMatch) {
    throw preconditionFailed(
      `Case ${stored.case.caseId} is at version ${stored.case.version}, not ${ifMatch}; read it again and reapply your change.`,
      {
        currentVersion: stored.case.version,
      },
    );
  }
}

/**
 * Revise a case the client last saw at `ifMatch`. A stale version is 412 and
 * writes nothing; a race that only moved the history (a comment) is retried.
 */
export async function updateCase(caseId: string, patch: CasePatch, ifMatch: number, ctx: ChangeContext): Promise<CaseView> {
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    assertVersion(stored, ifMatch);
    const type = await typeOf(stored.case);
    const handsOver =
      (patch.owner !== undefined && patch.owner !== stored.case.owner) || (patch.queue !== undefined && patch.queue !== stored.case.queue);
    if (patch.owner !== undefined && patch.owner !== stored.case.owner) await assertAssigneeInTeams(stored.case.type, patch.owner, ctx.caller);
    const revised = reviseCase(stored, patch, type, ctx, handsOver ? await handoffSourceOf(caseId) : undefined);
    if (!revised) return caseView(stored.case, type, ctx.caller);
    if (patch.fields) await checkReferences(type, patch.fields, ctx.caller, 'body.fields');
    const sla = await slaAfterChange(stored.case, revised, { kind: 'revised' }, ctx);
    const outcome = await commitCases({
      head: stored.head,
      audit: revised.audit,
      followUps: sla.audits,
      case: { next: sla.case, expectedVersion: stored.case.version },
    });
    return outcome === 'written' ? caseView(sla.case, type, ctx.caller) : 'stale';
  });
}

/** What the caller may do with the case now: each transition their role allows, and what blocks it. */
export async function transitionOptions(
  caseId: string,
  caller: Caller,
): Promise<{ status: string; statusLabel: string; version: number; transitions: TransitionOption[] }> {
  const stored = await visibleCase(caseId, caller);
  const c = stored.case;
  const type = await typeOf(c);
  const guards = await guardContextOf(caseId, type, c.status);
  const facts = factsOf(c.fields, { channel: c.channel, status: c.status, owner: c.owner, queue: c.queue, priority: c.priority });
  return {
    status: c.status,
    statusLabel: type.workflow.states.find((s) => s.id === c.status)?.label ?? c.status,
    version: c.version,
    transitions: optionsFor(type, c.status, facts, caller, guards),
  };
}

/**
 * Move a case along its workflow. With `ifMatch`, only from that version (412
 * otherwise); without, from whatever the case is now, with the guards checked
 * against exactly the state the write is conditioned on, so two concurrent
 * transitions can never both succeed from one version.
 */
export async function transition(
  caseId: string,
  request: TransitionRequest,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<{ case: CaseView; audit: AuditEvent }> {
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    assertVersion(stored, ifMatch);
    const type = await typeOf(stored.case);
    // Only a transition that may set the owner can hand the case over: only then is its recent work read for a brief.
    const mayHandOver = transitionsFrom(type, stored.case.status).some((t) => t.to === request.to && t.effects.some((e) => e.kind === 'setOwner'));
    const source = mayHandOver ? await handoffSourceOf(caseId) : undefined;
    const moved = transitionCase(stored, request, type, ctx, await guardContextOf(caseId, type, stored.case.status), source);
    if (request.fields) await checkReferences(type, request.fields, ctx.caller, 'body.fields');
    const sla = await slaAfterChange(stored.case, moved, { kind: 'transitioned', effects: moved.audit.effects ?? [] }, ctx);
    const outcome = await commitCases({
      head: stored.head,
      audit: moved.audit,
      followUps: sla.audits,
      case: { next: sla.case, expectedVersion: stored.case.version },
    });
    return outcome === 'written' ? { case: caseView(sla.case, type, ctx.caller), audit: moved.audit } : 'stale';
  });
}

/**
 * Move a case onto a newer version of its type (default: the current one),
 * one version at a time through each version's migration map.
 */
export async function migrate(caseId: string, toVersion: number | undefined, ctx: ChangeContext): Promise<CaseView> {
  if (!isStaff(ctx.caller)) throw forbidden('Only staff may migrate a case.');
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    const { type: typeId, typeVersion } = stored.case;
    const target = toVersion ?? (await caseTypes.current(typeId))?.version ?? typeVersion;
    if (target <= typeVersion)
      throw conflict(`Case ${caseId} is already on version ${typeVersion} of ${typeId}; there is nothing later to migrate to.`);
    const path: CaseType[] = [await typeOf(stored.case)];
    for (let v = typeVersion + 1; v <= target; v++) {
      const step = await caseTypes.version(typeId, v);
      if (!step) throw validationFailed([{ field: 'body.toVersion', rule: 'unknown_version', message: `${typeId} has no version ${v}.` }]);
      path.push(step);
    }
    const moved = migrateCase(stored, path, ctx);
    // A migration may move the case into another state: the clocks follow it as for a transition without effects.
    const sla = await slaAfterChange(stored.case, moved, { kind: 'transitioned', effects: [] }, ctx);
    const outcome = await commitCases({
      head: stored.head,
      audit: moved.audit,
      followUps: sla.audits,
      case: { next: sla.case, expectedVersion: stored.case.version },
    });
    return outcome === 'written' ? caseView(sla.case, path.at(-1)!, ctx.caller) : 'stale';
  });
}

/**
 * Revise a case together with other writes that must agree with it (routing's
 * load counters and offer state): `alongside` builds them from the case as read,
 * and may throw to refuse. All of it commits in one transaction, or nothing does;
 * a lost race re-reads and decides again. The audit event is the ordinary
 * `CaseUpdated`, so `Assigned` and the rest flow as for any revision.
 */
export async function reviseAlong(
  caseId: string,
  patch: CasePatch,
  ctx: ChangeContext,
  alongside: (stored: StoredCase) => Promise<TransactItem[]>,
): Promise<{ case: Case; audit: AuditEvent }> {
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    const type = await typeOf(stored.case);
    const revised = reviseCase(stored, patch, type, ctx);
    if (!revised) throw conflict(`Case ${caseId} already has this ${Object.keys(patch).join(' and ')}.`);
    const items = await alongside(stored);
    const outcome = await commitCases({
      head: stored.head,
      audit: revised.audit,
      case: { next: revised.case, expectedVersion: stored.case.version },
      items,
    });
    return outcome === 'written' ? { case: revised.case, audit: revised.audit } : 'stale';
  });
}
