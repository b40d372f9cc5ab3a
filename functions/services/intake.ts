/**
 * One intake path for every channel (email, chat, social, the web form and the
 * partner API): validate, deduplicate, classify, prioritise, hand over, acknowledge.
 *
 * - Validation happens at each channel's edge (zod, mailparser); what arrives here
 *   is an `IntakeItem`.
 * - Every delivery has an idempotency record keyed by its channel's delivery id
 *   (Message-ID, deliveryId). It commits in the same transaction as whatever the
 *   delivery did, so a retry, even one running in parallel, replays the first
 *   result and never writes twice.
 * - Machines (auto-replies, bounces, bulk mail) are recorded and never answered.
 * - A reply to a case's notification, or the next message of a chat thread, is a
 *   public comment by the requester on that case; a closed case's thread opens a
 *   new case related to the old one.
 * - A near-identical message from the same requester inside the window joins
 *   their open case (`DuplicateIntake` in its trail, with score and window),
 *   decided under the requester's intake guard so that two at once open one case.
 * - Classification and priority are the case type's (intake form, priority
 *   formula) through `prepareCase`, exactly as for `POST /cases`; routing reacts
 *   to `CaseCreated`, and the acknowledgement consumer (`functions/intake-ack`)
 *   to `CaseCreated` and `DuplicateIntake`.
 */
import { logger } from '../observability.js';
import { isStaff, type Caller } from '#core/caller.js';
import { isOpen, type Case, type Party, type StoredCase } from '#core/case.js';
import { auditEvent, type ChangeContext } from '#core/audit-event.js';
import type { NewCase } from '#core/case-lifecycle.js';
import { writeComment } from '#core/comment.js';
import { caseView, type CaseView } from '#core/case-view.js';
import { conflict, isDomainError } from '#core/errors.js';
import { requestFingerprint, sha256 } from '#core/fingerprint.js';
import { assertNotMerged } from '#core/links.js';
import type { EmailClass, InboundAttachment, ThreadHint } from '#core/intake/email.js';
import type { IntakeOutcome } from '#core/intake/channel-message.js';
import { findDuplicate, remember, withinWindow, type DedupPolicy, type DuplicateMatch } from '#core/intake/dedup.js';
import { comparableText, similarity } from '#core/intake/similarity.js';
import type { Channel } from '#core/vocabulary.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as intakeRepo from '#adapters/dynamodb/intake-repository.js';
import * as links from '#adapters/dynamodb/link-repository.js';
import { auditItem, caseCommitItems, commitCases, putNew, transactUnlessStale, type TransactItem } from '#adapters/dynamodb/transactions.js';
import { config } from '../config.js';
import { timeOrderedId, typeOf, untilWritten } from './case-access.js';
import { createCase, currentType, nextCaseId, prepareCase, replay } from './cases.js';
import { slaForNewCase } from './sla.js';
import { linkCase } from './links.js';
import { commentCommit, requesterReplyMove } from './automations.js';

export interface IntakeItem {
  readonly channel: Channel;
  /** The channel's id of this delivery: the idempotency key. */
  readonly deliveryId: string;
  readonly requester: Party;
  readonly subject: string;
  /** The whole text: the description of a new case. */
  readonly text: string;
  /** The new part only (an email reply without its quote): the comment added to an existing case. */
  readonly replyText?: string;
  readonly attachments: readonly InboundAttachment[];
  readonly type?: string;
  readonly classification?: EmailClass;
  /** Cases the message says it answers (email threading), strongest first. */
  readonly hints?: readonly ThreadHint[];
  /** The conversation on the channel's platform (chat, social): one open case per thread. */
  readonly externalThreadId?: string;
  /** The sender's address, for the record. */
  readonly from?: string;
}

export interface IntakeResult {
  readonly result: IntakeOutcome;
  readonly replayed: boolean;
}

export const dedupPolicy = (): DedupPolicy => ({ windowMinutes: config().INTAKE_DEDUP_WINDOW_MINUTES, threshold: config().INTAKE_DEDUP_THRESHOLD });

export const deliveryHashOf = (channel: string, deliveryId: string): string => sha256(`${channel}\n${deliveryId}`);

/** The requester acting through a channel: the author of what they write on their case. */
export const requesterCaller = (p: Party): Caller => ({
  sub: p.id,
  ...(p.name ? { name: p.name } : {}),
  ...(p.email ? { email: p.email } : {}),
  roles: ['requester'],
});

const sameRequester = (c: Case, p: Party): boolean =>
  c.requester.id === p.id || (c.requester.email !== undefined && p.email !== undefined && c.requester.email.toLowerCase() === p.email.toLowerCase());

/** A reply still belongs to a resolved case (an agent may reopen it); only a closed case sends it to a new one. */
const takesReplies = (c: Case): boolean => c.statusCategory !== 'closed';

/** Cases are never deleted; a merged one hands its writes to its survivor (one hop is all a merge makes). */
async function survivorOf(stored: StoredCase): Promise<StoredCase | undefined> {
  if (!stored.case.mergedInto) return stored;
  return repo.getCase(stored.case.mergedInto);
}

const MAX_DESCRIPTION = 20_000;
const MAX_SUBJECT = 200;
const fit = (text: string, max: number, empty: string) => {
  const trimmed = text.trim();
  return trimmed === '' ? empty : trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
};

export async function intake(item: IntakeItem, ctx: ChangeContext): Promise<IntakeResult> {
  const hash = deliveryHashOf(item.channel, item.deliveryId);
  const here: ChangeContext = { ...ctx, channel: item.channel };
  const outcome = await untilWritten(`Delivery ${item.deliveryId}`, () => attempt(item, hash, here));
  if (outcome.result.outcome === 'created' && outcome.result.relatedTo) await relateFollowUp(outcome.result.caseId, outcome.result.relatedTo, here);
  return outcome;
}

async function attempt(item: IntakeItem, hash: string, ctx: ChangeContext): Promise<IntakeResult | 'stale'> {
  const earlier = await intakeRepo.getDelivery(hash);
  if (earlier) return { result: earlier.result, replayed: true };
  const record = (result: IntakeOutcome): intakeRepo.DeliveryRecord => ({
    channel: item.channel,
    deliveryId: item.deliveryId,
    at: ctx.now,
    result,
    ...(item.from ? { from: item.from } : {}),
    ...(result.outcome === 'ignored' ? { subject: item.subject.slice(0, MAX_SUBJECT) } : {}),
  });

  if (item.classification && item.classification.kind !== 'person') {
    const result: IntakeOutcome = { outcome: 'ignored', kind: item.classification.kind, reason: item.classification.reason };
    logger.info('Intake ignored an automated message', { channel: item.channel, kind: result.kind, reason: result.reason });
    return (await transactUnlessStale([intakeRepo.newDeliveryItem(hash, record(result))])) === 'written' ? { result, replayed: false } : 'stale';
  }

  // Threading: a reply to a case, or the next message of a conversation.
  let predecessor: string | undefined;
  for (const hint of item.hints ?? []) {
    const found = await repo.getCase(hint.caseId);
    const stored = found && (await survivorOf(found));
    if (!stored || !sameRequester(stored.case, item.requester)) continue;
    if (takesReplies(stored.case)) return append(item, hash, stored, hint.signal, record, ctx);
    predecessor = stored.case.caseId;
    break;
  }
  const threadHash = item.externalThreadId === undefined ? undefined : deliveryHashOf(item.channel, item.externalThreadId);
  const thread = threadHash ? await intakeRepo.getThread(threadHash) : undefined;
  if (thread) {
    const found = await repo.getCase(thread.caseId);
    const stored = found && (await survivorOf(found));
    if (stored && takesReplies(stored.case)) return append(item, hash, stored, 'thread', record, ctx, thread);
    predecessor ??= thread.caseId;
  }

  // Deduplication: the same request again from the same person, while their case is open.
  const guard = await intakeRepo.getIntakeGuard(item.requester.id);
  const policy = dedupPolicy();
  const text = comparableText(item.subject, item.text);
  const candidates = guard.recent.filter((e) => withinWindow(e, ctx.now, policy.windowMinutes) && similarity(text, e.text) >= policy.threshold);
  const cases = new Map<string, StoredCase>();
  await Promise.all(
    [...new Set(candidates.map((c) => c.caseId))].map(async (caseId) => {
      const found = await repo.getCase(caseId);
      const stored = found && (await survivorOf(found));
      if (stored && sameRequester(stored.case, item.requester)) cases.set(caseId, stored);
    }),
  );
  const match = predecessor
    ? undefined
    : findDuplicate(text, candidates, ctx.now, policy, (caseId) => cases.has(caseId) && isOpen(cases.get(caseId)!.case));
  if (match)
    return appendDuplicate(
      item,
      hash,
      cases.get(match.caseId)!,
      match,
      text,
      guard,
      record,
      ctx,
      threadHash ? { hash: threadHash, read: thread } : undefined,
    );

  const type = await currentType(item.type ?? 'support');
  const input: NewCase = {
    type: type.typeId,
    subject: fit(item.subject, MAX_SUBJECT, '(no subject)'),
    description: fit(item.text, MAX_DESCRIPTION, '(no text)'),
    channel: item.channel,
    requester: item.requester,
  };
  const prepared = await prepareCase(input, type, ctx);
  const drafted = prepared(await nextCaseId(ctx.now));
  // The requester's entitlement picks the SLA and its clocks start in the create, as for POST /cases.
  const sla = await slaForNewCase(drafted, ctx);
  const opened = { ...drafted, case: sla.case };
  const caseId = opened.case.caseId;
  const result: IntakeOutcome = { outcome: 'created', caseId, ...(predecessor ? { relatedTo: predecessor } : {}) };
  const extra: TransactItem[] = [
    intakeRepo.guardItem(item.requester.id, guard, remember(guard.recent, { caseId, at: ctx.now, text }, ctx.now, policy.windowMinutes)),
    intakeRepo.newDeliveryItem(hash, record(result)),
    intakeRepo.caseIntakeItem(hash, intakeRecord(item, caseId, 'created', ctx)),
    ...(threadHash ? [intakeRepo.threadItem(threadHash, item.channel, item.externalThreadId!, caseId, thread)] : []),
    ...sla.items,
  ];
  const inserted = await repo.insertCase(opened, undefined, extra, sla.audits);
  return inserted.outcome === 'created' ? { result, replayed: false } : 'stale';
}

function intakeRecord(
  item: IntakeItem,
  caseId: string,
  outcome: IntakeOutcome['outcome'],
  ctx: ChangeContext,
  extra: Partial<intakeRepo.CaseIntakeRecord> = {},
): intakeRepo.CaseIntakeRecord {
  return {
    caseId,
    channel: item.channel,
    deliveryId: item.deliveryId,
    at: ctx.now,
    outcome,
    from: { id: item.requester.id, ...(item.from ? { address: item.from } : {}), ...(item.requester.name ? { name: item.requester.name } : {}) },
    attachments: item.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.size })),
    ...(item.classification ? { classification: `${item.classification.kind}: ${item.classification.reason}` } : {}),
    ...extra,
  };
}

/** The requester's message as a public comment on their case. */
function commentOf(item: IntakeItem, stored: StoredCase, ctx: ChangeContext) {
  assertNotMerged(stored.case);
  const commentId = timeOrderedId(ctx.now);
  const body = fit(item.replyText ?? item.text, MAX_DESCRIPTION, '(no text)');
  return writeComment(stored, commentId, { body, visibility: 'public' }, undefined, { ...ctx, caller: requesterCaller(item.requester) });
}

async function append(
  item: IntakeItem,
  hash: string,
  stored: StoredCase,
  via: string,
  record: (result: IntakeOutcome) => intakeRepo.DeliveryRecord,
  ctx: ChangeContext,
  thread?: intakeRepo.ThreadMapping,
): Promise<IntakeResult | 'stale'> {
  const caseId = stored.case.caseId;
  const written = commentOf(item, stored, ctx);
  const { comment } = written;
  const result: IntakeOutcome = { outcome: 'appended', caseId, commentId: comment.commentId, via };
  const items: TransactItem[] = [
    putNew(repo.commentItem(comment)),
    intakeRepo.newDeliveryItem(hash, record(result)),
    intakeRepo.caseIntakeItem(hash, intakeRecord(item, caseId, 'appended', ctx, { commentId: comment.commentId, threadSignal: via })),
  ];
  // A thread that pointed at a merged case now points at its survivor.
  if (thread && thread.caseId !== caseId)
    items.push(intakeRepo.threadItem(deliveryHashOf(item.channel, item.externalThreadId!), item.channel, item.externalThreadId!, caseId, thread));
  // The requester's reply moves the response clocks, and the workflow, as a reply through the API does.
  const commit = await commentCommit(stored, written, { ...ctx, caller: requesterCaller(item.requester) }, items);
  return (await commitCases(commit)) === 'written' ? { result, replayed: false } : 'stale';
}

/**
 * The repeat joins the open case as the requester's comment, and a
 * `DuplicateIntake` event right after it records the decision and its evidence:
 * both sealed onto the chain in one commit, with the guard's condition.
 */
async function appendDuplicate(
  item: IntakeItem,
  hash: string,
  stored: StoredCase,
  match: DuplicateMatch,
  text: string,
  guard: intakeRepo.IntakeGuard,
  record: (result: IntakeOutcome) => intakeRepo.DeliveryRecord,
  ctx: ChangeContext,
  thread: { hash: string; read: intakeRepo.ThreadMapping | undefined } | undefined,
  /** Writes that must land with the decision (a web form's Idempotency-Key record). */
  also: readonly TransactItem[] = [],
): Promise<IntakeResult | 'stale'> {
  const caseId = stored.case.caseId;
  const { comment, audit: commented } = commentOf(item, stored, ctx);
  const evidence = {
    channel: item.channel,
    deliveryId: item.deliveryId,
    matchedCaseId: match.caseId,
    // The matched case was merged since: the repeat joined its survivor.
    ...(match.caseId !== caseId ? { joinedCaseId: caseId } : {}),
    score: match.score,
    threshold: match.threshold,
    windowMinutes: match.windowMinutes,
    matchedIntakeAt: match.matchedAt,
    method: 'jaccard/char-4-shingles',
    commentId: comment.commentId,
  };
  const decided = auditEvent(
    caseId,
    { seq: commented.seq, hash: commented.hash },
    'DuplicateIntake',
    { ...ctx, caller: requesterCaller(item.requester) },
    stored.case.version,
    [{ field: 'intake.duplicate', before: null, after: evidence }],
    {
      reason: `A near-identical message (score ${match.score} >= ${match.threshold}) from the same requester within ${match.windowMinutes} minutes joined this open case instead of opening another.`,
      target: { kind: 'comment', id: comment.commentId },
    },
  );
  const result: IntakeOutcome = { outcome: 'duplicate', caseId, commentId: comment.commentId, score: match.score };
  const items: TransactItem[] = [
    putNew(auditItem(commented)),
    putNew(repo.commentItem(comment)),
    intakeRepo.guardItem(item.requester.id, guard, remember(guard.recent, { caseId, at: ctx.now, text }, ctx.now, match.windowMinutes)),
    intakeRepo.newDeliveryItem(hash, record(result)),
    intakeRepo.caseIntakeItem(hash, intakeRecord(item, caseId, 'duplicate', ctx, { commentId: comment.commentId })),
    ...(thread && thread.read?.caseId !== caseId
      ? [intakeRepo.threadItem(thread.hash, item.channel, item.externalThreadId!, caseId, thread.read)]
      : []),
    ...also,
  ];
  // The repeat is the requester writing again: a case waiting on them goes back to work, as for a threaded reply.
  const move = await requesterReplyMove(stored, { seq: decided.seq, hash: decided.hash }, comment, {
    ...ctx,
    caller: requesterCaller(item.requester),
  });
  const moved = move ? { followUps: move.followUps, case: { next: move.next, expectedVersion: stored.case.version } } : {};
  return (await transactUnlessStale(caseCommitItems({ head: stored.head, audit: decided, ...moved, items: [...items, ...(move?.items ?? [])] }))) ===
    'written'
    ? { result, replayed: false }
    : 'stale';
}

/** A closed case's thread opened a new case: relate the two (after the fact, so a replay finishes it if this failed). */
async function relateFollowUp(caseId: string, previous: string, ctx: ChangeContext): Promise<void> {
  if (await links.getLink(caseId, previous)) return;
  const system: ChangeContext = { ...ctx, caller: { sub: 'caseway-intake', name: 'Caseway intake', roles: ['integration'] } };
  try {
    await linkCase(
      caseId,
      { targetId: previous, kind: 'related', reason: 'Follow-up: the conversation continued after the earlier case was closed.' },
      system,
    );
  } catch (error) {
    // Two replays racing to link: one wins, the other finds the link there.
    if (!(isDomainError(error) && (await links.getLink(caseId, previous)))) throw error;
  }
}

/** The case as the caller sees it, for answers that return it. */
export async function caseFor(caseId: string, caller: Caller): Promise<CaseView> {
  const stored = await repo.getCase(caseId);
  if (!stored) throw conflict(`Case ${caseId} is not there yet; retry.`);
  return caseView(stored.case, await typeOf(stored.case), caller);
}

/**
 * `POST /cases` through intake. Asked for with `Prefer: dedup` (the web form
 * and partner integrations send it; without it the create is exactly the plain
 * one, so clients that open similar cases on purpose keep doing so): a
 * near-identical repeat of the requester's own open case inside the window
 * joins that case (200 with the case and `Caseway-Duplicate-Of`) instead of
 * opening another, decided under the same per-requester guard as the channels,
 * and the Idempotency-Key behaves exactly as before.
 */
export async function createCaseThroughIntake(
  input: NewCase,
  ctx: ChangeContext,
  idempotencyKey?: string,
  options: { dedup?: boolean } = {},
): Promise<{ case: CaseView; replayed: boolean; duplicateOf?: { caseId: string; score: number } }> {
  const keyHash = idempotencyKey === undefined ? undefined : sha256(`${ctx.caller.sub}\n${idempotencyKey}`);
  const fingerprint = requestFingerprint(input);
  // A key whose first request joined an open case answers as it did then (200, Caseway-Duplicate-Of), with or without Prefer.
  const joined = keyHash ? await repo.getIdempotencyRecord(keyHash) : undefined;
  if (joined?.duplicateOf) {
    const c = replay(joined, fingerprint);
    return { case: caseView(c, await typeOf(c), ctx.caller), replayed: true, duplicateOf: joined.duplicateOf };
  }
  // A child case repeats its parent's words on purpose.
  if (!options.dedup || input.parentId !== undefined) return createCase(input, ctx, idempotencyKey);
  const type = await currentType(input.type);
  const prepared = await prepareCase(input, type, ctx);
  const expiresAt = Math.floor(Date.parse(ctx.now) / 1000) + config().IDEMPOTENCY_TTL_SECONDS;
  const view = async (c: Case) => caseView(c, c.typeVersion === type.version ? type : await typeOf(c), ctx.caller);
  // Staff name the requester (prepareCase refused a create that does not); a requester is always themselves.
  const requesterId = isStaff(ctx.caller) ? input.requester!.id : ctx.caller.sub;
  const policy = dedupPolicy();
  const text = comparableText(input.subject, input.description);

  return untilWritten('This Idempotency-Key', async () => {
    if (keyHash) {
      const earlier = await repo.getIdempotencyRecord(keyHash);
      if (earlier)
        return {
          case: await view(replay(earlier, fingerprint)),
          replayed: true,
          ...(earlier.duplicateOf ? { duplicateOf: earlier.duplicateOf } : {}),
        };
    }
    const guard = await intakeRepo.getIntakeGuard(requesterId);
    const candidates = guard.recent.filter((e) => withinWindow(e, ctx.now, policy.windowMinutes) && similarity(text, e.text) >= policy.threshold);
    const open = new Map<string, StoredCase>();
    for (const caseId of new Set(candidates.map((c) => c.caseId))) {
      const found = await repo.getCase(caseId);
      const stored = found && (await survivorOf(found));
      if (stored && stored.case.requester.id === requesterId && isOpen(stored.case)) open.set(caseId, stored);
    }
    const match = findDuplicate(text, candidates, ctx.now, policy, (caseId) => open.has(caseId));
    if (match) {
      const stored = open.get(match.caseId)!;
      const item: IntakeItem = {
        channel: ctx.channel,
        deliveryId: keyHash ? `idempotency:${keyHash}` : `request:${ctx.correlationId}:${timeOrderedId(ctx.now)}`,
        requester: stored.case.requester,
        subject: input.subject,
        text: `${input.subject}\n\n${input.description}`,
        attachments: [],
      };
      const hash = deliveryHashOf(item.channel, item.deliveryId);
      const record = (result: IntakeOutcome): intakeRepo.DeliveryRecord => ({
        channel: item.channel,
        deliveryId: item.deliveryId,
        at: ctx.now,
        result,
      });
      const duplicateOf = { caseId: stored.case.caseId, score: match.score };
      const keyItem = keyHash
        ? [repo.idempotencyItem(keyHash, { fingerprint, caseId: stored.case.caseId, response: stored.case, duplicateOf }, expiresAt)]
        : [];
      const written = await appendDuplicate(item, hash, stored, match, text, guard, record, ctx, undefined, keyItem);
      return written === 'stale' ? 'stale' : { case: await view(stored.case), replayed: false, duplicateOf };
    }
    const drafted = prepared(await nextCaseId(ctx.now));
    const sla = await slaForNewCase(drafted, ctx);
    const opened = { ...drafted, case: sla.case };
    const guardUpdate = intakeRepo.guardItem(
      requesterId,
      guard,
      remember(guard.recent, { caseId: opened.case.caseId, at: ctx.now, text }, ctx.now, policy.windowMinutes),
    );
    const inserted = await repo.insertCase(
      opened,
      keyHash ? { keyHash, fingerprint, expiresAt } : undefined,
      [guardUpdate, ...sla.items],
      sla.audits,
    );
    if (inserted.outcome === 'created') return { case: caseView(opened.case, type, ctx.caller), replayed: false };
    if (inserted.outcome === 'replay') return { case: await view(replay(inserted.record, fingerprint)), replayed: true };
    return 'stale';
  });
}
