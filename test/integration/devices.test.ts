/**
 * Proactive cases over real HTTP against DynamoDB Local: a threshold crossing
 * opens a case for the asset's owner linked to the asset, later signals count into
 * it, recovery resolves it through the workflow, anomalies against the rolling
 * baseline open their own case, redeliveries do nothing, and a storm of a thousand
 * signals from one device opens exactly one case.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventBridgeEvent } from '../support/bus-events.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'requester' | 'requester2' | 'admin' | 'integration';

let platform: TestPlatform;

beforeAll(async () => {
  // The storm puts a thousand requests on this one process and one DynamoDB Local at once, beside
  // whatever else the machine runs; in AWS each would have a Lambda of its own. What the storm
  // proves is one case, not latency, so handlers get more than API Gateway's 30 s here.
  platform = await startTestPlatform({ integrationTimeoutMs: 150_000 });
});
afterAll(async () => {
  await platform?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await platform.fetchAs(who, path, { method, ...(body === undefined ? { headers } : json(body, headers)) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, etag: response.headers.get('etag') };
}

let assetCount = 0;
async function newAsset(extra: Body = {}): Promise<string> {
  const assetId = `pump-${++assetCount}-${Date.now()}`;
  const created = await call('admin', 'POST', '/assets', {
    assetId,
    name: `Pump ${assetCount}`,
    owner: { id: 'demo-requester', name: 'Rita Requester' },
    entitlementId: 'ent-gold-1',
    thresholds: [{ metric: 'temperature', direction: 'above', value: 80, hysteresis: 5 }],
    ...extra,
  });
  expect(created.status).toBe(201);
  return assetId;
}

let signalCount = 0;
const signal = (assetId: string, value: number | undefined, extra: Body = {}) => ({
  assetId,
  signalId: `sig-${++signalCount}`,
  metric: 'temperature',
  ...(value === undefined ? {} : { value }),
  at: new Date(Date.UTC(2026, 10, 27, 12, 0, 0, signalCount)).toISOString(),
  kind: 'telemetry',
  ...extra,
});
const send = (body: unknown, who: Who = 'integration') => call(who, 'POST', '/devices/signals', body);

/** Every device-alert case of an asset, read behind the API by its link items. */
async function casesOf(assetId: string): Promise<string[]> {
  const out = await platform.dynamodb.client.send(
    new QueryCommand({
      TableName: platform.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `ASSET#${assetId}`, ':p': 'CASE#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.caseId));
}

/** Every case whose fields name the asset, found through the requester's listing: the link cannot hide an extra case. */
async function listedCasesOf(assetId: string): Promise<Body[]> {
  const all: Body[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'agent',
      'GET',
      `/cases?requester=demo-requester&type=device-alert&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...(page.body.items as Body[]));
    cursor = page.body.nextCursor;
  } while (cursor);
  return all.filter((c) => c.fields.assetId === assetId);
}

describe('assets', () => {
  it('registers, reads, lists by owner, and changes only with the current If-Match', async () => {
    const assetId = await newAsset();
    const read = await call('agent', 'GET', `/assets/${assetId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      assetId,
      owner: { id: 'demo-requester' },
      entitlementId: 'ent-gold-1',
      autoResolve: false,
      version: 1,
      openConditions: [],
      cases: [],
    });
    expect(read.body.anomaly).toMatchObject({ enabled: false, window: 30 });
    expect(read.etag).toBe('"1"');

    expect((await call('requester', 'GET', `/assets/${assetId}`)).status).toBe(200);
    expect((await call('requester2', 'GET', `/assets/${assetId}`)).status).toBe(404);
    const listed = await call('requester', 'GET', '/assets?owner=demo-requester');
    expect((listed.body.items as Body[]).map((a) => a.assetId)).toContain(assetId);
    expect((await call('requester2', 'GET', '/assets?owner=demo-requester')).status).toBe(403);

    expect((await call('admin', 'PATCH', `/assets/${assetId}`, { autoResolve: true })).status).toBe(428);
    expect((await call('admin', 'PATCH', `/assets/${assetId}`, { autoResolve: true }, { 'if-match': '"7"' })).status).toBe(412);
    expect((await call('agent', 'PATCH', `/assets/${assetId}`, { autoResolve: true }, { 'if-match': '"1"' })).status).toBe(403);
    const changed = await call(
      'integration',
      'PATCH',
      `/assets/${assetId}`,
      { autoResolve: true, anomaly: { enabled: true } },
      { 'if-match': '"1"' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ autoResolve: true, version: 2, anomaly: { enabled: true, window: 30 } });
    expect(changed.etag).toBe('"2"');
  });

  it('refuses bad assets naming the field and rule, and a second asset with the same id', async () => {
    const bad = await call('admin', 'POST', '/assets', {
      assetId: 'bad#id',
      name: 'x',
      owner: { id: 'o' },
      thresholds: [{ metric: 'm', direction: 'sideways', value: 1 }],
    });
    expect(bad.status).toBe(400);
    const fields = (bad.body.errors as Body[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.assetId', 'body.thresholds.0.direction']));
    const zs = await call('admin', 'POST', '/assets', { assetId: 'z-1', name: 'x', owner: { id: 'o' }, anomaly: { zOpen: 2, zRecover: 3 } });
    expect(zs.status).toBe(400);
    expect((zs.body.errors as Body[])[0]).toMatchObject({ field: 'body.anomaly.zRecover' });
    const assetId = await newAsset();
    expect((await call('admin', 'POST', '/assets', { assetId, name: 'again', owner: { id: 'o' } })).status).toBe(409);
    expect((await call('requester', 'POST', '/assets', { assetId: 'mine-1', name: 'mine', owner: { id: 'demo-requester' } })).status).toBe(403);
  });
});

describe('who may do what', () => {
  const ROLES = ['requester', 'agent', 'supervisor', 'admin', 'integration'] as const;
  type Role = (typeof ROLES)[number];
  const MATRIX: { name: string; call: (role: Role, assetId: string) => Promise<{ status: number }>; expect: Record<Role, number> }[] = [
    {
      name: 'POST /assets',
      call: (role) => call(role, 'POST', '/assets', { assetId: `m-${role}-${Date.now()}`, name: 'M', owner: { id: 'demo-requester' } }),
      expect: { requester: 403, agent: 403, supervisor: 403, admin: 201, integration: 201 },
    },
    {
      name: 'GET /assets?owner=',
      call: (role) => call(role, 'GET', '/assets?owner=demo-requester'),
      expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
    },
    {
      name: 'GET /assets/{id}',
      call: (role, id) => call(role, 'GET', `/assets/${id}`),
      expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
    },
    {
      name: 'PATCH /assets/{id}',
      call: async (role, id) =>
        call(role, 'PATCH', `/assets/${id}`, { name: `by ${role}` }, { 'if-match': (await call('admin', 'GET', `/assets/${id}`)).etag! }),
      expect: { requester: 403, agent: 403, supervisor: 403, admin: 200, integration: 200 },
    },
    {
      name: 'POST /devices/signals',
      call: (role, id) => send(signal(id, 20), role),
      expect: { requester: 403, agent: 403, supervisor: 403, admin: 200, integration: 200 },
    },
  ];

  it.each(MATRIX)('$name', async ({ call: attempt, expect: wanted }) => {
    const assetId = await newAsset();
    const got: Record<string, number> = {};
    for (const role of ROLES) got[role] = (await attempt(role, assetId)).status;
    expect(got).toEqual(wanted);
  });
});

describe('signals', () => {
  it('opens a case for the owner when a limit is crossed, counts later signals into it, and comments only when it gets much worse', async () => {
    const assetId = await newAsset();
    const normal = await send(signal(assetId, 70));
    expect(normal.status).toBe(200);
    expect(normal.body.results[0]).toMatchObject({ effects: [], learned: true, duplicate: false });

    const first = await send(signal(assetId, 85, { deviceId: 'sensor-a' }));
    expect(first.status).toBe(200);
    const [opened] = first.body.results[0].effects as Body[];
    expect(opened).toMatchObject({ condition: 'temperature#above', action: 'opened' });
    const caseId = opened!.caseId as string;
    const theCase = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    expect(theCase).toMatchObject({
      type: 'device-alert',
      status: 'new',
      channel: 'iot',
      priority: 'high',
      requester: { id: 'demo-requester' },
      fields: { assetId, metric: 'temperature', condition: 'above', lastValue: 85 },
    });
    // The owner sees it as their own case.
    expect((await call('requester', 'GET', `/cases/${caseId}`)).status).toBe(200);

    // A batch: small moves only count; 99 is more than a tenth of the limit worse than 85, so it tells the case.
    const batch = await send({ signals: [signal(assetId, 86), signal(assetId, 84), signal(assetId, 99), signal(assetId, 90)] });
    expect(batch.status).toBe(200);
    expect((batch.body.results as Body[]).map((r) => r.effects[0].action)).toEqual(['appended', 'appended', 'appended', 'appended']);
    expect((batch.body.results as Body[]).every((r) => r.effects[0].caseId === caseId && r.learned === false)).toBe(true);

    const asset = (await call('agent', 'GET', `/assets/${assetId}`)).body;
    expect(asset.openConditions).toEqual([
      expect.objectContaining({ metric: 'temperature', kind: 'above', caseId, count: 5, lastValue: 90, peak: 99, limit: 80, recovered: false }),
    ]);
    expect(asset.cases).toEqual([expect.objectContaining({ caseId, metric: 'temperature', kind: 'above' })]);

    const comments = (await call('agent', 'GET', `/cases/${caseId}/comments`)).body.items as Body[];
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ visibility: 'internal' });
    expect(comments[0]!.body).toContain('99');
    expect(await casesOf(assetId)).toEqual([caseId]);
    expect((await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
  });

  it('answers a redelivered signal with what it did the first time, and does it once', async () => {
    const assetId = await newAsset();
    const crossing = signal(assetId, 95);
    const once = await send(crossing);
    const again = await send(crossing);
    expect(again.body.results[0]).toMatchObject({ ...once.body.results[0], duplicate: true });
    expect((await call('agent', 'GET', `/assets/${assetId}`)).body.openConditions[0].count).toBe(1);
    expect(await casesOf(assetId)).toHaveLength(1);
  });

  it('counts one signal delivered twenty times at once exactly once', async () => {
    const assetId = await newAsset();
    const crossing = signal(assetId, 96);
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(crossing)));
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const results = responses.map((r) => r.body.results[0] as Body);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => (r.effects as Body[]).map((e) => `${e.condition} ${e.action} ${e.caseId}`).join()))).toEqual(
      new Set([`temperature#above opened ${results[0]!.effects[0].caseId}`]),
    );
    expect(results[0]!.effects[0]).toMatchObject({ action: 'opened' });
    expect((await call('agent', 'GET', `/assets/${assetId}`)).body.openConditions[0].count).toBe(1);
    expect(await casesOf(assetId)).toHaveLength(1);
  });

  it('resolves the case through the workflow when the reading comes back past the hysteresis, if the asset says so', async () => {
    const assetId = await newAsset({ autoResolve: true });
    const caseId = (await send(signal(assetId, 90))).body.results[0].effects[0].caseId as string;
    // 78 is back under 80 but not under 80 - 5: still open, nothing learned.
    const hovering = await send(signal(assetId, 78));
    expect(hovering.body.results[0]).toMatchObject({ effects: [], learned: false });
    expect((await call('agent', 'GET', `/cases/${caseId}`)).body.status).toBe('new');

    const back = await send(signal(assetId, 74));
    expect(back.body.results[0].effects).toEqual([{ condition: 'temperature#above', action: 'resolved', caseId }]);
    const resolved = (await call('agent', 'GET', `/cases/${caseId}`)).body;
    expect(resolved).toMatchObject({ status: 'resolved', statusCategory: 'resolved' });
    const history = (await call('agent', 'GET', `/cases/${caseId}/history`)).body.items as Body[];
    expect(history.map((e) => e.action)).toEqual(['CaseCreated', 'Transitioned']);
    expect(history[1]).toMatchObject({ actor: { sub: 'demo-integration' } });
    expect((await call('agent', 'GET', `/assets/${assetId}`)).body.openConditions).toEqual([]);

    // The next crossing is a new incident: a new case.
    const next = await send(signal(assetId, 91));
    expect(next.body.results[0].effects[0]).toMatchObject({ action: 'opened' });
    expect(next.body.results[0].effects[0].caseId).not.toBe(caseId);
  });

  it('takes a recovery signal, and without auto-resolve tells the case once and keeps counting into it on the next breach', async () => {
    const assetId = await newAsset();
    const caseId = (await send(signal(assetId, 90))).body.results[0].effects[0].caseId as string;
    const recovered = await send(signal(assetId, undefined, { kind: 'recovery' }));
    expect(recovered.body.results[0].effects).toEqual([{ condition: 'temperature#above', action: 'recovered', caseId }]);
    expect((await send(signal(assetId, undefined, { kind: 'recovery' }))).body.results[0].effects).toEqual([]);
    expect((await call('agent', 'GET', `/cases/${caseId}`)).body.status).toBe('new');

    const again = await send(signal(assetId, 88));
    expect(again.body.results[0].effects).toEqual([{ condition: 'temperature#above', action: 'appended', caseId }]);
    const comments = ((await call('agent', 'GET', `/cases/${caseId}/comments`)).body.items as Body[]).map((c) => c.body as string);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain('recovered');
    expect(comments[1]).toContain('again');

    // A person resolves it; the next breach opens a fresh case instead of counting into a closed one.
    const done = await call('agent', 'POST', `/cases/${caseId}/transitions`, { to: 'resolved', transition: 'resolve' });
    expect(done.status).toBe(200);
    const fresh = await send(signal(assetId, 93));
    expect(fresh.body.results[0].effects[0]).toMatchObject({ action: 'opened' });
    expect(await casesOf(assetId)).toHaveLength(2);
  });

  it('opens an alert case from an alert signal, and counts repeated alerts', async () => {
    const assetId = await newAsset();
    const first = await send(signal(assetId, undefined, { kind: 'alert', metric: 'door' }));
    expect(first.body.results[0].effects[0]).toMatchObject({ condition: 'door#alert', action: 'opened' });
    const second = await send(signal(assetId, 1, { kind: 'alert', metric: 'door' }));
    expect(second.body.results[0].effects[0]).toMatchObject({ condition: 'door#alert', action: 'appended' });
    const caseId = first.body.results[0].effects[0].caseId as string;
    expect((await call('agent', 'GET', `/cases/${caseId}`)).body.fields).toMatchObject({ condition: 'alert', metric: 'door' });
  });

  it('opens an anomaly case for a reading far from the baseline, and the baseline does not learn from it', async () => {
    const assetId = await newAsset({
      thresholds: [],
      anomaly: { enabled: true, window: 20, minSamples: 10, zOpen: 4, zRecover: 2 },
      autoResolve: true,
    });
    const readings = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 50, 51];
    const learned = await send({ signals: readings.map((v) => signal(assetId, v)) });
    expect((learned.body.results as Body[]).every((r) => r.learned && r.effects.length === 0)).toBe(true);

    const spike = await send(signal(assetId, 60));
    const [opened] = spike.body.results[0].effects as Body[];
    expect(opened).toMatchObject({ condition: 'temperature#anomaly', action: 'opened' });
    expect(spike.body.results[0].learned).toBe(false);
    expect((await call('agent', 'GET', `/cases/${opened!.caseId}`)).body.fields).toMatchObject({ condition: 'anomaly', lastValue: 60 });

    const stillOdd = await send(signal(assetId, 62));
    expect(stillOdd.body.results[0].effects[0]).toMatchObject({ action: 'appended', caseId: opened!.caseId });
    const normalAgain = await send(signal(assetId, 50.5));
    expect(normalAgain.body.results[0].effects[0]).toMatchObject({ action: 'resolved', caseId: opened!.caseId });
    expect(normalAgain.body.results[0].learned).toBe(true);
  });

  it('refuses bad signals naming the field, and writes nothing for a batch with one unknown asset', async () => {
    const assetId = await newAsset();
    const noValue = await send(signal(assetId, undefined));
    expect(noValue.status).toBe(400);
    expect(noValue.body.errors[0]).toMatchObject({ field: 'body.value' });
    const badTime = await send({ signals: [signal(assetId, 85), { ...signal(assetId, 85), at: 'yesterday' }] });
    expect(badTime.status).toBe(400);
    expect(badTime.body.errors[0]).toMatchObject({ field: 'body.signals.1.at' });
    const unknown = await send({ signals: [signal(assetId, 85), signal('no-such-asset', 85)] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'body.signals.1.assetId', rule: 'unknown_reference' });
    expect(await casesOf(assetId)).toEqual([]);
    expect((await send(signal(assetId, 85), 'agent')).status).toBe(403);
    expect((await send(signal(assetId, 85), 'requester')).status).toBe(403);
  });
});

describe('a storm', () => {
  it('of 1,000 signals from one device, single and batched, all in parallel, opens exactly one case', async () => {
    const assetId = await newAsset();
    const singles = Array.from({ length: 500 }, (_, i) => signal(assetId, 81 + (i % 40), { deviceId: 'storm-1' }));
    const batched = Array.from({ length: 50 }, () => ({
      signals: Array.from({ length: 10 }, (_, i) => signal(assetId, 81 + i, { deviceId: 'storm-1' })),
    }));
    const responses = await Promise.all([...singles.map((s) => send(s)), ...batched.map((b) => send(b))]);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const effects = responses.flatMap((r) => (r.body.results as Body[]).flatMap((x) => x.effects as Body[]));
    expect(effects).toHaveLength(1000);
    expect(effects.filter((e) => e.action === 'opened')).toHaveLength(1);
    const caseId = effects.find((e) => e.action === 'opened')!.caseId as string;
    expect(effects.every((e) => e.caseId === caseId)).toBe(true);

    expect(await casesOf(assetId)).toEqual([caseId]);
    expect((await listedCasesOf(assetId)).map((c) => c.caseId)).toEqual([caseId]);
    const condition = (await call('agent', 'GET', `/assets/${assetId}`)).body.openConditions[0];
    expect(condition).toMatchObject({ caseId, count: 1000, peak: 120 });
  }, 300_000);
});

describe('the other two paths', () => {
  const eventOf = (detail: unknown, id: string) => eventBridgeEvent('caseway.devices', 'DeviceSignal', detail, { id, time: '2026-11-27T12:00:00Z' });

  it('the caseway.devices consumer runs the same service, idempotent on the signal id, and is the rule the bus delivers to', async () => {
    const { eventRules } = await import('#topology/event-rules.js');
    const rule = eventRules.find((r) => (r.pattern.source as string[] | undefined)?.includes('caseway.devices'));
    expect(rule?.target.entry).toBe('functions/handlers/device-events.ts');
    const { handler } = await import('#handlers/device-events.js');

    const assetId = await newAsset();
    const crossing = signal(assetId, 97);
    const [first] = await handler(eventOf(crossing, 'evt-1'));
    expect(first).toMatchObject({ duplicate: false, effects: [{ condition: 'temperature#above', action: 'opened' }] });
    // EventBridge delivers at least once: the same signal again (even in another envelope) does nothing more.
    const [again] = await handler(eventOf(crossing, 'evt-1-retry'));
    expect(again).toMatchObject({ duplicate: true, effects: first!.effects });
    const theCase = (await call('agent', 'GET', `/cases/${first!.effects[0]!.caseId}`)).body;
    expect(theCase).toMatchObject({ createdBy: 'caseway-devices', requester: { id: 'demo-requester' }, channel: 'iot' });

    const batch = await handler(eventOf({ signals: [signal(assetId, 98), signal(assetId, 99)] }, 'evt-2'));
    expect(batch.map((r) => r.effects[0]!.action)).toEqual(['appended', 'appended']);
    await expect(handler(eventOf({ ...signal(assetId, 1), at: 'soon' }, 'evt-3'))).rejects.toMatchObject({ kind: 'ValidationFailed' });
    await expect(handler(eventOf(signal('nobody-knows', 1), 'evt-4'))).rejects.toMatchObject({ kind: 'ValidationFailed' });
    expect(await casesOf(assetId)).toHaveLength(1);
  });

  it('the IoT rule target takes the message as the device published it', async () => {
    const { handler } = await import('#handlers/device-ingest.js');
    const assetId = await newAsset();
    const [opened] = await handler(signal(assetId, 130), { awsRequestId: 'req-1' });
    expect(opened!.effects[0]).toMatchObject({ action: 'opened' });
    const [appended] = await handler({ signals: [signal(assetId, 131)] });
    expect(appended!.effects[0]).toMatchObject({ action: 'appended', caseId: opened!.effects[0]!.caseId });
    await expect(handler({ assetId, metric: 'temperature' })).rejects.toMatchObject({ kind: 'ValidationFailed' });
  });
});
