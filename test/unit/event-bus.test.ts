/**
 * The local bus on its own: which rules get an event, the EventBridge envelope,
 * retries with exponential backoff up to the attempts and the maximum event age,
 * dead letters, and PutEvents' per-entry answers; with a data directory, pending
 * deliveries and dead letters that outlive the bus, and dead-letter replay.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '#adapters/clock.js';
import { answerPutEvents, busRoutes, DEAD_LETTERS_PATH, LocalEventBus, REPLAY_PATH, type BusEvent } from '#lib/local/event-bus.js';
import { InvalidPatternError } from '#lib/local/event-pattern.js';

const entry = (detailType: string, detail: object = {}) => ({
  EventBusName: 'test-bus',
  Source: 'caseway.devices',
  DetailType: detailType,
  Detail: JSON.stringify(detail),
});

describe('the local bus', () => {
  it('delivers to every matching rule, and only those, an EventBridge-shaped copy', async () => {
    const seen: Record<string, BusEvent[]> = { a: [], b: [] };
    const bus = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      region: 'eu-west-1',
      account: '123456789012',
      rules: [
        { name: 'a', pattern: { 'detail-type': ['Reading'] }, handler: (e) => void seen.a!.push(e) },
        { name: 'b', pattern: { detail: { level: [{ numeric: ['>', 5] }] } }, handler: (e) => void seen.b!.push(e) },
      ],
    });
    const out = bus.putEvents([entry('Reading', { level: 3 }), entry('Alarm', { level: 9 })]);
    expect(out.FailedEntryCount).toBe(0);
    await bus.idle();
    expect(seen.a!.map((e) => e['detail-type'])).toEqual(['Reading']);
    expect(seen.b!.map((e) => e['detail-type'])).toEqual(['Alarm']);
    expect(seen.a![0]).toMatchObject({
      version: '0',
      source: 'caseway.devices',
      account: '123456789012',
      region: 'eu-west-1',
      resources: [],
      detail: { level: 3 },
    });
    expect(seen.a![0]!.id).toBe(out.Entries[0]!.EventId);
  });

  it('retries with doubling backoff, then dead-letters with the attempts and the last error', async () => {
    const times: number[] = [];
    const bus = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      retry: { retryAttempts: 3, baseDelayMs: 20, maxDelayMs: 1000, jitter: 'none' },
      rules: [
        {
          name: 'broken',
          pattern: { source: ['caseway.devices'] },
          handler: () => {
            times.push(performance.now());
            throw new Error(`failure ${times.length}`);
          },
        },
      ],
    });
    bus.putEvents([entry('Reading')]);
    await bus.idle();
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 20, 40, 80 ms: each at least its delay (timers never fire early), and growing.
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    expect(bus.deadLetters()).toEqual([expect.objectContaining({ rule: 'broken', attempts: 4, error: 'failure 4' })]);
  });

  it('stops retrying once the event is older than its maximum age', async () => {
    let now = 0;
    let calls = 0;
    const bus = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      now: () => now,
      retry: { retryAttempts: 100, baseDelayMs: 1, maxDelayMs: 1, maxEventAgeMs: 60_000 },
      rules: [
        {
          name: 'slow',
          pattern: { source: ['caseway.devices'] },
          handler: () => {
            calls++;
            now += 30_000;
            throw new Error('still down');
          },
        },
      ],
    });
    bus.putEvents([entry('Reading')]);
    await bus.idle();
    expect(calls).toBe(2);
    expect(bus.deadLetters()[0]).toMatchObject({ rule: 'slow', attempts: 2 });
  });

  it('recovers when a target succeeds on a retry', async () => {
    let calls = 0;
    const bus = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      retry: { baseDelayMs: 1 },
      rules: [
        {
          name: 'flaky',
          pattern: { source: ['caseway.devices'] },
          handler: () => {
            if (++calls < 2) throw new Error('once');
          },
        },
      ],
    });
    bus.putEvents([entry('Reading')]);
    await bus.idle();
    expect([calls, bus.deadLetters()]).toEqual([2, []]);
  });

  it('refuses a rule whose pattern EventBridge would refuse, and a second rule of the same name', () => {
    const bus = new LocalEventBus({ busName: 'test-bus', rootDir: '.', rules: [] });
    expect(() => bus.addRule({ name: 'x', pattern: { source: 'caseway.cases' }, handler: () => undefined })).toThrow(InvalidPatternError);
    bus.addRule({ name: 'y', pattern: { source: ['a'] }, handler: () => undefined });
    expect(() => bus.addRule({ name: 'y', pattern: { source: ['b'] }, handler: () => undefined })).toThrow(/already/);
  });

  it('answers PutEvents per entry: required fields, JSON object detail, its own bus, a time', () => {
    const bus = new LocalEventBus({ busName: 'test-bus', rootDir: '.', rules: [] });
    const out = bus.putEvents([
      { EventBusName: 'test-bus', Source: 's', DetailType: 'd' },
      { ...entry('d'), Detail: '[1,2]' },
      { ...entry('d'), EventBusName: bus.arn },
      { ...entry('d'), Time: 'not a time' },
    ]);
    expect(out.Entries.map((e) => e.ErrorCode)).toEqual(['InvalidArgument', 'MalformedDetail', undefined, 'InvalidArgument']);
    expect(answerPutEvents(bus, 'AWSEvents.PutEvents', Buffer.from('{"Entries":[]}')).status).toBe(400);
    expect(answerPutEvents(bus, 'AWSEvents.PutEvents', Buffer.from('nope')).body).toMatchObject({ __type: 'SerializationException' });
  });
});

it('fails a target that runs past its timeout, as Lambda would', async () => {
  const bus = new LocalEventBus({
    busName: 'test-bus',
    rootDir: '.',
    targetTimeoutMs: 20,
    retry: { retryAttempts: 1, baseDelayMs: 1 },
    rules: [{ name: 'stuck', pattern: { source: ['caseway.devices'] }, handler: () => new Promise((r) => setTimeout(r, 200)) }],
  });
  bus.putEvents([entry('Reading')]);
  await bus.idle();
  expect(bus.deadLetters()[0]).toMatchObject({ rule: 'stuck', attempts: 2, error: 'Target of rule stuck timed out after 20 ms' });
});

describe('the local bus with a data directory', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseway-bus-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const files = (dir: string, sub: string) => readdirSync(join(dir, sub)).filter((name) => name.endsWith('.json'));

  it('has every accepted delivery on disk before PutEvents answers, and a new bus on the same data delivers what a killed one left', async () => {
    const dir = dataDir();
    // The first process "dies" mid-delivery: its target never finishes, and it is never stopped.
    const killed = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      dataDir: dir,
      rules: [{ name: 'slow', pattern: { source: ['caseway.devices'] }, handler: () => new Promise(() => undefined) }],
    });
    const accepted = killed.putEvents([entry('Reading', { n: 1 }), entry('Reading', { n: 2 })]);
    expect(files(dir, 'pending')).toHaveLength(2);

    const seen: BusEvent[] = [];
    const next = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      dataDir: dir,
      rules: [{ name: 'slow', pattern: { source: ['caseway.devices'] }, handler: (e) => void seen.push(e) }],
    });
    expect(next.resume()).toBe(2);
    await next.idle();
    expect(seen.map((e) => e.id).sort()).toEqual(accepted.Entries.map((e) => e.EventId).sort());
    expect(files(dir, 'pending')).toEqual([]);
  });

  it('keeps a delivery waiting to retry across a stop, and the retry clock plays its backoff out', async () => {
    const dir = dataDir();
    const clock = new AdjustableClock(() => Date.parse('2030-01-01T00:00:00Z'));
    const retry = { retryAttempts: 185, baseDelayMs: 60 * 60_000, maxDelayMs: 60 * 60_000, maxEventAgeMs: 24 * 60 * 60_000, jitter: 'none' } as const;
    let calls = 0;
    const first = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      dataDir: dir,
      retry,
      retryClock: clock,
      rules: [
        {
          name: 'down',
          pattern: { source: ['caseway.devices'] },
          handler: () => {
            calls++;
            throw new Error('down');
          },
        },
      ],
    });
    first.putEvents([entry('Reading')]);
    while (calls < 1) await new Promise((r) => setTimeout(r, 5));
    // Waiting an hour for its second attempt; stopping leaves it pending, not dead.
    await first.stop();
    expect([files(dir, 'pending').length, first.deadLetters()]).toEqual([1, []]);

    const delivered: BusEvent[] = [];
    const second = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      dataDir: dir,
      retry,
      retryClock: clock,
      rules: [{ name: 'down', pattern: { source: ['caseway.devices'] }, handler: (e) => void delivered.push(e) }],
    });
    second.resume();
    await new Promise((r) => setTimeout(r, 50));
    expect(delivered).toEqual([]);
    clock.advance(60 * 60_000);
    await second.idle();
    expect(delivered).toHaveLength(1);
    expect(files(dir, 'pending')).toEqual([]);
  });

  it('keeps dead letters on disk, lists them after a restart, and replays them over HTTP', async () => {
    const dir = dataDir();
    const failing = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      dataDir: dir,
      retry: { retryAttempts: 0 },
      rules: [
        {
          name: 'broken',
          pattern: { source: ['caseway.devices'] },
          handler: () => {
            throw new Error('broken');
          },
        },
      ],
    });
    failing.putEvents([entry('Reading', { n: 1 })]);
    await failing.idle();
    const [letter] = failing.deadLetters();
    expect(letter).toMatchObject({ rule: 'broken', attempts: 1, error: 'broken', id: expect.any(String) });
    expect(files(dir, 'dead-letters')).toHaveLength(1);

    const seen: BusEvent[] = [];
    const fixed = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      dataDir: dir,
      rules: [{ name: 'broken', pattern: { source: ['caseway.devices'] }, handler: (e) => void seen.push(e) }],
    });
    const serve = busRoutes(fixed);
    const request = (method: string, path: string, body = '') => serve({ method, path, headers: {}, body: Buffer.from(body) });
    expect(await request('GET', DEAD_LETTERS_PATH)).toEqual({ status: 200, body: { items: [letter] } });

    const refused = await request('POST', REPLAY_PATH, JSON.stringify({ ids: 'all' }));
    expect(refused).toMatchObject({
      status: 400,
      headers: { 'content-type': 'application/problem+json' },
      body: { errors: [{ field: 'body.ids' }] },
    });
    expect(await request('POST', REPLAY_PATH, JSON.stringify({ ids: ['nope'] }))).toMatchObject({ status: 404 });

    expect(await request('POST', REPLAY_PATH, JSON.stringify({ ids: [letter!.id] }))).toEqual({
      status: 200,
      body: { replayed: [letter!.id], unknown: [] },
    });
    await fixed.idle();
    expect(seen.map((e) => e.id)).toEqual([letter!.event.id]);
    expect([fixed.deadLetters(), files(dir, 'dead-letters'), files(dir, 'pending')]).toEqual([[], [], []]);
  });
});
