/**
 * The event wrapper (`functions/events/event-handler.ts`): every non-HTTP handler is
 * built by it, a broken contract is refused naming the field or dropped as declared,
 * and a stream consumer's partial-batch answer reaches Lambda exactly as the work gave
 * it. Dedup against the table is proven where the table is: `test/integration/events.test.ts`
 * (after-work), `routing.test.ts` (in-transaction), `test/e2e/crash-recovery.test.ts`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBStreamEvent, EventBridgeEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { ProcessedEvents } from '#adapters/dynamodb/processed-events.js';
import { fieldIssues } from '#core/field-issues.js';
import { eventHandlerFacts, onEventBridge, onInvoke, onSchedule, onStream } from '#events/event-handler.js';
import { functions } from '#topology/routes.js';
import { liveSocket } from '#topology/live.js';

beforeAll(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('TABLE_NAME', 'unit');
});

const busEvent = <T>(detail: T, detailType = 'Thing'): EventBridgeEvent<string, T> => ({
  version: '0',
  id: 'eb-1',
  'detail-type': detailType,
  source: 'test',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

describe('every event-driven handler is built by the wrapper', () => {
  const root = join(import.meta.dirname, '../..');
  const http = new Set(Object.values(functions).map((f) => f.entry));
  const entries = readdirSync(join(root, 'functions/handlers'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `functions/handlers/${file}`)
    .filter((entry) => !http.has(entry) && entry !== liveSocket.entry);

  it('finds the thirteen', () => expect(entries).toHaveLength(13));

  it.each(entries)('%s', async (entry) => {
    const module = (await import(pathToFileURL(join(root, entry)).href)) as { handler: unknown };
    const facts = eventHandlerFacts(module.handler);
    expect(facts, `${entry} exports a handler the event wrapper did not build`).toBeDefined();
    expect(facts!.name).toMatch(/^[a-z][a-z-]+$/);
  });
});

describe('contracts', () => {
  const Detail = z.object({ text: z.string().min(1), n: z.number().int() }).strict();

  it('refuses a broken detail with ValidationFailed naming each field and rule, and runs no work', async () => {
    const work = vi.fn(async () => 'done');
    const handler = onEventBridge({
      name: 'test-reject',
      detail: Detail,
      onInvalid: { reject: 'Not a thing.' },
      dedup: { idempotent: 'test' },
      work,
    });
    await expect(handler(busEvent({ text: '', extra: 1 }))).rejects.toMatchObject({
      kind: 'ValidationFailed',
      message: 'Not a thing.',
      issues: expect.arrayContaining([
        expect.objectContaining({ field: 'detail.text', rule: 'too_small' }),
        expect.objectContaining({ field: 'detail.n', rule: 'required' }),
        expect.objectContaining({ field: 'detail.extra', rule: 'unrecognized_key' }),
      ]),
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('hands the work the checked detail, with the rest of the event', async () => {
    const handler = onEventBridge({
      name: 'test-pass',
      detail: Detail,
      dedup: { idempotent: 'test' },
      work: async (event) => `${event['detail-type']}:${event.detail.text}:${event.detail.n}`,
    });
    await expect(handler(busEvent({ text: 'hi', n: 2 }))).resolves.toBe('Thing:hi:2');
  });

  it('drops what retrying cannot fix, answering what the declaration says', async () => {
    const work = vi.fn(async () => ({ done: false }));
    const handler = onInvoke({
      name: 'test-drop',
      input: Detail,
      field: 'input',
      onInvalid: { drop: (issues) => ({ done: true, fields: issues.map((i) => i.field) }) },
      dedup: { idempotent: 'test' },
      work,
    });
    await expect(handler({ text: 'x', n: 1.5 })).resolves.toEqual({ done: true, fields: ['input.n'] });
    expect(work).not.toHaveBeenCalled();
  });

  it('names the field of the union alternative the input came closest to', () => {
    const Union = z.union([z.object({ signals: z.array(z.object({ id: z.string() })) }), z.object({ id: z.string() })]);
    const input = { signals: [{ id: 7 }] };
    const parsed = Union.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(fieldIssues(parsed.error!, 'message', input)).toEqual([expect.objectContaining({ field: 'message.signals.0.id', rule: 'invalid_type' })]);
  });

  it('picks the contract from the event when the declaration says so', async () => {
    const handler = onEventBridge({
      name: 'test-choose',
      detail: (event): z.ZodType<{ value: number | string }> =>
        event['detail-type'] === 'Number' ? z.object({ value: z.number() }) : z.object({ value: z.string() }),
      dedup: { idempotent: 'test' },
      work: async (event) => typeof event.detail.value,
    });
    await expect(handler(busEvent({ value: 1 }, 'Number'))).resolves.toBe('number');
    await expect(handler(busEvent({ value: 1 }, 'Text'))).rejects.toMatchObject({ kind: 'ValidationFailed' });
  });
});

/**
 * The wrapper's side of dedup, over marks kept in memory; the real marks (conditional
 * puts on DynamoDB Local, and their races) are proven by the integration tests named above.
 */
function inMemoryMarks(): ProcessedEvents & { readonly marked: Set<string> } {
  const marked = new Set<string>();
  return {
    marked,
    alreadyProcessed: async (consumer, id) => marked.has(`${consumer}/${id}`),
    processOnce: async (consumer, id, work) => {
      if (marked.has(`${consumer}/${id}`)) return { outcome: 'duplicate' };
      const result = await work();
      marked.add(`${consumer}/${id}`);
      return { outcome: 'processed', result };
    },
  };
}

describe('dedup', () => {
  const Detail = z.object({ id: z.string() });

  it('in-transaction: skips an event whose mark exists before any work, keyed by consumer and declared key', async () => {
    const marks = inMemoryMarks();
    const work = vi.fn(async () => 'worked');
    const handler = onEventBridge({
      name: 'test-tx',
      detail: Detail,
      dedup: { key: (e) => e.detail.id, mark: 'in-transaction', marks, duplicate: 'skipped' },
      work,
    });
    expect(await handler(busEvent({ id: 'e1' }))).toBe('worked');
    // The work's own transaction writes the mark; here, by hand.
    marks.marked.add('test-tx/e1');
    expect(await handler(busEvent({ id: 'e1' }))).toBe('skipped');
    expect(await handler(busEvent({ id: 'e2' }))).toBe('worked');
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('after-work: marks once the work is done, so a repeat is skipped and a failed work is not marked', async () => {
    const marks = inMemoryMarks();
    let fail = true;
    const work = vi.fn(async () => {
      if (fail) throw new Error('provider down');
      return 'sent';
    });
    const handler = onEventBridge({
      name: 'test-after',
      detail: Detail,
      dedup: { key: (e) => e.detail.id, mark: 'after-work', marks, duplicate: 'already' },
      work,
    });
    await expect(handler(busEvent({ id: 'm1' }))).rejects.toThrow('provider down');
    fail = false;
    expect(await handler(busEvent({ id: 'm1' }))).toBe('sent');
    expect(await handler(busEvent({ id: 'm1' }))).toBe('already');
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('idempotent: runs the work every time', async () => {
    const work = vi.fn(async () => 'again');
    const handler = onEventBridge({ name: 'test-idem', detail: Detail, dedup: { key: (e) => e.detail.id, idempotent: 'test' }, work });
    await handler(busEvent({ id: 'x' }));
    await handler(busEvent({ id: 'x' }));
    expect(work).toHaveBeenCalledTimes(2);
  });
});

describe('kinds', () => {
  const batch = (...sequence: string[]): DynamoDBStreamEvent => ({
    Records: sequence.map((SequenceNumber) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber, NewImage: { pk: { S: 'x' } } } })),
  });

  it.each([
    ['no failure', { batchItemFailures: [] }],
    ['one failed record', { batchItemFailures: [{ itemIdentifier: '11' }] }],
    ['several', { batchItemFailures: [{ itemIdentifier: '11' }, { itemIdentifier: '12' }] }],
  ])("a stream consumer's partial-batch answer reaches Lambda as the work gave it: %s", async (_what, answer) => {
    const handler = onStream({ name: 'test-stream', dedup: { idempotent: 'test' }, work: async () => answer });
    expect(await handler(batch('10', '11', '12'))).toBe(answer);
  });

  it('refuses a stream event without records', async () => {
    const handler = onStream({ name: 'test-stream', dedup: { idempotent: 'test' }, work: async () => ({ batchItemFailures: [] }) });
    await expect(handler({} as DynamoDBStreamEvent)).rejects.toMatchObject({
      kind: 'ValidationFailed',
      issues: [expect.objectContaining({ field: 'event.Records', rule: 'required' })],
    });
  });

  it('a schedule runs its work with or without an event, and an error goes on to Lambda', async () => {
    let runs = 0;
    const handler = onSchedule({ name: 'test-schedule', dedup: { idempotent: 'test' }, work: async () => ++runs });
    expect(await handler(undefined)).toBe(1);
    expect(await handler({ source: 'aws.scheduler' })).toBe(2);
    const failing = onSchedule({ name: 'test-schedule', dedup: { idempotent: 'test' }, work: async () => Promise.reject(new Error('down')) });
    await expect(failing(undefined)).rejects.toThrow('down');
  });

  it('tells its facts', () => {
    const handler = onEventBridge({
      name: 'test-facts',
      detail: z.object({ id: z.string() }),
      dedup: { key: (e) => e.detail.id, mark: 'in-transaction', marks: inMemoryMarks(), duplicate: undefined },
      work: async () => undefined,
    });
    expect(eventHandlerFacts(handler)).toEqual({ name: 'test-facts', kind: 'eventBridge', dedup: 'in-transaction' });
    expect(eventHandlerFacts(async () => undefined)).toBeUndefined();
  });
});

describe('claim checks', () => {
  const Detail = z.object({ caseId: z.string(), seq: z.number(), note: z.string() });
  const slim = { id: 'e-1', caseId: 'CASE-1', seq: 4, note: '', claimCheck: { reason: 'size', bytes: 90_000, caseId: 'CASE-1', seq: 4 } };
  const whole = { id: 'e-1', caseId: 'CASE-1', seq: 4, note: 'the 90 KB the event left out' };
  const claims = { redeem: vi.fn(async () => whole) };

  it('a declared claims reader redeems a claim check before the contract and the work see it', async () => {
    const work = vi.fn(async (event: EventBridgeEvent<string, z.infer<typeof Detail>>) => event.detail.note);
    const handler = onEventBridge({ name: 'claimer', detail: Detail, claims, dedup: { idempotent: 'test' }, work });
    expect(await handler(busEvent(slim))).toBe('the 90 KB the event left out');
    expect(claims.redeem).toHaveBeenCalledWith(slim);
  });

  it('a whole event is not redeemed', async () => {
    claims.redeem.mockClear();
    const handler = onEventBridge({
      name: 'claimer',
      detail: Detail,
      claims,
      dedup: { idempotent: 'test' },
      work: async (event) => event.detail.note,
    });
    expect(await handler(busEvent(whole))).toBe(whole.note);
    expect(claims.redeem).not.toHaveBeenCalled();
  });

  it('without a claims reader the claim check reaches the contract as it came', async () => {
    const handler = onEventBridge({
      name: 'partner-like',
      detail: z.looseObject({ claimCheck: z.object({ seq: z.number() }) }),
      dedup: { idempotent: 'test' },
      work: async (event) => event.detail.claimCheck.seq,
    });
    expect(await handler(busEvent(slim))).toBe(4);
  });
});
