/**
 * The local Step Functions stand-in running the real SLA clock ASL: Waits follow
 * the adjustable clock (a year-long wait passes the moment the clock is moved,
 * nothing sleeps), starting a name twice is one execution, stopping aborts it,
 * and the history counts transitions as Standard workflows bill them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../functions/adapters/clock.js';
import { REPOSITORY_ROOT } from '../../lib/constructs/caseway-function.js';
import { LocalStateMachine, transitionsOf } from '../../lib/local/step-functions.js';
import { localSubstitutions, slaClockMachine } from '../../lib/topology/state-machines.js';

const START = Date.parse('2030-03-01T00:00:00Z');

function machine(answers: (input: { next: { at: string; rung: number } }) => unknown) {
  const clock = new AdjustableClock(() => START);
  const calls: { at: string; now: string }[] = [];
  const sm = new LocalStateMachine({
    definitionFile: join(REPOSITORY_ROOT, slaClockMachine.definition),
    substitutions: localSubstitutions(slaClockMachine),
    tasks: {
      CheckStep: async (input) => {
        const typed = input as { next: { at: string; rung: number } };
        calls.push({ at: typed.next.at, now: clock.now().toISOString() });
        return answers(typed);
      },
    },
    clock,
  });
  return { clock, sm, calls };
}

const input = (at: string) => ({ caseId: 'CASE-1', clock: 'resolution', generation: 1, next: { kind: 'breach', rung: 0, at } });

describe('LocalStateMachine', () => {
  it('holds each Wait until the clock reaches its timestamp, then runs the Task on the real ASL', async () => {
    const inAYear = new Date(START + 365 * 86_400_000).toISOString();
    const { clock, sm, calls } = machine(({ next }) => (next.rung < 2 ? { done: false, kind: 'escalation', rung: next.rung + 1, at: new Date(Date.parse(next.at) + 3_600_000).toISOString() } : { done: true, reason: 'climbed' }));
    await sm.start({ name: 'a', fireAt: new Date(inAYear), input: input(inAYear) });
    await sm.start({ name: 'a', fireAt: new Date(inAYear), input: input(inAYear) });
    await sm.settled();
    expect(calls).toEqual([]);
    expect(sm.describe('a')).toMatchObject({ status: 'RUNNING', gatedUntil: inAYear });

    clock.set(new Date(inAYear));
    await sm.settled();
    expect(calls).toEqual([{ at: inAYear, now: inAYear }]);
    clock.advance(2 * 3_600_000);
    await sm.settled();
    expect(sm.describe('a')).toMatchObject({ status: 'SUCCEEDED', output: { next: { done: true, reason: 'climbed' } } });
    expect(calls).toHaveLength(3);
    expect(sm.executions()).toHaveLength(1);
    // Three steps of Wait, CheckStep, MoreSteps, then Done.
    expect(transitionsOf(sm.describe('a')!)).toBe(10);
  });

  it('aborts a stopped execution before its task runs', async () => {
    const at = new Date(START + 3_600_000).toISOString();
    const { clock, sm, calls } = machine(() => ({ done: true, reason: 'x' }));
    await sm.start({ name: 'b', fireAt: new Date(at), input: input(at) });
    await sm.settled();
    await sm.stop('b');
    await sm.stop('never-started');
    clock.set(new Date(at));
    await sm.settled();
    expect(calls).toEqual([]);
    expect(sm.describe('b')).toMatchObject({ status: 'ABORTED', taskRuns: 0, stoppedInWait: true });
    // Stopped in its first Wait, as AWS would count it: one state entered.
    expect(transitionsOf(sm.describe('b')!)).toBe(1);
  });

  it('fails an execution whose task keeps failing, after the ASL retries', async () => {
    const { sm } = machine(() => {
      throw new Error('table unavailable');
    });
    await sm.start({ name: 'c', fireAt: new Date(START), input: input(new Date(START).toISOString()) });
    await sm.settled();
    const failed = sm.describe('c')!;
    expect(failed.status).toBe('FAILED');
    expect(failed.events.filter((e) => e.type === 'StateRetried')).toHaveLength(5);
  });
});
