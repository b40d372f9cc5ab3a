/**
 * The audit event: one immutable line of a case's history, sealed onto the case's hash
 * chain, and the outbox record from which domain events are published. Every change to
 * a case produces one, in the same commit.
 */
import { type ChainHead, type Chained, seal } from './audit-chain.js';
import type { Caller } from './caller.js';
import type { Case, CommentVisibility, HandoffBrief } from './case.js';
import type { Effect, Sensitivity } from './case-type.js';
import type { SlaAction } from './sla/state.js';
import type { Channel } from './vocabulary.js';

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  /** For custom fields: how sensitive the field was when it changed (history and events redact by it). */
  readonly sensitivity?: Sensitivity;
}

export type AuditAction =
  | 'CaseCreated'
  | 'CaseUpdated'
  | 'Transitioned'
  | 'TypeMigrated'
  | 'CommentAdded'
  | 'TaskAdded'
  | 'TaskUpdated'
  | 'AttachmentAdded'
  | 'AttachmentVersionAdded'
  | 'CaseLinked'
  | 'CaseUnlinked'
  | 'CaseMerged'
  | 'MergeReceived'
  | 'HandoffEdited'
  | 'ArticleLinked'
  | SlaAction
  /** Intake recognised a message as a repeat of this open case and added it here instead of opening another. */
  | 'DuplicateIntake'
  /** Routing rules decided where the case goes (`routing` says which rules fired and why); see `core/routing/`. */
  | 'RoutingDecided';

/** What an event is about, when that is something inside the case (a comment, a task, a link...). */
export interface AuditTarget {
  readonly kind: 'comment' | 'task' | 'attachment' | 'link' | 'case' | 'article';
  readonly id: string;
}

/** One immutable line of a case's history; also the outbox record for domain events. */
export interface AuditEvent extends Chained {
  /** Stable across retries and redeliveries: `<caseId>/<seq>`. */
  readonly eventId: string;
  readonly caseId: string;
  readonly action: AuditAction;
  readonly at: string;
  readonly actor: { readonly sub: string; readonly name?: string; readonly roles: readonly string[] };
  readonly channel: Channel;
  readonly correlationId: string;
  /** The case version after this event. */
  readonly caseVersion: number;
  readonly changes: readonly FieldChange[];
  readonly reason?: string;
  readonly target?: AuditTarget;
  /** For comments: who may see it (the text itself never enters the trail). */
  readonly visibility?: CommentVisibility;
  /** For comments: who was mentioned. */
  readonly mentions?: readonly string[];
  readonly transition?: { readonly id: string; readonly from: string; readonly to: string; readonly reopen: boolean };
  /** Everything the transition's definition did, including what it asked of the bus (events, clocks, notifications). */
  readonly effects?: readonly Effect[];
  /** The brief generated (or edited) with this change, when the case changed hands. */
  readonly handoff?: HandoffBrief;
  /** For `RoutingDecided`: the rules that fired, the facts and conditions that matched, what was done. */
  readonly routing?: RoutingRecord;
  /** Set when the workflow took the transition by itself: what triggered it and under which rule. */
  readonly automation?: AutomationRecord;
}

/** Why the workflow moved a case by itself. */
export interface AutomationRecord {
  readonly on: 'requesterReply';
  /** Declared on the case type, or the default for types that declare none. */
  readonly rule: 'declared' | 'default';
  /** The reply that triggered it. */
  readonly commentId: string;
}

/** What a routing step records (shape owned by `core/routing/`; kept structural here to avoid an import cycle). */
export interface RoutingRecord {
  readonly step: string;
  readonly [key: string]: unknown;
}

export interface ChangeContext {
  readonly caller: Caller;
  readonly now: string;
  readonly channel: Channel;
  readonly correlationId: string;
}

/** A change and the audit event that explains it, ready to commit together. */
export interface CaseChange {
  readonly case: Case;
  readonly audit: AuditEvent;
}

export function actorOf(caller: Caller): AuditEvent['actor'] {
  return { sub: caller.sub, ...(caller.name ? { name: caller.name } : {}), roles: [...caller.roles] };
}

type AuditExtras = Partial<
  Pick<AuditEvent, 'reason' | 'target' | 'visibility' | 'mentions' | 'transition' | 'effects' | 'handoff' | 'routing' | 'automation'>
>;

/** The next event of a case's history, sealed onto the chain after `head` (none: the first event). */
export function auditEvent(
  caseId: string,
  head: ChainHead | undefined,
  action: AuditAction,
  ctx: ChangeContext,
  caseVersion: number,
  changes: readonly FieldChange[],
  extras: AuditExtras = {},
): AuditEvent {
  const seq = (head?.seq ?? 0) + 1;
  const defined = Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  return seal(caseId, head, {
    eventId: `${caseId}/${seq}`,
    caseId,
    seq,
    action,
    at: ctx.now,
    actor: actorOf(ctx.caller),
    channel: ctx.channel,
    correlationId: ctx.correlationId,
    caseVersion,
    changes: [...changes],
    ...defined,
  });
}
