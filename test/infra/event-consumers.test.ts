/**
 * The bus's consumers as the stack deploys them: one rule per `eventRules` entry with
 * the very pattern the local bus matches, a Lambda from the entry with only the table
 * access it asks for, retries on both legs (EventBridge -> Lambda, Lambda's async
 * retries), one encrypted TLS-only DLQ per consumer with an alarm, and nothing
 * cdk-nag flags under Events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { eventRules, type EventRuleSpec } from '#topology/event-rules.js';
import { functionRegistry, type Uses } from '#topology/functions.js';
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

const extra: EventRuleSpec[] = [
  {
    name: 'test-reader',
    description: 'reads the table on every CaseCreated or high-priority change',
    pattern: {
      source: ['caseway.cases'],
      $or: [{ 'detail-type': ['CaseCreated'] }, { detail: { changes: { field: ['priority'], after: [{ 'anything-but': 'low' }] } } }],
    },
    target: { entry: 'test/support/handlers/idempotent-consumer.ts', tableAccess: 'read' },
  },
  {
    name: 'test-writer',
    description: 'writes the table on device events',
    pattern: { source: ['caseway.devices'] },
    target: { entry: 'test/support/handlers/idempotent-consumer.ts', tableAccess: 'readWrite' },
  },
  {
    name: 'test-outsider',
    description: 'needs no table at all',
    pattern: { source: ['caseway.channels'], 'detail-type': [{ prefix: 'Inbound' }] },
    target: { entry: 'test/support/handlers/idempotent-consumer.ts', tableAccess: 'none' },
  },
];
const rules = [...eventRules, ...extra];

let s: Synthesized;
beforeAll(() => {
  s = synthCaseway(
    {
      eventRules: rules,
      console: false,
      notifications: { fromAddress: 'support@cases.example.org', identity: 'cases.example.org', configurationSetName: 'caseway' },
    },
    { bundle: false },
  );
});
afterAll(removeSynthOutput);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const fnId = (spec: EventRuleSpec) => functionIdByDescription(s.template, `Event consumer ${spec.name}: ${spec.description}`);
const ruleOf = (spec: EventRuleSpec): Json => {
  const found = Object.values(resources(s.template, 'AWS::Events::Rule')).filter((r) =>
    (r.Properties.Targets as Json[]).some((t) => t.Arn?.['Fn::GetAtt']?.[0] === fnId(spec)),
  );
  expect(found, spec.name).toHaveLength(1);
  return found[0]!.Properties as Json;
};
const queueIdOf = (spec: EventRuleSpec): string => (ruleOf(spec).Targets as Json[])[0]!.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string;

describe('one consumer per rule', () => {
  it('puts a rule with exactly the topology pattern on Caseway bus', () => {
    for (const spec of rules) {
      const rule = ruleOf(spec);
      expect(rule.EventPattern, spec.name).toEqual(spec.pattern);
      expect(rule.EventBusName).toEqual({ Ref: expect.stringMatching(/EventsBus/) });
      expect(rule.State).toBe('ENABLED');
    }
  });

  it('retries invoking for 24 hours, then dead-letters into its own queue', () => {
    const queues = new Set<string>();
    for (const spec of rules) {
      const [target] = ruleOf(spec).Targets as Json[];
      expect(target).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } });
      queues.add(queueIdOf(spec));
    }
    expect(queues.size).toBe(rules.length);
  });

  it('sends a handler that keeps throwing to the same queue after Lambda retries it', () => {
    const configs = Object.values(resources(s.template, 'AWS::Lambda::EventInvokeConfig')).map((c) => c.Properties as Json);
    for (const spec of rules) {
      const config = configs.find((c) => c.FunctionName.Ref === fnId(spec));
      expect(config, spec.name).toMatchObject({
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueIdOf(spec), 'Arn'] } } },
      });
    }
  });

  it('keeps dead letters encrypted with the case key, over TLS only, for 14 days, and alarms on the first', () => {
    const queues = resources(s.template, 'AWS::SQS::Queue');
    const policies = Object.values(resources(s.template, 'AWS::SQS::QueuePolicy')).map((p) => p.Properties as Json);
    const alarms = Object.values(resources(s.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Json);
    for (const spec of rules) {
      const id = queueIdOf(spec);
      expect(queues[id]!.Properties).toMatchObject({
        KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/StoreKey/), 'Arn'] },
        MessageRetentionPeriod: 1_209_600,
      });
      const statements = policies.filter((p) => (p.Queues as Json[]).some((q) => q.Ref === id)).flatMap((p) => p.PolicyDocument.Statement as Json[]);
      expect(statements.some((st) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
      // Only this rule may send here.
      const send = statements.find((st) => st.Effect === 'Allow' && st.Principal?.Service === 'events.amazonaws.com')!;
      expect(send.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][1]).toBe('Arn');
      expect(
        alarms.filter((a) => a.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] === id && a.MetricName === 'ApproximateNumberOfMessagesVisible'),
        spec.name,
      ).toHaveLength(1);
    }
  });

  it('lets EventBridge use the case key for dead letters of rules on Caseway bus only', () => {
    const key = Object.values(resources(s.template, 'AWS::KMS::Key'))[0]!.Properties as Json;
    // Rules on Caseway's bus (the routing sweep's schedule, on the default bus, has a statement of its own).
    const forEvents = (key.KeyPolicy.Statement as Json[]).filter((st) => st.Principal?.Service === 'events.amazonaws.com' && st.Condition?.ArnLike);
    expect(forEvents).toHaveLength(1);
    expect(forEvents[0]!.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    const arn = JSON.stringify(forEvents[0]!.Condition.ArnLike['aws:SourceArn']);
    // By the bus's name as written, not a reference to the bus: the key is in the parent stack, the bus in the back end's.
    const busName = Object.values(resources(s.template, 'AWS::Events::EventBus'))[0]!.Properties.Name as string;
    expect(arn).toContain(`:rule/${busName}/*`);
  });

  it('grants each consumer the table access its entry asks for, and no more', () => {
    for (const spec of extra) {
      const actions = actionsOf(statementsOf(s.template, roleIdOf(s.template, fnId(spec))));
      const writes = actions.filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a));
      const reads = actions.filter((a) => /dynamodb:(Get|Query|BatchGet)/.test(a));
      expect(actions).not.toContain('dynamodb:Scan');
      if (spec.target.tableAccess === 'none')
        expect(
          actions.filter((a) => a.startsWith('dynamodb:')),
          spec.name,
        ).toEqual([]);
      if (spec.target.tableAccess === 'read') expect([reads.length > 0, writes], spec.name).toEqual([true, []]);
      if (spec.target.tableAccess === 'readWrite') expect([reads.length > 0, writes.length > 0], spec.name).toEqual([true, true]);
      const env = (resources(s.template, 'AWS::Lambda::Function')[fnId(spec)]!.Properties.Environment as Json).Variables as Json;
      expect(env).toMatchObject({ TABLE_NAME: { Ref: expect.any(String) }, EVENT_BUS_NAME: { Ref: expect.stringMatching(/EventsBus/) } });
    }
  });

  it('hands out a consumer Lambda by name, for grants beyond the table', () => {
    const fn = s.stack.caseway.events.consumerFunction('test-writer');
    expect(s.stack.resolve((fn.node.defaultChild as unknown as { logicalId: string }).logicalId)).toBe(fnId(extra[1]!));
    expect(() => s.stack.caseway.events.consumerFunction('nobody')).toThrow(/No event consumer named nobody/);
  });

  it('adds every consumer alarm to the Caseway alarms', () => {
    const names = new Set(s.stack.caseway.alarms.map((a) => a.node.path));
    for (const spec of rules)
      expect(
        [...names].some((p) => p.includes(`/Consumers/${spec.name}/DeadLetterAlarm`)),
        spec.name,
      ).toBe(true);
  });
});

describe('notifications', () => {
  const sender = () => eventRules.find((r) => r.name === 'notification-sender')!;

  it('sends NotificationRequested events to the notification sender', () => {
    expect(ruleOf(sender()).EventPattern).toEqual({ source: ['caseway.cases'], 'detail-type': ['NotificationRequested'] });
  });

  it('creates no SES identity: the one named is brought, verified already', () => {
    expect(Object.keys(resources(s.template, 'AWS::SES::EmailIdentity'))).toEqual([]);
    expect(Object.keys(resources(s.template, 'AWS::SES::ConfigurationSet'))).toEqual([]);
  });

  it('lets the sender send from its address through its identity only, in SES mode', () => {
    const id = fnId(sender());
    const statements = statementsOf(s.template, roleIdOf(s.template, id));
    const sendEmail = statements.filter((st) => actionsOf([st]).includes('ses:SendEmail'));
    expect(sendEmail).toHaveLength(1);
    expect(actionsOf(sendEmail)).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(sendEmail[0]!.Resource)).toMatch(/identity\/cases\.example\.org/);
    expect(JSON.stringify(sendEmail[0]!.Resource)).toMatch(/configuration-set\/caseway/);
    expect(JSON.stringify(sendEmail[0]!.Resource)).not.toContain('*');
    expect((sendEmail[0] as Json).Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'support@cases.example.org' } });
    const env = (resources(s.template, 'AWS::Lambda::Function')[id]!.Properties.Environment as Json).Variables as Json;
    expect(env).toMatchObject({ NOTIFY_MODE: 'ses', NOTIFY_FROM_ADDRESS: 'support@cases.example.org', SES_CONFIGURATION_SET: 'caseway' });
  });

  it('lets exactly the functions whose declaration uses email send mail, the intake acknowledgement among them', () => {
    const mailers = Object.entries(functionRegistry)
      .filter(([, declaration]) => (declaration.uses as Uses).email !== undefined)
      .map(([name]) => name);
    expect(mailers).toEqual(expect.arrayContaining(['notification-sender', 'intake-ack']));
    const logicalIdOf = (fn: IConstruct) => Stack.of(fn).resolve((fn.node.defaultChild as CfnResource).logicalId) as string;
    const made = s.stack.caseway.functionResources.functions;
    const expected = made.filter((d) => mailers.includes(d.name)).map((d) => logicalIdOf(d.fn));
    expect(expected).toHaveLength(mailers.length);
    const functions = resources(s.template, 'AWS::Lambda::Function');
    const sending = Object.keys(functions).filter(
      (f) => functions[f]!.Properties.Role && actionsOf(statementsOf(s.template, roleIdOf(s.template, f))).includes('ses:SendEmail'),
    );
    expect(sending.sort()).toEqual(expected.sort());
    for (const f of sending) expect((functions[f]!.Properties.Environment as Json).Variables, f).toMatchObject({ NOTIFY_MODE: 'ses' });
  });

  it('refuses a sender outside the identity domain', () => {
    expect(() => synthCaseway({ notifications: { fromAddress: 'x@elsewhere.org', identity: 'cases.example.org' } }, { bundle: false })).toThrow(
      /not in the identity's domain 'cases.example.org'/,
    );
  });
});

describe('cdk-nag', () => {
  it('flags nothing under Events or Notifications', () => {
    expect(nagFindings(s.stack.caseway.events)).toEqual([]);
    expect(nagFindings(s.stack.caseway.notifications!)).toEqual([]);
    for (const d of s.stack.caseway.functionResources.functions.filter((f) => f.uses.email)) expect(nagFindings(d.fn), d.name).toEqual([]);
  });
});
