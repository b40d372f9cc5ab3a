/**
 * AWS Backup (`backup`): a vault under a key of its own, daily, weekly and monthly rules with their
 * retention, a selection of the case table and the attachment bucket, a role that may read their keys,
 * on by default exactly where deletion protection is, bad retention refused, and cdk-nag clean.
 */
import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_KEY_ACTIONS, CaseBackup, DEFAULT_BACKUP_RETENTION, backupRetention } from '#lib/constructs/backup.js';
import { actionsOf, nagFindings, newApp, removeSynthOutput, resources, statementsOf, synthCaseway, type Synthesized } from './synth.js';

afterAll(removeSynthOutput);

type Json = Record<string, unknown>;
const one = (s: Synthesized, type: string): [string, Json] => {
  const entries = Object.entries(resources(s.template, type));
  expect(entries, type).toHaveLength(1);
  return [entries[0]![0], entries[0]![1].Properties];
};
const tableId = (s: Synthesized) => one(s, 'AWS::DynamoDB::Table')[0];
const attachmentsBucketId = (s: Synthesized) =>
  Object.entries(resources(s.template, 'AWS::S3::Bucket')).find(([, b]) => b.Properties.VersioningConfiguration !== undefined)![0];
const rules = (s: Synthesized) => (one(s, 'AWS::Backup::BackupPlan')[1].BackupPlan as Json).BackupPlanRule as Json[];

describe('with deletion protection (the default)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({ console: false }, { bundle: false, plugins: (app) => [new AwsSolutionsChecks(app, { verbose: true })] });
  });

  it('keeps recovery points in a vault encrypted with a rotating key of its own', () => {
    const [, vault] = one(s, 'AWS::Backup::BackupVault');
    const keyId = (vault.EncryptionKeyArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources(s.template, 'AWS::KMS::Key')[keyId]!.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(keyId).toMatch(/Backup/);
    expect(s.template.toJSON().Resources[one(s, 'AWS::Backup::BackupVault')[0]].DeletionPolicy).toBe('Retain');
  });

  it('backs up daily, weekly and monthly into that vault, each kept as long as its retention', () => {
    const [vaultId] = one(s, 'AWS::Backup::BackupVault');
    expect(
      rules(s).map((r) => [
        r.RuleName,
        r.ScheduleExpression,
        (r.Lifecycle as Json).DeleteAfterDays,
        (r.TargetBackupVault as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
      ]),
    ).toEqual([
      ['daily', 'cron(0 3 * * ? *)', DEFAULT_BACKUP_RETENTION.dailyDays, vaultId],
      ['weekly', 'cron(0 4 ? * SUN *)', DEFAULT_BACKUP_RETENTION.weeklyDays, vaultId],
      ['monthly', 'cron(0 5 1 * ? *)', DEFAULT_BACKUP_RETENTION.monthlyDays, vaultId],
    ]);
  });

  it('selects the case table and the (versioned) attachment bucket, with a role backup.amazonaws.com assumes', () => {
    const [, selection] = one(s, 'AWS::Backup::BackupSelection');
    const spec = selection.BackupSelection as { Resources: unknown[]; IamRoleArn: { 'Fn::GetAtt': [string, string] } };
    expect(spec.Resources).toEqual([{ 'Fn::GetAtt': [tableId(s), 'Arn'] }, { 'Fn::GetAtt': [attachmentsBucketId(s), 'Arn'] }]);
    expect(resources(s.template, 'AWS::S3::Bucket')[attachmentsBucketId(s)]!.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const roleId = spec.IamRoleArn['Fn::GetAtt'][0];
    const role = resources(s.template, 'AWS::IAM::Role')[roleId]!.Properties;
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('backup.amazonaws.com');
    expect(JSON.stringify(role.ManagedPolicyArns)).toMatch(
      /AWSBackupServiceRolePolicyForBackup.*AWSBackupServiceRolePolicyForRestores.*AWSBackupServiceRolePolicyForS3Backup.*AWSBackupServiceRolePolicyForS3Restore/,
    );
    // The table's and the bucket's keys, by name, and nothing wider.
    expect(new Set(actionsOf(statementsOf(s.template, roleId)))).toEqual(new Set(BACKUP_KEY_ACTIONS));
  });

  it('names the vault in an output, and passes cdk-nag', () => {
    expect(s.template.toJSON().Outputs.BackupVaultName).toBeDefined();
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('which deployments get a plan', () => {
  it.each([
    [{}, true],
    [{ deletionProtection: false }, false],
    [{ deletionProtection: false, backup: {} }, true],
    [{ backup: false as const }, false],
  ])('%j -> %s', (props, planned) => {
    const s = synthCaseway({ console: false, ...props }, { bundle: false });
    expect(Object.keys(resources(s.template, 'AWS::Backup::BackupPlan'))).toHaveLength(planned ? 1 : 0);
  });

  it('takes retention in days', () => {
    const s = synthCaseway({ console: false, backup: { retention: { dailyDays: 7, weeklyDays: 60, monthlyDays: 730 } } }, { bundle: false });
    expect(rules(s).map((r) => (r.Lifecycle as Json).DeleteAfterDays)).toEqual([7, 60, 730]);
  });
});

describe('bad backup settings are refused at synth, naming the setting', () => {
  it.each([
    [{ dailyDays: 0 }, /backup\.retention\.dailyDays must be a whole number of days from 1 to 36500, got 0/],
    [{ weeklyDays: 1.5 }, /backup\.retention\.weeklyDays must be a whole number/],
    [{ monthlyDays: 40000 }, /backup\.retention\.monthlyDays must be a whole number of days from 1 to 36500, got 40000/],
    [{ dailyDays: 100 }, /daily 100 <= weekly 90 <= monthly 365/],
  ])('%j', (retention, message) => {
    expect(() => backupRetention(retention)).toThrow(message);
    expect(() => synthCaseway({ console: false, backup: { retention } }, { bundle: false })).toThrow(message);
  });

  it('an unversioned bucket', () => {
    const stack = new Stack(newApp(), 'S');
    const table = new dynamodb.Table(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const bucket = new s3.Bucket(stack, 'Unversioned');
    expect(() => new CaseBackup(stack, 'Backup', { table, buckets: [{ bucket }] })).toThrow(
      /S\/Unversioned is not versioned; AWS Backup for S3 requires versioning/,
    );
  });
});
