/**
 * The case record: what a case is, field by field, as storage holds it and every
 * response lists it. Changing a case is `case-lifecycle.ts`; explaining a change is
 * `audit-event.ts`; what one caller may read of it is `case-view.ts`.
 */
import type { ChainHead } from './audit-chain.js';
import type { StateCategory } from './case-type.js';
import type { PriorityScore } from './priority.js';
import type { SlaState } from './sla/state.js';
import { type Channel, type FieldValue, type Priority, PRIORITIES, CHANNELS } from './vocabulary.js';

export { PRIORITIES, CHANNELS, type Priority, type Channel, type FieldValue };

export interface Party {
  readonly id: string;
  readonly name?: string;
  readonly email?: string;
}

/** A case's summary of one attachment (its current version); the versions live on the attachment item. */
export interface Attachment {
  readonly attachmentId: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  /** Requesters see only public attachments. */
  readonly visibility?: 'public' | 'internal';
  readonly retentionClass?: string;
  readonly latestVersion?: number;
}

/** A structured brief for whoever receives a case from another queue or owner. */
export interface HandoffBrief {
  readonly generatedAt: string;
  /** The audit events the brief was built from. */
  readonly generatedFrom: readonly string[];
  readonly from: { readonly queue: string; readonly owner: string | null };
  readonly to: { readonly queue: string; readonly owner: string | null };
  readonly asked: string;
  readonly tried: readonly string[];
  readonly pending: readonly string[];
  readonly editedBy?: string;
  readonly editedAt?: string;
}

export interface Case {
  readonly caseId: string;
  /** The case type, and the version of it the case follows. */
  readonly type: string;
  readonly typeVersion: number;
  /** A state of the type version's workflow. */
  readonly status: string;
  readonly statusCategory: StateCategory;
  readonly priority: Priority;
  /** How the priority was reached, when the type has a formula. */
  readonly priorityScore: PriorityScore | null;
  readonly owner: string | null;
  readonly queue: string;
  readonly requester: Party;
  readonly channel: Channel;
  readonly subject: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly attachments: readonly Attachment[];
  /** Times the case was reopened after being resolved or closed. */
  readonly reopenCount: number;
  readonly resolvedAt: string | null;
  readonly parentId: string | null;
  /** Set when the case was merged into another: it is closed and points at the survivor. */
  readonly mergedInto: string | null;
  readonly handoff: HandoffBrief | null;
  /** Service-level clocks under the policy chosen at create; null when no policy applies. */
  readonly sla: SlaState | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
  /** Content version: the ETag. Bumped by every revision of the case itself. */
  readonly version: number;
}

/** The public record, field by field in the order every response lists them. */
const CASE_FIELDS = [
  'caseId',
  'type',
  'typeVersion',
  'status',
  'statusCategory',
  'priority',
  'priorityScore',
  'owner',
  'queue',
  'requester',
  'channel',
  'subject',
  'description',
  'fields',
  'attachments',
  'reopenCount',
  'resolvedAt',
  'parentId',
  'mergedInto',
  'handoff',
  'sla',
  'createdAt',
  'updatedAt',
  'createdBy',
  'version',
] as const satisfies readonly (keyof Case)[];

/** Exactly the public fields of a stored case, in their order: nothing internal leaves storage. */
export function caseRecord(stored: Readonly<Record<string, unknown>>): Case {
  return Object.fromEntries(CASE_FIELDS.filter((field) => stored[field] !== undefined).map((field) => [field, stored[field]])) as unknown as Case;
}

/** A case as read from storage: the record and where its history's chain ends. */
export interface StoredCase {
  readonly case: Case;
  readonly head: ChainHead;
}

/** Who may see a comment: requesters read public ones only. */
export type CommentVisibility = 'public' | 'internal';

/** Open work, for listings: active or waiting. */
export const isOpen = (c: Pick<Case, 'statusCategory'>): boolean => c.statusCategory === 'active' || c.statusCategory === 'waiting';
