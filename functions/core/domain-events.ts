/**
 * Domain events, derived from audit events. The audit item is the outbox: the
 * stream publishes what committed, so an event exists if and only if its change
 * does. What a transition asks of the rest of the platform (a named event, an SLA
 * clock action, a notification) is declared in its definition, recorded in its
 * audit event, and leaves here as an event of its own: nothing happens off the books.
 */
import type { AuditEvent } from './audit-event.js';
import type { Effect } from './case-type.js';

export const EVENT_SOURCE = 'caseway.cases';

export type DomainEventType =
  | AuditEvent['action']
  | 'StatusChanged'
  | 'Assigned'
  | 'Mentioned'
  /** A transition's `timer` effect: the SLA clocks act on it. */
  | 'ClockActionRequested'
  /** A transition's `notify` effect: the notification adapter acts on it. */
  | 'NotificationRequested'
  /** A transition's `emitEvent` effect, under the name the case type gives it. */
  | (string & {});

export interface DomainEvent {
  /** Stable across redeliveries, so every consumer can deduplicate on it. */
  readonly id: string;
  readonly source: typeof EVENT_SOURCE;
  readonly type: DomainEventType;
  readonly time: string;
  readonly caseId: string;
  /** The audit event, with restricted values withheld: the bus reaches partners and other teams. */
  readonly detail: AuditEvent;
  /** For events that carry out a transition's effect: which one. */
  readonly effect?: Effect;
}

/** Restricted field values never leave on the bus; that they changed does. */
function withoutRestrictedValues(audit: AuditEvent): AuditEvent {
  if (!audit.changes.some((c) => c.sensitivity === 'restricted')) return audit;
  return {
    ...audit,
    changes: audit.changes.map((c) =>
      c.sensitivity === 'restricted' ? { field: c.field, sensitivity: c.sensitivity, before: null, after: null } : c,
    ),
  };
}

/**
 * A handoff brief quotes staff notes (internal comments among them), which stay
 * inside the platform like the comments themselves: the bus learns that the case
 * changed hands (its owner and queue changes), not what the brief says.
 */
function withoutHandoffText(audit: AuditEvent): AuditEvent {
  if (!audit.handoff && !audit.changes.some((c) => c.field === 'handoff')) return audit;
  const { handoff: _brief, ...rest } = audit;
  return { ...rest, changes: audit.changes.map((c) => (c.field === 'handoff' ? { field: c.field, before: null, after: null } : c)) };
}

function effectEvent(effect: Effect): { type: DomainEventType; key: string } | undefined {
  switch (effect.kind) {
    case 'emitEvent':
      return { type: effect.event, key: effect.event };
    case 'timer':
      return { type: 'ClockActionRequested', key: `Clock/${effect.clock}/${effect.action}` };
    case 'notify':
      return { type: 'NotificationRequested', key: `Notify/${effect.to}/${effect.template}` };
    case 'setField':
    case 'setOwner':
      // Already in the event's changes.
      return undefined;
  }
}

/**
 * One audit event gives its own event, plus the narrower ones consumers ask for
 * by name (routing wants Assigned, SLA clocks want StatusChanged and clock actions,
 * notifications want Mentioned and notification requests).
 */
export function domainEventsOf(audit: AuditEvent): DomainEvent[] {
  const detail = withoutHandoffText(withoutRestrictedValues(audit));
  const event = (type: DomainEventType, key = type, effect?: Effect): DomainEvent => ({
    id: type === audit.action ? audit.eventId : `${audit.eventId}/${key}`,
    source: EVENT_SOURCE,
    type,
    time: audit.at,
    caseId: audit.caseId,
    detail,
    ...(effect ? { effect } : {}),
  });
  const changed = new Set(audit.changes.map((c) => c.field));
  const effects = (audit.effects ?? []).flatMap((effect) => {
    const e = effectEvent(effect);
    return e ? [event(e.type, e.key, effect)] : [];
  });
  return [
    event(audit.action),
    ...(changed.has('status') ? [event('StatusChanged')] : []),
    ...(changed.has('owner') ? [event('Assigned')] : []),
    ...(audit.mentions?.length ? [event('Mentioned')] : []),
    ...effects,
  ];
}
