/**
 * Routing's clockwork outside the API: the sweep that a schedule runs every minute
 * to move what the clock moves (expired offers, optional skills, overflow). The
 * routing consumer itself is one of the bus's rule targets (`routing` in
 * `functions/topology/event-rules.ts`), built with the others by `EventConsumers`. The
 * sweep writes to the case table only, retries, then parks what failed on a
 * KMS-encrypted dead-letter queue whose first message raises an alarm.
 */
import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { caseDeadLetterQueue, firstDeadLetterAlarm } from './dead-letter-queue.js';
import type { CaseStore } from './case-store.js';
import { entryOf, functionRegistry } from '#topology/functions.js';
import { functionFor, FunctionResources } from './function-resources.js';

/** The sweep's handler and description, from its declaration (`routing-sweep` in functions/topology/functions.ts). */
export const ROUTING_SWEEP = { entry: entryOf('routing-sweep'), description: functionRegistry['routing-sweep'].description };

export interface RoutingProps {
  readonly store: CaseStore;
  /**
   * The stack's resources the sweep's declaration draws grants and settings from.
   * @default - made of `store`
   */
  readonly resources?: FunctionResources;
  /**
   * How often the sweep runs: the resolution of offer timeouts, optional-skill waits and overflow.
   * @default Duration.minutes(1)
   */
  readonly sweepInterval?: Duration;
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** EventBridge's JSON pattern keys, as the CDK's EventPattern spells them. */

export class Routing extends Construct {
  readonly sweep: NodejsFunction;
  /** The rule that runs the sweep. */
  readonly schedule: events.Rule;
  /** Sweeps that failed every retry (the consumer's events go to its own queue in EventConsumers). */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    const { store } = props;

    this.deadLetterQueue = caseDeadLetterQueue(this, 'DeadLetterQueue', store.key, 'the dead-letter target of the sweep schedule');
    // EventBridge delivers failed events to the queue itself, so it must be able to use the key, for this account's rules only.
    store.key.grant(
      new iam.PrincipalWithConditions(new iam.ServicePrincipal('events.amazonaws.com'), {
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      'kms:GenerateDataKey',
      'kms:Decrypt',
    );

    const logSettings = { logRetention: props.logRetention, logRemovalPolicy: props.logRemovalPolicy };
    const sweep = functionFor(this, 'Sweep', 'routing-sweep', { resources: props.resources ?? FunctionResources.of({ store }), ...logSettings });
    this.sweep = sweep.function;

    this.schedule = new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the routing sweep',
      schedule: events.Schedule.rate(props.sweepInterval ?? Duration.minutes(1)),
      // A late sweep is replaced by the next one: no point retrying for long.
      targets: [
        new targets.LambdaFunction(this.sweep, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.minutes(5) }),
      ],
    });

    this.deadLetterAlarm = firstDeadLetterAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      'A routing sweep failed every retry: expired offers, optional-skill drops and overflows wait for the next sweep that succeeds.',
    );
  }
}
