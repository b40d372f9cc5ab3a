/**
 * Where Caseway's alarms notify when the deployer names no topic of their own: an SNS
 * topic encrypted with a key of its own (CloudWatch cannot use the AWS-managed SNS key,
 * and alarm texts are not case data, so not the case key), reachable over TLS only, that
 * only this account's alarms may publish to; optionally with email subscriptions.
 */
import { ArnFormat, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { allowInKeyPolicy, givenOrOwnKey } from './key-policy.js';

export interface AlarmTopicProps {
  /** Addresses subscribed by email (each confirms once, from the message SNS sends). */
  readonly emails?: readonly string[];
  /** @default RemovalPolicy.RETAIN (the key) */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * An enterprise's own key for the topic.
   * @default - a key of its own
   */
  readonly key?: kms.IKey;
}

/** Roughly an address: SNS itself refuses what is not one, but only at deploy time. */
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    for (const email of props.emails ?? []) if (!EMAIL.test(email)) throw new Error(`alarm email '${email}' is not an email address`);
    const stack = Stack.of(this);
    this.key = givenOrOwnKey(this, props.key, 'Caseway alarm notifications (SNS)', props.removalPolicy);
    // CloudWatch encrypts the message it publishes to an encrypted topic with the topic's key, as itself.
    allowInKeyPolicy(
      this.key,
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Caseway alarms', masterKey: this.key, enforceSSL: true });
    // With a topic policy of its own the topic no longer has the default one: say who publishes.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    for (const email of props.emails ?? []) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}
