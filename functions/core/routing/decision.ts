/**
 * A routing step as a case change: the revision it makes (queue, priority,
 * owner) and the `RoutingDecided` audit event that explains it, sealed onto the
 * case's chain so it commits with the change in one transaction.
 */
import type { Caller } from '../caller.js';
import type { Case, StoredCase } from '../case.js';
import { auditEvent, type AuditEvent, type ChangeContext, type RoutingRecord } from '../audit-event.js';
import { reviseCase, type CasePatch } from '../case-lifecycle.js';
import type { CaseType } from '../case-type.js';

/** Who routing acts as in the audit trail. */
export const ROUTING_CALLER: Caller = { sub: 'caseway-routing', name: 'Caseway routing', roles: ['integration'] };

export const PLACERS = ['person', 'escalation'] as const;

/**
 * A case placed by a person (a queue or owner change by hand) or by an SLA
 * escalation (its reassignment): routing rules no longer move it, on this event
 * or any later one; the case waits in the queue it was put in.
 */
export interface Placement {
  readonly by: (typeof PLACERS)[number];
  readonly actor: string;
  readonly field: 'queue' | 'owner';
  readonly at: string;
  readonly eventId: string;
}

/** What an audit event says about placement: a queue or owner change by anyone but routing itself. */
export function placementOf(
  event: {
    readonly id: string;
    readonly actor?: { readonly sub: string };
    readonly at?: string;
    readonly changes: readonly { readonly field: string }[];
  },
  escalationActor: string,
): Placement | undefined {
  const actor = event.actor?.sub;
  if (actor === undefined || actor === ROUTING_CALLER.sub) return undefined;
  const field = event.changes.some((c) => c.field === 'queue') ? 'queue' : event.changes.some((c) => c.field === 'owner') ? 'owner' : undefined;
  if (!field) return undefined;
  return { by: actor === escalationActor ? 'escalation' : 'person', actor, field, at: event.at ?? '', eventId: event.id };
}

export function routingChange(
  stored: StoredCase,
  type: CaseType,
  patch: CasePatch,
  ctx: ChangeContext,
  record: RoutingRecord,
): { case?: Case; audit: AuditEvent } {
  const changing = Object.values(patch).some((v) => v !== undefined);
  const revised = changing ? reviseCase(stored, patch, type, ctx) : undefined;
  const version = revised?.case.version ?? stored.case.version;
  return {
    ...(revised ? { case: revised.case } : {}),
    audit: auditEvent(stored.case.caseId, stored.head, 'RoutingDecided', ctx, version, revised?.audit.changes ?? [], { routing: record }),
  };
}
