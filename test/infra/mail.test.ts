/**
 * Outbound mail as deployed: the SES identity is brought by default, so the stack deploys into an
 * account that verified its domain already and beside another Caseway (an identity is one per account
 * and region: a stack that created it fails there with "already exists"); it is created only when
 * asked. Sending is granted on that identity (and configuration set) only, from the sender only, to
 * exactly the functions whose declaration uses email; Cognito sends through the identity brought.
 */
import { Stack, type CfnResource } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionRegistry, type RegisteredFunction, type Uses } from '#topology/functions.js';
import { mailSenderOf, type MailSenderProps } from '#lib/constructs/notifications.js';
import type { CasewayStackProps } from '#lib/caseway-stack.js';
import { DEPLOY_ENV, actionsOf, nagFindings, removeSynthOutput, resources, roleIdOf, statementsOf, synthCaseway, type Synthesized } from './synth.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const ARN = `arn:aws:ses:${DEPLOY_ENV.region}:${DEPLOY_ENV.account}`;
const synth = (notifications?: MailSenderProps, props: CasewayStackProps = {}) =>
  synthCaseway({ console: false, ...props, ...(notifications ? { notifications } : {}) }, { bundle: false, env: DEPLOY_ENV });

/** Every statement granting ses:SendEmail, by function name (the registry's), for the functions made from declarations. */
function sendGrants(s: Synthesized): Map<string, Json[]> {
  const grants = new Map<string, Json[]>();
  for (const d of s.stack.caseway.functionResources.functions) {
    const id = Stack.of(d.fn).resolve((d.fn.node.defaultChild as CfnResource).logicalId) as string;
    const statements = statementsOf(s.template, roleIdOf(s.template, id)).filter((st) => actionsOf([st]).includes('ses:SendEmail'));
    if (statements.length > 0) grants.set(d.name, statements as Json[]);
  }
  return grants;
}

const mailers = (Object.keys(functionRegistry) as RegisteredFunction[]).filter((name) => (functionRegistry[name].uses as Uses).email !== undefined);
const userPool = (s: Synthesized): Json => Object.values(resources(s.template, 'AWS::Cognito::UserPool'))[0]!.Properties as Json;

describe('by default (no notifications settings)', () => {
  let s: Synthesized;
  beforeAll(() => (s = synth()));

  it('creates no SES identity or configuration set, so a second deployment or a verified account takes it', () => {
    expect(Object.keys(resources(s.template, 'AWS::SES::EmailIdentity'))).toEqual([]);
    expect(Object.keys(resources(s.template, 'AWS::SES::ConfigurationSet'))).toEqual([]);
  });

  it('lets exactly the functions whose declaration uses email send, the intake acknowledgement among them', () => {
    expect(mailers).toEqual(expect.arrayContaining(['intake-ack', 'notification-sender']));
    expect([...sendGrants(s).keys()].sort()).toEqual([...mailers].sort());
  });

  it('grants the default sender on its address or its domain, whichever is verified, from that address only', () => {
    for (const [name, statements] of sendGrants(s)) {
      expect(statements, name).toEqual([
        expect.objectContaining({
          Action: 'ses:SendEmail',
          Resource: [`${ARN}:identity/caseway@example.com`, `${ARN}:identity/example.com`],
          Condition: { StringEquals: { 'ses:FromAddress': 'caseway@example.com' } },
        }),
      ]);
    }
  });

  it("leaves the user pool on Cognito's own sender", () => {
    expect(userPool(s).EmailConfiguration).toBeUndefined();
  });
});

describe('with an identity of your own', () => {
  let s: Synthesized;
  beforeAll(() => (s = synth({ fromAddress: 'support@help.example.org', identity: 'example.org', configurationSetName: 'caseway-mail' })));

  it('creates nothing in SES and grants sending on that identity and configuration set only, from the sender only', () => {
    expect(Object.keys(resources(s.template, 'AWS::SES::EmailIdentity'))).toEqual([]);
    const grants = sendGrants(s);
    expect([...grants.keys()].sort()).toEqual([...mailers].sort());
    for (const [name, statements] of grants)
      expect(statements, name).toEqual([
        expect.objectContaining({
          Action: 'ses:SendEmail',
          // CDK sorts a statement's resources.
          Resource: [`${ARN}:configuration-set/caseway-mail`, `${ARN}:identity/example.org`],
          Condition: { StringEquals: { 'ses:FromAddress': 'support@help.example.org' } },
        }),
      ]);
    const env = resources(s.template, 'AWS::Lambda::Function');
    const modes = Object.values(env)
      .map((f) => (f.Properties.Environment as Json | undefined)?.Variables as Json | undefined)
      .filter((v) => v?.NOTIFY_MODE !== undefined);
    expect(modes).toHaveLength(mailers.length);
    for (const v of modes)
      expect(v).toMatchObject({ NOTIFY_MODE: 'ses', NOTIFY_FROM_ADDRESS: 'support@help.example.org', SES_CONFIGURATION_SET: 'caseway-mail' });
  });

  it("sends the user pool's mail through it (Cognito's own sender allows 50 a day)", () => {
    expect(userPool(s).EmailConfiguration).toEqual({
      EmailSendingAccount: 'DEVELOPER',
      From: 'support@help.example.org',
      SourceArn: `${ARN}:identity/example.org`,
      ConfigurationSet: 'caseway-mail',
    });
  });

  it('has nothing for cdk-nag to flag in mail or identity', () => {
    expect(nagFindings(s.stack.caseway.notifications!)).toEqual([]);
    expect(nagFindings(s.stack.caseway.identity)).toEqual([]);
  });
});

describe('with an identity by ARN', () => {
  const arn = 'arn:aws:ses:us-east-1:210987654321:identity/example.net';
  let s: Synthesized;
  beforeAll(() => (s = synth({ fromAddress: 'cases@example.net', identity: arn })));

  it('grants on that very ARN and points Cognito at it, in its region', () => {
    for (const [name, statements] of sendGrants(s)) expect(statements[0]!.Resource, name).toEqual(arn);
    expect(userPool(s).EmailConfiguration).toMatchObject({ EmailSendingAccount: 'DEVELOPER', From: 'cases@example.net', SourceArn: arn });
  });
});

describe('when asked to create the identity', () => {
  let s: Synthesized;
  beforeAll(
    () =>
      (s = synth({
        fromAddress: 'support@cases.example.org',
        identity: 'cases.example.org',
        createIdentity: true,
        configurationSetName: 'caseway',
        createConfigurationSet: true,
      })),
  );

  it('creates the domain identity with the configuration set it also creates, and grants on both', () => {
    expect(Object.values(resources(s.template, 'AWS::SES::EmailIdentity')).map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        EmailIdentity: 'cases.example.org',
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: expect.any(String) } },
      }),
    ]);
    expect(Object.values(resources(s.template, 'AWS::SES::ConfigurationSet')).map((r) => r.Properties)).toEqual([
      expect.objectContaining({ Name: 'caseway', SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] } }),
    ]);
    for (const [name, statements] of sendGrants(s))
      expect(JSON.stringify(statements[0]!.Resource), name).toMatch(/identity\/cases\.example\.org.*configuration-set/);
  });

  it('leaves Cognito on its own sender: it refuses an identity not verified yet, as a new one is', () => {
    expect(userPool(s).EmailConfiguration).toBeUndefined();
  });

  it('creates an address identity when only the address is given', () => {
    const alone = synth({ fromAddress: 'desk@example.com', createIdentity: true });
    expect(Object.values(resources(alone.template, 'AWS::SES::EmailIdentity')).map((r) => r.Properties.EmailIdentity)).toEqual(['desk@example.com']);
    for (const [name, statements] of sendGrants(alone)) expect(statements[0]!.Resource, name).toEqual(`${ARN}:identity/desk@example.com`);
  });
});

describe('the sender settings', () => {
  it.each<[MailSenderProps, RegExp]>([
    [{ fromAddress: 'x@elsewhere.org', identity: 'example.org' }, /fromAddress 'x@elsewhere.org' is not in the identity's domain 'example.org'/],
    [{ fromAddress: 'x@notexample.org', identity: 'example.org' }, /not in the identity's domain/],
    [{ fromAddress: 'other@example.org', identity: 'desk@example.org' }, /is not the identity 'desk@example.org'/],
    [{ identity: 'example.org' }, /identity 'example.org' is a domain: give notifications.fromAddress/],
    [{ identity: 'not a domain' }, /neither a domain nor an email address/],
    [{ identity: 'arn:aws:s3:::bucket' }, /not an SES identity ARN/],
    [{ fromAddress: 'nobody' }, /fromAddress 'nobody' is not an email address/],
    [
      { identity: 'arn:aws:ses:eu-west-1:123456789012:identity/example.org', fromAddress: 'a@example.org', createIdentity: true },
      /createIdentity .* not an ARN/,
    ],
    [{ fromAddress: 'a@example.org', configurationSetName: 'has space' }, /configurationSetName 'has space' must be 1 to 64/],
  ])('refuses %j', (props, message) => {
    expect(() => mailSenderOf(props)).toThrow(message);
  });

  it.each<[MailSenderProps, Partial<ReturnType<typeof mailSenderOf>>]>([
    [{}, { fromAddress: 'caseway@example.com', identities: ['caseway@example.com', 'example.com'], userPoolEmail: false }],
    [{ identity: 'desk@example.org' }, { fromAddress: 'desk@example.org', identities: ['desk@example.org'], userPoolEmail: true }],
    [
      { fromAddress: 'a@mail.example.org', identity: 'example.org' },
      { identities: ['example.org'], userPoolEmail: true },
    ],
    [{ fromAddress: 'a@example.org', identity: 'example.org', userPoolEmail: false }, { userPoolEmail: false }],
    [
      { fromAddress: 'a@example.org', createIdentity: true },
      { identities: ['a@example.org'], userPoolEmail: false },
    ],
  ])('reads %j', (props, expected) => {
    expect(mailSenderOf(props)).toMatchObject(expected);
  });
});

afterAll(removeSynthOutput);
