/** What one caller may read of a case and its history: field clearance, redaction, staff-only parts. */
import { type Caller, isStaff } from './caller.js';
import type { Case } from './case.js';
import type { AuditEvent } from './audit-event.js';
import type { CaseType } from './case-type.js';
import { accessFor, fieldFilter, type FieldFilter } from './visibility.js';
import type { PriorityInputValue, PriorityScore } from './priority.js';

/** History is an internal record: staff only, whoever's case it is. */
export const canReadHistory = (caller: Caller): boolean => isStaff(caller);

export const REDACTED = '[redacted]';

/** An audit event as `caller` may read it: restricted field values are hidden from those without clearance. */
export function historyView(event: AuditEvent, mayReadRestricted: boolean): AuditEvent {
  if (mayReadRestricted || !event.changes.some((c) => c.sensitivity === 'restricted')) return event;
  return {
    ...event,
    changes: event.changes.map((c) =>
      c.sensitivity === 'restricted' ? { ...c, before: c.before === null ? null : REDACTED, after: c.after === null ? null : REDACTED } : c,
    ),
  };
}

/** A case as one caller may read it: the fields they may see, and the names of those they may not. */
export interface CaseView extends Omit<Case, 'priorityScore'> {
  readonly priorityScore: (Omit<PriorityScore, 'inputs'> & { readonly inputs: readonly (PriorityInputValue | RedactedInput)[] }) | null;
  /** Fields the case has that the caller's clearance does not cover (staff only; requesters never learn of them). */
  readonly redactedFields?: readonly string[];
}

/** A priority input read from a field the caller may not see: its weight shows, its value and points do not. */
export interface RedactedInput {
  readonly name: string;
  readonly field: string;
  readonly weight: number;
  readonly redacted: true;
}

/**
 * The priority explanation as one caller may read it, through the same field
 * filter as the fields: an input read from a field they may read shows in full;
 * one they may know of but not read shows its weight only; one they may not know
 * of is left out (the score and band stay: the priority itself is the case's).
 */
export function priorityScoreView(score: PriorityScore | null, filter: FieldFilter): CaseView['priorityScore'] {
  if (!score) return null;
  const inputs = score.inputs.flatMap((i): (PriorityInputValue | RedactedInput)[] => {
    const access = filter.access(i.field);
    if (access === 'read') return [i];
    return access === 'redacted' ? [{ name: i.name, field: i.field, weight: i.weight, redacted: true as const }] : [];
  });
  return { ...score, inputs };
}

export function caseView(c: Case, type: CaseType, caller: Caller): CaseView {
  const filter = fieldFilter(type, caller);
  const { fields, redacted } = filter.values(c.fields);
  const priorityScore = priorityScoreView(c.priorityScore, filter);
  // Listings read the case item alone, without the summary and brief stored beside it: they leave both out.
  const attachments =
    c.attachments === undefined ? undefined : isStaff(caller) ? c.attachments : c.attachments.filter((a) => a.visibility !== 'internal');
  return {
    ...c,
    fields,
    priorityScore,
    ...(attachments ? { attachments } : {}),
    handoff: isStaff(caller) ? c.handoff : null,
    // Clocks, policy and entitlement are internal workings: staff see them, requesters do not.
    // Listings read the case item alone: they leave it out, as they do the brief (the due-soon listing includes it).
    ...(c.sla === undefined ? {} : { sla: isStaff(caller) ? c.sla : null }),
    ...(redacted.length > 0 ? { redactedFields: redacted } : {}),
  };
}

/** Whether the caller's roles clear them for restricted fields of this type. */
export const hasClearance = (type: CaseType, caller: Caller): boolean => accessFor('restricted', type.clearance, caller) === 'read';
