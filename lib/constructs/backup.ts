/**
 * AWS Backup for what Caseway cannot rebuild: the case table and the attachment bucket. Point-in-time
 * recovery (35 days, on the table) covers a bad write noticed soon; this covers one noticed months
 * later, an account-level mistake, and an auditor asking for last year's state. The vault has a key
 * of its own, so the recovery points are not readable with the table's or the bucket's key alone.
 *
 * Not backed up: the inbound mail bucket (raw messages kept 30 days, their content copied into cases
 * and attachments by the intake; S3 backup would also need it versioned), the console bucket (rebuilt
 * by every deploy), the search collection (reindexed from the table) and access logs.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { givenOrOwnKey } from './key-policy.js';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies } from './nag.js';

/** How long each kind of recovery point is kept, in days. */
export interface BackupRetention {
  /** @default 35 */
  readonly dailyDays?: number;
  /** @default 90 */
  readonly weeklyDays?: number;
  /** @default 365 */
  readonly monthlyDays?: number;
}

export const DEFAULT_BACKUP_RETENTION: Required<BackupRetention> = { dailyDays: 35, weeklyDays: 90, monthlyDays: 365 };

/** The plan's rules: when each runs (UTC, after the night's quiet hours begin) and which retention it takes. */
export const BACKUP_RULES = [
  { name: 'daily', retention: 'dailyDays', schedule: { minute: '0', hour: '3' } },
  { name: 'weekly', retention: 'weeklyDays', schedule: { minute: '0', hour: '4', weekDay: 'SUN' } },
  { name: 'monthly', retention: 'monthlyDays', schedule: { minute: '0', hour: '5', day: '1' } },
] as const;

/** What the backup role does with the table's and the buckets' keys: read to back up, write to restore. */
export const BACKUP_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** AWS Backup keeps a recovery point at most 100 years. */
const MAX_RETENTION_DAYS = 36500;

/** `retention` with defaults, or an error naming the setting. */
export function backupRetention(retention: BackupRetention = {}): Required<BackupRetention> {
  const resolved = { ...DEFAULT_BACKUP_RETENTION, ...retention };
  for (const [name, days] of Object.entries(resolved)) {
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw new Error(`backup.retention.${name} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${days}`);
    }
  }
  if (resolved.weeklyDays < resolved.dailyDays || resolved.monthlyDays < resolved.weeklyDays) {
    throw new Error(
      `backup.retention must keep longer-spaced points at least as long: daily ${resolved.dailyDays} <= weekly ${resolved.weeklyDays} <= monthly ${resolved.monthlyDays} days`,
    );
  }
  return resolved;
}

/** A bucket to back up, and the key its objects are encrypted with (AWS Backup reads them with its role). */
export interface BackedUpBucket {
  /** Must be versioned: AWS Backup for S3 requires it. */
  readonly bucket: s3.Bucket;
  readonly key?: kms.IKey;
}

export interface CaseBackupProps {
  readonly table: dynamodb.ITable;
  /** The table's customer managed key. */
  readonly tableKey?: kms.IKey;
  readonly buckets: readonly BackedUpBucket[];
  /** @default DEFAULT_BACKUP_RETENTION */
  readonly retention?: BackupRetention;
  /** The vault and its key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * An enterprise's own key for the vault.
   * @default - a key of its own
   */
  readonly key?: kms.IKey;
}

export class CaseBackup extends Construct {
  readonly key: kms.IKey;
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;
  readonly selection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: CaseBackupProps) {
    super(scope, id);
    const retention = backupRetention(props.retention);
    for (const { bucket } of props.buckets) {
      const versioning = (bucket.node.defaultChild as s3.CfnBucket).versioningConfiguration as
        s3.CfnBucket.VersioningConfigurationProperty | undefined;
      if (versioning?.status !== 'Enabled')
        throw new Error(`${this.node.path}: ${bucket.node.path} is not versioned; AWS Backup for S3 requires versioning`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = givenOrOwnKey(this, props.key, 'Caseway backups: the recovery points in the backup vault', removalPolicy);
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: `caseway-${Stack.of(this).stackName}`,
      encryptionKey: this.key,
      removalPolicy,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `caseway-${Stack.of(this).stackName}`,
      backupVault: this.vault,
      backupPlanRules: BACKUP_RULES.map(
        (rule) =>
          new backup.BackupPlanRule({
            ruleName: rule.name,
            scheduleExpression: events.Schedule.cron(rule.schedule),
            startWindow: Duration.hours(1),
            completionWindow: Duration.hours(8),
            deleteAfter: Duration.days(retention[rule.retention]),
          }),
      ),
    });

    this.role = new iam.Role(this, 'Role', {
      description: 'Caseway: AWS Backup backs up and restores the case table and the attachment bucket',
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
        ...(props.buckets.length > 0
          ? [
              iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'),
              iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Restore'),
            ]
          : []),
      ],
    });
    acknowledgeManagedPolicies(
      this.role,
      "AWS Backup's own service-role policies, which AWS keeps in step with what backing up and restoring DynamoDB and S3 needs; the role is assumable only by backup.amazonaws.com and used only by this plan's selection.",
    );
    // Backing up reads the objects (and the table's data) through their customer managed keys.
    // Named actions, not grantEncryptDecrypt's `GenerateDataKey*`: nothing here needs more.
    for (const key of [props.tableKey, ...props.buckets.map((b) => b.key)]) key?.grant(this.role, ...BACKUP_KEY_ACTIONS);
    this.selection = new backup.BackupSelection(this, 'Selection', {
      backupPlan: this.plan,
      role: this.role,
      disableDefaultBackupPolicy: true,
      resources: [
        backup.BackupResource.fromArn(props.table.tableArn),
        ...props.buckets.map(({ bucket }) => backup.BackupResource.fromArn(bucket.bucketArn)),
      ],
    });
  }
}
