/**
 * What one armed SLA clock does, step by step. An execution of the clock state
 * machine belongs to one generation of one clock: while the clock runs it warns
 * and then breaches; a breach bumps the generation (`breachClock`), and the
 * breached generation's execution climbs the policy's escalation ladder (the
 * resolution clock's only). The state machine only waits and loops; every
 * decision is made here, on the case as it is when the timer fires, so a timer
 * that fires late, early, twice or for a clock re-armed since does the right
 * thing: nothing, or the one thing still owed. No I/O here.
 */
import type { Effect } from '../case-type.js';
import { OPEN_CATEGORIES, type StateCategory } from '../case-type.js';
import { PRIORITIES, type Priority } from '../vocabulary.js';
import { addBusinessMinutes } from './calendar.js';
import { breachClock } from './clock.js';
import { nextDueOf, type SlaSetup } from './case-sla.js';
import type { ClockName, ClockState, EscalationRung, SlaState } from './state.js';

export type StepKind = 'warning' | 'breach' | 'escalation';

/** The next thing an armed clock will do, and when: the state machine waits until `at`. */
export interface TimerStep {
  readonly kind: StepKind;
  /** 1-based rung of the ladder for escalations; 0 otherwise. */
  readonly rung: number;
  readonly at: string;
}

/** What the state machine carries between its states (its execution input). */
export interface TimerInput {
  readonly caseId: string;
  readonly clock: ClockName;
  readonly generation: number;
  readonly next: TimerStep;
}

/** A check's answer: the step to wait for next, or that this execution is finished. */
export type NextStep = (TimerStep & { readonly done: false }) | { readonly done: true; readonly reason: string };

/** The execution name: one per armed clock generation, so arming twice starts one execution. */
export const executionName = (caseId: string, clock: ClockName, generation: number): string => `${caseId}-${clock}-${generation}`;

/** Only the resolution clock climbs the escalation ladder (the policy's rungs count from its breach). */
export const LADDER_CLOCK: ClockName = 'resolution';

/** The rung after `climbed` rungs, due `afterMinutes` business minutes after the breach. */
function rungAfter(climbed: number, clockName: ClockName, clock: ClockState, setup: SlaSetup): TimerStep | undefined {
  const rung = setup.policy.escalation[climbed];
  if (clockName !== LADDER_CLOCK || !rung || !clock.breachedAt) return undefined;
  // Counted from the breach itself, never from when a timer fired: a late timer does not push the ladder back.
  return { kind: 'escalation', rung: climbed + 1, at: addBusinessMinutes(setup.calendar, clock.breachedAt, rung.afterMinutes).toISOString() };
}

/**
 * Where an execution for this clock generation starts: a running clock at its
 * warning (or its breach, with no warning ahead), a breached resolution clock at
 * the next rung of the ladder. Nothing otherwise.
 */
export function firstStep(clockName: ClockName, clock: ClockState, sla: SlaState, setup: SlaSetup): TimerStep | undefined {
  if (clock.status === 'running' && clock.dueAt) {
    if (clock.warnAt && clock.warnAt < clock.dueAt) return { kind: 'warning', rung: 0, at: clock.warnAt };
    return { kind: 'breach', rung: 0, at: clock.dueAt };
  }
  if (clock.status === 'breached') return rungAfter(sla.escalationLevel, clockName, clock, setup);
  return undefined;
}

/** Idempotency key of a step within one clock generation: a step acted on is never acted on again. */
export const stepKey = (input: Pick<TimerInput, 'clock' | 'generation' | 'next'>): string =>
  `${input.clock}#${input.generation}#${input.next.kind}${input.next.kind === 'escalation' ? `#${input.next.rung}` : ''}`;

/** The case, as far as timers care. */
export interface TimedCase {
  readonly caseId: string;
  readonly statusCategory: StateCategory;
  readonly priority: Priority;
  readonly queue: string;
  readonly sla: SlaState | null;
}

export interface CheckInput {
  readonly case: TimedCase | undefined;
  readonly timer: TimerInput;
  readonly now: Date;
  /** The policy version and calendar the case's SLA runs under (undefined without an SLA). */
  readonly setup: SlaSetup | undefined;
  /** This step was already acted on (its marker exists). */
  readonly acted: boolean;
}

/** What to change on the case for an escalation rung, through the case lifecycle. */
export interface EscalationPatch {
  readonly queue?: string;
  readonly priority?: Priority;
}

export type Action =
  | { readonly kind: 'warning'; readonly clock: ClockState }
  | { readonly kind: 'breach'; readonly before: ClockState; readonly after: SlaState }
  | {
      readonly kind: 'escalation';
      readonly rung: number;
      readonly step: EscalationRung;
      readonly after: SlaState;
      readonly patch: EscalationPatch;
      readonly effects: readonly Effect[];
    };

export type CheckDecision = { readonly act: Action | undefined; readonly next: NextStep };

const done = (reason: string): NextStep => ({ done: true, reason });
const finished = (reason: string): CheckDecision => ({ act: undefined, next: done(reason) });
const waitFor = (step: TimerStep | undefined, otherwise: string): NextStep => (step ? { done: false, ...step } : done(otherwise));

/** The step after `step` within this execution, once `step` is done (now or earlier). */
function stepAfter(step: TimerStep, clockName: ClockName, clock: ClockState, setup: SlaSetup): NextStep {
  switch (step.kind) {
    case 'warning':
      return waitFor(clock.dueAt ? { kind: 'breach', rung: 0, at: clock.dueAt } : undefined, 'clock has no due time');
    case 'breach':
      // The breach bumped the generation: the ladder is the breached generation's execution, armed by the SlaBreached event.
      return done('breached');
    case 'escalation':
      return waitFor(rungAfter(step.rung, clockName, clock, setup), 'escalation ladder climbed');
  }
}

/** The priority a rung raises the case to: the one it names (one band up if none), never lower than now. */
export function raisedPriority(current: Priority, to: Priority | undefined): Priority {
  const wanted = to ?? PRIORITIES[Math.min(PRIORITIES.indexOf(current) + 1, PRIORITIES.length - 1)]!;
  return PRIORITIES.indexOf(wanted) > PRIORITIES.indexOf(current) ? wanted : current;
}

function escalation(rungNumber: number, rung: EscalationRung, c: TimedCase, sla: SlaState): Action {
  const after: SlaState = { ...sla, escalationLevel: rungNumber };
  const base = { kind: 'escalation', rung: rungNumber, step: rung, after } as const;
  switch (rung.action) {
    case 'reassign':
      return { ...base, patch: rung.queue && rung.queue !== c.queue ? { queue: rung.queue } : {}, effects: [] };
    case 'raisePriority': {
      const priority = raisedPriority(c.priority, rung.priority);
      return { ...base, patch: priority !== c.priority ? { priority } : {}, effects: [] };
    }
    case 'alertSupervisor':
      return { ...base, patch: {}, effects: [{ kind: 'notify', to: 'supervisors', template: rung.template ?? 'sla-escalation' }] };
    case 'notifyCustomer':
      return { ...base, patch: {}, effects: [{ kind: 'notify', to: 'requester', template: rung.template ?? 'sla-delay' }] };
  }
}

/**
 * Decide what a firing timer does. Order matters: a stale or closed clock ends
 * the execution; a step already acted on moves on without acting again; a timer
 * that fires before its instant waits again; only then does it act.
 */
export function decideCheck(input: CheckInput): CheckDecision {
  const { timer, now, setup } = input;
  const c = input.case;
  if (!c) return finished('case not found');
  const sla = c.sla;
  const clock = sla?.clocks[timer.clock];
  if (!sla || !clock || !setup) return finished(`case has no ${timer.clock} clock`);
  if (clock.generation !== timer.generation)
    return finished(`stale: the clock is at generation ${clock.generation}, this timer was armed for ${timer.generation}`);
  if (!OPEN_CATEGORIES.includes(c.statusCategory)) return finished(`case is ${c.statusCategory}`);

  const step = timer.next;
  if (input.acted) return { act: undefined, next: stepAfter(step, timer.clock, clock, setup) };
  const expected = step.kind === 'escalation' ? 'breached' : 'running';
  if (clock.status !== expected) return finished(`clock is ${clock.status}`);
  if (now.getTime() < Date.parse(step.at)) return { act: undefined, next: { done: false, ...step } };

  switch (step.kind) {
    case 'warning':
      // A warning that fires when the clock is already due would only precede the breach: go straight to it.
      if (clock.dueAt && now.getTime() >= Date.parse(clock.dueAt)) return { act: undefined, next: stepAfter(step, timer.clock, clock, setup) };
      return { act: { kind: 'warning', clock }, next: stepAfter(step, timer.clock, clock, setup) };
    case 'breach': {
      // Judged at the due instant itself, however late the timer fired: the breach happened then.
      const breached = breachClock(clock, { calendar: setup.calendar, warningPercent: setup.policy.warningPercent, now: step.at });
      if (breached.status !== 'breached') return finished('clock had time left at its due instant');
      const clocks = { ...sla.clocks, [timer.clock]: breached };
      return { act: { kind: 'breach', before: clock, after: { ...sla, clocks, nextDueAt: nextDueOf(clocks) } }, next: done('breached') };
    }
    case 'escalation': {
      const rung = setup.policy.escalation[step.rung - 1];
      if (!rung) return finished(`the policy has no rung ${step.rung}`);
      const next = stepAfter(step, timer.clock, clock, setup);
      // Climbed already (a redelivered arming started a second path): the ladder is climbed once.
      if (sla.escalationLevel >= step.rung) return { act: undefined, next };
      return { act: escalation(step.rung, rung, c, sla), next };
    }
  }
}
