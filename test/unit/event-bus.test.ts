/**
 * The local bus on its own: which rules get an event, the EventBridge envelope,
 * retries with exponential backoff up to the attempts and the maximum event age,
 * dead letters, and PutEvents' per-entry answers.
 */
import { describe, expect, it } from 'vitest';
import { answerPutEvents, LocalEventBus, type BusEvent } from '../../lib/local/event-bus.js';
import { InvalidPatternError } from '../../lib/local/event-pattern.js';

const entry = (detailType: string, detail: object = {}) => ({ EventBusName: 'test-bus', Source: 'caseway.devices', DetailType: detailType, Detail: JSON.stringify(detail) });

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
    expect(seen.a![0]).toMatchObject({ version: '0', source: 'caseway.devices', account: '123456789012', region: 'eu-west-1', resources: [], detail: { level: 3 } });
    expect(seen.a![0]!.id).toBe(out.Entries[0]!.EventId);
  });

  it('retries with doubling backoff, then dead-letters with the attempts and the last error', async () => {
    const times: number[] = [];
    const bus = new LocalEventBus({
      busName: 'test-bus',
      rootDir: '.',
      retry: { retryAttempts: 3, baseDelayMs: 20, maxDelayMs: 1000, jitter: 'none' },
      rules: [{ name: 'broken', pattern: { source: ['caseway.devices'] }, handler: () => {
        times.push(performance.now());
        throw new Error(`failure ${times.length}`);
      } }],
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
      rules: [{ name: 'slow', pattern: { source: ['caseway.devices'] }, handler: () => {
        calls++;
        now += 30_000;
        throw new Error('still down');
      } }],
    });
    bus.putEvents([entry('Reading')]);
    await bus.idle();
    expect(calls).toBe(2);
    expect(bus.deadLetters()[0]).toMatchObject({ rule: 'slow', attempts: 2 });
  });

  it('recovers when a target succeeds on a retry', async () => {
    let calls = 0;
    const bus = new LocalEventBus({ busName: 'test-bus', rootDir: '.', retry: { baseDelayMs: 1 }, rules: [{ name: 'flaky', pattern: { source: ['caseway.devices'] }, handler: () => {
      if (++calls < 2) throw new Error('once');
    } }] });
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
  const bus = new LocalEventBus({ busName: 'test-bus', rootDir: '.', targetTimeoutMs: 20, retry: { retryAttempts: 1, baseDelayMs: 1 }, rules: [{ name: 'stuck', pattern: { source: ['caseway.devices'] }, handler: () => new Promise((r) => setTimeout(r, 200)) }] });
  bus.putEvents([entry('Reading')]);
  await bus.idle();
  expect(bus.deadLetters()[0]).toMatchObject({ rule: 'stuck', attempts: 2, error: 'Target of rule stuck timed out after 20 ms' });
});
