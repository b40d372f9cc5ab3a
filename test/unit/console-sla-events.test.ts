import { describe, expect, it } from 'vitest';
import { slaStory } from '../../web/src/features/cases/sla-events.js';

const DUE = '2026-12-03T15:00:00.000Z';
const LATER = '2026-12-04T09:00:00.000Z';
const running = (dueAt = DUE) => ({ status: 'running', dueAt, warnAt: null, breachedAt: null, metAt: null });
const paused = { status: 'paused', dueAt: null, warnAt: null, breachedAt: null, metAt: null };
const state = (clocks: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  policyId: 'default',
  policyVersion: 1,
  escalationLevel: 0,
  clocks,
  ...extra,
});
const event = (action: string, before: unknown, after: unknown) => ({ action, changes: [{ field: 'sla', before, after }] });

describe("the console's reading of SLA events", () => {
  it.each([
    [
      'SlaStarted: each clock started with its deadline, a paused one said so, the policy named',
      event('SlaStarted', null, state({ resolution: paused, firstResponse: running() })),
      {
        lines: [
          { clock: 'firstResponse', what: 'started', due: DUE },
          { clock: 'resolution', what: 'started', due: undefined },
          { clock: 'resolution', what: 'paused' },
        ],
        policy: { id: 'default', version: 1 },
      },
    ],
    [
      'SlaPaused',
      event('SlaPaused', state({ resolution: running() }), state({ resolution: paused })),
      { lines: [{ clock: 'resolution', what: 'paused' }] },
    ],
    [
      'SlaResumed: with the new deadline',
      event('SlaResumed', state({ resolution: paused }), state({ resolution: running(LATER) })),
      { lines: [{ clock: 'resolution', what: 'resumed', due: LATER }] },
    ],
    [
      'SlaWarning: the same clock before and after, warned with its deadline',
      event('SlaWarning', state({ firstResponse: running() }), state({ firstResponse: running() })),
      { lines: [{ clock: 'firstResponse', what: 'warned', due: DUE }] },
    ],
    [
      'SlaBreached: when it was due',
      event(
        'SlaBreached',
        state({ firstResponse: running() }),
        state({ firstResponse: { ...running(), status: 'breached', dueAt: null, breachedAt: DUE } }),
      ),
      { lines: [{ clock: 'firstResponse', what: 'breached', due: DUE }] },
    ],
    [
      'SlaMet: only the clock that moved',
      event(
        'SlaMet',
        state({ firstResponse: running(), resolution: running(LATER) }),
        state({ firstResponse: { ...running(), status: 'met', dueAt: null }, resolution: running(LATER) }),
      ),
      { lines: [{ clock: 'firstResponse', what: 'met' }] },
    ],
    [
      'SlaStopped',
      event('SlaStopped', state({ nextResponse: running() }), state({ nextResponse: { ...paused, status: 'stopped' } })),
      { lines: [{ clock: 'nextResponse', what: 'stopped' }] },
    ],
    [
      'SlaRecomputed: a new policy version re-targets the running clocks',
      event('SlaRecomputed', state({ resolution: running() }), state({ resolution: running(LATER) }, { policyVersion: 2 })),
      { lines: [{ clock: 'resolution', what: 'retargeted', due: LATER }], policy: { id: 'default', version: 2 } },
    ],
    [
      'SlaEscalated: the step reached, no clock line',
      event('SlaEscalated', { escalationLevel: 1 }, { escalationLevel: 2 }),
      { lines: [], escalatedTo: 2 },
    ],
    [
      'a reopened met clock waits paused: resumed, not paused',
      event('SlaStarted', state({ resolution: { ...paused, status: 'met' } }), state({ resolution: paused })),
      { lines: [{ clock: 'resolution', what: 'resumed' }] },
    ],
  ])('%s', (_name, input, expected) => {
    expect(slaStory(input)).toEqual(expected);
  });

  it('leaves other events, and SLA events without the state, to the timeline', () => {
    expect(slaStory({ action: 'CaseUpdated', changes: [{ field: 'subject', before: 'a', after: 'b' }] })).toBeUndefined();
    expect(slaStory({ action: 'SlaStarted', changes: [] })).toBeUndefined();
    expect(slaStory({ action: 'SlaStarted', changes: [{ field: 'sla', before: null, after: null }] })).toBeUndefined();
  });
});
