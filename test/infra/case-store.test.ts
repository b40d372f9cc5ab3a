/** The case table against its one definition, `functions/topology/table.ts`. No bundling here: fast. */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore, TABLE_WRITE_ACTIONS, type CaseStoreProps } from '#lib/constructs/case-store.js';
import { caseTable, createTableInput } from '#topology/table.js';
import { actionsOf, newApp, removeSynthOutput, resources, statementsOf } from './synth.js';

function synth(props?: CaseStoreProps): Template {
  const stack = new Stack(newApp(), 'Store');
  const store = new CaseStore(stack, 'Store', props);
  store.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  store.grantReadWrite(new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  return Template.fromStack(stack);
}

afterAll(removeSynthOutput);

describe('CaseStore', () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  });

  it('is the very table the local runtime creates: same keys, attribute types and indexes', () => {
    const local = createTableInput('caseway-local');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: local.KeySchema,
      AttributeDefinitions: Match.arrayEquals(local.AttributeDefinitions!),
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
      BillingMode: local.BillingMode,
    });
  });

  it('is encrypted with a rotating customer managed key', () => {
    const [keyId] = Object.keys(resources(template, 'AWS::KMS::Key'));
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
  });

  it('keeps point-in-time recovery, the stream and the TTL attribute of caseTable', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      StreamSpecification: { StreamViewType: caseTable.streamViewType },
      TimeToLiveSpecification: { AttributeName: caseTable.timeToLiveAttribute, Enabled: true },
    });
  });

  it('is protected from deletion and retained by default', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  it('refuses a design rate the handlers would refuse (CASES_PER_SECOND)', () => {
    for (const casesPerSecond of [0, 1.5, 100_001])
      expect(() => synth({ casesPerSecond })).toThrow(/casesPerSecond must be a whole number from 1 to 100000/);
  });

  it('drops deletion protection when told to', () => {
    synth({ deletionProtection: false }).hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('grants read without writes or scans, and names every index instead of index/*', () => {
    const reader = actionsOf(statementsOf(template, roleId(template, 'Reader')));
    expect(reader).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt']));
    expect(reader.filter((a) => (TABLE_WRITE_ACTIONS as readonly string[]).includes(a) || a === 'dynamodb:Scan' || a.includes('*'))).toEqual([]);
    expect(reader).not.toContain('kms:Encrypt');
    const resourcesText = JSON.stringify(statementsOf(template, roleId(template, 'Reader')).map((s) => s.Resource));
    for (const index of caseTable.indexes) expect(resourcesText).toContain(`/index/${index.indexName}`);
    expect(resourcesText).not.toContain('/index/*');
  });

  it('grants read-write with item writes but no scan and no wildcard actions', () => {
    const writer = actionsOf(statementsOf(template, roleId(template, 'Writer')));
    expect(writer).toEqual(expect.arrayContaining([...TABLE_WRITE_ACTIONS, 'dynamodb:GetItem', 'kms:GenerateDataKey', 'kms:Decrypt']));
    expect(writer.filter((a) => a === 'dynamodb:Scan' || a.includes('*'))).toEqual([]);
  });
});

function roleId(template: Template, prefix: string): string {
  const id = Object.keys(resources(template, 'AWS::IAM::Role')).find((k) => k.startsWith(prefix));
  if (!id) throw new Error(`no role ${prefix}`);
  return id;
}
