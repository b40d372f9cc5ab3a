/**
 * SLA timers, the use cases: check a firing timer (warn, breach, escalate, or do
 * nothing for a stale one) and arm or disarm the timers of a case after its SLA
 * changed. Every act is an audit event (`SlaWarning`, `SlaBreached`,
 * `SlaEscalated`) committed with the change it makes and with a marker for the
 * step, so the outbox puts it on the bus once and a retried timer never acts twice.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SLA_TIMER_CALLER } from '#core/caller.js';
import type { Case, StoredCase } from '#core/case.js';
import { auditEvent, type AuditEvent, type ChangeContext, type FieldChange } from '#core/audit-event.js';
import { reviseCase } from '#core/case-lifecycle.js';
import { OPEN_CATEGORIES } from '#core/case-type.js';
import { CLOCK_NAMES, type ClockName, type ClockState, type SlaState } from '#core/sla/state.js';
import { decideCheck, executionName, firstStep, stepKey, type Action, type NextStep, type TimerInput } from '#core/sla/timer-steps.js';
import type { SlaSetup } from '#core/sla/case-sla.js';
import { clock as timeNow, nowIso } from '#adapters/clock.js';
import { dynamo, tableName } from '#adapters/dynamodb/client.js';
import { slaTimerStepKey } from '#adapters/dynamodb/keys.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import { commitCases, putNew } from '#adapters/dynamodb/transactions.js';
import { slaRules } from '#adapters/sla-rules.js';
import type { TimerStarter } from '#adapters/timers.js';
import { typeOf, untilWritten } from './case-access.js';
import { handoffSourceOf } from './handoff.js';
import { slaAfterChange } from './sla.js';

async function stepActed(caseId: string, key: string): Promise<boolean> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: slaTimerStepKey(caseId, key), ConsistentRead: true }));
  return out.Item !== undefined;
}

const slaChange = (before: Partial<SlaState> | null, after: Partial<SlaState> | null): FieldChange => ({ field: 'sla', before, after });

const clockOnly = (sla: SlaState, name: ClockName, state: ClockState) => ({
  clocks: { [name]: state },
  nextDueAt: sla.nextDueAt,
  escalationLevel: sla.escalationLevel,
});

/** What an action commits: the case's change and its audit events, in chain order. */
interface TimerChange {
  /** The case's new content, when the action revises it (its SLA state travels with it). */
  readonly case?: Case;
  /** The new SLA state alone, written beside the case, when only the clocks change. */
  readonly sla?: SlaState;
  readonly audit: AuditEvent;
  readonly followUps: readonly AuditEvent[];
}

/**
 * The commit of an action. SLA bookkeeping alone (a warning, a breach, an alert)
 * writes only the SLA item beside the case and leaves its content version as it
 * is, as sla-core's own SLA events do;
 * an escalation that moves the queue or the priority goes through the case
 * lifecycle (`CaseUpdated`, a handoff brief, sla-core's re-target for the new
 * priority) and its `SlaEscalated` event follows in the same transaction.
 */
async function changeFor(stored: StoredCase, sla: SlaState, timer: TimerInput, act: Action, ctx: ChangeContext): Promise<TimerChange> {
  const c = stored.case;
  const { caseId } = c;
  const when = `${timer.clock} clock`;
  switch (act.kind) {
    case 'warning':
      return {
        audit: auditEvent(
          caseId,
          stored.head,
          'SlaWarning',
          ctx,
          c.version,
          [slaChange(clockOnly(sla, timer.clock, act.clock), clockOnly(sla, timer.clock, act.clock))],
          {
            reason: `${when} warning: due at ${act.clock.dueAt}`,
          },
        ),
        followUps: [],
      };
    case 'breach': {
      const after = act.after.clocks[timer.clock]!;
      return {
        sla: act.after,
        audit: auditEvent(
          caseId,
          stored.head,
          'SlaBreached',
          ctx,
          c.version,
          [slaChange(clockOnly(sla, timer.clock, act.before), clockOnly(act.after, timer.clock, after))],
          {
            reason: `${when} breached at ${timer.next.at}`,
          },
        ),
        followUps: [],
      };
    }
    case 'escalation': {
      const reason = `SLA escalation, rung ${act.rung}: ${act.step.action}`;
      const level = (s: SlaState) => ({ escalationLevel: s.escalationLevel });
      const moves = act.patch.queue !== undefined || act.patch.priority !== undefined;
      const revised = moves
        ? reviseCase(
            stored,
            { ...act.patch, reason },
            await typeOf(c),
            ctx,
            act.patch.queue !== undefined ? await handoffSourceOf(caseId) : undefined,
          )
        : undefined;
      if (!revised) {
        const escalated = { ...sla, escalationLevel: act.rung };
        return {
          sla: escalated,
          audit: auditEvent(caseId, stored.head, 'SlaEscalated', ctx, c.version, [slaChange(level(sla), level(escalated))], {
            reason,
            effects: act.effects,
          }),
          followUps: [],
        };
      }
      const withSla = await slaAfterChange(c, revised, { kind: 'revised' }, ctx);
      const current = withSla.case.sla ?? sla;
      const escalated = { ...current, escalationLevel: act.rung };
      const last = withSla.audits.at(-1) ?? revised.audit;
      const escalation = auditEvent(
        caseId,
        { seq: last.seq, hash: last.hash },
        'SlaEscalated',
        ctx,
        revised.case.version,
        [slaChange(level(current), level(escalated))],
        {
          reason,
          effects: act.effects,
        },
      );
      return { case: { ...withSla.case, sla: escalated }, audit: revised.audit, followUps: [...withSla.audits, escalation] };
    }
  }
}

/**
 * A timer fired (the state machine's Check task): act if the step is still owed,
 * and say what to wait for next. Safe to call any number of times for one step;
 * `onActed` hears of the act only from the call whose commit wrote it, so once per step.
 */
export async function checkTimer(timer: TimerInput, onActed?: (kind: Action['kind']) => void): Promise<NextStep> {
  return untilWritten(`Case ${timer.caseId}`, async () => {
    const stored = await repo.getCase(timer.caseId);
    const sla = stored?.case.sla ?? undefined;
    const key = stepKey(timer);
    const [setup, acted] = sla ? await Promise.all([slaRules().setup(sla), stepActed(timer.caseId, key)]) : [undefined, false];
    const decision = decideCheck({ case: stored?.case, timer, now: timeNow().now(), setup, acted });
    if (!decision.act || !stored || !sla) return decision.next;

    const ctx: ChangeContext = { caller: SLA_TIMER_CALLER, now: nowIso(), channel: 'api', correlationId: `sla-timer/${timer.caseId}/${key}` };
    const change = await changeFor(stored, sla, timer, decision.act, ctx);
    const outcome = await commitCases({
      head: stored.head,
      audit: change.audit,
      followUps: change.followUps,
      ...(change.case ? { case: { next: change.case, expectedVersion: stored.case.version } } : {}),
      ...(change.sla ? { sla: change.sla } : {}),
      items: [
        putNew({ ...slaTimerStepKey(timer.caseId, key), entity: 'SlaTimerStep', caseId: timer.caseId, eventId: change.audit.eventId, at: ctx.now }),
      ],
    });
    if (outcome !== 'written') return 'stale';
    onActed?.(decision.act.kind);
    return decision.next;
  });
}

type ClockMap = Partial<Record<ClockName, Pick<ClockState, 'generation'>>>;

/** What arming a case's clocks asks of the timer service. */
export interface ArmingPlan {
  readonly start: { readonly name: string; readonly input: TimerInput }[];
  readonly stop: string[];
}

/**
 * The executions a case's SLA wants: one per clock generation with a step ahead
 * (a running clock's warning or breach, a breached resolution clock's next rung).
 * Those of earlier generations (as the event's `before` names them) and of
 * clocks with nothing ahead are stopped; a closed case keeps none.
 */
export function armingPlan(
  c: Pick<Case, 'caseId' | 'statusCategory' | 'sla'>,
  before: ClockMap | undefined,
  setup: SlaSetup | undefined,
): ArmingPlan {
  const plan: ArmingPlan = { start: [], stop: [] };
  const open = OPEN_CATEGORIES.includes(c.statusCategory);
  for (const name of CLOCK_NAMES) {
    const now = c.sla?.clocks[name];
    const was = before?.[name];
    if (was && was.generation !== now?.generation) plan.stop.push(executionName(c.caseId, name, was.generation));
    if (!now) continue;
    const step = open && c.sla && setup ? firstStep(name, now, c.sla, setup) : undefined;
    const execution = executionName(c.caseId, name, now.generation);
    if (step) plan.start.push({ name: execution, input: { caseId: c.caseId, clock: name, generation: now.generation, next: step } });
    else plan.stop.push(execution);
  }
  return plan;
}

/** Bring a case's timer executions in line with its SLA as stored now (events may arrive late or twice). */
export async function armCase(caseId: string, before: ClockMap | undefined, timers: TimerStarter): Promise<ArmingPlan> {
  const stored = await repo.getCase(caseId);
  if (!stored) return { start: [], stop: [] };
  const sla = stored.case.sla;
  const plan = armingPlan(stored.case, before, sla ? await slaRules().setup(sla) : undefined);
  await Promise.all([
    ...plan.stop.map((name) => timers.stop(name)),
    ...plan.start.map(({ name, input }) => timers.start({ name, fireAt: new Date(input.next.at), input: { ...input } })),
  ]);
  return plan;
}
