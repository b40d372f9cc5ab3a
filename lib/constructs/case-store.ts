/**
 * The case table, built from the one definition in `functions/topology/table.ts` (the
 * local DynamoDB bootstrap reads the same object), encrypted with a key of our own.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { givenOrOwnKey } from './key-policy.js';
import { Construct } from 'constructs';
import { caseTable, DEFAULT_CASES_PER_SECOND, MAX_CASES_PER_SECOND } from '#topology/table.js';

export interface CaseStoreProps {
  /**
   * Refuse `DeleteTable` (from CloudFormation or anyone else) until this is turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the table and its key when they leave the stack. Case data is a
   * record of what an organisation promised its customers: keep it unless told otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * An enterprise's own customer managed key instead of one made here (its policy is then its owners'
   * to keep: see `allowInKeyPolicy`).
   * @default - a key of its own, rotated yearly
   */
  readonly key?: kms.IKey;
  /**
   * The create rate the key design is built for: the shard counts of every shared
   * listing follow it (functions/adapters/dynamodb/shard-plan.ts). Raise it freely;
   * lowering it after writing at a higher rate hides cases in the upper shards from
   * listings until it is raised again.
   * @default 3,200 a second (eight shards per case listing, as every earlier version wrote)
   */
  readonly casesPerSecond?: number;
}

/**
 * What each level of access may do. No `Scan`: every access pattern is a key
 * lookup or a query, and a scan of a case table is a data export, not a request.
 * Transactions have no actions of their own; IAM authorizes each item in them
 * as the Put, Update, Delete or ConditionCheck it is.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;
/** What appending to the read-access log takes (a page of reads is one BatchWriteItem). */
export const READ_LOG_APPEND_ACTIONS = ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'] as const;
/** Partition keys of the read-access log (`functions/adapters/dynamodb/keys.ts`, `readsPartition`). */
export const READ_LOG_PARTITION_PREFIX = 'READS#';
/** Reading an item encrypted with a customer managed key needs the key. */
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'] as const;
export const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'] as const;

export class CaseStore extends Construct {
  /** The single case table. */
  readonly table: dynamodb.Table;
  /** The customer managed key the table (and whatever holds copies of its items) is encrypted with. */
  readonly key: kms.IKey;
  /** The design rate every function with the table is told (`CASES_PER_SECOND`). */
  readonly casesPerSecond: number;

  constructor(scope: Construct, id: string, props: CaseStoreProps = {}) {
    super(scope, id);
    this.casesPerSecond = props.casesPerSecond ?? DEFAULT_CASES_PER_SECOND;
    if (!Number.isInteger(this.casesPerSecond) || this.casesPerSecond < 1 || this.casesPerSecond > MAX_CASES_PER_SECOND)
      throw new Error(`casesPerSecond must be a whole number from 1 to ${MAX_CASES_PER_SECOND}; got ${this.casesPerSecond}`);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.key = givenOrOwnKey(this, props.key, 'Caseway case data: the case table, its stream and the outbox dead-letter queue', removalPolicy);

    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(caseTable.partitionKey),
      sortKey: stringKey(caseTable.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      timeToLiveAttribute: caseTable.timeToLiveAttribute,
      stream: dynamodb.StreamViewType[caseTable.streamViewType],
      removalPolicy,
    });
    for (const index of caseTable.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** Get and query the table and its indexes. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    this.key.grant(grantee, ...KEY_READ_ACTIONS);
    return iam.Grant.addToPrincipal({ grantee, actions: [...TABLE_READ_ACTIONS], resourceArns: this.tableAndIndexArns() });
  }

  /** Everything `grantRead` allows, plus item writes (and so transactions) on the table. */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    this.key.grant(grantee, ...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS);
    const read = this.grantRead(grantee);
    const write = iam.Grant.addToPrincipal({ grantee, actions: [...TABLE_WRITE_ACTIONS], resourceArns: [this.table.tableArn] });
    return read.combine(write);
  }

  /**
   * Append to the read-access log and nothing else: puts of items whose
   * partition key starts `READS#` (IAM's `dynamodb:LeadingKeys`), for functions
   * that otherwise only read. A read of a restricted case is recorded before it is answered.
   */
  grantAppendReadLog(grantee: iam.IGrantable): iam.Grant {
    this.key.grant(grantee, ...KEY_WRITE_ACTIONS);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...READ_LOG_APPEND_ACTIONS],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${READ_LOG_PARTITION_PREFIX}*`] } },
    });
  }

  /**
   * The table and each index by name, rather than CDK's `index/*`: least privilege
   * that cdk-nag can see, and an index added to the topology is granted with it.
   */
  private tableAndIndexArns(): string[] {
    return [this.table.tableArn, ...caseTable.indexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`)];
  }
}
