/**
 * SLA timers end to end on the local platform: cases made and moved over real
 * HTTP, DynamoDB Local, the real SLA clock ASL run by aws-local-stepfunctions
 * with its Check task the real handler, and the platform's clock moved forward
 * instead of sleeping. Each scenario lives in its own stretch of 2031 (the clock
 * only moves forward; the tests run in order).
 *
 * Calendars and policies are published over the SLA admin API, and sla-core's
 * write paths start, pause, resume and re-target the clocks. Until the events
 * bus lands on this branch, the harness delivers each case's events to the
 * arming consumer as the bus will (test/support/sla-timers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessMinutes } from '#core/sla/calendar.js';
import type { SlaState } from '#core/sla/state.js';
import { executionName } from '#core/sla/timer-steps.js';
import { transitionsOf } from '#lib/local/step-functions.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { LONDON_OFFICE, policyBody, SlaHarness } from '../support/sla-timers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;
let sla: SlaHarness;
/** The Check task's handler, loaded after the platform set the handlers' environment (as a cold start would). */
const checkHandler = async (input: unknown) => (await import('#handlers/sla-timer.js')).handler(input);

const LADDER = [
  { afterMinutes: 0, action: 'alertSupervisor', template: 'sla-breach' },
  { afterMinutes: 60, action: 'reassign', queue: 'escalations' },
  { afterMinutes: 120, action: 'raisePriority', priority: 'urgent' },
  { afterMinutes: 240, action: 'notifyCustomer', template: 'sla-delay' },
] as const;

beforeAll(async () => {
  platform = await startTestPlatform({ frozenClock: true });
  sla = new SlaHarness(platform);
  const { calendarId, ...calendar } = LONDON_OFFICE;
  const published = [
    await platform.fetchAs('admin', '/sla/calendars', { method: 'POST', ...json({ calendarId, name: 'London office', ...calendar }) }),
    // Support cases by priority: low and medium get a working day, high an hour with the ladder, urgent two hours with it too.
    await platform.fetchAs('admin', '/sla/policies', {
      method: 'POST',
      ...json(policyBody('standard', { match: { caseType: 'support', priority: 'low' }, targets: { resolution: 480 } })),
    }),
    await platform.fetchAs('admin', '/sla/policies', {
      method: 'POST',
      ...json(policyBody('medium', { match: { caseType: 'support', priority: 'medium' }, targets: { resolution: 480 } })),
    }),
    await platform.fetchAs('admin', '/sla/policies', {
      method: 'POST',
      ...json(policyBody('ladder', { match: { caseType: 'support', priority: 'high' }, targets: { resolution: 60 }, escalation: LADDER })),
    }),
    await platform.fetchAs('admin', '/sla/policies', {
      method: 'POST',
      ...json(policyBody('urgent', { match: { caseType: 'support', priority: 'urgent' }, targets: { resolution: 120 }, escalation: LADDER })),
    }),
  ];
  for (const response of published) expect(response.status, await response.clone().text()).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

/** A support case at `priority` (the policy follows from it); its timers armed before this returns. */
async function createCase(priority: 'low' | 'medium' | 'high'): Promise<string> {
  const response = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    ...json({
      type: 'support',
      priority,
      subject: 'Printer on fire',
      description: 'Smoke from tray 2.',
      requester: { id: 'cust-1', name: 'Carla Customer' },
      fields: { product: 'web-app', category: 'problem', impact: 'team', urgency: 'high' },
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const caseId = ((await response.json()) as Body).caseId as string;
  sla.track(caseId);
  await sla.settle();
  return caseId;
}

async function getCase(caseId: string): Promise<Body> {
  const response = await platform.fetchAs('agent', `/cases/${caseId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Body;
}

async function move(caseId: string, to: string, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await platform.fetchAs('agent', `/cases/${caseId}/transitions`, { method: 'POST', ...json({ to, ...extra }) });
  expect(response.status, await response.clone().text()).toBe(200);
  await sla.settle();
}

async function slaActions(caseId: string): Promise<string[]> {
  const response = await platform.fetchAs('agent', `/cases/${caseId}/history?limit=100`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as Body;
  return (body.items as Body[]).map((e) => e.action as string).filter((a) => a.startsWith('Sla'));
}

const resolutionOf = async (caseId: string) => ((await getCase(caseId)).sla as SlaState).clocks.resolution!;

describe('a case waiting on the customer over Easter', () => {
  it('pauses through the weekend and both bank holidays and breaches at exactly the business minute the calendar gives', async () => {
    await sla.advanceTo('2031-04-10T09:00:00Z'); // Thursday 10:00 in London (BST)
    const caseId = await createCase('low');
    const first = await resolutionOf(caseId);
    expect(first).toMatchObject({ status: 'running', warnAt: '2031-04-10T15:00:00.000Z' });
    expect(platform.slaTimers.describe(executionName(caseId, 'resolution', first.generation))?.status).toBe('RUNNING');

    await move(caseId, 'in_review');
    await sla.advanceTo('2031-04-10T10:00:00Z'); // an hour of business time counted
    await move(caseId, 'waiting_on_customer');
    const paused = await resolutionOf(caseId);
    expect(paused).toMatchObject({ status: 'paused', elapsedMinutes: 60, dueAt: null });
    // The running generation's execution is stopped, not left to find out later.
    expect(platform.slaTimers.describe(executionName(caseId, 'resolution', first.generation))?.status).toBe('ABORTED');

    // Good Friday, the weekend and Easter Monday pass: nothing fires.
    await sla.advanceTo('2031-04-15T10:00:00Z'); // Tuesday 11:00
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaPaused']);

    await move(caseId, 'in_review'); // the customer replied
    const resumed = await resolutionOf(caseId);
    // 420 business minutes were left: Tuesday 11:00-17:00 is 360, then Wednesday 09:00-10:00.
    const expectedDue = addBusinessMinutes(LONDON_OFFICE, '2031-04-15T10:00:00Z', 420).toISOString();
    expect(expectedDue).toBe('2031-04-16T09:00:00.000Z');
    expect(resumed).toMatchObject({
      status: 'running',
      dueAt: expectedDue,
      warnAt: addBusinessMinutes(LONDON_OFFICE, '2031-04-15T10:00:00Z', 300).toISOString(),
    });

    await sla.advanceTo('2031-04-15T14:59:00Z');
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaPaused', 'SlaResumed']);
    await sla.advanceTo('2031-04-15T15:00:00Z'); // 75 %: Tuesday 16:00
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaPaused', 'SlaResumed', 'SlaWarning']);

    await sla.advanceTo('2031-04-16T08:59:00Z');
    expect(await slaActions(caseId)).not.toContain('SlaBreached');
    await sla.advanceTo('2031-04-16T09:00:00Z');
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaPaused', 'SlaResumed', 'SlaWarning', 'SlaBreached']);
    expect(await resolutionOf(caseId)).toMatchObject({ status: 'breached', breachedAt: expectedDue, elapsedMinutes: 480 });

    const execution = platform.slaTimers.describe(executionName(caseId, 'resolution', resumed.generation))!;
    expect(execution.status).toBe('SUCCEEDED');
    // Wait, Check, Choice for the warning and again for the breach, then Done.
    expect(transitionsOf(execution)).toBe(7);
  });
});

describe('a priority change mid-flight', () => {
  let caseId: string;
  let before: { generation: number; dueAt: string | null };

  it('moves the deadline: the old timer is stopped and the breach comes at the new due time', async () => {
    await sla.advanceTo('2031-05-06T08:00:00Z'); // Tuesday 09:00
    caseId = await createCase('medium');
    before = await resolutionOf(caseId);
    expect(before.dueAt).toBe('2031-05-06T16:00:00.000Z');

    await sla.advanceTo('2031-05-06T08:30:00Z');
    const current = await getCase(caseId);
    const patched = await platform.fetchAs('agent', `/cases/${caseId}`, {
      method: 'PATCH',
      ...json({ priority: 'urgent', reason: 'Whole team down' }, { 'if-match': `"${current.version}"` }),
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as Body).priority).toBe('urgent');
    await sla.settle();

    const after = await resolutionOf(caseId);
    expect(after.dueAt).toBe('2031-05-06T10:00:00.000Z'); // 30 counted, 90 of 120 left
    expect(after.generation).toBeGreaterThan(before.generation);
    expect(platform.slaTimers.describe(executionName(caseId, 'resolution', before.generation))?.status).toBe('ABORTED');

    await sla.advanceTo('2031-05-06T09:59:00Z');
    expect(await slaActions(caseId)).not.toContain('SlaBreached');
    await sla.advanceTo('2031-05-06T10:00:00Z');
    expect(await resolutionOf(caseId)).toMatchObject({ status: 'breached', breachedAt: '2031-05-06T10:00:00.000Z' });
    await sla.advanceTo('2031-05-06T16:30:00Z'); // past the old due time: nothing more
    expect((await slaActions(caseId)).filter((a) => a === 'SlaBreached')).toHaveLength(1);
  });

  it('a late timer for the stale generation does nothing', async () => {
    const trailBefore = await sla.trail(caseId);
    const late = { caseId, clock: 'resolution', generation: before.generation, next: { kind: 'breach', rung: 0, at: before.dueAt } };
    await expect(checkHandler(late)).resolves.toMatchObject({ done: true, reason: expect.stringMatching(/^stale/) });
    // And as a whole execution of the machine, started late under another name.
    await platform.slaTimers.start({ name: `${caseId}-late`, fireAt: new Date(before.dueAt!), input: late });
    await sla.settle();
    const execution = platform.slaTimers.describe(`${caseId}-late`)!;
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: { next: { done: true } } });
    expect(await sla.trail(caseId)).toEqual(trailBefore);
  });
});

describe('the escalation ladder', () => {
  it('climbs every rung of a silent case, reassigning it to the escalation queue, from one late wake-up', async () => {
    await sla.advanceTo('2031-06-02T08:00:00Z'); // Monday 09:00; due 10:00, rungs at 10:00, 11:00, 12:00, 14:00
    const caseId = await createCase('high');
    const opened = await getCase(caseId);
    expect(opened.queue).toBe('support');

    // Nobody looks until 12:30: the warning is skipped (already due), the breach is dated at the due time.
    await sla.advanceTo('2031-06-02T11:30:00Z');
    // Raising the priority to urgent moves the case under the urgent policy (sla-core re-targets it) before the rung is recorded.
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaBreached', 'SlaEscalated', 'SlaEscalated', 'SlaRecomputed', 'SlaEscalated']);
    const midway = await getCase(caseId);
    expect(midway).toMatchObject({
      queue: 'escalations',
      priority: 'urgent',
      sla: { policyId: 'urgent', escalationLevel: 3, clocks: { resolution: { status: 'breached', breachedAt: '2031-06-02T09:00:00.000Z' } } },
    });
    expect(midway.handoff).toMatchObject({ to: { queue: 'escalations' } });

    await sla.advanceTo('2031-06-02T12:59:00Z');
    expect((await getCase(caseId)).sla.escalationLevel).toBe(3);
    await sla.advanceTo('2031-06-02T13:00:00Z');
    expect((await getCase(caseId)).sla.escalationLevel).toBe(4);

    const trail = await sla.trail(caseId);
    const escalations = trail.filter((e) => e.action === 'SlaEscalated');
    expect(escalations.map((e) => e.at)).toEqual([
      '2031-06-02T11:30:00.000Z',
      '2031-06-02T11:30:00.000Z',
      '2031-06-02T11:30:00.000Z',
      '2031-06-02T13:00:00.000Z',
    ]);
    expect(escalations[0]!.effects).toEqual([{ kind: 'notify', to: 'supervisors', template: 'sla-breach' }]);
    expect(escalations.map((e) => e.changes)).toEqual(
      [1, 2, 3, 4].map((n) => [{ field: 'sla', before: { escalationLevel: n - 1 }, after: { escalationLevel: n } }]),
    );
    // Queue and priority moved through the case lifecycle: a CaseUpdated by the timer, committed with its SlaEscalated.
    const updates = trail.filter((e) => e.action === 'CaseUpdated' && e.actor.sub === 'caseway-sla-timer');
    expect(updates.map((e) => e.changes.filter((c) => c.field === 'queue' || c.field === 'priority'))).toEqual([
      [{ field: 'queue', before: 'support', after: 'escalations' }],
      [{ field: 'priority', before: 'high', after: 'urgent' }],
    ]);
    for (const update of updates) {
      const sameChange = trail.filter((e) => e.correlationId === update.correlationId).map((e) => e.action);
      expect(sameChange[0]).toBe('CaseUpdated');
      expect(sameChange.at(-1)).toBe('SlaEscalated');
    }
    expect(escalations[3]!.effects).toEqual([{ kind: 'notify', to: 'requester', template: 'sla-delay' }]);
    // The outbox turns each into its event, and the notifications into NotificationRequested.
    expect(sla.armingEvents.map((e) => e['detail-type'])).toContain('SlaBreached');

    await sla.advanceTo('2031-06-03T13:00:00Z');
    expect((await slaActions(caseId)).filter((a) => a === 'SlaEscalated')).toHaveLength(4);
  });

  it('never escalates a case resolved after its breach', async () => {
    await sla.advanceTo('2031-07-01T08:00:00Z'); // Tuesday 09:00; due 10:00
    const caseId = await createCase('high');
    await sla.advanceTo('2031-07-01T09:00:00Z');
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaBreached', 'SlaEscalated']);
    const ladder = executionName(caseId, 'resolution', (await resolutionOf(caseId)).generation);
    expect(platform.slaTimers.describe(ladder)?.status).toBe('RUNNING');

    await move(caseId, 'in_review');
    await move(caseId, 'resolved', { fields: { resolutionCode: 'fixed' } });
    expect(platform.slaTimers.describe(ladder)?.status).toBe('ABORTED');
    await sla.advanceTo('2031-07-03T09:00:00Z');
    expect((await slaActions(caseId)).filter((a) => a === 'SlaEscalated')).toHaveLength(1);
    expect((await getCase(caseId)).queue).toBe('support');
  });
});

describe('a check run many times at once', () => {
  it('acts once: one warning however often the timer fires', async () => {
    await sla.advanceTo('2031-08-04T08:00:00Z'); // Monday 09:00
    const caseId = await createCase('low');
    const clock = await resolutionOf(caseId);
    // Move the clock past the warning without letting the machine see it first: stop its execution.
    await platform.slaTimers.stop(executionName(caseId, 'resolution', clock.generation));
    await sla.advanceTo(clock.warnAt!);
    const input = { caseId, clock: 'resolution', generation: clock.generation, next: { kind: 'warning', rung: 0, at: clock.warnAt } };
    const answers = await Promise.all(Array.from({ length: 8 }, () => checkHandler(input)));
    for (const answer of answers) expect(answer).toEqual({ done: false, kind: 'breach', rung: 0, at: clock.dueAt });
    expect((await slaActions(caseId)).filter((a) => a === 'SlaWarning')).toHaveLength(1);
  });

  it('hears of a breach once however often its timer fires: the SlaBreaches count the stack alarms on', async () => {
    await sla.advanceTo('2031-08-11T08:00:00Z'); // Monday 09:00, a week after the warning above
    const caseId = await createCase('low');
    const clock = await resolutionOf(caseId);
    await platform.slaTimers.stop(executionName(caseId, 'resolution', clock.generation));
    await sla.advanceTo(clock.dueAt!);
    const { checkTimer } = await import('#services/sla-timers.js');
    const heard: string[] = [];
    const input = {
      caseId,
      clock: 'resolution' as const,
      generation: clock.generation,
      next: { kind: 'breach' as const, rung: 0, at: clock.dueAt! },
    };
    await Promise.all(Array.from({ length: 8 }, () => checkTimer(input, (kind) => heard.push(kind))));
    expect(heard).toEqual(['breach']);
    expect((await slaActions(caseId)).filter((a) => a === 'SlaBreached')).toHaveLength(1);
    // A timer that fires again later acts no more, and says nothing.
    await checkTimer(input, (kind) => heard.push(kind));
    expect(heard).toEqual(['breach']);
  });

  it('ends an execution with malformed input instead of retrying it forever', async () => {
    await expect(checkHandler({ caseId: 'x', clock: 'lunch', generation: -1 })).resolves.toMatchObject({
      done: true,
      reason: expect.stringContaining('invalid input'),
    });
  });
});

describe('the local demo clock', () => {
  const post = (body: unknown) => fetch(`${platform.url}/_local/clock`, { method: 'POST', ...json(body) });

  it('moves forward over HTTP and answers once the timers that fell due have run', async () => {
    await sla.advanceTo('2031-09-01T08:00:00Z'); // Monday 09:00
    const caseId = await createCase('low');
    const clock = await resolutionOf(caseId);
    const moved = await post({ advanceMinutes: 6 * 60 });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ now: '2031-09-01T14:00:00.000Z' });
    expect(clock.warnAt).toBe('2031-09-01T14:00:00.000Z');
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaWarning']);
    expect(await (await fetch(`${platform.url}/_local/clock`)).json()).toEqual({ now: '2031-09-01T14:00:00.000Z' });
    const to = await post({ to: '2031-09-02T08:00:00Z' });
    expect(await to.json()).toEqual({ now: '2031-09-02T08:00:00.000Z' });
    expect(await slaActions(caseId)).toEqual(['SlaStarted', 'SlaWarning', 'SlaBreached']);
  });

  it('refuses bad input with a problem naming the field, and never moves back', async () => {
    for (const body of [
      { advanceMinutes: 'soon' },
      { advanceMinutes: -5 },
      { to: 'tomorrow' },
      {},
      { advanceMinutes: 5, to: '2031-09-03T00:00:00Z' },
    ]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as Body).errors[0]).toMatchObject({ field: 'body', rule: 'oneOf' });
    }
    const notJson = await fetch(`${platform.url}/_local/clock`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    const back = await post({ to: '2030-01-01T00:00:00Z' });
    expect(back.status).toBe(409);
    expect(((await back.json()) as Body).errors[0]).toMatchObject({ field: 'body.to', rule: 'notBefore' });
    expect((await fetch(`${platform.url}/_local/clock`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${platform.url}/_local/elsewhere`)).status).toBe(404);
  });
});
