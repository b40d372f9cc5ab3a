import { describe, expect, it } from 'vitest';
import { formatDuration, slaState, type ClockLike } from '../../web/src/features/inbox/sla.js';

const T = Date.parse('2026-12-03T10:00:00Z');
const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();
const running = (warn: number, due: number): ClockLike => ({ status: 'running', warnAt: at(warn), dueAt: at(due), breachedAt: null });

describe("the console's SLA badge state", () => {
  it.each([
    ['before warn: ok, counting down to due', { firstResponse: running(30, 60) }, { tone: 'ok', clock: 'firstResponse', remainingMs: 60 * 60_000 }],
    ['at warn: amber', { firstResponse: running(0, 60) }, { tone: 'warn', clock: 'firstResponse', remainingMs: 60 * 60_000 }],
    [
      'past due while the API still says running: red',
      { firstResponse: running(-60, -1) },
      { tone: 'breach', clock: 'firstResponse', remainingMs: -60_000 },
    ],
    [
      'breached by the API: red even before dueAt by this clock',
      { resolution: { status: 'breached', warnAt: at(-5), dueAt: at(5), breachedAt: at(0) } },
      { tone: 'breach', clock: 'resolution', remainingMs: 5 * 60_000 },
    ],
    [
      'the earliest-due running clock wins',
      { firstResponse: running(100, 200), resolution: running(10, 50) },
      { tone: 'ok', clock: 'resolution', remainingMs: 50 * 60_000 },
    ],
    [
      'only paused: paused, no countdown',
      { resolution: { status: 'paused', warnAt: null, dueAt: null, breachedAt: null } },
      { tone: 'paused', clock: 'resolution', remainingMs: undefined },
    ],
  ] as const)('%s', (_name, clocks, expected) => {
    expect(slaState(clocks as Record<string, ClockLike>, T)).toEqual(expected);
  });

  it('has no badge when every clock is met or stopped, or there are none', () => {
    expect(slaState({ firstResponse: { status: 'met', warnAt: null, dueAt: null, breachedAt: null } }, T)).toBeUndefined();
    expect(slaState(undefined, T)).toBeUndefined();
  });

  it('writes durations short', () => {
    expect([
      formatDuration(45_000),
      formatDuration(5 * 60_000),
      formatDuration(125 * 60_000),
      formatDuration(-(3 * 86_400_000 + 4 * 3_600_000)),
    ]).toEqual(['45 s', '5 min', '2 h 05 min', '3 d 4 h']);
  });
});
