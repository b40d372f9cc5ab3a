/**
 * Device ingest in AWS: an IoT Core topic rule forwards what devices publish on
 * the signal topic to the proactive-case Lambda (the same service as
 * `POST /devices/signals` and the `caseway.devices` bus consumer).
 *
 * Nothing acknowledged is lost on the way: a message IoT Core cannot hand to
 * Lambda goes to the rule's error action, and one the Lambda fails on after its
 * retries goes to the function's on-failure destination; both land in one
 * KMS-encrypted queue (the case store's key: these messages are case data to be),
 * whose first message raises an alarm.
 */
import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { caseDeadLetterQueue, firstDeadLetterAlarm } from './dead-letter-queue.js';
import type { CaseStore } from './case-store.js';
import { functionFor, FunctionResources } from './function-resources.js';

export interface DeviceIngestProps {
  readonly store: CaseStore;
  /**
   * The stack's resources the function's declaration draws grants and settings from.
   * @default - made of `store`
   */
  readonly resources?: FunctionResources;
  /**
   * The MQTT topic filter devices publish signals on; `+` is one level (the device).
   * @default 'caseway/devices/+/signals'
   */
  readonly topicFilter?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** Lambda's async on-failure destination with only the permissions sending to an encrypted queue needs. */
class EncryptedQueueDestination implements lambda.IDestination {
  constructor(
    private readonly queue: sqs.IQueue,
    private readonly key: kms.IKey,
  ) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    this.queue.grant(fn, 'sqs:SendMessage');
    this.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
    return { destination: this.queue.queueArn };
  }
}

export class DeviceIngest extends Construct {
  /** The proactive-case Lambda the rule invokes. */
  readonly function: NodejsFunction;
  readonly rule: iot.CfnTopicRule;
  /** The rule's error action and the function's on-failure destination. */
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeviceIngestProps) {
    super(scope, id);
    const { store } = props;
    const topicFilter = props.topicFilter ?? 'caseway/devices/+/signals';
    if (!/^[A-Za-z0-9_/+#-]{1,256}$/.test(topicFilter) || topicFilter.includes("'"))
      throw new Error(`topicFilter '${topicFilter}' is not an MQTT topic filter`);

    this.deadLetterQueue = caseDeadLetterQueue(
      this,
      'DeadLetterQueue',
      store.key,
      'the IoT rule error action and the device Lambda on-failure destination',
    );

    const handler = functionFor(this, 'Handler', 'device-ingest', {
      resources: props.resources ?? FunctionResources.of({ store }),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.function = handler.function;
    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new EncryptedQueueDestination(this.deadLetterQueue, store.key),
    });

    // The rule may only put failed messages on its own error queue.
    const ruleRole = new iam.Role(this, 'RuleRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'IoT rule error action: send undeliverable device signals to the dead-letter queue',
    });
    this.deadLetterQueue.grant(ruleRole, 'sqs:SendMessage');
    store.key.grant(ruleRole, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.rule = new iot.CfnTopicRule(this, 'Rule', {
      topicRulePayload: {
        description: 'Caseway: device signals to the proactive-case handler',
        sql: `SELECT * FROM '${topicFilter}'`,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: this.function.functionArn } }],
        errorAction: { sqs: { queueUrl: this.deadLetterQueue.queueUrl, roleArn: ruleRole.roleArn, useBase64: false } },
      },
    });
    // Only this rule, in this account, may invoke the function.
    this.function.addPermission('InvokeFromIotRule', {
      principal: new iam.ServicePrincipal('iot.amazonaws.com'),
      sourceArn: this.rule.attrArn,
      sourceAccount: Stack.of(this).account,
    });

    this.deadLetterAlarm = firstDeadLetterAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      'A device signal could not be processed (IoT rule error or Lambda failure after retries): replay it from the queue once the cause is fixed.',
    );
  }
}
