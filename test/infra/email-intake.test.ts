/**
 * Inbound email in AWS: the SES receipt rule set and rule, the encrypted raw-mail
 * bucket, S3 -> EventBridge -> the intake function with retries and a dead-letter
 * queue, least privilege, and cdk-nag. No bundling here: fast.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Attachments } from '#lib/constructs/attachments.js';
import { CaseStore } from '#lib/constructs/case-store.js';
import { EmailIntake, INBOUND_PREFIX } from '#lib/constructs/email-intake.js';
import { actionsOf, nagFindings, newApp, removeSynthOutput, resources, roleIdOf, statementsOf, synthCaseway } from './synth.js';

afterAll(removeSynthOutput);

let stack: Stack;
let template: Template;
let intake: EmailIntake;
const CURSOR_KEY_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CursorKey-AbCdEf';

beforeAll(() => {
  stack = new Stack(newApp({ 'aws:cdk:bundling-stacks': [] }), 'Mail');
  const store = new CaseStore(stack, 'Store', {});
  const attachments = new Attachments(stack, 'Attachments');
  const cursorKey = secretsmanager.Secret.fromSecretCompleteArn(stack, 'CursorKey', CURSOR_KEY_ARN);
  intake = new EmailIntake(stack, 'EmailIntake', { store, recipients: ['support.example.com'], attachments, cursorKey });
  template = Template.fromStack(stack);
});

const mailBucketId = () => stack.resolve(stack.getLogicalId(intake.bucket.node.defaultChild as never)) as string;

describe('inbound email', () => {
  it('has a receipt rule that scans, requires TLS and stores to the mail bucket under the inbound prefix', () => {
    template.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: {
        Enabled: true,
        Recipients: ['support.example.com'],
        ScanEnabled: true,
        TlsPolicy: 'Require',
        Actions: [{ S3Action: { BucketName: { Ref: mailBucketId() }, ObjectKeyPrefix: INBOUND_PREFIX } }],
      },
    });
  });

  it('keeps raw mail encrypted, private, TLS-only, logged, and only as long as its lifecycle says', () => {
    const bucket = resources(template, 'AWS::S3::Bucket')[mailBucketId()]!.Properties;
    expect(bucket).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: 'inbound-mail/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ Prefix: INBOUND_PREFIX, ExpirationInDays: 30 })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: mailBucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 's3:PutObject' }),
        ]),
      },
    });
    // No notification custom resource: the bucket talks to EventBridge itself.
    expect(Object.keys(resources(template, 'Custom::S3BucketNotifications'))).toEqual([]);
  });

  it('hands each new object to the intake function through a rule with retries and an encrypted dead-letter queue', () => {
    const functionId = stack.resolve(stack.getLogicalId(intake.function.node.defaultChild as never)) as string;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: mailBucketId() }] }, object: { key: [{ prefix: INBOUND_PREFIX }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('lets the function read only inbound objects of the mail bucket, write nothing there, and use the case table and the attachment store', () => {
    const functionId = stack.resolve(stack.getLogicalId(intake.function.node.defaultChild as never)) as string;
    const statements = statementsOf(template, roleIdOf(template, functionId));
    const mailStatements = statements.filter((s) => JSON.stringify(s.Resource).includes(mailBucketId()));
    expect(actionsOf(mailStatements).some((a) => /Put|Delete/.test(a))).toBe(false);
    expect(actionsOf(statements).filter((a) => a.startsWith('s3:') && a.includes('Delete'))).toEqual([]);
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['s3:PutObject']));
    const objectResources = statements
      .filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:GetObject')))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(JSON.stringify(objectResources)).toContain(`/${INBOUND_PREFIX}*`);
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']));
    // It pages a case's attachments (a redelivered mail's files), so it reads the cursor key, and no other secret.
    const onSecrets = statements.filter((st) => actionsOf([st]).some((a) => a.startsWith('secretsmanager:')));
    expect(onSecrets.map((st) => st.Resource)).toEqual([CURSOR_KEY_ARN]);
    expect(actionsOf(onSecrets).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  it('passes cdk-nag (AwsSolutions) with every exception acknowledged and explained', () => {
    expect(nagFindings(intake)).toEqual([]);
  });
});

describe('Caseway with inboundEmail', () => {
  it("is off by default, and on when asked: one receipt rule for the given recipients, its dead-letter alarm among Caseway's alarms", () => {
    const plain = synthCaseway({}, { bundle: false });
    expect(plain.stack.caseway.email).toBeUndefined();
    plain.template.resourceCountIs('AWS::SES::ReceiptRule', 0);

    const withMail = synthCaseway({ inboundEmail: { recipients: ['help.example.com'] }, console: false }, { bundle: false });
    withMail.template.hasResourceProperties('AWS::SES::ReceiptRule', { Rule: Match.objectLike({ Recipients: ['help.example.com'] }) });
    expect(withMail.stack.caseway.alarms).toContain(withMail.stack.caseway.email!.deadLetterAlarm);
  });
});
