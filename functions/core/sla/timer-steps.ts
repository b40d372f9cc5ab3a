/**
 * What one armed SLA clock does, step by step: warn, breach, then climb the
 * policy's escalation ladder. The state machine only waits and loops; every
 * decision is made here, on the case as it is when the timer fires, so a timer
 * that fires late, early, twice or for a clock that has since been re-armed
 * does the right thing (nothing, or the one thing still owed). No I/O here.
 */
import type { Effect } from '../case-type.js';
import { OPEN_CATEGORIES, type StateCategory } from '../case-type.js';
import { PRIORITIES, type Priority } from '../vocabulary.js';
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

/** The execution name: one per armed clock, so arming twice starts one execution. */
export const executionName = (caseId: string, clock: ClockName, generation: number): string => `${caseId}-${clock}-${generation}`;

/** Where an armed clock starts: at its warning, unless it has none before its due time. */
export function firstStep(clock: ClockState): TimerStep | undefined {
  if (clock.status !== 'running' || !clock.dueAt) return undefined;
  if (clock.warnAt && clock.warnAt < clock.dueAt) return { kind: 'warning', rung: 0, at: clock.warnAt };
  return { kind: 'breach', rung: 0, at: clock.dueAt };
}

/** Idempotency key of a step within one armed clock: a step acted on is never acted on again. */
export const stepKey = (input: Pick<TimerInput, 'clock' | 'generation' | 'next'>): string =>
  `${input.clock}#${input.generation}#${input.next.kind}${input.next.kind === 'escalation' ? `#${input.next.rung}` : ''}`;

/** The case, as far as timers care. */
export interface TimedCase {
  readonly caseId: string;
  readonly statusCategory: StateCategory;
  readonly priority: Priority;
  readonly queue: string;
  readonly sla?: SlaState | null;
}

/** Business minutes after an instant, on the case's calendar (sla-core's maths). */
export type BusinessInstant = (from: Date, minutes: number) => Date;

export interface CheckInput {
  readonly case: TimedCase | undefined;
  readonly timer: TimerInput;
  readonly now: Date;
  readonly ladder: readonly EscalationRung[];
  readonly businessInstant: BusinessInstant;
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

const finished = (reason: string): CheckDecision => ({ act: undefined, next: { done: true, reason } });

/** Only the resolution clock climbs the escalation ladder (the policy's rungs count from its breach). */
export const LADDER_CLOCK: ClockName = 'resolution';

/** The step after `step`, once it is done (acted on now, or earlier). */
export function stepAfter(step: TimerStep, clockName: ClockName, clock: ClockState, ladder: readonly EscalationRung[], businessInstant: BusinessInstant): NextStep {
  const rungAfter = (climbed: number, breachedAt: string): NextStep => {
    if (clockName !== LADDER_CLOCK) return { done: true, reason: `breached; only the ${LADDER_CLOCK} clock escalates` };
    const next = ladder[climbed];
    if (!next) return { done: true, reason: climbed === 0 ? 'breached; the policy has no escalation ladder' : 'escalation ladder climbed' };
    // Counted from the breach itself, not from when a timer fired: a late timer does not push the ladder back.
    return { done: false, kind: 'escalation', rung: climbed + 1, at: businessInstant(new Date(breachedAt), next.afterMinutes).toISOString() };
  };
  switch (step.kind) {
    case 'warning':
      return clock.dueAt ? { done: false, kind: 'breach', rung: 0, at: clock.dueAt } : { done: true, reason: 'clock has no due time' };
    case 'breach':
      return rungAfter(0, step.at);
    case 'escalation':
      return rungAfter(step.rung, clock.breachedAt ?? step.at);
  }
}

/** The earliest due time of a running clock: the listing index of cases by SLA. */
export function nextDueAtOf(clocks: SlaState['clocks']): string | null {
  const dues = Object.values(clocks)
    .filter((c): c is ClockState => c?.status === 'running' && c.dueAt !== null)
    .map((c) => c.dueAt as string)
    .sort();
  return dues[0] ?? null;
}

/** The priority a rung raises the case to: the one it names (one band up if none), never lower than now. */
export function raisedPriority(current: Priority, to: Priority | undefined): Priority {
  const wanted = to ?? PRIORITIES[Math.min(PRIORITIES.indexOf(current) + 1, PRIORITIES.length - 1)]!;
  return PRIORITIES.indexOf(wanted) > PRIORITIES.indexOf(current) ? wanted : current;
}

function escalation(rungNumber: number, rung: EscalationRung, c: TimedCase, sla: SlaState): Action {
  const after: SlaState = { ...sla, escalationLevel: rungNumber };
  switch (rung.action) {
    case 'reassign':
      return { kind: 'escalation', rung: rungNumber, step: rung, after, patch: rung.queue && rung.queue !== c.queue ? { queue: rung.queue } : {}, effects: [] };
    case 'raisePriority': {
      const priority = raisedPriority(c.priority, rung.priority);
      return { kind: 'escalation', rung: rungNumber, step: rung, after, patch: priority !== c.priority ? { priority } : {}, effects: [] };
    }
    case 'alertSupervisor':
      return { kind: 'escalation', rung: rungNumber, step: rung, after, patch: {}, effects: [{ kind: 'notify', to: 'supervisors', template: rung.template ?? 'sla-escalation' }] };
    case 'notifyCustomer':
      return { kind: 'escalation', rung: rungNumber, step: rung, after, patch: {}, effects: [{ kind: 'notify', to: 'requester', template: rung.template ?? 'sla-delay' }] };
  }
}

/**
 * Decide what a firing timer does. Order matters: a stale or closed clock ends
 * the execution; a step already acted on moves on without acting again; a timer
 * that fires before its instant waits again; only then does it act.
 */
export function decideCheck(input: CheckInput): CheckDecision {
  const { timer, now } = input;
  const c = input.case;
  if (!c) return finished('case not found');
  const sla = c.sla;
  const clock = sla?.clocks[timer.clock];
  if (!sla || !clock) return finished(`case has no ${timer.clock} clock`);
  if (clock.generation !== timer.generation) return finished(`stale: clock is at generation ${clock.generation}, this timer was armed for ${timer.generation}`);
  if (!OPEN_CATEGORIES.includes(c.statusCategory)) return finished(`case is ${c.statusCategory}`);

  const step = timer.next;
  if (input.acted) return { act: undefined, next: stepAfter(step, timer.clock, clock, input.ladder, input.businessInstant) };
  const expected = step.kind === 'escalation' ? 'breached' : 'running';
  if (clock.status !== expected) return finished(`clock is ${clock.status}`);
  if (now.getTime() < Date.parse(step.at)) return { act: undefined, next: { done: false, ...step } };

  const next = stepAfter(step, timer.clock, clock, input.ladder, input.businessInstant);
  switch (step.kind) {
    case 'warning':
      return { act: { kind: 'warning', clock }, next };
    case 'breach': {
      // Breached at the due instant itself, however late the timer fired.
      const breached: ClockState = { ...clock, status: 'breached', breachedAt: step.at, warnAt: null, dueAt: null };
      const clocks = { ...sla.clocks, [timer.clock]: breached };
      return { act: { kind: 'breach', before: clock, after: { ...sla, clocks, nextDueAt: nextDueAtOf(clocks) } }, next };
    }
    case 'escalation': {
      const rung = input.ladder[step.rung - 1];
      if (!rung) return finished(`the policy has no rung ${step.rung}`);
      // Another clock of the case climbed this rung already: the ladder is the case's, climbed once.
      if (sla.escalationLevel >= step.rung) return { act: undefined, next };
      return { act: escalation(step.rung, rung, c, sla), next };
    }
  }
}
