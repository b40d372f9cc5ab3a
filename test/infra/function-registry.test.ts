/**
 * Every Caseway Lambda is made from its one declaration (functions/topology/functions.ts):
 * its environment is exactly `environmentFor(declaration, the stack's resources)` plus the
 * house defaults, and its role holds exactly the grants its `uses` (and what invokes it)
 * imply: table read vs write, the read log, bucket, bus, secret, search, state machine,
 * live connections, SES. The expected grants are spelled out here, apart from the code that
 * makes them, so a grant added or lost on either side fails.
 */
import { Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRegistry, type RegisteredFunction, type Trigger, type Uses } from '#topology/functions.js';
import { environmentFor } from '#topology/function-environment.js';
import { POWERTOOLS_ENVIRONMENT } from '#lib/constructs/caseway-function.js';
import type { DeclaredFunction } from '#lib/constructs/function-resources.js';
import { DEPLOY_ENV, removeSynthOutput, render, resources, roleIdOf, statementsOf, synthCaseway, type Synthesized } from './synth.js';

let s: Synthesized;
beforeAll(() => {
  // Every optional resource on (inbound mail needs the console off to stay under 500 resources).
  s = synthCaseway(
    {
      console: false,
      inboundEmail: { recipients: ['support.example.com'] },
      teamGroups: { 'caseway-fraud': 'fraud' },
      notifications: { fromAddress: 'cases@example.com', configurationSetName: 'caseway' },
    },
    { bundle: false, env: DEPLOY_ENV },
  );
});
afterAll(removeSynthOutput);

const declared = (): readonly DeclaredFunction[] => s.stack.caseway.functionResources.functions;
const logicalId = (d: DeclaredFunction): string => s.stack.resolve((d.fn.node.defaultChild as unknown as { logicalId: string }).logicalId) as string;

/** What a statement's resource is, by the logical ids and ARNs the stack gives it; `?` marks a conditioned grant. */
function kindOf(resource: string, functionId: string): string {
  const prefix = functionId.replace(/Function[0-9A-F]{8}$/, '');
  const kinds: [RegExp, string][] = [
    [/StoreTable[0-9A-F]{8}\.StreamArn/, 'stream'],
    [/StoreTable/, 'table'],
    [/StoreKey/, 'caseKey'],
    [/AttachmentsBucket/, 'attachments'],
    [/AttachmentsKey/, 'attachmentsKey'],
    [/CursorKey/, 'cursorKey'],
    [/EventsBus/, 'bus'],
    [/KnowledgeCollection/, 'search'],
    [/SlaClock/, 'slaMachine'],
    [/:execute-api:/, 'liveConnections'],
    [/:ses:/, 'ses'],
    [/EmailBucket/, 'mailBucket'],
    [/DeadLetterQueue/, 'deadLetters'],
  ];
  if (resource === '*') return '*';
  if (resource.includes(`<${prefix}Logs`)) return 'ownLogs';
  return kinds.find(([pattern]) => pattern.test(resource))?.[1] ?? `unknown:${resource}`;
}

/** `action @kind` for every Allow in the function's role. */
function grantsOf(functionId: string): Set<string> {
  const grants = new Set<string>();
  for (const statement of statementsOf(s.template, roleIdOf(s.template, functionId))) {
    if (statement.Effect !== 'Allow') continue;
    const actions = ([] as string[]).concat(statement.Action);
    const targets = ([] as unknown[]).concat(statement.Resource).map(render);
    for (const action of actions)
      for (const target of targets) grants.add(`${action} @${kindOf(target, functionId)}${statement.Condition ? '?' : ''}`);
  }
  return grants;
}

const at = (kind: string, ...actions: string[]) => actions.map((action) => `${action} @${kind}`);
const TABLE_READ = [
  ...at('table', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'),
  ...at('caseKey', 'kms:Decrypt', 'kms:DescribeKey'),
];
const TABLE_WRITE = [
  ...at('table', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'),
  ...at('caseKey', 'kms:Encrypt', 'kms:GenerateDataKey'),
];
const TO_DEAD_LETTERS = [...at('deadLetters', 'sqs:SendMessage'), ...at('caseKey', 'kms:GenerateDataKey', 'kms:Decrypt')];

/** The grants each use implies, by level. */
const USE_GRANTS: { [K in keyof Uses]-?: Record<NonNullable<Uses[K]>, string[]> } = {
  table: { name: [], read: TABLE_READ, readWrite: [...TABLE_READ, ...TABLE_WRITE] },
  readLog: { append: [...at('table?', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'), ...at('caseKey', 'kms:Encrypt', 'kms:GenerateDataKey')] },
  bus: { name: [], put: at('bus', 'events:PutEvents') },
  files: {
    readWrite: [
      ...at('attachments', 's3:PutObject', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'),
      ...at('attachmentsKey', 'kms:GenerateDataKey', 'kms:Decrypt'),
    ],
  },
  inboundMail: { read: at('mailBucket', 's3:GetObject*', 's3:GetBucket*', 's3:List*') },
  cursorKey: { read: at('cursorKey', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret') },
  search: { read: at('search', 'aoss:APIAccessAll'), write: at('search', 'aoss:APIAccessAll') },
  slaTimers: { startStop: at('slaMachine', 'states:StartExecution', 'states:StopExecution') },
  live: { push: at('liveConnections', 'execute-api:ManageConnections') },
  tokens: { verify: [] },
  identity: { rolesClaim: [], caller: [] },
  email: { send: at('ses?', 'ses:SendEmail') },
};

/** What being invoked takes: failures of asynchronous invocations go to the function's dead-letter queue; a stream is read. */
const TRIGGER_GRANTS: Record<Trigger['kind'], string[]> = {
  http: [],
  eventRule: TO_DEAD_LETTERS,
  iotRule: TO_DEAD_LETTERS,
  stream: [
    ...at('*', 'dynamodb:ListStreams'),
    ...at('stream', 'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'),
    // The stream carries items encrypted with the case key.
    ...at('caseKey', 'kms:Decrypt', 'kms:DescribeKey'),
    ...TO_DEAD_LETTERS,
  ],
  stateMachineTask: [],
  schedule: [],
  websocket: [],
  inboundMail: [],
};
const EVERY_FUNCTION = [
  ...at('ownLogs', 'logs:CreateLogStream', 'logs:PutLogEvents'),
  ...at('*', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'),
];

function expectedGrants(name: string, uses: Uses): Set<string> {
  const trigger = functionRegistry[name as RegisteredFunction].trigger.kind;
  const fromUses = (Object.entries(uses) as [keyof Uses, string][]).flatMap(([use, level]) => (USE_GRANTS[use] as Record<string, string[]>)[level]!);
  return new Set([...EVERY_FUNCTION, ...TRIGGER_GRANTS[trigger], ...fromUses]);
}

describe('the function registry', () => {
  it('makes every registered function, once, from its declaration', () => {
    const names = declared().map((d) => d.name);
    expect([...names].sort()).toEqual(Object.keys(functionRegistry).sort());
    expect(names).toHaveLength(39);
    for (const d of declared()) expect(d.uses, d.name).toEqual(functionRegistry[d.name as RegisteredFunction].uses);
  });

  it("gives each function exactly environmentFor(its declaration) over the stack's resources, beside the house defaults", () => {
    const values = s.stack.caseway.functionResources.values();
    const functions = resources(s.template, 'AWS::Lambda::Function');
    for (const d of declared()) {
      const variables = (functions[logicalId(d)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const expected = { ...POWERTOOLS_ENVIRONMENT, ...environmentFor({ uses: d.uses }, values) };
      expect([d.name, variables]).toEqual([d.name, s.settle(Stack.of(d.fn).resolve(expected), Stack.of(d.fn))]);
    }
  });

  it('gives each function exactly the grants its uses and its trigger imply', () => {
    for (const d of declared()) {
      const actual = [...grantsOf(logicalId(d))].sort();
      expect([d.name, actual]).toEqual([d.name, [...expectedGrants(d.name, d.uses)].sort()]);
    }
  });

  it('has no function without table access that can touch the table, and none that reads without logging its reads but the stream-fed and system ones', () => {
    for (const d of declared()) {
      const grants = [...grantsOf(logicalId(d))];
      if (d.uses.table !== 'read' && d.uses.table !== 'readWrite')
        expect(
          grants.filter((g) => g.endsWith('@table')),
          d.name,
        ).toEqual([]);
      if (d.uses.table === 'read' && functionRegistry[d.name as RegisteredFunction].trigger.kind === 'http')
        expect(d.uses.readLog, `${d.name}: an API function that reads cases must log reads of restricted ones`).toBe('append');
    }
  });
});
