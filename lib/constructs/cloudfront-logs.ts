/**
 * The bucket a CloudFront distribution writes its standard logs to (and, for the console, its
 * bucket's server access logs). CloudFront still delivers standard logs by ACL, so the bucket keeps
 * ACLs (owner preferred); S3-managed encryption, since log delivery cannot use a KMS key of ours.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface CloudFrontLogBucketProps {
  /** Whose logs these are, for the cdk-nag acknowledgement: "the console (CloudFront and S3 logs)". */
  readonly of: string;
  /** @default Duration.days(365) */
  readonly retention?: Duration;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** `AccessLogs` under `scope`. */
export function cloudFrontLogBucket(scope: Construct, props: CloudFrontLogBucketProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: props.retention ?? Duration.days(365) }],
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `This is the access log bucket of ${props.of}: logging its own access into itself would log every log delivery, without end.`,
  });
  return bucket;
}
