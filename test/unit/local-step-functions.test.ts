/**
 * The local Step Functions stand-in running the real SLA clock ASL: Waits follow
 * the adjustable clock (a year-long wait passes the moment the clock is moved,
 * nothing sleeps), starting a name twice is one execution, stopping aborts it,
 * and the history counts transitions as Standard workflows bill them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdjustableClock } from '#adapters/clock.js';
import { REPOSITORY_ROOT } from '#lib/constructs/caseway-function.js';
import { LocalStateMachine, transitionsOf } from '#lib/local/step-functions.js';
import { localSubstitutions, slaClockMachine } from '#topology/state-machines.js';

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
    const { clock, sm, calls } = machine(({ next }) =>
      next.rung < 2
        ? { done: false, kind: 'escalation', rung: next.rung + 1, at: new Date(Date.parse(next.at) + 3_600_000).toISOString() }
        : { done: true, reason: 'climbed' },
    );
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

describe('LocalStateMachine in real time', () => {
  // Only the timer primitive is faked: the library's Task timer, the gate's timer and the clock's listeners run as they
  // do, and a minute, an hour or days of real time pass in no time. Business time is the frozen AdjustableClock.
  afterEach(() => vi.useRealTimers());

  it('keeps an execution held at its Wait through minutes and days of real time, then runs the Task when the clock gets there', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const inThreeDays = new Date(START + 3 * 86_400_000).toISOString();
    const { clock, sm, calls } = machine(() => ({ done: true, reason: 'breached' }));
    await sm.start({ name: 'long', fireAt: new Date(inThreeDays), input: input(inThreeDays) });
    // Past the library's 60 s Task timeout: before, the execution failed here with States.Timeout.
    await vi.advanceTimersByTimeAsync(61_000);
    expect(sm.describe('long')).toMatchObject({ status: 'RUNNING', gatedUntil: inThreeDays });
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    expect(sm.describe('long')).toMatchObject({ status: 'RUNNING', gatedUntil: inThreeDays, taskRuns: 0 });

    clock.set(new Date(inThreeDays));
    await vi.advanceTimersByTimeAsync(10);
    vi.useRealTimers();
    await sm.settled();
    expect(sm.describe('long')).toMatchObject({ status: 'SUCCEEDED', taskRuns: 1 });
    expect(calls).toEqual([{ at: inThreeDays, now: inThreeDays }]);
  });

  it("still times a gated Task's handler by its own TimeoutSeconds, from when it runs, not from the Wait", async () => {
    const asl = JSON.parse(readFileSync(join(REPOSITORY_ROOT, slaClockMachine.definition), 'utf8')) as {
      States: Record<string, Record<string, unknown>>;
    };
    asl.States.CheckStep = { ...asl.States.CheckStep, TimeoutSeconds: 5, Retry: undefined };
    const dir = mkdtempSync(join(tmpdir(), 'caseway-asl-'));
    const file = join(dir, 'timed.asl.json');
    writeFileSync(file, JSON.stringify(asl));
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const clock = new AdjustableClock(() => START);
      const sm = new LocalStateMachine({
        definitionFile: file,
        substitutions: localSubstitutions(slaClockMachine),
        tasks: { CheckStep: () => new Promise(() => undefined) },
        clock,
      });
      const inAnHour = new Date(START + 3_600_000).toISOString();
      await sm.start({ name: 'timed', fireAt: new Date(inAnHour), input: input(inAnHour) });
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(sm.describe('timed')).toMatchObject({ status: 'RUNNING', taskRuns: 0 });
      clock.set(new Date(inAnHour));
      await vi.advanceTimersByTimeAsync(4_000);
      expect(sm.describe('timed')).toMatchObject({ status: 'RUNNING', taskRuns: 1 });
      await vi.advanceTimersByTimeAsync(1_100);
      expect(sm.describe('timed')).toMatchObject({ status: 'FAILED' });
      expect(sm.describe('timed')!.events.find((e) => e.type === 'StateFailed')).toMatchObject({ Error: 'States.Timeout' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
