/**
 * The consumers of Caseway's bus, one per `eventRules` entry (`functions/topology/event-rules.ts`,
 * which the local stand-in bus reads too): an EventBridge rule with exactly that
 * pattern, targeting a Lambda built from the target's declaration (`functionFor`),
 * given what its `uses` ask for and nothing more.
 *
 * Nothing delivered is lost. EventBridge invokes Lambda asynchronously, so there are
 * two ways to fail and both end in the consumer's dead-letter queue (KMS-encrypted
 * with the case key, TLS only, alarmed on its first message):
 * - EventBridge cannot invoke the function (throttled, deleted): the target's retry
 *   policy (`retryAttempts`, `maxEventAge`), then the target's DLQ;
 * - the function throws: Lambda's asynchronous retries (`functionRetryAttempts`),
 *   then the function's on-failure destination, the same queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { caseDeadLetterQueue, firstDeadLetterAlarm } from './dead-letter-queue.js';
import { allowInKeyPolicy } from './key-policy.js';
import { targetUses, type EventRuleSpec } from '#topology/event-rules.js';
import type { CaseStore } from './case-store.js';
import { functionFor, type FunctionResources } from './function-resources.js';

export interface EventConsumersProps {
  readonly store: CaseStore;
  readonly bus: events.IEventBus;
  /**
   * The bus's name as plain text, when known: the key policy below names the bus's rules by it,
   * and `bus.eventBusName` would make the key (in the parent stack) depend on the bus's stack.
   * @default bus.eventBusName
   */
  readonly busName?: string;
  readonly rules: readonly EventRuleSpec[];
  /** Where each consumer's grants and settings come from, by its declaration (`targetUses`). */
  readonly resources: FunctionResources;
  /** Settings every consumer gets beyond its declaration's (an embedding app's own targets). */
  readonly environment?: Record<string, string>;
  /**
   * Retries of an invocation EventBridge could not make (0..185).
   * @default 185 (EventBridge's own default: about 24 hours of backoff)
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps trying to invoke (60 s .. 24 h).
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
  /**
   * Lambda's own retries of an invocation whose handler threw (0..2).
   * @default 2
   */
  readonly functionRetryAttempts?: number;
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
}

export interface EventConsumer {
  readonly spec: EventRuleSpec;
  readonly rule: events.Rule;
  readonly function: NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
}

export class EventConsumers extends Construct {
  readonly consumers: readonly EventConsumer[];
  /** One per consumer. */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: EventConsumersProps) {
    super(scope, id);
    const names = new Set<string>();
    this.consumers = props.rules.map((spec) => {
      if (names.has(spec.name)) throw new Error(`Two event rules are named ${spec.name}`);
      names.add(spec.name);
      return this.consumer(spec, props);
    });
    this.alarms = this.consumers.map((c) => c.deadLetterAlarm);
    if (this.consumers.length > 0) {
      // EventBridge writes dead letters into a KMS-encrypted queue only if the key lets it:
      // rules on Caseway's bus only. By ARN pattern, since naming each rule's ARN would make
      // the key depend on the rules, which depend (through their functions' grants) on the key.
      const stack = Stack.of(this);
      allowInKeyPolicy(
        props.store.key,
        new iam.PolicyStatement({
          sid: 'EventBridgeDeadLettersOfCasewayRules',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: {
            ArnLike: {
              'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${props.busName ?? props.bus.eventBusName}/*` }),
            },
            StringEquals: { 'aws:SourceAccount': stack.account },
          },
        }),
      );
    }
  }

  /** The Lambda of the consumer `name`, so other constructs can grant it more (a bucket, an identity). */
  consumerFunction(name: string): NodejsFunction {
    const found = this.consumers.find((c) => c.spec.name === name);
    if (!found) throw new Error(`No event consumer named ${name}; the rules are ${this.consumers.map((c) => c.spec.name).join(', ') || '(none)'}`);
    return found.function;
  }

  private consumer(spec: EventRuleSpec, props: EventConsumersProps): EventConsumer {
    const { store, bus } = props;
    const scope = new Construct(this, spec.name);

    const deadLetterQueue = caseDeadLetterQueue(
      scope,
      'DeadLetterQueue',
      store.key,
      `of the ${spec.name} rule's target and of its function's asynchronous invocations`,
    );

    const description = `Event consumer ${spec.name}: ${spec.description}`;
    const consumer = functionFor(
      scope,
      'Consumer',
      spec.target.function ?? { name: spec.name, entry: spec.target.entry, declaration: { description, uses: targetUses(spec.target) } },
      { resources: props.resources, description, logRetention: props.logRetention, logRemovalPolicy: props.logRemovalPolicy },
    );
    const fn = consumer.function;
    for (const [key, value] of Object.entries(props.environment ?? {})) fn.addEnvironment(key, value);

    fn.configureAsyncInvoke({
      retryAttempts: props.functionRetryAttempts ?? 2,
      maxEventAge: Duration.hours(6),
      onFailure: new EncryptedSqsDestination(deadLetterQueue),
    });

    const rule = new events.Rule(scope, 'Rule', {
      eventBus: bus,
      description: spec.description,
      // Replaced below by the pattern exactly as written: the local bus matches that JSON,
      // and CDK's typed pattern cannot say everything EventBridge can (a top-level $or).
      eventPattern: { source: ['caseway.cases'] },
    });
    (rule.node.defaultChild as events.CfnRule).addPropertyOverride('EventPattern', spec.pattern);
    rule.addTarget(
      new targets.LambdaFunction(fn, {
        deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 185,
        maxEventAge: props.maxEventAge ?? Duration.hours(24),
      }),
    );
    const deadLetterAlarm = firstDeadLetterAlarm(
      scope,
      'DeadLetterAlarm',
      deadLetterQueue,
      `Events for ${spec.name} could not be handled after every retry; they wait in its dead-letter queue (14 days) to be redriven or replayed from the archive.`,
    );
    return { spec, rule, function: fn, deadLetterQueue, deadLetterAlarm };
  }
}

/**
 * `SqsDestination` with the permissions spelled out: the stock one grants the key's
 * whole encrypt set (`kms:ReEncrypt*`, `kms:GenerateDataKey*`); sending to an
 * encrypted queue needs only a data key and the right to use it.
 */
class EncryptedSqsDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.Queue) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    this.queue.grant(fn, 'sqs:SendMessage');
    this.queue.encryptionMasterKey?.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    return { destination: this.queue.queueArn };
  }
}
