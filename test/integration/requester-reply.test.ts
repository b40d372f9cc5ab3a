/**
 * A requester's reply to a case waiting on them moves it back to work: the case
 * type's automation (declared, or the default for types that declare none), taken
 * by the system in the same commit as the reply and audited as an automation.
 * Over real HTTP: replies through the API and through a channel's thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Who = Parameters<TestPlatform['fetchAs']>[0];

async function call(who: Who, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const response = await platform.fetchAs(who, path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Body) : {} };
}

const historyOf = async (caseId: string) => (await call('agent', 'GET', `/cases/${caseId}/history`)).body.items as Body[];
const statusOf = async (caseId: string) => (await call('agent', 'GET', `/cases/${caseId}`)).body.status as string;

async function move(caseId: string, to: string, who: Who = 'agent') {
  const moved = await call(who, 'POST', `/cases/${caseId}/transitions`, { to, reason: 'Need the serial number' });
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
}

/** A support case of rita's, waiting on her. */
async function waitingSupportCase(): Promise<string> {
  const opened = await call('requester', 'POST', '/cases', { subject: 'Printer offline', description: 'Since the update' });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  await move(opened.body.caseId, 'in_review');
  await move(opened.body.caseId, 'waiting_on_customer');
  return opened.body.caseId as string;
}

/** The automatic transition's event, checked to be the reply's companion in one commit. */
function expectAutomatedAfterReply(
  events: Body[],
  commentId: string,
  expected: { from: string; to: string; transition: string; rule: 'declared' | 'default'; channel: string },
) {
  const replyAt = events.findIndex((e) => e.action === 'CommentAdded' && e.target?.id === commentId);
  expect(replyAt).toBeGreaterThanOrEqual(0);
  const reply = events[replyAt]!;
  const moved = events.slice(replyAt + 1).find((e) => e.action === 'Transitioned')!;
  expect(moved).toMatchObject({
    actor: { sub: 'caseway-automation', name: 'Caseway automation', roles: [] },
    reason: 'requester replied',
    channel: expected.channel,
    transition: { id: expected.transition, from: expected.from, to: expected.to, reopen: false },
    automation: { on: 'requesterReply', rule: expected.rule, commentId },
  });
  // Same request, same commit: one correlation id, and nothing of anyone else's between them.
  expect(moved.correlationId).toBe(reply.correlationId);
  for (const between of events.slice(replyAt + 1, events.indexOf(moved))) expect(between.correlationId).toBe(reply.correlationId);
}

beforeAll(async () => {
  // With the shipped SLA policies: the automatic transition's clock effects ride in the reply's commit too.
  platform = await startTestPlatform({ seedSla: true });
});

afterAll(async () => {
  await platform?.stop();
});

describe('the shipped support type: waiting_on_customer -> in_review on the requester reply', () => {
  it('a public reply through the API moves it, as the system, in the same commit, and the trail verifies', async () => {
    const caseId = await waitingSupportCase();
    const before = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    const reply = await call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'The serial is SN-4411' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);

    const after = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    expect(after).toMatchObject({ status: 'in_review', statusCategory: 'active', owner: before.owner, version: before.version + 1 });
    // customer_replied's effects ran: the resolution clock, paused while waiting, runs again.
    expect(before.sla.clocks.resolution.status).toBe('paused');
    expect(after.sla.clocks.resolution.status).toBe('running');
    expectAutomatedAfterReply(await historyOf(caseId), reply.body.commentId, {
      from: 'waiting_on_customer',
      to: 'in_review',
      transition: 'customer_replied',
      rule: 'declared',
      channel: 'web',
    });
    expect((await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
  });

  it("staff replies, and the requester's replies in other states, move nothing", async () => {
    const caseId = await waitingSupportCase();
    expect((await call('agent', 'POST', `/cases/${caseId}/comments`, { body: 'Any luck finding it?' })).status).toBe(201);
    expect((await call('agent', 'POST', `/cases/${caseId}/comments`, { body: 'note', visibility: 'internal' })).status).toBe(201);
    expect((await call('integration', 'POST', `/cases/${caseId}/comments`, { body: 'Synced from the CRM' })).status).toBe(201);
    expect(await statusOf(caseId)).toBe('waiting_on_customer');

    await move(caseId, 'in_review', 'requester'); // customer_replied by hand
    expect((await call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'Also, it beeps' })).status).toBe(201);
    expect(await statusOf(caseId)).toBe('in_review');
    expect((await historyOf(caseId)).filter((e) => e.automation)).toEqual([]);
  });

  it('a reply through a chat thread moves it too', async () => {
    const thread = `thread-${Math.random()}`;
    const author = { id: `fay-${Math.random().toString(36).slice(2)}`, name: 'Fay' };
    const first = await call('integration', 'POST', '/channels/messages', {
      channel: 'chat',
      deliveryId: `d1-${thread}`,
      externalThreadId: thread,
      author,
      text: 'My order never arrived',
    });
    expect(first.status, JSON.stringify(first.body)).toBeLessThan(300);
    const caseId = first.body.caseId as string;
    await move(caseId, 'in_review');
    await move(caseId, 'waiting_on_customer');

    const again = await call('integration', 'POST', '/channels/messages', {
      channel: 'chat',
      deliveryId: `d2-${thread}`,
      externalThreadId: thread,
      author,
      text: 'Order number is AB-1234',
    });
    expect(again.body).toMatchObject({ outcome: 'appended', caseId });
    expect(await statusOf(caseId)).toBe('in_review');
    expectAutomatedAfterReply(await historyOf(caseId), again.body.commentId, {
      from: 'waiting_on_customer',
      to: 'in_review',
      transition: 'customer_replied',
      rule: 'declared',
      channel: 'chat',
    });

    // A redelivery replays the first result: no second comment, no second move.
    const replayed = await call('integration', 'POST', '/channels/messages', {
      channel: 'chat',
      deliveryId: `d2-${thread}`,
      externalThreadId: thread,
      author,
      text: 'Order number is AB-1234',
    });
    expect(replayed.body).toMatchObject({ outcome: 'appended', commentId: again.body.commentId });
    expect((await historyOf(caseId)).filter((e) => e.automation)).toHaveLength(1);
  });
});

describe('a repeat that joins the waiting case (Prefer: dedup) is the requester writing again', () => {
  it('moves it back to review after the DuplicateIntake decision, in the same commit', async () => {
    // The web form asks for dedup on every create: the first one is remembered under the requester's guard.
    const first = await platform.fetchAs('requester', '/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'dedup' },
      body: JSON.stringify({ subject: 'Scanner jams on every page', description: 'Since the firmware update last week' }),
    });
    expect(first.status).toBe(201);
    const caseId = ((await first.json()) as Body).caseId as string;
    await move(caseId, 'in_review');
    await move(caseId, 'waiting_on_customer');
    const response = await platform.fetchAs('requester', '/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'dedup' },
      body: JSON.stringify({ subject: 'Scanner jams on every page', description: 'Since the firmware update last week' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('caseway-duplicate-of')).toBe(caseId);
    expect(await statusOf(caseId)).toBe('in_review');
    const events = await historyOf(caseId);
    const decided = events.find((e) => e.action === 'DuplicateIntake')!;
    expect(events[events.indexOf(decided) - 1]).toMatchObject({ action: 'CommentAdded' });
    expectAutomatedAfterReply(events, decided.target.id, {
      from: 'waiting_on_customer',
      to: 'in_review',
      transition: 'customer_replied',
      rule: 'declared',
      channel: 'web',
    });
    expect((await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
  });
});

const workflowOf = (automations?: unknown[]) => ({
  initial: 'open',
  states: [
    { id: 'open', label: 'Open', category: 'active' },
    { id: 'working', label: 'Working', category: 'active' },
    { id: 'paused', label: 'Waiting for you', category: 'waiting' },
    { id: 'blocked', label: 'Waiting for a supplier', category: 'waiting' },
    { id: 'done', label: 'Done', category: 'resolved' },
  ],
  transitions: [
    { id: 'start', label: 'Start', from: ['open'], to: 'working' },
    { id: 'ask', label: 'Ask', from: ['working'], to: 'paused' },
    { id: 'wait_supplier', label: 'Wait for supplier', from: ['working'], to: 'blocked' },
    // Staff-only way back first: the default must pick the one the requester may take.
    { id: 'staff_resume', label: 'Resume (staff)', from: ['paused', 'blocked'], to: 'working' },
    { id: 'answered', label: 'Answered', from: ['paused'], to: 'open', guards: [{ kind: 'role', roles: ['requester', 'agent'] }] },
    { id: 'finish', label: 'Finish', from: ['working', 'paused'], to: 'done' },
  ],
  ...(automations ? { automations } : {}),
});

async function publish(typeId: string, workflow: unknown) {
  return call('admin', 'POST', '/case-types', { typeId, name: typeId, defaultQueue: 'lab', workflow });
}

async function caseIn(typeId: string, state: 'paused' | 'blocked'): Promise<string> {
  const opened = await call('requester', 'POST', '/cases', { type: typeId, subject: 'Window handle', description: 'Broken again' });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  await move(opened.body.caseId, 'working');
  await move(opened.body.caseId, state);
  return opened.body.caseId as string;
}

describe('types that declare no automation get the default; [] turns it off', () => {
  beforeAll(async () => {
    expect((await publish('plain', workflowOf())).status).toBe(201);
    expect((await publish('manual', workflowOf([]))).status).toBe(201);
    expect((await publish('declared', workflowOf([{ on: 'requesterReply', from: ['paused', 'blocked'], to: 'working' }]))).status).toBe(201);
  });

  it('default: from a waiting state, the first way back to an active state the requester may take themselves', async () => {
    const caseId = await caseIn('plain', 'paused');
    const reply = await call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'Here is the photo' });
    expect(await statusOf(caseId)).toBe('open');
    expectAutomatedAfterReply(await historyOf(caseId), reply.body.commentId, {
      from: 'paused',
      to: 'open',
      transition: 'answered',
      rule: 'default',
      channel: 'web',
    });
  });

  it('default: a waiting state the requester has no way out of stays (blocked on a supplier)', async () => {
    const caseId = await caseIn('plain', 'blocked');
    await call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'Any news?' });
    expect(await statusOf(caseId)).toBe('blocked');
  });

  it('automations: [] moves nothing', async () => {
    const caseId = await caseIn('manual', 'paused');
    await call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'Here is the photo' });
    expect(await statusOf(caseId)).toBe('paused');
  });

  it("declared: the type's rule, whatever roles the transition's guard names", async () => {
    const caseId = await caseIn('declared', 'blocked');
    const reply = await call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'The supplier called me' });
    expect(await statusOf(caseId)).toBe('working');
    expectAutomatedAfterReply(await historyOf(caseId), reply.body.commentId, {
      from: 'blocked',
      to: 'working',
      transition: 'staff_resume',
      rule: 'declared',
      channel: 'web',
    });
  });
});

describe('automations are checked at publish: a problem names the path', () => {
  it.each([
    ['an unknown target state', [{ on: 'requesterReply', from: ['paused'], to: 'review' }], 'body.workflow.automations.0.to', 'unknown_state'],
    [
      'an unknown source state',
      [{ on: 'requesterReply', from: ['paused', 'waiting_on_customer'], to: 'working' }],
      'body.workflow.automations.0.from.1',
      'unknown_state',
    ],
    [
      'no transition to take',
      [
        { on: 'requesterReply', from: ['paused'], to: 'done' },
        { on: 'requesterReply', from: ['blocked'], to: 'open' },
      ],
      'body.workflow.automations.1.from.0',
      'no_transition',
    ],
    [
      'a named transition that does not exist',
      [{ on: 'requesterReply', from: ['paused'], to: 'working', transition: 'nope' }],
      'body.workflow.automations.0.transition',
      'unknown_transition',
    ],
    [
      'a named transition going elsewhere',
      [{ on: 'requesterReply', from: ['paused'], to: 'working', transition: 'answered' }],
      'body.workflow.automations.0.transition',
      'wrong_target',
    ],
    ['an unknown trigger', [{ on: 'staffReply', from: ['paused'], to: 'working' }], 'body.workflow.automations.0.on', 'invalid_value'],
  ])('%s', async (_what, automations, field, rule) => {
    const refused = await publish(`bad-${Math.random().toString(36).slice(2, 8)}`, workflowOf(automations));
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field, rule })]);
  });
});
