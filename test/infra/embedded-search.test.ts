/**
 * Knowledge search by the embedded engine (`searchEngine: 'embedded'`, `-c searchEngine=embedded`):
 * no OpenSearch Serverless collection, policy or key statement at all; the index is one
 * object in a bucket of its own (KMS with the table's key, versioned, SSL only, private,
 * logging to the attachments' access log bucket), which the indexer may read and replace
 * and the search function only read, and nothing else in the bucket.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '#lib/constructs/case-store.js';
import { KNOWLEDGE_INDEX_OBJECT, KnowledgeSearch } from '#lib/constructs/knowledge-search.js';
import { functions } from '#topology/routes.js';
import { knowledgeIndexer } from '#topology/stream-consumers.js';
import {
  actionsOf,
  dependencyCycle,
  functionIdByDescription,
  nagFindings,
  newApp,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthCaseway({ console: false, searchEngine: 'embedded' }, { bundle: false });
});
afterAll(removeSynthOutput);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const indexerId = () => functionIdByDescription(s.template, knowledgeIndexer.description);
const searchId = () => functionIdByDescription(s.template, functions['knowledge-search'].description);
const everything = () => s.template.toJSON() as { Resources: Record<string, { Type: string; Properties?: Json }> };
const bucketId = () => {
  const ids = Object.keys(resources(s.template, 'AWS::S3::Bucket')).filter((id) => /KnowledgeIndexBucket/.test(id));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const envOf = (id: string) => (resources(s.template, 'AWS::Lambda::Function')[id]!.Properties.Environment as Json).Variables as Json;
/** Statements of a role that name the index bucket. */
const bucketStatements = (functionId: string) =>
  statementsOf(s.template, roleIdOf(s.template, functionId)).filter((st) => JSON.stringify(st.Resource).includes(bucketId()));

describe('searchEngine embedded', () => {
  it('makes no OpenSearch Serverless resource, and gives the key no statement for the service', () => {
    const types = new Set(Object.values(everything().Resources).map((r) => r.Type));
    expect([...types].filter((t) => t.startsWith('AWS::OpenSearchServerless::'))).toEqual([]);
    expect(JSON.stringify(everything().Resources)).not.toMatch(/aoss[.:]/);
  });

  it('keeps the index in a versioned bucket encrypted with the table key, private, SSL only, logging its access', () => {
    const bucket = resources(s.template, 'AWS::S3::Bucket')[bucketId()]!.Properties as Json;
    const tableKey = (resources(s.template, 'AWS::DynamoDB::Table') as Record<string, { Properties: Json }>)[
      Object.keys(resources(s.template, 'AWS::DynamoDB::Table'))[0]!
    ]!.Properties.SSESpecification.KMSMasterKeyId;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: tableKey } },
    ]);
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/AttachmentsAccessLogs/) },
      LogFilePrefix: 'knowledge-index/',
    });
    expect(bucket.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
    ]);
    const policies = Object.values(resources(s.template, 'AWS::S3::BucketPolicy')).filter((p) => (p.Properties.Bucket as Json).Ref === bucketId());
    expect(policies).toHaveLength(1);
    expect((policies[0]!.Properties.PolicyDocument as Json).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('tells the indexer and the search function where the index object is, and no other function', () => {
    for (const id of [indexerId(), searchId()]) {
      expect(envOf(id)).toMatchObject({
        SEARCH_MODE: 'embedded',
        SEARCH_INDEX_BUCKET: { Ref: bucketId() },
        SEARCH_INDEX_KEY: KNOWLEDGE_INDEX_OBJECT,
      });
      expect(envOf(id)).not.toHaveProperty('OPENSEARCH_ENDPOINT');
    }
    const articles = functionIdByDescription(s.template, functions['knowledge-articles'].description);
    expect(envOf(articles)).not.toHaveProperty('SEARCH_INDEX_BUCKET');
    expect(bucketStatements(articles)).toEqual([]);
  });

  it('lets the indexer read and replace the one object, the search function only read it, and neither anything else there', () => {
    const object = (st: Json) => JSON.stringify(st.Resource).includes(`/${KNOWLEDGE_INDEX_OBJECT}`);
    const indexer = bucketStatements(indexerId());
    const search = bucketStatements(searchId());
    expect(actionsOf(indexer.filter(object)).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(actionsOf(search.filter(object))).toEqual(['s3:GetObject']);
    // The bucket itself: listing only, so that an index not written yet reads as absent (404) rather than forbidden.
    for (const statements of [indexer, search]) expect(actionsOf(statements.filter((st) => !object(st)))).toEqual(['s3:ListBucket']);
    expect(JSON.stringify([...indexer, ...search])).not.toMatch(/\*"/);
  });

  it('leaves the whole deployment clean under cdk-nag, without a cycle, each template within the resource budget', () => {
    expect(nagFindings(s.app)).toEqual([]);
    expect(dependencyCycle(s.template.toJSON() as Parameters<typeof dependencyCycle>[0])).toBeUndefined();
    for (const template of s.stacks.values()) expect(Object.keys(template.toJSON().Resources).length).toBeLessThanOrEqual(300);
  });

  it('made on its own (no access log bucket given), logs to a bucket of its own, and is still clean under cdk-nag', () => {
    const stack = new Stack(newApp({ 'aws:cdk:bundling-stacks': [] }), 'Knowledge');
    const store = new CaseStore(stack, 'Store', {});
    const knowledge = new KnowledgeSearch(stack, 'Knowledge', { store, engine: 'embedded' });
    const template = Template.fromStack(stack);
    const buckets = resources(template, 'AWS::S3::Bucket');
    const logsId = stack.resolve(stack.getLogicalId(knowledge.node.findChild('AccessLogs').node.defaultChild as never)) as string;
    const indexId = stack.resolve(stack.getLogicalId(knowledge.indexBucket!.node.defaultChild as never)) as string;
    expect(Object.keys(buckets).sort()).toEqual([indexId, logsId].sort());
    expect(buckets[indexId]!.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'knowledge-index/' });
    expect(Object.keys(resources(template, 'AWS::OpenSearchServerless::Collection'))).toEqual([]);
    expect(nagFindings(stack)).toEqual([]);
  });

  it('refuses an engine it does not know, and a collection profile without a collection', () => {
    expect(() => synthCaseway({ console: false, searchEngine: 'sqlite' as never }, { bundle: false })).toThrow(
      /engine must be 'opensearch' or 'embedded'/,
    );
    expect(() => synthCaseway({ console: false, searchEngine: 'embedded', searchProfile: 'development' }, { bundle: false })).toThrow(
      /searchProfile is the OpenSearch collection's/,
    );
  });
});
