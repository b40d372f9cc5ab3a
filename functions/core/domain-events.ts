/**
 * Domain events, derived from audit events. The audit item is the outbox: the
 * stream publishes what committed, so an event exists if and only if its change does.
 */
import type { AuditEvent } from './case.js';

export const EVENT_SOURCE = 'caseway.cases';

export type DomainEventType = AuditEvent['action'] | 'StatusChanged' | 'Assigned';

export interface DomainEvent {
  /** Stable across redeliveries, so every consumer can deduplicate on it. */
  readonly id: string;
  readonly source: typeof EVENT_SOURCE;
  readonly type: DomainEventType;
  readonly time: string;
  readonly caseId: string;
  readonly detail: AuditEvent;
}

/**
 * One audit event gives its own event, plus the narrower ones consumers ask for
 * by name (routing wants Assigned, SLA clocks want StatusChanged).
 */
export function domainEventsOf(audit: AuditEvent): DomainEvent[] {
  const event = (type: DomainEventType): DomainEvent => ({
    id: type === audit.action ? audit.eventId : `${audit.eventId}/${type}`,
    source: EVENT_SOURCE,
    type,
    time: audit.at,
    caseId: audit.caseId,
    detail: audit,
  });
  const changed = new Set(audit.changes.map((c) => c.field));
  return [
    event(audit.action),
    ...(audit.action === 'CaseUpdated' && changed.has('status') ? [event('StatusChanged')] : []),
    ...(audit.action === 'CaseUpdated' && changed.has('owner') ? [event('Assigned')] : []),
  ];
}
