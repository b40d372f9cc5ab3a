/**
 * What an SLA event on the timeline did to the case's clocks, read from the state before and
 * after that every SLA audit event carries (`changes[field = sla]`): one line per clock that
 * moved, with the deadline that matters for it. Pure (no words, no formatting), so the reading
 * is tested as a table; the timeline puts it into the feature's text and the viewer's time zone.
 */

/** The parts of an audit event (the API's AuditEvent) read here; pure, so no import of the generated schema. */
export interface SlaEventLike {
  readonly action: string;
  readonly changes: readonly { readonly field: string; readonly before?: unknown; readonly after?: unknown }[];
}

export type SlaHappening = 'started' | 'paused' | 'resumed' | 'warned' | 'breached' | 'met' | 'stopped' | 'retargeted';

export interface SlaLine {
  readonly clock: string;
  readonly what: SlaHappening;
  /** The deadline to show with it: when the clock is now due, or (breached) when it was due. */
  readonly due?: string;
}

export interface SlaStory {
  readonly lines: readonly SlaLine[];
  /** The escalation ladder's step now reached, when the event climbed it. */
  readonly escalatedTo?: number;
  /** The policy the clocks now run under, when the event chose or changed it. */
  readonly policy?: { readonly id: string; readonly version: number };
}

interface ClockLike {
  readonly status?: string;
  readonly dueAt?: string | null;
  readonly breachedAt?: string | null;
}
interface StateLike {
  readonly clocks?: Record<string, ClockLike | undefined>;
  readonly escalationLevel?: number;
  readonly policyId?: string;
  readonly policyVersion?: number;
}

/** The API's clocks in the order people meet them. */
const CLOCK_ORDER = ['firstResponse', 'nextResponse', 'resolution'];
const orderOf = (clock: string) => (CLOCK_ORDER.includes(clock) ? CLOCK_ORDER.indexOf(clock) : CLOCK_ORDER.length);

const asState = (value: unknown): StateLike | null => (value !== null && typeof value === 'object' ? (value as StateLike) : null);
const dueOf = (clock: ClockLike): string | undefined => clock.dueAt ?? undefined;

function lineFor(clock: string, before: ClockLike | undefined, after: ClockLike, warning: boolean): SlaLine[] {
  if (warning) return [{ clock, what: 'warned', due: dueOf(after) }];
  if (!before) {
    const started: SlaLine = { clock, what: 'started', due: dueOf(after) };
    // A clock can start paused (the case begins in a state that pauses it).
    return after.status === 'paused' ? [started, { clock, what: 'paused' }] : [started];
  }
  if (before.status === after.status) {
    return after.status === 'running' && before.dueAt !== after.dueAt ? [{ clock, what: 'retargeted', due: dueOf(after) }] : [];
  }
  switch (after.status) {
    case 'running':
      return [{ clock, what: 'resumed', due: dueOf(after) }];
    case 'paused':
      // Reopening a met clock leaves it paused until the case's state lets it run.
      return [{ clock, what: before.status === 'running' ? 'paused' : 'resumed' }];
    case 'met':
      return [{ clock, what: 'met' }];
    case 'breached':
      return [{ clock, what: 'breached', due: after.breachedAt ?? before.dueAt ?? undefined }];
    case 'stopped':
      return [{ clock, what: 'stopped' }];
    default:
      return [];
  }
}

/** The story of an SLA event, or undefined for any other event (or one without the SLA change). */
export function slaStory(event: SlaEventLike): SlaStory | undefined {
  if (!event.action.startsWith('Sla')) return undefined;
  const change = event.changes.find((c) => c.field === 'sla');
  if (!change) return undefined;
  const before = asState(change.before);
  const after = asState(change.after);
  if (!after) return undefined;
  const warning = event.action === 'SlaWarning';
  const lines = Object.entries(after.clocks ?? {})
    .sort(([a], [b]) => orderOf(a) - orderOf(b))
    .flatMap(([clock, state]) => (state ? lineFor(clock, before?.clocks?.[clock], state, warning) : []));
  const climbed = after.escalationLevel !== undefined && after.escalationLevel > (before?.escalationLevel ?? 0);
  const policyChanged =
    after.policyId !== undefined &&
    after.policyVersion !== undefined &&
    (before?.policyId !== after.policyId || before?.policyVersion !== after.policyVersion);
  return {
    lines,
    ...(climbed ? { escalatedTo: after.escalationLevel } : {}),
    ...(policyChanged ? { policy: { id: after.policyId!, version: after.policyVersion! } } : {}),
  };
}
