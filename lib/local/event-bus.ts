/**
 * The local stand-in for Caseway's EventBridge bus: PutEvents in (over the AWS JSON
 * protocol, so the real `EventBridgeClient` pointed at it works unchanged), the same
 * rule patterns as the CDK rules (`lib/topology/event-rules.ts`), and delivery to the
 * same handler modules, imported like a cold start, with EventBridge-shaped events.
 * A target that throws is retried with exponential backoff, as the rule target's
 * retry policy does, until its attempts or the event's maximum age run out; then
 * the event goes on a dead-letter list, as it would on the target's SQS DLQ.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { eventRules, type EventRuleSpec } from '../topology/event-rules.js';
import { compilePattern, type EventMatcher } from './event-pattern.js';
import { LOCAL_ACCOUNT_ID } from './http-api-event.js';
import { createLambdaContext } from './lambda-context.js';

export type BusEvent = EventBridgeEvent<string, unknown>;
export type EventTarget = (event: BusEvent) => unknown;

/** A rule on the local bus: an `EventRuleSpec` (its target imported from `target.entry`), or a test's own handler. */
export type LocalRule = EventRuleSpec | { readonly name: string; readonly pattern: EventRuleSpec['pattern']; readonly handler: EventTarget };

export interface RetryPolicy {
  /** Retries after the first attempt (EventBridge: 0..185). */
  readonly retryAttempts: number;
  /** Give up on an event older than this (EventBridge: 60 s .. 24 h). */
  readonly maxEventAgeMs: number;
  /** First backoff; doubles each retry up to `maxDelayMs` (EventBridge backs off exponentially with jitter). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Locally: few, quick retries, so a broken consumer is seen within a second. */
export const LOCAL_RETRY_POLICY: RetryPolicy = { retryAttempts: 3, maxEventAgeMs: 60 * 60_000, baseDelayMs: 50, maxDelayMs: 1000 };

export interface DeadLetter {
  readonly rule: string;
  readonly event: BusEvent;
  readonly attempts: number;
  /** The last failure's message. */
  readonly error: string;
  readonly at: string;
}

export interface LocalEventBusOptions {
  readonly busName: string;
  readonly account?: string;
  readonly region?: string;
  /** Default: Caseway's `eventRules`. */
  readonly rules?: readonly LocalRule[];
  /** Where target entries are relative to. */
  readonly rootDir: string;
  readonly retry?: Partial<RetryPolicy>;
  readonly onError?: (rule: string, error: unknown) => void;
  /** A target still running after this has failed, as a Lambda timing out (default 10 s, the consumers' timeout). */
  readonly targetTimeoutMs?: number;
  /** Wall time, for event `time` defaults and age; not business time. */
  readonly now?: () => number;
}

export interface PutEventsEntryResult {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** What PutEvents takes, as the AWS JSON protocol sends it (Time as epoch seconds). */
const PutEventsEntry = z.object({
  Source: z.string().min(1).max(256).optional(),
  DetailType: z.string().min(1).max(128).optional(),
  Detail: z.string().optional(),
  EventBusName: z.string().optional(),
  Resources: z.array(z.string()).optional(),
  Time: z.union([z.number(), z.string()]).optional(),
  TraceHeader: z.string().optional(),
});
export const PutEventsRequest = z.object({ Entries: z.array(PutEventsEntry).min(1).max(10) });
export type PutEventsEntryInput = z.infer<typeof PutEventsEntry>;

/** PutEvents' own size limit: 256 KB for the entries together. */
const MAX_ENTRY_BYTES = 256 * 1024;

export class LocalEventBus {
  private readonly rules: { rule: LocalRule; matches: EventMatcher }[] = [];
  private readonly targets = new Map<string, Promise<EventTarget>>();
  private readonly dead: DeadLetter[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retry: RetryPolicy;
  private readonly account: string;
  private readonly region: string;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly options: LocalEventBusOptions) {
    this.retry = { ...LOCAL_RETRY_POLICY, ...options.retry };
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? 'us-east-1';
    this.now = options.now ?? Date.now;
    for (const rule of options.rules ?? eventRules) this.addRule(rule);
  }

  get busName(): string {
    return this.options.busName;
  }

  get arn(): string {
    return `arn:aws:events:${this.region}:${this.account}:event-bus/${this.options.busName}`;
  }

  /** Add a rule (tests add their own targets); its pattern is checked now, as PutRule checks it. */
  addRule(rule: LocalRule): () => void {
    if (this.rules.some((r) => r.rule.name === rule.name)) throw new Error(`A rule named ${rule.name} is already on the bus`);
    const entry = { rule, matches: compilePattern(rule.pattern) };
    this.rules.push(entry);
    return () => {
      const i = this.rules.indexOf(entry);
      if (i >= 0) this.rules.splice(i, 1);
    };
  }

  /**
   * PutEvents: each entry is accepted (an event id) or refused on its own (an error
   * code), as EventBridge answers; accepted events are delivered in the background.
   */
  putEvents(entries: readonly PutEventsEntryInput[]): { FailedEntryCount: number; Entries: PutEventsEntryResult[] } {
    const results = entries.map((entry) => this.accept(entry));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /** Events that ran out of retries, oldest first. */
  deadLetters(): DeadLetter[] {
    return [...this.dead];
  }

  /** Resolves once no delivery is in progress (tests wait on it). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private accept(entry: PutEventsEntryInput): PutEventsEntryResult {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
    }
    const bus = entry.EventBusName ?? 'default';
    if (bus !== this.options.busName && bus !== this.arn) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist locally; the local bus is ${this.options.busName}.` };
    }
    if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) return { ErrorCode: 'EntryTooLarge', ErrorMessage: 'Entry is larger than 256 KB.' };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
    const time = entry.Time === undefined ? new Date(this.now()) : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    if (Number.isNaN(time.getTime())) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Time is not a timestamp.' };
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      // EventBridge gives second precision.
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: entry.Resources ?? [],
      detail,
    };
    this.route(event);
    return { EventId: event.id };
  }

  private route(event: BusEvent): void {
    const acceptedAt = this.now();
    for (const { rule, matches } of this.rules) {
      if (!matches(event)) continue;
      const delivery = this.deliver(rule, event, acceptedAt).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  private async deliver(rule: LocalRule, event: BusEvent, acceptedAt: number): Promise<void> {
    let lastError: unknown;
    let attempts = 0;
    for (let retry = 0; retry <= this.retry.retryAttempts; retry++) {
      if (retry > 0) {
        const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retry - 1));
        if (this.now() + delay - acceptedAt > this.retry.maxEventAgeMs || this.stopped) break;
        await sleep(delay);
      }
      attempts++;
      try {
        const target = await this.target(rule);
        // Each delivery is a fresh copy: a target cannot change what the next one sees.
        await this.withTimeout(rule.name, target(structuredClone(event)));
        return;
      } catch (error) {
        lastError = error;
        this.options.onError?.(rule.name, error);
      }
    }
    this.dead.push({ rule: rule.name, event, attempts, error: lastError instanceof Error ? lastError.message : String(lastError), at: new Date(this.now()).toISOString() });
  }

  private async withTimeout(rule: string, run: unknown): Promise<void> {
    const timeoutMs = this.options.targetTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Target of rule ${rule} timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([run, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private target(rule: LocalRule): Promise<EventTarget> {
    if ('handler' in rule) return Promise.resolve(rule.handler);
    let target = this.targets.get(rule.name);
    if (!target) {
      const url = pathToFileURL(resolve(this.options.rootDir, rule.target.entry)).href;
      target = import(url).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${rule.target.entry} does not export a handler function`);
        const handler = module.handler as (event: BusEvent, context: unknown) => unknown;
        const timeoutMs = this.options.targetTimeoutMs ?? 10_000;
        return (event: BusEvent) => handler(event, createLambdaContext({ fn: rule.name, timeoutMs }));
      });
      // A module that failed to load is tried again on the next delivery (and counts as a failed attempt now).
      target.catch(() => this.targets.delete(rule.name));
      this.targets.set(rule.name, target);
    }
    return target;
  }
}

/** The AWS JSON 1.1 protocol's answer to one PutEvents call (`X-Amz-Target: AWSEvents.PutEvents`). */
export function answerPutEvents(bus: LocalEventBus, target: string | undefined, body: Buffer): { status: number; body: unknown } {
  if (target !== 'AWSEvents.PutEvents') {
    return { status: 400, body: { __type: 'UnknownOperationException', message: `The local bus speaks only AWSEvents.PutEvents, not ${target ?? '(no X-Amz-Target)'}` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: 400, body: { __type: 'SerializationException', message: 'Body is not JSON' } };
  }
  const parsed = PutEventsRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { status: 400, body: { __type: 'ValidationException', message: `${issue.path.join('.') || 'body'}: ${issue.message}` } };
  }
  return { status: 200, body: bus.putEvents(parsed.data.Entries) };
}

/** Path of the PutEvents endpoint: `EVENTBRIDGE_ENDPOINT` is the gateway's URL plus this. */
export const PUT_EVENTS_PATH = '/_local/eventbridge';
export const DEAD_LETTERS_PATH = '/_local/dead-letters';

/** The bus's local-only HTTP face: PutEvents (AWS JSON protocol) and the dead letters. */
export function busRoutes(bus: LocalEventBus): (request: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: Buffer }) => Promise<{ status: number; body: unknown } | undefined> {
  return async (request) => {
    const path = request.path.replace(/\/+$/, '');
    if (path === PUT_EVENTS_PATH && request.method === 'POST') {
      const target = request.headers['x-amz-target'];
      return answerPutEvents(bus, Array.isArray(target) ? target[0] : target, request.body);
    }
    if (path === DEAD_LETTERS_PATH && request.method === 'GET') return { status: 200, body: { items: bus.deadLetters() } };
    return undefined;
  };
}
