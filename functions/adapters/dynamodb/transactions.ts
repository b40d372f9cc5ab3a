/**
 * Guarded writes. Every change to a case commits in one transaction with the
 * audit event that explains it and the advance of the case's chain head; the
 * head's condition (`seq` as read) makes the transaction fail if anything else
 * was written to the case's history since, so the history stays gapless and
 * totally ordered, and the caller re-reads and decides again.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ChainHead } from '#core/audit-chain.js';
import type { Attachment, Case, HandoffBrief } from '#core/case.js';
import type { AuditEvent } from '#core/audit-event.js';
import { dynamo, tableName } from './client.js';
import { shardFor } from './shard-plan.js';
import type { SlaState } from '#core/sla/state.js';
import {
  SLA_DUE_INDEX,
  attachmentSummaryKey,
  auditKey,
  caseIndexKeys,
  caseKey,
  handoffKey,
  headKey,
  slaDuePartition,
  slaDueSortKey,
  slaKey,
} from './keys.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A write lost a race: an item changed (or another transaction held it) since it was read. */
export type WriteOutcome = 'written' | 'stale';

export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** Put an item that must not exist yet: audit events, comments, links are never overwritten. */
export const putNew = (Item: Record<string, unknown>): TransactItem => ({
  Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Replace an item only if it is still at the version that was read. */
export const putIfVersion = (Item: Record<string, unknown>, version: number): TransactItem => ({
  Put: { TableName: tableName(), Item, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': version } },
});

/** Run a transaction whose conditions guard against lost races; a cancelled one is `stale`. */
export async function transactUnlessStale(items: TransactItem[]): Promise<WriteOutcome> {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    if (cancellationCodes(error)) return 'stale';
    throw error;
  }
}

/**
 * The case item holds everything but its handoff brief and its attachment summary:
 * kilobytes that only a handover or an upload changes, while every status change
 * rewrites the case item and its index entries (all four indexes project all
 * attributes). On the case, the brief alone took a transition from 16 to 28 units in
 * the bench, and the summary grew every later write with each file. Each lives as
 * its own item in the case's partition, written only by the commits that change it,
 * and is read back with the case.
 */
export const caseItem = (c: Case) => {
  const { handoff: _brief, attachments: _summary, sla: _clocks, ...rest } = c;
  return { ...caseKey(c.caseId), entity: 'Case', ...rest, ...caseIndexKeys(c) };
};
export const handoffItem = (caseId: string, brief: HandoffBrief) => ({ ...handoffKey(caseId), entity: 'HandoffBrief', caseId, brief });
export const attachmentSummaryItem = (caseId: string, attachments: readonly Attachment[]) => ({
  ...attachmentSummaryKey(caseId),
  entity: 'AttachmentSummary',
  caseId,
  attachments,
});
/**
 * The SLA state lives beside the case too: a reply that meets a clock rewrites
 * this small item instead of the case item and its four index copies, and the
 * due-soon index (gsi5) holds these small items, only while a clock runs.
 */
export const slaItem = (caseId: string, sla: SlaState | null) => ({
  ...slaKey(caseId),
  entity: 'CaseSla',
  caseId,
  sla,
  ...(sla?.nextDueAt
    ? { [SLA_DUE_INDEX.partitionKey]: slaDuePartition(shardFor('slaDue', caseId)), [SLA_DUE_INDEX.sortKey]: slaDueSortKey(sla.nextDueAt, caseId) }
    : {}),
});
export const auditItem = (e: AuditEvent) => ({ ...auditKey(e.caseId, e.seq), entity: 'AuditEvent', ...e });
export const headItem = (caseId: string, head: ChainHead) => ({ ...headKey(caseId), entity: 'AuditHead', caseId, seq: head.seq, hash: head.hash });

/** One case's part of a commit. */
export interface CaseCommit {
  /** The chain head as read: the commit fails if the history moved since. */
  readonly head: ChainHead;
  /** The next event, sealed onto `head`. */
  readonly audit: AuditEvent;
  /** Events that follow from it in the same change (SLA clocks), each sealed onto the one before. */
  readonly followUps?: readonly AuditEvent[];
  /** The case's new content, if the change revises it, with the version it was read at. */
  readonly case?: { readonly next: Case; readonly expectedVersion: number };
  /** The other writes of the change (a comment, a task, a link...). */
  readonly items?: readonly TransactItem[];
  /** Set when this commit merges the case away: its head then refuses every later commit. */
  readonly mergedInto?: string;
  /**
   * The case's new SLA state, when it changes without the case item (a reply).
   * With `case`, an event of the commit that changes field `sla` is enough: the
   * state of `case.next` is written beside the case.
   */
  readonly sla?: SlaState | null;
}

function slaOf(commit: CaseCommit): SlaState | null | undefined {
  if (commit.sla !== undefined) return commit.sla;
  const changed = [commit.audit, ...(commit.followUps ?? [])].some((e) => e.changes.some((c) => c.field === 'sla'));
  return changed && commit.case ? (commit.case.next.sla ?? null) : undefined;
}

/**
 * The items a new case is made of: the case, its chain's head and first events, and
 * its SLA clocks beside it. The order is fixed: callers read cancellation reasons by position.
 */
export function newCaseItems(created: { readonly case: Case; readonly audit: AuditEvent }, followUps: readonly AuditEvent[] = []): TransactItem[] {
  const last = followUps.at(-1) ?? created.audit;
  return [
    putNew(caseItem(created.case)),
    putNew(headItem(created.case.caseId, { seq: last.seq, hash: last.hash })),
    putNew(auditItem(created.audit)),
    ...followUps.map((e) => putNew(auditItem(e))),
    ...(created.case.sla ? [putNew(slaItem(created.case.caseId, created.case.sla))] : []),
  ];
}

/** The writes that commit one case's change: head advance, audit event, case, and the rest. */
export function caseCommitItems(commit: CaseCommit): TransactItem[] {
  const { caseId } = commit.audit;
  const last = commit.followUps?.at(-1) ?? commit.audit;
  return [
    {
      Update: {
        TableName: tableName(),
        Key: headKey(caseId),
        // A merged case's head carries `mergedInto`: no writer, however it read the case, can append to it again.
        UpdateExpression: `SET seq = :next, #hash = :hash${commit.mergedInto ? ', mergedInto = :merged' : ''}`,
        ConditionExpression: 'seq = :seq AND attribute_not_exists(mergedInto)',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: {
          ':seq': commit.head.seq,
          ':next': last.seq,
          ':hash': last.hash,
          ...(commit.mergedInto ? { ':merged': commit.mergedInto } : {}),
        },
      },
    },
    putNew(auditItem(commit.audit)),
    ...(commit.followUps ?? []).map((e) => putNew(auditItem(e))),
    ...(commit.case ? [putIfVersion(caseItem(commit.case.next), commit.case.expectedVersion)] : []),
    // A generated or edited brief travels on its audit event; the head's condition serializes its writers.
    ...(commit.audit.handoff ? [{ Put: { TableName: tableName(), Item: handoffItem(caseId, commit.audit.handoff) } }] : []),
    ...(slaOf(commit) !== undefined ? [{ Put: { TableName: tableName(), Item: slaItem(caseId, slaOf(commit)!) } }] : []),
    ...(commit.items ?? []),
  ];
}

/**
 * Commit changes to one case or several (a link or a merge touches two) in one
 * transaction: all of it, or none of it and `stale`.
 */
export const commitCases = (...commits: CaseCommit[]): Promise<WriteOutcome> => transactUnlessStale(commits.flatMap(caseCommitItems));
