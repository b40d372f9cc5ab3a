/**
 * The local stand-in for Caseway's EventBridge bus: PutEvents in (over the AWS JSON
 * protocol, so the real `EventBridgeClient` pointed at it works unchanged), the same
 * rule patterns as the CDK rules (`functions/topology/event-rules.ts`), and delivery to the
 * same handler modules, imported like a cold start, with EventBridge-shaped events.
 * A target that throws is retried with exponential backoff, as the rule target's
 * retry policy does, until its attempts or the event's maximum age run out; then
 * the event goes on a dead-letter list, as it would on the target's SQS DLQ.
 *
 * With a `dataDir` the bus is as durable as EventBridge: an accepted event's
 * deliveries (one per matching rule) are written to `pending/` before PutEvents
 * answers, rewritten after each failed attempt and removed once delivered, so a
 * killed platform resumes them on its next start (`resume()`), attempts and age
 * included. Dead letters are files in `dead-letters/`, listed and replayed over
 * HTTP. Files (written atomically), not table items: items would go round the
 * stream and the outbox, and the table holds only what AWS's table holds.
 */
import { randomUUID } from 'node:crypto';
import { PUT_EVENTS_MAX_BYTES, putEventsEntryBytes } from '#core/event-size.js';
import { join } from 'node:path';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { eventRules, targetUses, type EventRuleSpec } from '#topology/event-rules.js';
import { loadFunction } from './function-loader.js';
import { JsonDirectory } from './durable-files.js';
import { compilePattern, type EventMatcher } from './event-pattern.js';
import { LOCAL_ACCOUNT_ID } from './http-api-event.js';
import { localProblem } from './local-problem.js';
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
  /** 'full': each backoff is a random part of its exponential value, as EventBridge spreads retries (default 'none'). */
  readonly jitter?: 'none' | 'full';
}

/**
 * EventBridge's own default for a rule target, and the rule targets' policy in the
 * stack (lib/constructs/event-consumers.ts): 185 retries within 24 hours, exponential
 * backoff with jitter. Every failure is logged as it happens, so a broken consumer is
 * seen at once; its events dead-letter only when the policy runs out, as in AWS.
 * Moving the platform's clock forward plays the backoff and the age out at once.
 */
export const EVENTBRIDGE_RETRY_POLICY: RetryPolicy = {
  retryAttempts: 185,
  maxEventAgeMs: 24 * 60 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 10 * 60_000,
  jitter: 'full',
};
/** The local bus's default: EventBridge's. */
export const LOCAL_RETRY_POLICY: RetryPolicy = EVENTBRIDGE_RETRY_POLICY;
/**
 * Few, quick retries: for a platform kept in memory (tests), where nothing would
 * survive a day of retrying anyway and a broken consumer's dead letter shows within a second.
 */
export const QUICK_RETRY_POLICY: RetryPolicy = { retryAttempts: 3, maxEventAgeMs: 60 * 60_000, baseDelayMs: 50, maxDelayMs: 1000, jitter: 'none' };

/** One event on its way to one rule's target: the unit that is retried, kept on disk and dead-lettered. */
interface Delivery {
  readonly id: string;
  readonly rule: string;
  readonly event: BusEvent;
  /** On the retry clock (`LocalEventBusOptions.retryClock`): the event's age counts from here. */
  readonly acceptedAt: number;
  /** Attempts made so far. */
  attempts: number;
  lastError?: string;
}

/** A clock the retry schedule follows: jumps (a moved platform clock) wake waiting retries. */
export interface RetryClock {
  now(): Date;
  onChange?(listener: (now: Date) => void): () => void;
}

export interface DeadLetter {
  /** The delivery's id: `POST /_local/dead-letters/replay {"ids": [...]}` names it. */
  readonly id: string;
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
  /** Wall time, for event `time` defaults; not business time. Also the retry schedule's time unless `retryClock` is given. */
  readonly now?: () => number;
  /** The time backoff and maximum age are measured in (the platform's clock: moving it forward plays retries out). */
  readonly retryClock?: RetryClock;
  /** Keep pending deliveries and dead letters here, so they survive a restart (see the module comment). */
  readonly dataDir?: string;
}

export interface PutEventsEntryResult {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

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

export class LocalEventBus {
  private readonly rules: { rule: LocalRule; matches: EventMatcher }[] = [];
  private readonly targets = new Map<string, Promise<EventTarget>>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries being worked on in this process, by id (so `resume` starts none twice). */
  private readonly active = new Set<string>();
  /** Wakes every backoff wait (on stop). */
  private readonly wakers = new Set<() => void>();
  private readonly retry: RetryPolicy;
  private readonly account: string;
  private readonly region: string;
  private readonly now: () => number;
  private readonly retryNow: () => number;
  private readonly pending: JsonDirectory<Delivery> | undefined;
  private readonly deadFiles: JsonDirectory<DeadLetter> | undefined;
  private stopped = false;

  constructor(private readonly options: LocalEventBusOptions) {
    this.retry = { ...LOCAL_RETRY_POLICY, ...options.retry };
    this.account = options.account ?? LOCAL_ACCOUNT_ID;
    this.region = options.region ?? 'us-east-1';
    this.now = options.now ?? Date.now;
    this.retryNow = options.retryClock ? () => options.retryClock!.now().getTime() : this.now;
    if (options.dataDir) {
      this.pending = new JsonDirectory(join(options.dataDir, 'pending'));
      this.deadFiles = new JsonDirectory(join(options.dataDir, 'dead-letters'));
      for (const letter of this.deadFiles.all().sort((a, b) => a.at.localeCompare(b.at))) this.dead.set(letter.id, letter);
    }
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
    return [...this.dead.values()];
  }

  /**
   * Deliveries a previous run left pending (kept in `dataDir`): carry on with each,
   * its attempts and age as they were. Call once the targets can be loaded (the
   * handlers' environment is set). A rule no longer on the bus dead-letters its events.
   */
  resume(): number {
    if (!this.pending) return 0;
    let resumed = 0;
    for (const delivery of this.pending.all()) {
      if (this.active.has(delivery.id)) continue;
      const rule = this.rules.find((r) => r.rule.name === delivery.rule)?.rule;
      if (rule) {
        this.start(rule, delivery);
        resumed++;
      } else {
        this.deadLetter({ ...delivery, lastError: `Rule ${delivery.rule} is no longer on the bus` });
      }
    }
    return resumed;
  }

  /**
   * Redrive dead letters (all, or those named) to their rules as new deliveries with
   * fresh attempts and age, as a DLQ redrive or an archive replay would.
   */
  replayDeadLetters(ids?: readonly string[]): { replayed: string[]; unknown: string[] } {
    const wanted = ids ?? [...this.dead.keys()];
    const replayed: string[] = [];
    const unknown: string[] = [];
    for (const id of wanted) {
      const letter = this.dead.get(id);
      const rule = letter && this.rules.find((r) => r.rule.name === letter.rule)?.rule;
      if (!letter || !rule) {
        unknown.push(id);
        continue;
      }
      const delivery: Delivery = { id: randomUUID(), rule: rule.name, event: letter.event, acceptedAt: this.retryNow(), attempts: 0 };
      this.pending?.put(delivery.id, delivery);
      this.dead.delete(id);
      this.deadFiles?.remove(id);
      this.start(rule, delivery);
      replayed.push(id);
    }
    return { replayed, unknown };
  }

  /** Resolves once no delivery is in progress (tests wait on it). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops retrying: with a `dataDir`, what is still pending stays so for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.wakers]) wake();
    await this.idle();
  }

  private accept(entry: PutEventsEntryInput): PutEventsEntryResult {
    if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
    }
    const bus = entry.EventBusName ?? 'default';
    if (bus !== this.options.busName && bus !== this.arn) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${bus} does not exist locally; the local bus is ${this.options.busName}.`,
      };
    }
    if (putEventsEntryBytes(entry) >= PUT_EVENTS_MAX_BYTES) return { ErrorCode: 'EntryTooLarge', ErrorMessage: 'Entry is 256 KB or larger.' };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
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
    const acceptedAt = this.retryNow();
    // Every delivery is on disk before PutEvents answers: an accepted event is never lost to a kill.
    const deliveries = this.rules
      .filter(({ matches }) => matches(event))
      .map(({ rule }) => {
        const delivery: Delivery = { id: randomUUID(), rule: rule.name, event, acceptedAt, attempts: 0 };
        this.pending?.put(delivery.id, delivery);
        return { rule, delivery };
      });
    for (const { rule, delivery } of deliveries) this.start(rule, delivery);
  }

  private start(rule: LocalRule, delivery: Delivery): void {
    this.active.add(delivery.id);
    const run = this.deliver(rule, delivery).finally(() => {
      this.inFlight.delete(run);
      this.active.delete(delivery.id);
    });
    this.inFlight.add(run);
  }

  private backoff(retry: number): number {
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retry - 1));
    return this.retry.jitter === 'full' ? Math.random() * exponential : exponential;
  }

  private async deliver(rule: LocalRule, delivery: Delivery): Promise<void> {
    while (delivery.attempts <= this.retry.retryAttempts) {
      if (delivery.attempts > 0) {
        const delay = this.backoff(delivery.attempts);
        if (this.retryNow() + delay - delivery.acceptedAt > this.retry.maxEventAgeMs) break;
        if (this.stopped) break;
        await this.wait(delay);
        // Stopped while waiting: a durable bus leaves the delivery pending for the next start.
        if (this.stopped) break;
      }
      delivery.attempts++;
      try {
        const target = await this.target(rule);
        // Each delivery is a fresh copy: a target cannot change what the next one sees.
        await this.withTimeout(rule.name, target(structuredClone(delivery.event)));
        this.pending?.remove(delivery.id);
        return;
      } catch (error) {
        delivery.lastError = error instanceof Error ? error.message : String(error);
        this.pending?.put(delivery.id, delivery);
        this.options.onError?.(rule.name, error);
      }
    }
    if (this.stopped && this.pending) return;
    this.deadLetter(delivery);
  }

  private deadLetter(delivery: Delivery): void {
    const letter: DeadLetter = {
      id: delivery.id,
      rule: delivery.rule,
      event: delivery.event,
      attempts: delivery.attempts,
      error: delivery.lastError ?? 'unknown',
      at: new Date(this.now()).toISOString(),
    };
    // Dead letter first, then out of pending: a kill between the two leaves both, and the resumed delivery ends here again.
    this.deadFiles?.put(letter.id, letter);
    this.pending?.remove(delivery.id);
    this.dead.set(letter.id, letter);
  }

  /** Real time, cut short when the retry clock jumps past the due instant or the bus stops. */
  private wait(delayMs: number): Promise<void> {
    const dueAt = this.retryNow() + delayMs;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe?.();
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, delayMs);
      const unsubscribe = this.options.retryClock?.onChange?.(() => {
        if (this.retryNow() >= dueAt) done();
      });
      this.wakers.add(done);
    });
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
      const ref = rule.target.function ?? { name: rule.name, entry: rule.target.entry, uses: targetUses(rule.target) };
      target = loadFunction<{ handler: (event: BusEvent, context: unknown) => unknown }>(this.options.rootDir, ref).then(({ handler }) => {
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
    return {
      status: 400,
      body: { __type: 'UnknownOperationException', message: `The local bus speaks only AWSEvents.PutEvents, not ${target ?? '(no X-Amz-Target)'}` },
    };
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
  // Counted as EventBridge counts them: a call whose entries together reach 256 KB is refused whole, none of them taken.
  const bytes = parsed.data.Entries.reduce((sum, entry) => sum + putEventsEntryBytes(entry), 0);
  if (bytes >= PUT_EVENTS_MAX_BYTES) {
    return {
      status: 400,
      body: { __type: 'ValidationException', message: `Total size of the entries in the request is over the limit (${bytes} bytes).` },
    };
  }
  return { status: 200, body: bus.putEvents(parsed.data.Entries) };
}

/** Path of the PutEvents endpoint: `EVENTBRIDGE_ENDPOINT` is the gateway's URL plus this. */
export const PUT_EVENTS_PATH = '/_local/eventbridge';
export const DEAD_LETTERS_PATH = '/_local/dead-letters';
export const REPLAY_PATH = `${DEAD_LETTERS_PATH}/replay`;

const ReplayRequest = z.object({ ids: z.array(z.string().min(1)).max(1000).optional() }).strict();

/** `POST /_local/dead-letters/replay`, body `{}` (all) or `{"ids": [...]}`: redrive dead letters to their rules. */
function answerReplay(bus: LocalEventBus, body: Buffer): { status: number; headers?: Record<string, string>; body: unknown } {
  let json: unknown = {};
  if (body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return localProblem(400, 'Bad Request', 'The body is not JSON.', [{ field: 'body', rule: 'json', message: 'must be a JSON object' }]);
    }
  }
  const parsed = ReplayRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['body', ...issue.path.map(String)].join('.');
    return localProblem(400, 'Bad Request', `${field}: ${issue.message}`, [{ field, rule: issue.code, message: issue.message }]);
  }
  const outcome = bus.replayDeadLetters(parsed.data.ids);
  if (parsed.data.ids && outcome.unknown.length > 0 && outcome.replayed.length === 0) {
    return localProblem(404, 'Not Found', `No dead letter (on a rule still on the bus) with the id ${outcome.unknown.join(', ')}.`, [
      { field: 'body.ids', rule: 'exists', message: 'must name dead letters' },
    ]);
  }
  return { status: 200, body: outcome };
}

/** The bus's local-only HTTP face: PutEvents (AWS JSON protocol), the dead letters and their replay. */
export function busRoutes(
  bus: LocalEventBus,
): (request: {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}) => Promise<{ status: number; headers?: Record<string, string>; body: unknown } | undefined> {
  return async (request) => {
    const path = request.path.replace(/\/+$/, '');
    if (path === PUT_EVENTS_PATH && request.method === 'POST') {
      const target = request.headers['x-amz-target'];
      return answerPutEvents(bus, Array.isArray(target) ? target[0] : target, request.body);
    }
    if (path === DEAD_LETTERS_PATH && request.method === 'GET') return { status: 200, body: { items: bus.deadLetters() } };
    if (path === REPLAY_PATH && request.method === 'POST') return answerReplay(bus, request.body);
    return undefined;
  };
}
