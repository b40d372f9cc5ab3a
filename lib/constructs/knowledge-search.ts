/**
 * Knowledge search in AWS: an OpenSearch Serverless collection (search type) that
 * the indexer keeps in step with the table's stream, and that the search functions
 * query; or, with `engine: 'embedded'`, no collection at all: the embedded engine's
 * index as one object in an S3 bucket, which the indexer replaces and each search
 * function loads (functions/adapters/stored-search.ts), for a tenant too small to pay
 * a collection's idle floor (docs/deploy.md#knowledge-search-floor). Writes never wait for the index: an article or a link commits in DynamoDB,
 * the stream carries it to the indexer, and the indexer re-reads the article and
 * replaces its document (idempotent, so redelivery is harmless). A batch the indexer
 * cannot index after its retries lands in a dead-letter queue that raises an alarm.
 */
import { Duration, Lazy, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as aoss from 'aws-cdk-lib/aws-opensearchserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { knowledgeIndexer } from '#topology/stream-consumers.js';
import { caseTable } from '#topology/table.js';
import type { CaseStore } from './case-store.js';
import { streamConsumer, type StreamConsumer } from './stream-consumer.js';
import { FunctionResources } from './function-resources.js';

export interface KnowledgeSearchProps {
  /** The table whose stream carries article changes and links to the indexer. */
  readonly store: CaseStore;
  /**
   * The stack's resources: this adds the search index, so every function whose declaration uses
   * `search` gets its endpoint, `SEARCH_MODE=opensearch` and the access of its level.
   * @default - made of `store`
   */
  readonly resources?: FunctionResources;
  /**
   * What serves search: an OpenSearch Serverless collection, or the embedded engine with
   * its index in an S3 bucket (near nothing idle; for knowledge bases of a few thousand
   * articles, see docs/deploy.md#knowledge-search-floor).
   * @default 'opensearch'
   */
  readonly engine?: 'opensearch' | 'embedded';
  /**
   * Embedded: where the index bucket's server access logs go (under `knowledge-index/`).
   * @default - a log bucket of its own
   */
  readonly accessLogs?: s3.IBucket;
  /**
   * Embedded: what happens to the index bucket when it leaves the stack. The index is made
   * from the table and can be rebuilt (`{"rebuild": true}` to the indexer).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Name of the collection: 3 to 28 lower-case letters, digits and hyphens, starting with a letter.
   * @default `kb-` and a hash of this construct's path
   */
  readonly collectionName?: string;
  /**
   * Standby replicas in a second Availability Zone: on for production, off halves
   * the minimum capacity of a test environment.
   * @default true
   */
  readonly standbyReplicas?: boolean;
  /**
   * Retention of the indexer's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the indexer's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** The index inside the collection; the functions read it from OPENSEARCH_INDEX (config default). */
export const KNOWLEDGE_INDEX = 'knowledge';
/** The embedded engine's index object in its bucket (SEARCH_INDEX_KEY). */
export const KNOWLEDGE_INDEX_OBJECT = 'knowledge/index.json.gz';
/** Old versions of the index object are kept this long: a bad write can be rolled back, at little storage. */
const INDEX_VERSIONS_KEPT = Duration.days(7);

const INDEXER_PERMISSIONS = ['aoss:CreateIndex', 'aoss:UpdateIndex', 'aoss:DescribeIndex', 'aoss:ReadDocument', 'aoss:WriteDocument'];
const SEARCH_PERMISSIONS = ['aoss:DescribeIndex', 'aoss:ReadDocument'];

export class KnowledgeSearch extends Construct {
  /** The OpenSearch Serverless collection (engine `opensearch`). */
  readonly collection?: aoss.CfnCollection;
  /** The collection's HTTPS endpoint (engine `opensearch`). */
  readonly endpoint?: string;
  /** The bucket of the embedded engine's index object (engine `embedded`). */
  readonly indexBucket?: s3.Bucket;
  /** Stream -> search index. */
  readonly indexer: NodejsFunction;
  /** Stream batches the indexer gave up on. */
  readonly deadLetterQueue: sqs.Queue;
  /** Fires as soon as anything is in the dead-letter queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The indexer with its dead-letter queue and alarms. */
  readonly indexerStream: StreamConsumer;

  constructor(scope: Construct, id: string, props: KnowledgeSearchProps) {
    super(scope, id);
    const { store } = props;
    const engine = props.engine ?? 'opensearch';
    if (engine !== 'opensearch' && engine !== 'embedded')
      throw new Error(`${this.node.path}: engine must be 'opensearch' or 'embedded', got '${String(engine)}'`);
    const resources = props.resources ?? FunctionResources.of({ store });
    if (engine === 'embedded') {
      this.indexBucket = this.embeddedIndex(props, resources);
    } else {
      ({ collection: this.collection, endpoint: this.endpoint } = this.openSearchCollection(props, resources));
    }

    const { partitionKeyPrefix, sortKeys, sortKeyPrefixes } = knowledgeIndexer.filter;
    const byKey = (sk: unknown) =>
      lambda.FilterCriteria.filter({
        dynamodb: { Keys: { [caseTable.partitionKey]: { S: lambda.FilterRule.beginsWith(partitionKeyPrefix) }, [caseTable.sortKey]: { S: sk } } },
      });
    const indexer = streamConsumer(this, 'Indexer', {
      store,
      function: 'knowledge-indexer',
      resources,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      // Article items and learned texts only: versions, counters and case items never change a document.
      filters: [
        ...sortKeys.map((sk) => byKey(lambda.FilterRule.isEqual(sk))),
        ...sortKeyPrefixes.map((prefix) => byKey(lambda.FilterRule.beginsWith(prefix))),
      ],
      consumerName: 'knowledge indexer',
      alarmDescription:
        'Knowledge index updates failed: some articles are stale in search until the batch named in the message is replayed (or the index is rebuilt). The stream keeps records for 24 hours.',
    });
    this.indexerStream = indexer;
    this.indexer = indexer.function;
    this.deadLetterQueue = indexer.deadLetterQueue;
    this.deadLetterAlarm = indexer.deadLetterAlarm;
  }

  /** The embedded engine's index: one object in a bucket of its own, replaced by the indexer, loaded by each search function. */
  private embeddedIndex(props: KnowledgeSearchProps, resources: FunctionResources): s3.Bucket {
    const { store } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Log delivery by bucket policy, as for the attachments: both buckets then refuse ACLs.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const accessLogs = props.accessLogs ?? accessLogBucket(this, removalPolicy);
    const bucket = new s3.Bucket(this, 'IndexBucket', {
      // Articles carry what customers wrote in their cases: the same customer-managed key as the table.
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: store.key,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'knowledge-index/',
      // Every indexer batch makes a version: old ones expire, the current one never does.
      lifecycleRules: [
        { id: 'expire-old-index-versions', noncurrentVersionExpiration: INDEX_VERSIONS_KEPT, abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
    resources.provide('search', {
      values: { mode: 'embedded', bucket: bucket.bucketName, key: KNOWLEDGE_INDEX_OBJECT },
      grant: (fn, level) => {
        // The one object, nothing else in the bucket; ListBucket so that an index not written yet is a 404, not a 403.
        const objectActions = level === 'write' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'];
        iam.Grant.addToPrincipal({ grantee: fn, actions: objectActions, resourceArns: [bucket.arnForObjects(KNOWLEDGE_INDEX_OBJECT)] });
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
        store.key.grant(fn, ...(level === 'write' ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']));
      },
    });
    return bucket;
  }

  /** The OpenSearch Serverless collection, its policies, and the access of each function that uses it. */
  private openSearchCollection(props: KnowledgeSearchProps, resources: FunctionResources): { collection: aoss.CfnCollection; endpoint: string } {
    const { store } = props;
    const name = props.collectionName ?? `kb-${Names.uniqueId(this).slice(-8).toLowerCase()}`;
    if (!/^[a-z][a-z0-9-]{2,27}$/.test(name))
      throw new Error(`collectionName '${name}' must be 3 to 28 lower-case letters, digits and hyphens, starting with a letter`);
    const collectionResource = [`collection/${name}`];

    // Articles carry what customers wrote in their cases: the same customer-managed key as the table.
    const encryption = new aoss.CfnSecurityPolicy(this, 'EncryptionPolicy', {
      name: `${name}-enc`,
      type: 'encryption',
      description: 'Knowledge collection encrypted with the Caseway key',
      policy: Stack.of(this).toJsonString({
        Rules: [{ ResourceType: 'collection', Resource: collectionResource }],
        AWSOwnedKey: false,
        KmsARN: store.key.keyArn,
      }),
    });
    // OpenSearch Serverless creates its grants on the key through the account's principals, only via the service.
    store.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `aoss.${Stack.of(this).region}.amazonaws.com`, 'kms:CallerAccount': Stack.of(this).account },
        },
      }),
    );

    /*
     * A public endpoint, on purpose: Caseway's functions run outside any VPC (so do
     * API Gateway, DynamoDB and EventBridge), and a VPC endpoint would add a VPC,
     * subnets and an interface endpoint (an hourly cost per AZ) for no data-path gain.
     * Every request must still be SigV4-signed by a principal the data access policy
     * below names, so nobody else can read or write the collection.
     */
    const network = new aoss.CfnSecurityPolicy(this, 'NetworkPolicy', {
      name: `${name}-net`,
      type: 'network',
      description: 'Knowledge collection endpoint: IAM-authenticated, reachable from Caseway functions outside a VPC',
      policy: Stack.of(this).toJsonString([{ Rules: [{ ResourceType: 'collection', Resource: collectionResource }], AllowFromPublic: true }]),
    });

    const collection = new aoss.CfnCollection(this, 'Collection', {
      name,
      type: 'SEARCH',
      description: 'Caseway knowledge articles and what linked cases taught them',
      standbyReplicas: (props.standbyReplicas ?? true) ? 'ENABLED' : 'DISABLED',
    });
    // A collection can only be created once a policy covers its name.
    collection.node.addDependency(encryption, network);
    const endpoint = collection.attrCollectionEndpoint;
    // IAM lets the functions call the collection's data plane; the data access policy decides what they may do there.
    const writers: NodejsFunction[] = [];
    const indexResource = [`index/${name}/*`];
    let readers = 0;
    resources.provide('search', {
      values: { mode: 'opensearch', endpoint, index: KNOWLEDGE_INDEX },
      grant: (fn, level) => {
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['aoss:APIAccessAll'], resourceArns: [collection.attrArn] });
        if (level === 'write') {
          writers.push(fn);
          return;
        }
        // A reader's data access policy is made beside the reader, in its stack: the API's functions are
        // in a stack that uses this one's endpoint, so naming their roles here would make the two stacks
        // depend on each other. Policy names are unique per account and at most 32 characters.
        readers += 1;
        new aoss.CfnAccessPolicy(fn, 'KnowledgeReadAccess', {
          name: `${name}-r${readers}`,
          type: 'data',
          description: 'A knowledge search function reads the index',
          policy: Stack.of(fn).toJsonString([
            { Rules: [{ ResourceType: 'index', Resource: indexResource, Permission: SEARCH_PERMISSIONS }], Principal: [fn.role!.roleArn] },
          ]),
        });
      },
    });

    new aoss.CfnAccessPolicy(this, 'DataAccessPolicy', {
      name: `${name}-data`,
      type: 'data',
      description: 'The indexer writes the knowledge index',
      // Read at synthesis: every function bound to the index for writing by then is named, whichever construct made it.
      policy: Lazy.string({
        produce: () =>
          Stack.of(this).toJsonString([
            {
              Description: 'Knowledge indexer',
              Rules: [
                { ResourceType: 'index', Resource: indexResource, Permission: INDEXER_PERMISSIONS },
                { ResourceType: 'collection', Resource: collectionResource, Permission: ['aoss:DescribeCollectionItems'] },
              ],
              Principal: writers.map((fn) => fn.role!.roleArn),
            },
          ]),
      }),
    });
    return { collection, endpoint };
  }
}

/** Where the index bucket's server access logs go when the app names none: a bucket that logs nothing itself. */
function accessLogBucket(scope: Construct, removalPolicy: RemovalPolicy): s3.Bucket {
  const logs = new s3.Bucket(scope, 'AccessLogs', {
    // S3 server access logging delivers only to a bucket with S3-managed encryption.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    removalPolicy,
  });
  Validations.of(logs).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'This is the server access log bucket of the knowledge index bucket: logging its own access into itself would log every log delivery, without end.',
  });
  return logs;
}
