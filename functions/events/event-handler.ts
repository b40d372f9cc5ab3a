/**
 * The one wrapper every event-driven handler shares (the HTTP handlers have
 * `functions/http/http-handler.ts`): a middy stack with Powertools context, tracing
 * and metrics, around a declaration of three things, the event's contract (zod),
 * how a repeat is recognised, and the work. The wrapper validates, deduplicates,
 * logs and meters; the handler file says only what is particular to it.
 *
 * One adapter per kind of trigger, each handing the work the shape it knows:
 * - `onEventBridge`: a rule target; the contract is the event's `detail`.
 * - `onStream`: a DynamoDB stream batch; the work's `batchItemFailures` go back to
 *   Lambda untouched (the partial-batch contract is the work's to keep).
 * - `onInvoke`: a payload invoked directly (a Step Functions task, the IoT rule, an
 *   operator's `aws lambda invoke`); the contract is the payload.
 * - `onSchedule`: a periodic run with nothing in its event to read.
 *
 * Delivery is at least once everywhere. Dedup is declared, never implicit: a mark of
 * the one mechanism (`adapters/dynamodb/processed-events.ts`) written with the work's
 * own transaction or after it, or the reason the work is idempotent by itself.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context, DynamoDBStreamEvent, EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import type { ProcessedEvents } from '#adapters/dynamodb/processed-events.js';
import { isClaimCheck, type Claims } from '#core/claim-check.js';
import { validationFailed, type FieldIssue } from '#core/errors.js';
import { fieldIssues } from '#core/field-issues.js';
import { logger, metricsFor, tracer } from '../observability.js';

/**
 * How a repeated delivery is kept from doing the work twice. A handler that marks
 * names the marks (`processedEvents`) itself, so a function that never marks (the
 * outbox publisher has no table) carries no DynamoDB client in its bundle.
 */
export type Dedup<I, O> =
  /** Skip an event already marked; the work puts `processedMark(name, key)` into the transaction that holds its effect. */
  | { readonly key: (input: I) => string; readonly mark: 'in-transaction'; readonly marks: ProcessedEvents; readonly duplicate: O }
  /** Skip an event already marked; otherwise work, then mark (`processOnce`): for effects outside the table. */
  | { readonly key: (input: I) => string; readonly mark: 'after-work'; readonly marks: ProcessedEvents; readonly duplicate: O }
  /** No mark: the work is idempotent by itself, for this reason. `key` only names the event in logs. */
  | { readonly key?: (input: I) => string; readonly idempotent: string };

/** What becomes of an event that breaks its contract. */
export type OnInvalid<O> =
  /** Throw `ValidationFailed` naming each field: retries fail alike and the dead-letter queue keeps the event for a person. */
  | { readonly reject: string }
  /** Retrying cannot fix it and nobody would replay it: log the issues as an error and answer this. */
  | { readonly drop: (issues: readonly FieldIssue[]) => O };

/** A contract: a zod schema, or one chosen from the event itself (a single signal or a batch). */
export type Contract<T> = z.ZodType<T> | ((raw: unknown) => z.ZodType<T>);

interface Declaration<I, O> {
  /** The consumer: names its logs, metrics (`operation`) and processed-event marks. */
  readonly name: string;
  readonly onInvalid?: OnInvalid<O>;
  readonly dedup: Dedup<I, O>;
  /** What of a result is worth an INFO line (nothing when undefined); the work writes no log line of its own for it. */
  readonly summary?: (result: O, input: I) => Record<string, unknown> | undefined;
}

/** The handler's own metrics (namespace Caseway, dimension `operation` = its name), flushed with the invocation's. */
export interface Meter {
  count(metric: string, value?: number): void;
}

/** What a wrapped handler tells about itself: how tests prove every event handler is one. */
export interface EventHandlerFacts {
  readonly name: string;
  readonly kind: 'eventBridge' | 'stream' | 'invoke' | 'schedule';
  readonly dedup: 'in-transaction' | 'after-work' | 'idempotent';
}

const FACTS = Symbol.for('caseway.eventHandler');

/** The facts of a handler the wrapper built; undefined for anything else. */
export const eventHandlerFacts = (handler: unknown): EventHandlerFacts | undefined =>
  typeof handler === 'function' ? (handler as { [FACTS]?: EventHandlerFacts })[FACTS] : undefined;

/**
 * The common core: `read` turns the Lambda event into what the contract checks and
 * where its issues point; `input` builds the work's input from the checked value.
 */
function wrap<E, R, I, O>(
  kind: EventHandlerFacts['kind'],
  declaration: Declaration<I, O> & { readonly work: (input: I, context: Context, meter: Meter) => Promise<O> },
  read: (event: E) => { readonly raw: unknown; readonly field: string; readonly contract: Contract<R>; readonly keys: Record<string, unknown> },
  input: (checked: R, event: E) => I,
  claims?: Claims,
) {
  const { name, onInvalid = { reject: `The event is not a valid ${name} event.` }, dedup, work, summary } = declaration;
  const metrics = metricsFor(name);
  const meter: Meter = { count: (metric, value = 1) => metrics.addMetric(metric, MetricUnit.Count, value) };

  const core = async (event: E, context: Context): Promise<O> => {
    const { raw: delivered, field, contract, keys } = read(event);
    logger.appendKeys({ consumer: name, ...keys });
    metrics.addMetric('Events', MetricUnit.Count, 1);
    // A claim check is checked as the whole event it stands for: the contract, the dedup key and the work see no difference.
    const claimed = claims !== undefined && isClaimCheck(delivered);
    if (claimed) metrics.addMetric('ClaimChecks', MetricUnit.Count, 1);
    const raw = claimed ? await claims.redeem(delivered) : delivered;
    const schema = typeof contract === 'function' ? contract(raw) : contract;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issues = fieldIssues(parsed.error, field, raw);
      metrics.addMetric('InvalidEvents', MetricUnit.Count, 1);
      if ('reject' in onInvalid) throw validationFailed(issues, onInvalid.reject);
      logger.error(`${name}: the event breaks its contract; dropped`, { issues });
      return onInvalid.drop(issues);
    }
    const value = input(parsed.data, event);
    const key = dedup.key?.(value);
    if (key !== undefined) logger.appendKeys({ eventKey: key });
    let result: O;
    if ('idempotent' in dedup) result = await work(value, context, meter);
    else {
      const done =
        dedup.mark === 'in-transaction'
          ? (await dedup.marks.alreadyProcessed(name, key!))
            ? ({ outcome: 'duplicate' } as const)
            : ({ outcome: 'processed', result: await work(value, context, meter) } as const)
          : await dedup.marks.processOnce(name, key!, () => work(value, context, meter));
      if (done.outcome === 'duplicate') {
        metrics.addMetric('DuplicateEvents', MetricUnit.Count, 1);
        logger.info(`${name}: already handled; skipped`);
        return dedup.duplicate;
      }
      result = done.result;
    }
    const said = summary?.(result, value);
    if (said) logger.info(`${name}: handled`, said);
    else logger.debug(`${name}: handled`);
    return result;
  };

  // Lambda's own timeout applies, as it did before the wrapper: no early abort from middy.
  const handler = middy<E, O, Error, Context>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use({
      // Registered last, so it runs first on error; the error goes on to Lambda (retries, then the dead-letter queue).
      onError: (request) => {
        metrics.addMetric('FailedEvents', MetricUnit.Count, 1);
        if (!(request.error as { kind?: string } | null)?.kind)
          logger.error(`${name}: failed; it will be retried`, { error: request.error as Error });
      },
    })
    .handler(core);
  // Lambda always passes a whole context; tests and the local platform's schedules may pass part of one, or none.
  const wrapped = (event: E, context?: Partial<Context>): Promise<O> => handler(event, (context ?? {}) as Context);
  const facts: EventHandlerFacts = { name, kind, dedup: 'idempotent' in dedup ? 'idempotent' : dedup.mark };
  return Object.assign(wrapped, { [FACTS]: facts });
}

const caseIdOf = (detail: unknown) => {
  const caseId = detail !== null && typeof detail === 'object' ? (detail as { caseId?: unknown }).caseId : undefined;
  return typeof caseId === 'string' ? { caseId } : {};
};

/** An EventBridge rule target. The work gets the event with its `detail` as the contract gives it. */
export function onEventBridge<D, O>(
  declaration: Declaration<EventBridgeEvent<string, D>, O> & {
    /** The contract of `detail`; a function of the event when it depends on `detail-type`. */
    readonly detail: z.ZodType<D> | ((event: EventBridgeEvent<string, unknown>) => z.ZodType<D>);
    /** Domain event consumers: where a claim-checked event's whole detail is read back. */
    readonly claims?: Claims;
    readonly work: (event: EventBridgeEvent<string, D>, context: Context, meter: Meter) => Promise<O>;
  },
) {
  const { detail, claims } = declaration;
  return wrap<EventBridgeEvent<string, unknown>, D, EventBridgeEvent<string, D>, O>(
    'eventBridge',
    declaration,
    (event) => ({
      raw: event.detail,
      field: 'detail',
      contract: typeof detail === 'function' ? detail(event) : detail,
      keys: { eventId: event.id, detailType: event['detail-type'], ...caseIdOf(event.detail) },
    }),
    (checked, event) => ({ ...event, detail: checked }),
    claims,
  );
}

/** Lambda's stream records, as far as the wrapper needs them to be: the work reads the images. */
export const StreamBatch = z.looseObject({
  Records: z.array(z.looseObject({ eventName: z.string().optional(), dynamodb: z.looseObject({}).optional() })),
});

/** A DynamoDB stream consumer. What the work answers (`batchItemFailures`) is what Lambda gets. */
export function onStream<O>(
  declaration: Declaration<DynamoDBStreamEvent, O> & { readonly work: (event: DynamoDBStreamEvent, context: Context, meter: Meter) => Promise<O> },
) {
  return wrap<DynamoDBStreamEvent, unknown, DynamoDBStreamEvent, O>(
    'stream',
    declaration,
    (event) => ({ raw: event, field: 'event', contract: StreamBatch, keys: { records: event?.Records?.length } }),
    (_checked, event) => event,
  );
}

/** A payload invoked directly: a Step Functions task's input, an IoT rule's message, an operator's request. */
export function onInvoke<I, O>(
  declaration: Declaration<I, O> & {
    readonly input: Contract<I>;
    /** Where the issues point (`input.caseId`, `message.signals.0.at`). */
    readonly field: string;
    readonly work: (input: I, context: Context, meter: Meter) => Promise<O>;
  },
) {
  return wrap<unknown, I, I, O>(
    'invoke',
    declaration,
    (event) => ({ raw: event, field: declaration.field, contract: declaration.input, keys: {} }),
    (checked) => checked,
  );
}

/** A periodic run (an EventBridge schedule in AWS, an interval locally): its event carries nothing to act on. */
export function onSchedule<O>(
  declaration: Omit<Declaration<void, O>, 'onInvalid'> & { readonly work: (input: void, context: Context, meter: Meter) => Promise<O> },
) {
  return wrap<unknown, unknown, void, O>(
    'schedule',
    declaration,
    () => ({ raw: undefined, field: 'event', contract: z.unknown(), keys: {} }),
    () => undefined,
  );
}
