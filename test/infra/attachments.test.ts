/**
 * The attachment store against its topology (`functions/topology/attachments.ts`): encryption,
 * versioning, public access, TLS, access logs, lifecycle per retention class, CORS,
 * least privilege for the signer, and cdk-nag. No bundling here: fast.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_KEY_ACTIONS, Attachments, BUCKET_ACTIONS, OBJECT_ACTIONS, type AttachmentsProps } from '#lib/constructs/attachments.js';
import { RETENTION_CLASSES, UPLOAD_CORS } from '#topology/attachments.js';
import { actionsOf, nagFindings, newApp, removeSynthOutput, resources, statementsOf } from './synth.js';

function synth(props?: AttachmentsProps) {
  const stack = new Stack(newApp(), 'Files');
  const attachments = new Attachments(stack, 'Attachments', props);
  const signer = new iam.Role(stack, 'Signer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  attachments.grantUploadAndDownload(signer);
  return { stack, template: Template.fromStack(stack) };
}

afterAll(removeSynthOutput);

let template: Template;
let stack: Stack;
const bucketId = () => Object.entries(resources(template, 'AWS::S3::Bucket')).find(([, b]) => b.Properties.VersioningConfiguration)![0];
const bucket = () => resources(template, 'AWS::S3::Bucket')[bucketId()]!.Properties;

beforeAll(() => {
  ({ template, stack } = synth());
});

describe('the attachment bucket', () => {
  it('is encrypted with a rotating customer managed key (bucket key on)', () => {
    const [keyId] = Object.keys(resources(template, 'AWS::KMS::Key'));
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(bucket().BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      ],
    });
  });

  it('keeps versions, blocks every kind of public access, and owns its objects', () => {
    expect(bucket()).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('logs access to a log bucket of its own, which expires the logs', () => {
    const logging = bucket().LoggingConfiguration as { DestinationBucketName: { Ref: string }; LogFilePrefix: string };
    expect(logging.LogFilePrefix).toBe('attachments/');
    const logBucket = resources(template, 'AWS::S3::Bucket')[logging.DestinationBucketName.Ref]!.Properties;
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logging.DestinationBucketName.Ref },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
        ]),
      },
    });
    expect(logBucket).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })] },
    });
  });

  it('has one lifecycle rule per retention class of the topology, on its key prefix', () => {
    const rules = (bucket().LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toHaveLength(Object.keys(RETENTION_CLASSES).length);
    for (const [name, retention] of Object.entries(RETENTION_CLASSES)) {
      const rule = rules.find((r) => r.Id === `retention-${name}`);
      expect(rule, name).toEqual({
        Id: `retention-${name}`,
        Prefix: `${name}/`,
        Status: 'Enabled',
        ExpirationInDays: retention.expireAfterDays,
        NoncurrentVersionExpiration: { NoncurrentDays: retention.noncurrentExpireAfterDays },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        ...(retention.transitions.length > 0
          ? { Transitions: retention.transitions.map((t) => ({ StorageClass: t.storageClass, TransitionInDays: t.afterDays })) }
          : {}),
      });
    }
  });

  it('allows no browser origin unless given, then exactly the signed upload and download requests', () => {
    expect(bucket().CorsConfiguration).toBeUndefined();
    const withCors = synth({ corsOrigins: ['https://support.example.com'] }).template;
    const cors = Object.values(resources(withCors, 'AWS::S3::Bucket')).find((b) => b.Properties.VersioningConfiguration)!.Properties
      .CorsConfiguration;
    expect(cors).toEqual({
      CorsRules: [
        {
          AllowedOrigins: ['https://support.example.com'],
          AllowedMethods: [...UPLOAD_CORS.allowedMethods],
          AllowedHeaders: [...UPLOAD_CORS.allowedHeaders],
          ExposedHeaders: [...UPLOAD_CORS.exposedHeaders],
          MaxAge: 3600,
        },
      ],
    });
  });
});

describe('the signer', () => {
  it('may put, get and head objects under the retention prefixes, list the bucket, and use the key; nothing else', () => {
    const [roleId] = Object.keys(resources(template, 'AWS::IAM::Role'));
    const statements = statementsOf(template, roleId!);
    expect(actionsOf(statements).sort()).toEqual([...OBJECT_ACTIONS, ...BUCKET_ACTIONS, ...ATTACHMENT_KEY_ACTIONS].sort());
    const objectStatement = statements.find((s) => actionsOf([s]).includes('s3:PutObject'))!;
    const objectArns = (objectStatement.Resource as { 'Fn::Join': [string, unknown[]] }[]).map((r) => JSON.stringify(r));
    expect(objectArns).toHaveLength(Object.keys(RETENTION_CLASSES).length);
    for (const name of Object.keys(RETENTION_CLASSES))
      expect(
        objectArns.some((arn) => arn.includes(`/${name}/*`)),
        name,
      ).toBe(true);
    expect(actionsOf(statements).filter((a) => a.includes('Delete') || a === 's3:*' || a.startsWith('s3:PutBucket'))).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged on the buckets, the key or the signer (its prefix wildcards are acknowledged by the grant)', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});
