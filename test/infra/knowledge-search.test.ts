/**
 * Knowledge search as the stack deploys it: the OpenSearch Serverless collection and
 * its three policies, the indexer on the table stream (filtered to article items and
 * learned texts, retried, parked on an encrypted DLQ), and the search functions wired
 * to the collection with read access only. cdk-nag runs over the whole stack in
 * caseway-stack.test.ts; here it is checked that nothing under Knowledge is flagged.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKnowledgeRecord } from '#handlers/knowledge-indexer.js';
import { functions } from '#topology/routes.js';
import { knowledgeIndexer } from '#topology/stream-consumers.js';
import { caseTable } from '#topology/table.js';
import { eventRules } from '#topology/event-rules.js';
import {
  actionsOf,
  functionIdByDescription,
  nagFindings,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

let s: Synthesized;
beforeAll(() => {
  s = synthCaseway({}, { bundle: false });
});
afterAll(removeSynthOutput);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const only = (type: string): Json => {
  const found = Object.values(resources(s.template, type));
  expect(found).toHaveLength(1);
  return found[0]!.Properties as Json;
};
const policy = (type: string): Json => {
  const found = Object.values(resources(s.template, 'AWS::OpenSearchServerless::SecurityPolicy')).filter((p) => p.Properties.Type === type);
  expect(found).toHaveLength(1);
  return found[0]!.Properties as Json;
};
/** `Fn::Join` of a policy document rendered with its tokens as placeholders. */
const documentOf = (value: unknown): Json => {
  const rendered =
    typeof value === 'string'
      ? value
      : (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(rendered) as Json;
};
const indexerId = () => functionIdByDescription(s.template, knowledgeIndexer.description);
const searchId = () => functionIdByDescription(s.template, functions['knowledge-search'].description);

describe('the collection', () => {
  it('is a search collection with standby replicas, created after its encryption and network policies', () => {
    const collection = only('AWS::OpenSearchServerless::Collection');
    expect(collection).toMatchObject({ Type: 'SEARCH', StandbyReplicas: 'ENABLED' });
    expect(collection.Name).toMatch(/^kb-[a-z0-9]{8}$/);
    const [id] = Object.keys(resources(s.template, 'AWS::OpenSearchServerless::Collection'));
    const dependsOn = (s.template.toJSON() as Json).Resources[id!].DependsOn as string[];
    expect(dependsOn).toHaveLength(2);
  });

  it('is encrypted with the Caseway customer-managed key', () => {
    const encryption = policy('encryption');
    const doc = documentOf(encryption.Policy);
    expect(doc).toMatchObject({
      AWSOwnedKey: false,
      KmsARN: 'TOKEN',
      Rules: [{ ResourceType: 'collection', Resource: [`collection/${only('AWS::OpenSearchServerless::Collection').Name}`] }],
    });
  });

  it('has a network policy that covers exactly the collection', () => {
    const doc = documentOf(policy('network').Policy) as unknown as Json[];
    expect(doc).toEqual([
      {
        Rules: [{ ResourceType: 'collection', Resource: [`collection/${only('AWS::OpenSearchServerless::Collection').Name}`] }],
        AllowFromPublic: true,
      },
    ]);
  });

  it('lets the indexer write its index and the search functions only read it', () => {
    const policies = Object.values(resources(s.template, 'AWS::OpenSearchServerless::AccessPolicy')).map((p) => p.Properties as Json);
    const principalsOf = (access: Json) =>
      (access.Policy as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].filter((p) => typeof p !== 'string').map((p) => JSON.stringify(p));
    for (const access of policies) expect(access.Type).toBe('data');
    // The indexer's policy beside the collection; each reader's beside the reader, in its own stack.
    const writers = policies.find((p) => String(p.Name).endsWith('-data'));
    const readers = policies.filter((p) => p !== writers);
    expect(policies).toHaveLength(2);
    const writeRules = documentOf(writers!.Policy) as unknown as { Rules: { Permission: string[] }[] }[];
    expect(writeRules).toHaveLength(1);
    expect(writeRules[0]!.Rules[0]!.Permission).toEqual(expect.arrayContaining(['aoss:WriteDocument', 'aoss:CreateIndex']));
    expect(principalsOf(writers!).every((p) => p.includes(roleIdOf(s.template, indexerId())))).toBe(true);
    expect(readers).toHaveLength(1);
    const readRules = documentOf(readers[0]!.Policy) as unknown as { Rules: { Permission: string[] }[] }[];
    expect(readRules.flatMap((r) => r.Rules.flatMap((rule) => rule.Permission))).toEqual(['aoss:DescribeIndex', 'aoss:ReadDocument']);
    expect(principalsOf(readers[0]!)).toEqual([expect.stringContaining(roleIdOf(s.template, searchId()))]);
    expect(readers[0]!.Name).toMatch(/^kb-[a-z0-9]{8}-r1$/);
  });
});

describe('the development profile', () => {
  it('drops the standby replicas (half the idle OCUs), and refuses a profile it does not know', () => {
    const dev = synthCaseway({ console: false, searchProfile: 'development' }, { bundle: false });
    const collections = Object.values(resources(dev.template, 'AWS::OpenSearchServerless::Collection'));
    expect(collections.map((c) => c.Properties.StandbyReplicas)).toEqual(['DISABLED']);
    expect(() => synthCaseway({ console: false, searchProfile: 'cheap' as never }, { bundle: false })).toThrow(
      /searchProfile must be 'production' or 'development'/,
    );
  });
});

describe('the indexer', () => {
  const mapping = (): Json => {
    const found = Object.values(resources(s.template, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m.Properties.FunctionName as Json).Ref === indexerId(),
    );
    expect(found).toHaveLength(1);
    return found[0]!.Properties as Json;
  };

  it('reads the table stream from the start, retrying, bisecting, then parking on an encrypted DLQ', () => {
    expect(mapping()).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/KnowledgeDeadLetterQueue/), 'Arn'] } } },
    });
    const queues = resources(s.template, 'AWS::SQS::Queue');
    const dlq = Object.entries(queues).find(([id]) => /KnowledgeDeadLetterQueue/.test(id))![1].Properties;
    expect(dlq).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/Key/), 'Arn'] }, MessageRetentionPeriod: 1_209_600 });
  });

  it('is invoked only for article items and learned texts, as the local pump filters them', () => {
    const patterns = (mapping().FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) => JSON.parse(f.Pattern) as Json);
    expect(patterns).toEqual([
      { dynamodb: { Keys: { [caseTable.partitionKey]: { S: [{ prefix: 'ARTICLE#' }] }, [caseTable.sortKey]: { S: ['#ARTICLE'] } } } },
      { dynamodb: { Keys: { [caseTable.partitionKey]: { S: [{ prefix: 'ARTICLE#' }] }, [caseTable.sortKey]: { S: [{ prefix: 'LEARNED#' }] } } } },
    ]);
    // The same records pass the handler's own filter, which the local platform applies.
    const matches = (pattern: Json, pk: string, sk: string) => {
      const test = (rule: unknown[], value: string) =>
        rule.some((r) => (typeof r === 'string' ? r === value : value.startsWith((r as { prefix: string }).prefix)));
      return test(pattern.dynamodb.Keys.pk.S, pk) && test(pattern.dynamodb.Keys.sk.S, sk);
    };
    for (const [pk, sk] of [
      ['ARTICLE#KB-1', '#ARTICLE'],
      ['ARTICLE#KB-1', 'LEARNED#2026#CASE-1'],
      ['ARTICLE#KB-1', 'VERSION#0000000001'],
      ['ARTICLE#KB-1', '#STATS'],
      ['CASE#CASE-1', 'ARTICLE#KB-1'],
      ['CASE#CASE-1', '#CASE'],
    ] as const) {
      const record = { dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } } } as DynamoDBRecord;
      expect(
        patterns.some((p) => matches(p, pk, sk)),
        `${pk} ${sk}`,
      ).toBe(isKnowledgeRecord(record));
    }
  });

  it('may read the table and call the collection, and write neither the table nor anything else', () => {
    const statements = statementsOf(s.template, roleIdOf(s.template, indexerId()));
    const actions = actionsOf(statements);
    expect(actions.filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite|Scan)/.test(a))).toEqual([]);
    expect(actions).toContain('aoss:APIAccessAll');
    const aoss = statements.find((st) => actionsOf([st]).includes('aoss:APIAccessAll'))!;
    expect(aoss.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Collection/), 'Arn'] });
  });

  it('and the search functions know the collection and use it', () => {
    for (const id of [indexerId(), searchId()]) {
      const env = (resources(s.template, 'AWS::Lambda::Function')[id]!.Properties.Environment as Json).Variables as Json;
      expect(env).toMatchObject({
        SEARCH_MODE: 'opensearch',
        OPENSEARCH_INDEX: 'knowledge',
        OPENSEARCH_ENDPOINT: { 'Fn::GetAtt': [expect.stringMatching(/Collection/), 'CollectionEndpoint'] },
      });
    }
    const articles = functionIdByDescription(s.template, functions['knowledge-articles'].description);
    expect((resources(s.template, 'AWS::Lambda::Function')[articles]!.Properties.Environment as Json).Variables).not.toHaveProperty('SEARCH_MODE');
    expect(actionsOf(statementsOf(s.template, roleIdOf(s.template, articles)))).not.toContain('aoss:APIAccessAll');
  });

  it('alarms on the first message in its DLQ', () => {
    const alarms = Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    // Its own, the outbox publisher's, device ingest's, the routing sweep's, and one per event consumer.
    expect(alarms).toHaveLength(4 + eventRules.length);
  });
});

describe('cdk-nag', () => {
  it('flags nothing under Knowledge', () => {
    expect(nagFindings(s.stack.caseway.knowledge)).toEqual([]);
  });
});
