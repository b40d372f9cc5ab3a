/**
 * A routing step as a case change: the revision it makes (queue, priority,
 * owner) and the `RoutingDecided` audit event that explains it, sealed onto the
 * case's chain so it commits with the change in one transaction.
 */
import type { Caller } from '../caller.js';
import { auditEvent, reviseCase, type AuditEvent, type Case, type CasePatch, type ChangeContext, type RoutingRecord, type StoredCase } from '../case.js';
import type { CaseType } from '../case-type.js';

/** Who routing acts as in the audit trail. */
export const ROUTING_CALLER: Caller = { sub: 'caseway-routing', name: 'Caseway routing', roles: ['integration'] };

export function routingChange(stored: StoredCase, type: CaseType, patch: CasePatch, ctx: ChangeContext, record: RoutingRecord): { case?: Case; audit: AuditEvent } {
  const changing = Object.values(patch).some((v) => v !== undefined);
  const revised = changing ? reviseCase(stored, patch, type, ctx) : undefined;
  const version = revised?.case.version ?? stored.case.version;
  return {
    ...(revised ? { case: revised.case } : {}),
    audit: auditEvent(stored.case.caseId, stored.head, 'RoutingDecided', ctx, version, revised?.audit.changes ?? [], { routing: record }),
  };
}
