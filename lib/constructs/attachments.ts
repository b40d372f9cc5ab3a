/**
 * The attachment store: a versioned S3 bucket encrypted with a key of our own,
 * closed to the public and to plain HTTP, logging its access to a bucket of its
 * own, and expiring objects by the retention classes of the topology
 * (`functions/topology/attachments.ts`). Clients upload and download through URLs the
 * attachment function presigns, so that function is the only principal granted here.
 *
 * Lifecycle by key prefix, not by object tag: every key starts with its retention
 * class (`standard/CASE-.../...`), which the API chooses before it signs the URL,
 * so the class cannot be dropped or changed by the uploader. A tag would be one
 * more signed header to get right, and one more permission (`PutObjectTagging`).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { givenOrOwnKey } from './key-policy.js';
import { Construct } from 'constructs';
import { RETENTION_CLASSES, UPLOAD_CORS, retentionPrefix, type RetentionClassName } from '#topology/attachments.js';
import { acknowledgeWildcardResource } from './nag.js';

export interface AttachmentsProps {
  /**
   * What happens to the buckets and the key when they leave the stack. A bucket that
   * still holds objects is not deleted even with `DESTROY`: attachments are evidence.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Browser origins that may upload and download directly (CORS on the bucket).
   * @default - none: only non-browser clients can use the signed URLs
   */
  readonly corsOrigins?: string[];
  /**
   * How long the bucket's server access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * An enterprise's own customer managed key for the objects.
   * @default - a key of its own, rotated yearly
   */
  readonly key?: kms.IKey;
}

/** What signing uploads and downloads, and confirming what arrived, needs on the bucket. */
export const OBJECT_ACTIONS = ['s3:PutObject', 's3:GetObject', 's3:GetObjectVersion'] as const;
/** Without it S3 answers 403 instead of 404 for a key that holds nothing yet (an upload not made). */
export const BUCKET_ACTIONS = ['s3:ListBucket'] as const;
/** SSE-KMS: an upload needs a data key, a download (and HeadObject of a checksum) decrypts. */
export const ATTACHMENT_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** The bucket's lifecycle rules, one per retention class, from the topology. */
export function lifecycleRules(): s3.LifecycleRule[] {
  return (Object.entries(RETENTION_CLASSES) as [RetentionClassName, (typeof RETENTION_CLASSES)[RetentionClassName]][]).map(([name, retention]) => ({
    id: `retention-${name}`,
    prefix: retentionPrefix(name),
    transitions: retention.transitions.map((t) => ({
      storageClass: new s3.StorageClass(t.storageClass),
      transitionAfter: Duration.days(t.afterDays),
    })),
    expiration: Duration.days(retention.expireAfterDays),
    noncurrentVersionExpiration: Duration.days(retention.noncurrentExpireAfterDays),
    abortIncompleteMultipartUploadAfter: Duration.days(1),
  }));
}

export class Attachments extends Construct {
  /** The attachment bucket. */
  readonly bucket: s3.Bucket;
  /** The customer managed key of the bucket's objects. */
  readonly key: kms.IKey;
  /** Where the bucket's server access logs go. */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: AttachmentsProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Log delivery by bucket policy, not by the legacy ACL, whatever flags the embedding app sets:
    // then both buckets can refuse ACLs altogether (BucketOwnerEnforced).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    this.key = givenOrOwnKey(this, props.key, 'Caseway attachments: the objects of the attachment bucket', removalPolicy);

    // S3 server access logging delivers only to a bucket with S3-managed encryption.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the attachment bucket: logging its own access into itself would log every log delivery, without end.',
    });

    const corsOrigins = props.corsOrigins ?? [];
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket and period instead of one KMS call per object: cheaper, and fewer throttles.
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'attachments/',
      lifecycleRules: lifecycleRules(),
      ...(corsOrigins.length > 0
        ? {
            cors: [
              {
                allowedOrigins: corsOrigins,
                allowedMethods: UPLOAD_CORS.allowedMethods.map((m) => s3.HttpMethods[m]),
                allowedHeaders: [...UPLOAD_CORS.allowedHeaders],
                exposedHeaders: [...UPLOAD_CORS.exposedHeaders],
                maxAge: 3600,
              },
            ],
          }
        : {}),
      removalPolicy,
    });
  }

  /**
   * What the attachment function needs: sign PUTs and GETs of objects (a presigned
   * URL carries its signer's permissions), head them, and use the key for both.
   * Objects only under the retention-class prefixes, never deletion, never the
   * bucket's configuration.
   */
  grantUploadAndDownload(grantee: iam.IGrantable): iam.Grant {
    this.key.grant(grantee, ...ATTACHMENT_KEY_ACTIONS);
    const prefixes = Object.keys(RETENTION_CLASSES).map((name) => ({
      name,
      arn: this.bucket.arnForObjects(`${retentionPrefix(name as RetentionClassName)}*`),
    }));
    const objects = iam.Grant.addToPrincipal({ grantee, actions: [...OBJECT_ACTIONS], resourceArns: prefixes.map((p) => p.arn) });
    const bucket = iam.Grant.addToPrincipal({ grantee, actions: [...BUCKET_ACTIONS], resourceArns: [this.bucket.bucketArn] });
    // Acknowledged from the same ARNs the grant holds, so the finding's name matches in any environment.
    if (Construct.isConstruct(grantee.grantPrincipal)) {
      for (const { name, arn } of prefixes) {
        acknowledgeWildcardResource(
          [grantee.grantPrincipal],
          arn,
          `Attachment keys are <class>/<case>/<attachment>/<upload>, made per upload at run time: the signer needs every object under the '${name}/' retention prefix, and nothing outside the retention prefixes.`,
        );
      }
    }
    return objects.combine(bucket);
  }
}
