/**
 * What each case change does to its SLA clocks. The services call these with the
 * case before and after a change; each returns the new SLA state and the audit
 * action that explains it (or nothing, when the clocks did not move), so the SLA
 * change commits in the same transaction as the case change.
 *
 * - create: firstResponse and resolution start (paused if the initial state pauses them);
 * - the first public staff reply meets firstResponse; a requester comment after a staff
 *   reply starts nextResponse, the next public staff reply meets it;
 * - entering a state the policy pauses a clock in pauses it, leaving resumes it;
 * - a transition's `timer` effects start, stop, pause or resume the named clock;
 * - entering a resolved or closed state completes resolution (met or breached) and stops
 *   the response clocks; reopening counts a met resolution on from where it was;
 * - a new policy or policy version (priority changed, policy republished) re-targets
 *   the live clocks, keeping their elapsed time.
 */
import type { Effect, StateCategory } from '../case-type.js';
import type { CalendarRules } from './calendar.js';
import { completeClock, isLive, pauseClock, reopenClock, resumeClock, retargetClock, startClock, stopClock, type ClockContext } from './clock.js';
import {
  CLOCK_NAMES,
  pausesIn,
  type ClockName,
  type ClockState,
  type SlaAction,
  type SlaEntitlementRef,
  type SlaPolicy,
  type SlaState,
} from './state.js';

export interface SlaSetup {
  readonly policy: SlaPolicy;
  readonly calendar: CalendarRules & { readonly calendarId: string };
}

export interface Place {
  readonly status: string;
  readonly category: StateCategory;
}

export interface SlaChange {
  readonly before: SlaState | null;
  readonly after: SlaState;
  readonly action: SlaAction;
  /** What happened to which clock, in words (the audit event's reason). */
  readonly notes: readonly string[];
}

type Happening = 'started' | 'paused' | 'resumed' | 'met' | 'breached' | 'stopped' | 'recomputed';
const ACTION_OF: Record<Happening, SlaAction> = {
  breached: 'SlaBreached',
  met: 'SlaMet',
  stopped: 'SlaStopped',
  started: 'SlaStarted',
  recomputed: 'SlaRecomputed',
  paused: 'SlaPaused',
  resumed: 'SlaResumed',
};
/** One audit event per change: it is named for the weightiest thing that happened. */
const PRECEDENCE: readonly Happening[] = ['breached', 'met', 'stopped', 'started', 'recomputed', 'paused', 'resumed'];

const contextOf = (setup: SlaSetup, now: string): ClockContext => ({ calendar: setup.calendar, warningPercent: setup.policy.warningPercent, now });

/** Earliest deadline of a running clock: the key the due-soon listing sorts by. */
export function nextDueOf(clocks: SlaState['clocks']): string | null {
  const due = Object.values(clocks)
    .filter((c): c is ClockState => c?.status === 'running' && c.dueAt !== null)
    .map((c) => c.dueAt!);
  return due.length === 0 ? null : due.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

class Changes {
  readonly clocks: Partial<Record<ClockName, ClockState>>;
  readonly happened: { clock: ClockName; what: Happening }[] = [];
  constructor(from: SlaState['clocks']) {
    this.clocks = { ...from };
  }
  set(clock: ClockName, next: ClockState, what: Happening | ((c: ClockState) => Happening)) {
    const previous = this.clocks[clock];
    if (previous && JSON.stringify(previous) === JSON.stringify(next)) return;
    this.clocks[clock] = next;
    this.happened.push({ clock, what: typeof what === 'function' ? what(next) : what });
  }
}

function finish(
  before: SlaState | null,
  base: Omit<SlaState, 'clocks' | 'nextDueAt'>,
  changes: Changes,
  extraNotes: readonly string[] = [],
): SlaChange | undefined {
  if (changes.happened.length === 0 && before !== null) return undefined;
  const after: SlaState = { ...base, clocks: changes.clocks, nextDueAt: nextDueOf(changes.clocks) };
  const first = PRECEDENCE.find((h) => changes.happened.some((x) => x.what === h)) ?? 'started';
  return { before, after, action: ACTION_OF[first], notes: [...changes.happened.map((h) => `${h.clock} ${h.what}`), ...extraNotes] };
}

const completed = (c: ClockState): Happening => (c.status === 'met' ? 'met' : 'breached');

/** The clocks of a new case: firstResponse and resolution, where the policy sets targets. */
export function openSla(
  setup: SlaSetup,
  entitlement: SlaEntitlementRef | null,
  at: Place,
  now: string,
  decisions: readonly string[] = [],
): SlaChange {
  const ctx = contextOf(setup, now);
  const changes = new Changes({});
  for (const clock of ['firstResponse', 'resolution'] as const) {
    const target = setup.policy.targets[clock];
    if (target !== undefined) changes.set(clock, startClock(target, ctx, pausesIn(setup.policy.pauses, clock, at.status, at.category)), 'started');
  }
  const base = {
    policyId: setup.policy.policyId,
    policyVersion: setup.policy.version,
    calendarId: setup.calendar.calendarId,
    entitlement,
    escalationLevel: 0,
  };
  const notes = [
    `policy ${setup.policy.policyId} v${setup.policy.version}${entitlement ? ` for entitlement ${entitlement.id} (${entitlement.level})` : ' (no entitlement)'}`,
    ...decisions,
  ];
  return { ...finish(null, base, changes)!, action: 'SlaStarted', notes: [...notes, ...changes.happened.map((h) => `${h.clock} ${h.what}`)] };
}

const baseOf = (sla: SlaState, setup: SlaSetup) => ({
  policyId: setup.policy.policyId,
  policyVersion: setup.policy.version,
  calendarId: setup.calendar.calendarId,
  entitlement: sla.entitlement,
  escalationLevel: sla.escalationLevel,
});

/**
 * A move from one state to another (a transition, or a migration that moved the
 * state), with the transition's own timer effects applied after the state's rules.
 */
export function slaOnTransition(
  sla: SlaState,
  setup: SlaSetup,
  from: Place,
  to: Place,
  effects: readonly Effect[],
  now: string,
): SlaChange | undefined {
  const ctx = contextOf(setup, now);
  const changes = new Changes(sla.clocks);
  const { pauses } = setup.policy;
  const done = to.category === 'resolved' || to.category === 'closed';
  const wasDone = from.category === 'resolved' || from.category === 'closed';
  for (const name of CLOCK_NAMES) {
    const clock = changes.clocks[name];
    if (!clock) continue;
    if (done) {
      if (name === 'resolution') changes.set(name, completeClock(clock, ctx), completed);
      else changes.set(name, stopClock(clock, ctx), 'stopped');
      continue;
    }
    const pausedThere = pausesIn(pauses, name, to.status, to.category);
    if (wasDone && name === 'resolution' && clock.status === 'met') {
      changes.set(name, reopenClock(clock, ctx, pausedThere), (c) => (c.status === 'running' ? 'resumed' : 'paused'));
      continue;
    }
    if (pausedThere && clock.status === 'running') changes.set(name, pauseClock(clock, ctx), 'paused');
    else if (!pausedThere && clock.status === 'paused' && pausesIn(pauses, name, from.status, from.category))
      changes.set(name, resumeClock(clock, ctx), 'resumed');
  }
  for (const effect of effects) {
    if (effect.kind !== 'timer') continue;
    const clock = changes.clocks[effect.clock];
    switch (effect.action) {
      case 'start': {
        const target = setup.policy.targets[effect.clock];
        if (target !== undefined && !(clock && isLive(clock))) {
          changes.set(effect.clock, startClock(target, ctx, pausesIn(pauses, effect.clock, to.status, to.category), clock), 'started');
        }
        break;
      }
      case 'stop':
        if (clock) changes.set(effect.clock, stopClock(clock, ctx), 'stopped');
        break;
      case 'pause':
        if (clock) changes.set(effect.clock, pauseClock(clock, ctx), 'paused');
        break;
      case 'resume':
        if (clock) changes.set(effect.clock, resumeClock(clock, ctx), 'resumed');
        break;
    }
  }
  return finish(sla, baseOf(sla, setup), changes);
}

/** A public reply by staff: it answers the customer, meeting the response clocks that run. */
export function slaOnStaffReply(sla: SlaState, setup: SlaSetup, now: string): SlaChange | undefined {
  const ctx = contextOf(setup, now);
  const changes = new Changes(sla.clocks);
  for (const name of ['firstResponse', 'nextResponse'] as const) {
    const clock = changes.clocks[name];
    if (clock && isLive(clock)) changes.set(name, completeClock(clock, ctx), completed);
  }
  return finish(sla, baseOf(sla, setup), changes);
}

/**
 * The requester wrote. Once staff have answered (firstResponse is over), their
 * message starts the nextResponse clock, unless one already runs for an earlier message.
 */
export function slaOnRequesterComment(sla: SlaState, setup: SlaSetup, at: Place, now: string): SlaChange | undefined {
  const target = setup.policy.targets.nextResponse;
  const first = sla.clocks.firstResponse;
  const next = sla.clocks.nextResponse;
  if (target === undefined || (first && isLive(first)) || (next && isLive(next))) return undefined;
  if (at.category === 'resolved' || at.category === 'closed') return undefined;
  const changes = new Changes(sla.clocks);
  changes.set(
    'nextResponse',
    startClock(target, contextOf(setup, now), pausesIn(setup.policy.pauses, 'nextResponse', at.status, at.category), next),
    'started',
  );
  return finish(sla, baseOf(sla, setup), changes);
}

/**
 * The case now falls under another policy or another version of it (its priority
 * changed, the policy was republished): live clocks take the new targets and
 * keep their elapsed time; a clock the new policy has no target for stops.
 */
export function slaOnPolicyChange(sla: SlaState, setup: SlaSetup, at: Place, now: string): SlaChange | undefined {
  if (sla.policyId === setup.policy.policyId && sla.policyVersion === setup.policy.version && sla.calendarId === setup.calendar.calendarId)
    return undefined;
  const ctx = contextOf(setup, now);
  const changes = new Changes(sla.clocks);
  for (const name of CLOCK_NAMES) {
    const clock = changes.clocks[name];
    if (!clock || !isLive(clock)) continue;
    const target = setup.policy.targets[name];
    if (target === undefined) {
      changes.set(name, stopClock(clock, ctx), 'stopped');
      continue;
    }
    const pausedThere = pausesIn(setup.policy.pauses, name, at.status, at.category);
    let next = retargetClock(clock, target, ctx);
    if (pausedThere && next.status === 'running') next = pauseClock(next, ctx);
    else if (!pausedThere && next.status === 'paused') next = resumeClock(next, ctx);
    changes.set(name, next, 'recomputed');
  }
  const note = `policy ${sla.policyId} v${sla.policyVersion} -> ${setup.policy.policyId} v${setup.policy.version}`;
  const result = finish(sla, baseOf(sla, setup), changes, [note]);
  // Even with no live clock the case records which policy it now falls under.
  return result ?? { before: sla, after: { ...sla, ...baseOf(sla, setup) }, action: 'SlaRecomputed', notes: [note] };
}

/** A case merged into another: its clocks stop unjudged (the survivor's clocks carry the work on). */
export function slaOnMerge(sla: SlaState, setup: SlaSetup, now: string): SlaChange | undefined {
  const ctx = contextOf(setup, now);
  const changes = new Changes(sla.clocks);
  for (const name of CLOCK_NAMES) {
    const clock = changes.clocks[name];
    if (clock && isLive(clock)) changes.set(name, stopClock(clock, ctx), 'stopped');
  }
  return finish(sla, { ...sla }, changes, ['merged into another case']);
}
