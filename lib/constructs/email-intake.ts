/**
 * Inbound email in AWS: an SES receipt rule (spam and virus scan on, TLS
 * required) stores each message for Caseway's addresses in an encrypted bucket,
 * the bucket announces each new object on EventBridge, and a rule invokes the
 * intake function (retries, then a dead-letter queue that raises an alarm), which
 * runs the same service as `POST /channels/email`.
 *
 * S3 -> EventBridge instead of a bucket notification straight to Lambda: that one
 * needs CDK's notification custom resource (a Lambda of its own with a broad
 * role), and gives no dead-letter queue; EventBridge notification is a plain bucket
 * property, and the rule's target retries and dead-letters like every other rule.
 *
 * What cannot be checked without an account: SES receiving is offered in a few
 * regions only, the domain's MX record must point at SES, and CloudFormation
 * cannot make a receipt rule set the active one (`aws ses set-active-receipt-rule-set`).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { firstDeadLetterAlarm } from './dead-letter-queue.js';
import type { Attachments } from './attachments.js';
import type { CaseStore } from './case-store.js';
import { functionFor, FunctionResources } from './function-resources.js';
import { acknowledgeWildcardResource } from './nag.js';

/** Where the receipt rule writes: every object key of a message starts here. */
export const INBOUND_PREFIX = 'inbound/';

export interface EmailIntakeProps {
  readonly store: CaseStore;
  /** Addresses or domains SES accepts mail for (e.g. `support.example.com`, `help@example.com`). */
  readonly recipients: string[];
  /** Where emailed files become case attachments; its access-log bucket takes the mail bucket's logs too. */
  readonly attachments: Attachments;
  /** The listing cursor key (`CaseApi.cursorKey`): intake pages a case's attachments to spot a redelivered mail's files. */
  readonly cursorKey: secretsmanager.ISecret;
  /**
   * The stack's resources the intake function's declaration draws grants and settings from; this adds the mail bucket.
   * @default - made of `store`, `attachments` and `cursorKey`
   */
  readonly resources?: FunctionResources;
  /**
   * How long raw messages are kept after intake took them in.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

export class EmailIntake extends Construct {
  readonly bucket: s3.Bucket;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly receiptRule: ses.ReceiptRule;
  readonly function: NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The rule that hands each stored message to the intake function. */
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: EmailIntakeProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // SES writes with its own service principal: S3-managed keys need no key policy for it.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      eventBridgeEnabled: false,
      serverAccessLogsBucket: props.attachments.accessLogs,
      serverAccessLogsPrefix: 'inbound-mail/',
      lifecycleRules: [{ id: 'expire-raw-mail', prefix: INBOUND_PREFIX, expiration: props.retention ?? Duration.days(30) }],
      removalPolicy,
    });
    // EventBridge notifications as a plain property: see the module comment for why not `eventBridgeEnabled`.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', {});
    this.receiptRule = this.ruleSet.addRule('StoreInbound', {
      recipients: props.recipients,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [new sesActions.S3({ bucket: this.bucket, objectKeyPrefix: INBOUND_PREFIX })],
    });

    const resources = props.resources ?? FunctionResources.of({ store: props.store, attachments: props.attachments, cursorKey: props.cursorKey });
    resources.provide('inboundMail', { values: {}, grant: (fn) => void this.bucket.grantRead(fn, `${INBOUND_PREFIX}*`) });
    const fn = functionFor(this, 'Intake', 'email-inbound', {
      resources,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.function = fn.function;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue: of the rule that hands stored inbound mail to the intake function.',
    });
    this.rule = new events.Rule(this, 'ObjectCreated', {
      description: 'A new inbound message in the mail bucket -> email intake',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [{ prefix: INBOUND_PREFIX }] } },
      },
      targets: [
        new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 8, maxEventAge: Duration.hours(6) }),
      ],
    });
    this.deadLetterAlarm = firstDeadLetterAlarm(
      this,
      'DeadLetterAlarm',
      this.deadLetterQueue,
      `Inbound email could not be taken in: each message names an object under ${INBOUND_PREFIX} in the mail bucket; fix the cause and put the event on the default bus again.`,
    );

    // From the same ARN grantRead put in the policy, so the finding's name matches in any environment.
    acknowledgeWildcardResource(
      [fn.role],
      this.bucket.arnForObjects(`${INBOUND_PREFIX}*`),
      'SES names each object by its own message id at delivery: the function reads any object under the inbound prefix, and nothing else, and writes none.',
    );
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
      reason: 'CDK grantRead spells the read actions as s3:GetObject* (GetObject, its version, its tags); limited to the inbound prefix.',
    });
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      reason: 'CDK grantRead includes bucket metadata reads (location, versioning) on this one bucket.',
    });
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::s3:List*]',
      reason: 'CDK grantRead includes listing this one bucket; without it a missing key answers 403 instead of 404.',
    });
  }
}
