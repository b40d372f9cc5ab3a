/**
 * Live updates over real WebSockets against the local platform: DynamoDB Local,
 * the outbox publisher on the table's stream, the local EventBridge stand-in
 * delivering to the deployed fan-out handler, and ID tokens signed by the dev
 * issuer and checked by the deployed connect handler.
 *
 * "Nothing arrived" is asserted after a barrier, never after a sleep: a later event
 * on the same case reached an observer (the stream is ordered per case), the bus is
 * idle (every fan-out finished), and a ping on the socket under test came back (the
 * server's frames arrive in order, so anything sent before the pong is in).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDevIssuer } from '#lib/local/dev-issuer.js';
import { localSockets } from '#adapters/live-push.js';
import { livePersonPartition } from '#adapters/dynamodb/keys.js';
import { connectLive, type LiveEvent, type SocketConstructor } from '../../web/src/live/live-client.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;

/** Every hidden name and value contains this; nothing else the platform writes does. */
const SENTINEL = /zq/i;

const workflow = {
  initial: 'open',
  states: [
    { id: 'open', label: 'Open', category: 'active' },
    { id: 'resolved', label: 'Resolved', category: 'resolved' },
  ],
  transitions: [{ id: 'resolve', label: 'Resolve', from: ['open'], to: 'resolved' }],
};

const vaultType = {
  typeId: 'livevault',
  name: 'Live vault',
  defaultQueue: 'livevault',
  clearance: ['supervisor'],
  fields: [
    { name: 'topic', label: 'Topic', type: 'text' },
    { name: 'zqNote', label: 'Zq note', type: 'text', sensitivity: 'internal' },
    { name: 'zqScore', label: 'Zq score', type: 'text', sensitivity: 'restricted' },
  ],
  intake: { questions: [] },
  workflow,
};

const secretType = {
  typeId: 'livesecret',
  name: 'Live secret',
  defaultQueue: 'livesecret',
  access: { teams: ['fraud'] },
  fields: [],
  intake: { questions: [] },
  workflow,
};

const AGENT_2 = { sub: 'live-agent-2', roles: ['agent'] as const };

beforeAll(async () => {
  platform = await startTestPlatform();
  for (const type of [vaultType, secretType]) expect((await call('admin', 'POST', '/case-types', type)).status).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
});

type Who = Parameters<TestPlatform['fetchAs']>[0];

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init =
    body === undefined ? { method, headers } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
  const response = await platform.fetchAs(who, path, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

async function newCase(type: string, requester: string, extra: Body = {}, who: Who = 'supervisor'): Promise<string> {
  const made = await call(who, 'POST', '/cases', {
    type,
    subject: 'Live case',
    description: 'Watch it change',
    channel: 'web',
    requester: { id: requester },
    ...extra,
  });
  expect(made.status).toBe(201);
  return made.body.caseId as string;
}

const comment = async (who: Who, caseId: string, body: string, visibility: 'public' | 'internal') =>
  expect((await call(who, 'POST', `/cases/${caseId}/comments`, { body, visibility })).status).toBe(201);

interface Live {
  readonly messages: Body[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first message (seen or to come) that satisfies `match`. */
  until(match: (m: Body) => boolean): Promise<Body>;
  /** A ping answered: every frame the server sent before it has arrived. */
  ping(): Promise<void>;
  events(caseId?: string): Body[];
  close(): void;
}

async function openLive(auth?: Body | string): Promise<Live> {
  const ws = new WebSocket(platform.liveUrl);
  const messages: Body[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Body);
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = (match: (m: Body) => boolean) =>
    new Promise<Body>((resolve) => {
      const check = () => {
        const found = messages.find(match);
        if (found) {
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
    });
  if (auth !== undefined) ws.send(typeof auth === 'string' ? auth : JSON.stringify(auth));
  return {
    messages,
    closed,
    until,
    async ping() {
      const pongs = messages.filter((m) => m.type === 'pong').length;
      ws.send(JSON.stringify({ type: 'ping' }));
      await until(() => messages.filter((m) => m.type === 'pong').length > pongs);
    },
    events: (caseId) => messages.filter((m) => m.type === 'event' && (caseId === undefined || m.caseId === caseId)),
    close: () => ws.close(),
  };
}

async function connectAs(token: string, after?: string): Promise<Live> {
  const live = await openLive({ type: 'auth', token, ...(after ? { after } : {}) });
  await live.until((m) => m.type === 'ready');
  return live;
}

/** Every fan-out done and every frame sent before now received (see the file's comment). */
async function settle(...lives: Live[]): Promise<void> {
  await platform.events.idle();
  await Promise.all(lives.map((l) => l.ping()));
}

const isEvent = (event: string, caseId: string) => (m: Body) => m.type === 'event' && m.event === event && m.caseId === caseId;

describe('live updates', () => {
  it('tells an agent live that a case was offered to them, and no other agent', async () => {
    const agent = await connectAs(platform.tokens.agent);
    const other = await connectAs(await platform.tokenFor(AGENT_2));
    expect(
      (await call('admin', 'PUT', '/routing/agents/demo-agent', { name: 'Alex Agent', skills: {}, capacity: { phone: 1 } })).status,
    ).toBeLessThan(300);
    expect((await call('agent', 'PUT', '/routing/agents/demo-agent/presence', { presence: 'available' })).status).toBe(200);

    const caseId = await newCase('livevault', 'cust-offer', { channel: 'phone' });
    const offered = await agent.until(isEvent('CaseOffered', caseId));
    expect(offered).toMatchObject({ type: 'event', caseId, detail: { offer: { agentId: 'demo-agent', channel: 'phone', queue: 'livevault' } } });
    expect(offered.id).toMatch(/^\d{13}-[0-9a-f]{8}$/);
    const listed = await call('agent', 'GET', '/routing/offers');
    expect(listed.body.items.map((o: Body) => o.offerId)).toContain(offered.detail.offer.offerId);

    // A marker on the same case reaches both, then nothing is in flight: the other agent saw the case, never the offer.
    await comment('supervisor', caseId, 'marker', 'public');
    await other.until(isEvent('CommentAdded', caseId));
    await settle(agent, other);
    expect(other.events(caseId).map((m) => m.event)).toContain('CaseCreated');
    expect(other.events(caseId).filter((m) => m.event === 'CaseOffered')).toEqual([]);
    agent.close();
    other.close();
  });

  it('brings a comment on a case to a second connected agent', async () => {
    const first = await connectAs(platform.tokens.agent);
    const second = await connectAs(await platform.tokenFor(AGENT_2));
    const caseId = await newCase('livevault', 'cust-comment');
    await comment('agent', caseId, 'Called the customer back', 'internal');
    const seen = await second.until(isEvent('CommentAdded', caseId));
    expect(seen.detail).toMatchObject({ comment: { visibility: 'internal' }, actor: { sub: 'demo-agent' } });
    expect((await first.until(isEvent('CommentAdded', caseId))).id).toBe(seen.id);
    first.close();
    second.close();
  });

  it('gives a requester the events of their own cases only, without internal comments or fields they may not see', async () => {
    const rita = await connectAs(platform.tokens.requester);
    const remy = await connectAs(platform.tokens.requester2);
    const supervisor = await connectAs(platform.tokens.supervisor);
    const agent = await connectAs(platform.tokens.agent);
    const ritas = await newCase('livevault', 'demo-requester');
    const remys = await newCase('livevault', 'demo-requester-2');

    const patch = (fields: Body, version: number) => call('supervisor', 'PATCH', `/cases/${ritas}`, { fields }, { 'if-match': `"${version}"` });
    expect((await patch({ zqNote: 'zq internal note' }, 1)).status).toBe(200);
    expect((await patch({ zqScore: 'zq restricted score' }, 2)).status).toBe(200);
    expect((await patch({ topic: 'Lost card', zqNote: 'zq second note' }, 3)).status).toBe(200);
    await comment('agent', ritas, 'zq internal remark', 'internal');
    await comment('agent', remys, 'For Remy only', 'public');
    await comment('agent', ritas, 'We are on it', 'public');

    await rita.until((m) => isEvent('CommentAdded', ritas)(m) && m.detail.comment.visibility === 'public');
    await remy.until(isEvent('CommentAdded', remys));
    await supervisor.until((m) => isEvent('CommentAdded', ritas)(m) && m.detail.comment.visibility === 'public');
    await settle(rita, remy, supervisor, agent);

    // Fan-outs run side by side: compare in the case's own order.
    const ritaEvents = rita.events().sort((a, b) => a.detail.caseVersion - b.detail.caseVersion);
    expect(new Set(ritaEvents.map((m) => m.caseId))).toEqual(new Set([ritas]));
    expect(JSON.stringify(ritaEvents)).not.toMatch(SENTINEL);
    expect(ritaEvents.map((m) => m.event)).toEqual(['CaseCreated', 'CaseUpdated', 'CommentAdded']);
    expect(ritaEvents[1]!.detail.changes).toEqual([{ field: 'fields.topic', before: null, after: 'Lost card' }]);
    expect(ritaEvents[1]!.detail.actor).toBeUndefined();
    expect(
      remy
        .events()
        .map((m) => [m.caseId, m.event])
        .sort(),
    ).toEqual([
      [remys, 'CaseCreated'],
      [remys, 'CommentAdded'],
    ]);

    // Staff see the internal comment and fields; that a restricted field changed, never its value (it is not on the bus).
    const agentUpdates = agent
      .events(ritas)
      .filter((m) => m.event === 'CaseUpdated')
      .sort((a, b) => a.detail.caseVersion - b.detail.caseVersion);
    expect(agentUpdates.map((m) => m.detail.changes.map((c: Body) => c.field))).toEqual([
      ['fields.zqNote'],
      ['fields.zqScore'],
      ['fields.topic', 'fields.zqNote'],
    ]);
    expect(agentUpdates[1]!.detail.changes[0]).toEqual({ field: 'fields.zqScore', before: null, after: null });
    expect(JSON.stringify(agent.events(ritas))).not.toContain('zq restricted score');
    expect(
      agent
        .events(ritas)
        .filter((m) => m.event === 'CommentAdded')
        .map((m) => m.detail.comment.visibility)
        .sort(),
    ).toEqual(['internal', 'public']);
    for (const l of [rita, remy, supervisor, agent]) l.close();
  });

  it('tells nobody outside the fraud team about a fraud case', async () => {
    const outsider = await connectAs(platform.tokens.agent);
    const supervisor = await connectAs(platform.tokens.supervisor);
    const fraud = await connectAs(platform.tokens.fraudAgent);
    const caseId = await newCase('livesecret', 'cust-fraud', {}, 'fraudSupervisor');
    await comment('fraudAgent', caseId, 'Looking into it', 'internal');
    await fraud.until(isEvent('CommentAdded', caseId));
    await settle(outsider, supervisor, fraud);
    expect(
      fraud
        .events(caseId)
        .map((m) => m.event)
        .sort(),
    ).toEqual(['CaseCreated', 'CommentAdded']);
    expect(outsider.events(caseId)).toEqual([]);
    expect(supervisor.events(caseId)).toEqual([]);
    expect(JSON.stringify([...outsider.messages, ...supervisor.messages])).not.toContain(caseId);
    for (const l of [outsider, supervisor, fraud]) l.close();
  });

  it('resumes after a dropped connection with exactly the events missed, in order, once each', async () => {
    const observer = await connectAs(platform.tokens.supervisor);
    const before = new Set(localSockets().keys());
    // A long backoff: the client stays away until told to reconnect, so the events happen while it is gone.
    const client = connectLive({
      url: platform.liveUrl,
      token: () => platform.tokenFor(AGENT_2),
      WebSocket: WebSocket as unknown as SocketConstructor,
      backoff: { initialMs: 600_000 },
    });
    const received: LiveEvent[] = [];
    client.subscribe((event) => received.push(event));
    const statuses: string[] = [];
    client.onStatus((status) => statuses.push(status));
    await until(() => client.status === 'live');

    const caseId = await newCase('livevault', 'cust-resume');
    await until(() => received.some((e) => e.caseId === caseId));
    const [socketId] = [...localSockets().keys()].filter((id) => !before.has(id));
    expect(socketId).toBeDefined();
    localSockets().get(socketId!)!.close(1012, 'restarting');
    await until(() => client.status === 'reconnecting');

    for (const text of ['one', 'two', 'three']) await comment('supervisor', caseId, `Missed ${text}`, 'public');
    await until(() => observer.events(caseId).filter((m) => m.event === 'CommentAdded').length === 3);
    const missed = observer
      .events(caseId)
      .filter((m) => m.event === 'CommentAdded')
      .map((m) => m.id as string)
      .sort();

    client.reconnect();
    await until(() => received.filter((e) => e.caseId === caseId).length === 4);
    await settle(observer);
    expect(received.filter((e) => e.caseId === caseId).map((e) => [e.event, e.id])).toEqual([
      ['CaseCreated', expect.any(String)],
      ...missed.map((id) => ['CommentAdded', id]),
    ]);
    // Once each, across everything the client heard (the replay overlaps what it had; the client drops the repeats).
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
    expect(statuses).toEqual(['live', 'reconnecting', 'connecting', 'live']);
    client.close();
    observer.close();
  });

  it('refuses bad, expired, foreign and role-less tokens with a close code, and sends them nothing', async () => {
    const stranger = await createDevIssuer();
    const now = Math.floor(Date.now() / 1000);
    const agent = { sub: 'live-agent-3', roles: ['agent'] as const };
    const refused: [string, string, number][] = [
      ['garbage', 'not-a-token', 4401],
      ['expired', await platform.tokenFor(agent, { issuedAt: now - 3600, expiresIn: 60 }), 4401],
      ['another client', await platform.tokenFor(agent, { audience: 'someone-else' }), 4401],
      ['another issuer', await stranger.sign(agent), 4401],
      ['no kid', await platform.tokenFor(agent, { withoutKid: true }), 4401],
      ['not valid yet', await platform.tokenFor(agent, { notBefore: now + 3600 }), 4401],
      ['no role', await platform.tokenFor(agent, { groups: ['IT admin'] }), 4403],
    ];
    for (const [what, token, code] of refused) {
      const live = await openLive({ type: 'auth', token });
      const closed = await live.closed;
      expect({ what, code: closed.code }).toEqual({ what, code });
      expect(live.messages.map((m) => m.type)).toEqual(['error']);
      expect(live.messages[0]).toMatchObject({ status: code === 4403 ? 403 : 401 });
    }

    // A message that is not the protocol's: 4400, naming the field and rule.
    const wrong = await openLive({ type: 'auth', token: platform.tokens.agent, after: 'yesterday' });
    expect((await wrong.closed).code).toBe(4400);
    expect(wrong.messages).toEqual([expect.objectContaining({ type: 'error', status: 400, field: 'message.after', rule: 'custom' })]);
    const notJson = await openLive('hello');
    expect((await notJson.closed).code).toBe(4400);

    // A refused token registered nothing: an event afterwards reaches none of them.
    const caseId = await newCase('livevault', 'cust-refused');
    const watcher = await connectAs(platform.tokens.supervisor);
    await comment('supervisor', caseId, 'After the refusals', 'public');
    await watcher.until(isEvent('CommentAdded', caseId));
    await settle(watcher);
    const registered = await platform.dynamodb.client.send(
      new QueryCommand({
        TableName: platform.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': livePersonPartition(agent.sub) },
      }),
    );
    expect(registered.Items).toEqual([]);
    watcher.close();
  });
});

/** Waits until `condition` holds, checking on every turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
