/**
 * POST /sla/preview over real HTTP against DynamoDB Local, with the example London
 * calendar (Mon-Fri 08:00-12:00 and 13:00-17:00, England's bank holidays) and policies
 * the local platform seeds: when each clock warns and falls due, and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'requester' | 'admin' | 'integration';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ seedSla: true });
});
afterAll(async () => platform?.stop());

async function preview(body: unknown, who: Who = 'agent') {
  const response = await platform.fetchAs(who, '/sla/preview', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as Body };
}

/** Mon-Fri 09:00-17:00 UTC, nothing else: easy sums. */
const plainWeek = {
  name: 'Plain week',
  timeZone: 'UTC',
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
};

describe('POST /sla/preview', () => {
  it('a Friday-evening start on the business calendar lands on Monday, warning at 75% of the target', async () => {
    // Support: Basic, first response 480 business minutes; London is on GMT in November.
    const answer = await preview({ policyId: 'support-basic', start: '2026-11-27T18:00:00Z' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.policy).toEqual({ policyId: 'support-basic', version: 1, name: 'Support: Basic' });
    expect(answer.body.calendar).toMatchObject({ calendarId: 'london-office', version: 1, timeZone: 'Europe/London' });
    expect(answer.body.clocks.firstResponse).toEqual({
      targetMinutes: 480,
      warnAt: '2026-11-30T15:00:00.000Z',
      dueAt: '2026-11-30T17:00:00.000Z',
      pausedMinutes: 0,
    });
    // next response 960: Monday and Tuesday; resolution 4800: ten working days, to Friday 11 December.
    expect(answer.body.clocks.nextResponse.dueAt).toBe('2026-12-01T17:00:00.000Z');
    expect(answer.body.clocks.resolution.dueAt).toBe('2026-12-11T17:00:00.000Z');
    // The reasoning: Friday gives nothing after 18:00, the weekend has no working periods, Monday gives its eight hours.
    const [friday, saturday, sunday, monday] = answer.body.days as Body[];
    expect(friday).toMatchObject({ date: '2026-11-27', weekday: 'fri', closed: null, businessMinutes: 0 });
    expect(saturday).toMatchObject({ date: '2026-11-28', weekday: 'sat', periods: [], businessMinutes: 0 });
    expect(sunday).toMatchObject({ date: '2026-11-29', weekday: 'sun', periods: [], businessMinutes: 0 });
    expect(monday).toMatchObject({ date: '2026-11-30', weekday: 'mon', closed: null, businessMinutes: 480 });
    expect(answer.body.days.at(-1).date).toBe('2026-12-11');
  });

  it('skips a bank holiday and a closure, and says which', async () => {
    // Friday 28 August 2026, 18:00 in London (BST); Monday 31 August is the summer bank holiday.
    const holiday = await preview({ policyId: 'support-basic', calendarId: 'london-office', start: '2026-08-28T18:00:00+01:00' });
    expect(holiday.status, JSON.stringify(holiday.body)).toBe(200);
    expect(holiday.body.clocks.firstResponse.dueAt).toBe('2026-09-01T16:00:00.000Z'); // Tuesday 17:00 BST
    const monday = (holiday.body.days as Body[]).find((d) => d.date === '2026-08-31')!;
    expect(monday).toMatchObject({ weekday: 'mon', businessMinutes: 0, closed: { kind: 'holiday' } });
    expect(monday.periods).toHaveLength(2); // a working weekday, closed for the holiday
    expect(monday.closed.name).toMatch(/bank holiday/i);

    // The seeded closure: Christmas Eve (Thursday), then Christmas Day and the Boxing Day substitute (Monday 28th).
    const christmas = await preview({ policyId: 'support-basic', start: '2026-12-23T16:00:00Z' });
    expect(christmas.body.clocks.firstResponse.dueAt).toBe('2026-12-29T16:00:00.000Z'); // 60 on the 23rd, 420 on the 29th (08:00-12:00, 13:00-16:00)
    // Up to the first response's deadline (the days go on to the resolution clock's, past New Year's Day).
    const closed = (christmas.body.days as Body[]).filter((d) => d.closed && d.date <= '2026-12-29').map((d) => [d.date, d.closed.kind]);
    expect(closed).toEqual([
      ['2026-12-24', 'closure'],
      ['2026-12-25', 'holiday'],
      ['2026-12-26', 'holiday'],
      ['2026-12-28', 'holiday'],
    ]);
  });

  it('takes an inline policy and calendar, and pauses stop the clocks they name', async () => {
    const answer = await preview({
      policy: { targets: { firstResponse: 60, resolution: 960 }, warningPercent: 50 },
      calendar: plainWeek,
      start: '2026-11-30T09:00:00Z', // Monday
      pauses: [{ from: '2026-11-30T13:00:00Z', to: '2026-12-01T09:00:00Z', clocks: ['resolution'] }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.policy).toEqual({ policyId: null, version: null, name: null });
    expect(answer.body.calendar).toEqual({ calendarId: null, version: null, name: 'Plain week', timeZone: 'UTC' });
    expect(answer.body.clocks.firstResponse).toEqual({
      targetMinutes: 60,
      warnAt: '2026-11-30T09:30:00.000Z',
      dueAt: '2026-11-30T10:00:00.000Z',
      pausedMinutes: 0,
    });
    // 240 on Monday before the pause, Tuesday's 480, 240 on Wednesday; the pause took Monday afternoon's 240.
    expect(answer.body.clocks.resolution).toEqual({
      targetMinutes: 960,
      warnAt: '2026-12-01T13:00:00.000Z',
      dueAt: '2026-12-02T13:00:00.000Z',
      pausedMinutes: 240,
    });
    expect(answer.body.clocks.nextResponse).toBeUndefined();
  });

  it('agrees with the deadlines a new case gets', async () => {
    const created = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'support',
        subject: 'Preview check',
        description: 'Compare',
        requester: { id: 'preview-check' },
        fields: { product: 'web-app', category: 'problem' },
      }),
    });
    expect(created.status).toBe(201);
    const sla = ((await created.json()) as Body).sla;
    const started = sla.clocks.firstResponse.runningSince as string;
    const answer = await preview({ policyId: sla.policyId, start: started });
    // The clocks a case starts at once (the next-response clock waits for a reply).
    const running = Object.entries(sla.clocks as Record<string, Body>).filter(([, clock]) => clock.status === 'running');
    expect(running.length).toBeGreaterThan(0);
    for (const [name, live] of running)
      expect([name, answer.body.clocks[name].dueAt, answer.body.clocks[name].warnAt]).toEqual([name, live.dueAt, live.warnAt]);
  });

  it('is for staff; refuses bad input with problems naming the field and rule', async () => {
    for (const who of ['agent', 'supervisor', 'admin', 'integration'] as const)
      expect((await preview({ policyId: 'support-basic', start: '2026-11-27T18:00:00Z' }, who)).status).toBe(200);
    const requester = await preview({ policyId: 'support-basic', start: '2026-11-27T18:00:00Z' }, 'requester');
    expect(requester.status).toBe(403);

    const cases: [string, Body, number, string][] = [
      [
        'both policy forms',
        { policyId: 'support-basic', policy: { targets: { resolution: 60 } }, start: '2026-11-27T18:00:00Z' },
        400,
        'body.policyId',
      ],
      ['no policy', { calendarId: 'london-office', start: '2026-11-27T18:00:00Z' }, 400, 'body.policyId'],
      [
        'both calendar forms',
        { policyId: 'support-basic', calendarId: 'london-office', calendar: plainWeek, start: '2026-11-27T18:00:00Z' },
        400,
        'body.calendarId',
      ],
      ['no calendar at all', { policy: { targets: { resolution: 60 } }, start: '2026-11-27T18:00:00Z' }, 400, 'body.calendarId'],
      ['start not an instant', { policyId: 'support-basic', start: 'Friday evening' }, 400, 'body.start'],
      [
        'pause ends before it starts',
        { policyId: 'support-basic', start: '2026-11-27T18:00:00Z', pauses: [{ from: '2026-11-30T10:00:00Z', to: '2026-11-30T09:00:00Z' }] },
        400,
        'body.pauses.0.to',
      ],
      [
        'unknown clock',
        {
          policyId: 'support-basic',
          start: '2026-11-27T18:00:00Z',
          pauses: [{ from: '2026-11-30T09:00:00Z', to: '2026-11-30T10:00:00Z', clocks: ['lunch'] }],
        },
        400,
        'body.pauses.0.clocks.0',
      ],
      [
        'bad inline calendar',
        { policy: { targets: { resolution: 60 } }, calendar: { ...plainWeek, timeZone: 'Mars/Olympus' }, start: '2026-11-27T18:00:00Z' },
        400,
        'body.calendar.timeZone',
      ],
      [
        'no working time ahead',
        {
          policy: { targets: { resolution: 60 } },
          calendar: { ...plainWeek, closures: [{ from: '2026-01-01', to: '2099-12-31' }] },
          start: '2026-11-27T18:00:00Z',
        },
        400,
        'body.calendar',
      ],
      ['unknown policy', { policyId: 'nope', start: '2026-11-27T18:00:00Z' }, 404, ''],
      ['unknown calendar', { policy: { targets: { resolution: 60 } }, calendarId: 'nowhere', start: '2026-11-27T18:00:00Z' }, 404, ''],
    ];
    for (const [name, body, status, field] of cases) {
      const answer = await preview(body);
      expect([name, answer.status], JSON.stringify(answer.body)).toEqual([name, status]);
      expect(answer.type).toContain('application/problem+json');
      if (field)
        expect(
          answer.body.errors.map((e: Body) => e.field),
          name,
        ).toContain(field);
    }
  });
});
