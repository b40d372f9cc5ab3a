/**
 * The CDK app: `npx cdk synth`. Settings come from context, so one command line
 * describes an environment:
 *
 *   -c deletionProtection=false        table and user pool may be deleted, and so may the stack (default: protected)
 *   -c terminationProtection=false     the stack may be deleted (default: as deletionProtection)
 *   -c tags='{"cost-center":"cx-42","owner":"platform"}'
 *                                      tags on the stack and every resource in it that takes tags
 *   -c removalPolicy=destroy           stateful resources go with the stack (default: retain)
 *   -c casesPerSecond=10000            the create rate the table's keys are built for: shard counts follow it
 *                                      (default 3,200; raise it freely, never lower it: docs/deploy.md#scale)
 *   -c logRetentionDays=90             any CloudWatch Logs retention in days (default: 30)
 *   -c oidcIssuer=https://idp.example.com -c oidcAudience=caseway,caseway-cli
 *                                      an existing OIDC provider instead of a user pool
 *   -c rolesClaim=roles                the claim carrying Caseway roles (default: cognito:groups)
 *   -c teamGroups='{"caseway-fraud":"fraud"}'  group name -> team, for case types restricted to teams
 *   -c roleMapping='{"IT Service Desk":"agent"}'
 *                                      exact group name -> role (default: each role's own name)
 *   -c mfaRequired=true                every Cognito user must use TOTP (default: optional)
 *   -c corsOrigins=https://a.example,https://b.example
 *   -c throttleBurst=200 -c throttleRate=100
 *   -c stackName=Caseway-dev           (default: Caseway)
 *   -c reservedConcurrency='{"cases-create":200,"routing-sweep":2}'
 *                                      concurrency reserved per function, by its name in functions/topology/functions.ts
 *   -c searchProfile=development       knowledge search without standby replicas: 1 OCU idle instead of 2 (default: production)
 *   -c searchEngine=embedded           knowledge search by the embedded engine, its index in S3: no collection, near nothing
 *                                      idle, for up to a few thousand articles (default: opensearch)
 *   -c console=false                   no web console (default: on, at the distribution's *.cloudfront.net name)
 *   -c consoleDomain=support.example.com -c consoleCertificateArn=arn:aws:acm:us-east-1:...
 *                                      the console on a domain of your own (certificate in us-east-1)
 *   -c signInDomainPrefix=acme-support Cognito sign-in at https://acme-support.auth.<region>.amazoncognito.com
 *                                      (default: caseway-<stack name>-<account>)
 *   -c signInDomain=login.example.com -c signInCertificateArn=arn:aws:acm:us-east-1:...
 *                                      Cognito sign-in on a domain of your own instead
 *   -c consoleClientId=...             the console's client id at the external OIDC provider (with oidcIssuer)
 *   -c consoleLiveUrl=wss://...        the live feed, when there is one (default: none, liveUrl null)
 *   -c apiWebAclArn=arn:aws:wafv2:us-east-1:...:global/webacl/...
 *                                      the API through CloudFront with this CLOUDFRONT-scope web ACL
 *   -c apiFirewall=true                the same with a web ACL the stack makes (the stack must be in us-east-1)
 *   -c apiFirewallStack=true           also synthesize <stackName>-ApiFirewall, the web ACL alone, in us-east-1:
 *                                      deploy it first, then pass its WebAclArn output as apiWebAclArn
 *   -c apiRatePerIp=5000 -c apiRateAnonymousPerIp=300
 *                                      the web ACL's limits per client IP per 5 minutes (with apiFirewall or apiFirewallStack)
 *   -c backup=false                    no AWS Backup plan (default: as deletionProtection)
 *   -c backupDailyDays=35 -c backupWeeklyDays=90 -c backupMonthlyDays=365
 *                                      how long each kind of recovery point is kept
 *   -c alarmTopicArn=arn:aws:sns:eu-west-1:123456789012:on-call
 *                                      every alarm notifies this topic of yours (default: a topic Caseway creates)
 *   -c alarmEmails=ops@example.com,oncall@example.com
 *                                      email subscriptions to the topic Caseway creates
 *   -c mailFrom=support@example.com -c mailIdentity=example.com
 *                                      the sender, and the SES identity (domain, address or its ARN) it sends
 *                                      through, verified already (default: caseway@example.com, identity not named)
 *   -c mailConfigurationSet=caseway    an SES configuration set to send through (default: none)
 *   -c mailCreateIdentity=true -c mailCreateConfigurationSet=true
 *                                      create the identity / configuration set in this stack (default: false: bring your own)
 *   -c mailUserPool=false              Cognito keeps its own sender (default: through mailIdentity when it is named)
 */
import { App, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CasewayStack, type CasewayStackProps } from '#lib/caseway-stack.js';
import { CasewayEdgeStack } from '#lib/caseway-edge-stack.js';
import type { CasewayApiFirewallProps, CasewayBackupProps, CasewayConsoleProps } from '#lib/caseway.js';
import type { ApiRateLimits } from '#lib/constructs/api-firewall.js';
import { mailSenderOf, type MailSenderProps } from '#lib/constructs/notifications.js';
import type { Role } from '#core/caller.js';

const app = new App();

function text(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).trim();
}

function list(key: string): string[] | undefined {
  const value = text(key);
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
}

function flag(key: string): boolean | undefined {
  const value = text(key);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`-c ${key} must be true or false, got '${value}'`);
}

/**
 * A JSON object on the command line (cdk.json may give the object itself) whose every value passes
 * `valueOk`. Only its shape is checked here; what reads it checks the names and values.
 */
function jsonObject<V>(key: string, shape: string, valueOk: (v: unknown) => boolean, values: string): Record<string, V> | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`-c ${key} must be a JSON object ${shape}, got '${value}'`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every(valueOk)) {
    throw new Error(`-c ${key} must be a JSON object ${shape}${values}`);
  }
  return parsed as Record<string, V>;
}

/** Name -> text. */
const textMap = <V extends string>(key: string, shape: string) => jsonObject<V>(key, shape, (v) => typeof v === 'string', '');

/** Name -> whole number (`-c reservedConcurrency='{"cases-create":200}'`). */
const countMap = (key: string) => jsonObject<number>(key, '{"function": count}', Number.isInteger, ' of whole numbers');

/** Group name -> value (Identity checks the names and values). */
const groupMapping = <V extends string>(key: string, what: string) => textMap<V>(key, `{"group name": "${what}"}`);

function positiveInteger(key: string): number | undefined {
  const value = text(key);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`-c ${key} must be a positive integer, got '${value}'`);
  return n;
}

function retention(key: string): logs.RetentionDays | undefined {
  const days = positiveInteger(key);
  if (days === undefined) return undefined;
  if (!Object.values(logs.RetentionDays).includes(days)) {
    throw new Error(
      `-c ${key}=${days} is not a CloudWatch Logs retention; use one of ${Object.values(logs.RetentionDays)
        .filter((d) => typeof d === 'number')
        .join(', ')}`,
    );
  }
  return days as logs.RetentionDays;
}

function removalPolicy(key: string): RemovalPolicy | undefined {
  const value = text(key)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`-c ${key} must be retain or destroy, got '${value}'`);
}

/** An SNS topic's ARN: arn:<partition>:sns:<region>:<account>:<name>. */
function topicArn(key: string): string | undefined {
  const value = text(key);
  if (value === undefined) return undefined;
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(value))
    throw new Error(`-c ${key} must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got '${value}'`);
  if (value.endsWith('.fifo'))
    throw new Error(`-c ${key} must be a standard SNS topic: CloudWatch alarms cannot notify a FIFO topic, got '${value}'`);
  return value;
}

function emails(key: string): string[] | undefined {
  const values = list(key);
  for (const value of values ?? [])
    if (!/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(value)) throw new Error(`-c ${key} must be email addresses separated by commas, got '${value}'`);
  return values;
}

const oidcIssuer = text('oidcIssuer');
const oidcAudience = list('oidcAudience');
if ((oidcIssuer === undefined) !== (oidcAudience === undefined)) {
  throw new Error('-c oidcIssuer and -c oidcAudience go together');
}
const burstLimit = positiveInteger('throttleBurst');
const rateLimit = positiveInteger('throttleRate');

/** Two context keys that only make sense together. */
function pair(a: string, b: string): [string, string] | undefined {
  const [x, y] = [text(a), text(b)];
  if ((x === undefined) !== (y === undefined)) throw new Error(`-c ${a} and -c ${b} go together`);
  return x !== undefined && y !== undefined ? [x, y] : undefined;
}

function consoleProps(): CasewayConsoleProps | false {
  if (flag('console') === false) return false;
  const domain = pair('consoleDomain', 'consoleCertificateArn');
  const signInDomain = pair('signInDomain', 'signInCertificateArn');
  const prefix = text('signInDomainPrefix');
  if (signInDomain && prefix) throw new Error('-c signInDomain and -c signInDomainPrefix are alternatives; give one');
  return {
    ...(domain ? { domain: { domainName: domain[0], certificateArn: domain[1] } } : {}),
    ...(signInDomain ? { signInDomain: { customDomain: { domainName: signInDomain[0], certificateArn: signInDomain[1] } } } : {}),
    ...(prefix ? { signInDomain: { prefix } } : {}),
    ...(text('consoleClientId') ? { clientId: text('consoleClientId') } : {}),
    ...(text('consoleLiveUrl') ? { liveUrl: text('consoleLiveUrl') } : {}),
  };
}

function searchProfile(): 'production' | 'development' | undefined {
  const value = text('searchProfile');
  if (value === undefined || value === 'production' || value === 'development') return value;
  throw new Error(`-c searchProfile must be production or development, got '${value}'`);
}

function searchEngine(): 'opensearch' | 'embedded' | undefined {
  const value = text('searchEngine');
  if (value === undefined || value === 'opensearch' || value === 'embedded') return value;
  throw new Error(`-c searchEngine must be opensearch or embedded, got '${value}'`);
}

function rateLimitsFromContext(): ApiRateLimits | undefined {
  const [perIp, anonymousPerIp] = [positiveInteger('apiRatePerIp'), positiveInteger('apiRateAnonymousPerIp')];
  return perIp || anonymousPerIp ? { ...(perIp ? { perIp } : {}), ...(anonymousPerIp ? { anonymousPerIp } : {}) } : undefined;
}

function apiFirewall(): CasewayApiFirewallProps | undefined {
  const webAclArn = text('apiWebAclArn');
  if (webAclArn && flag('apiFirewall')) throw new Error('-c apiWebAclArn and -c apiFirewall=true are alternatives; give one');
  if (webAclArn) return { webAclArn };
  return flag('apiFirewall') ? { rateLimits: rateLimitsFromContext() } : undefined;
}

function backup(): CasewayBackupProps | false | undefined {
  const on = flag('backup');
  if (on === false) return false;
  const [dailyDays, weeklyDays, monthlyDays] = [
    positiveInteger('backupDailyDays'),
    positiveInteger('backupWeeklyDays'),
    positiveInteger('backupMonthlyDays'),
  ];
  const retention = { ...(dailyDays ? { dailyDays } : {}), ...(weeklyDays ? { weeklyDays } : {}), ...(monthlyDays ? { monthlyDays } : {}) };
  if (on === undefined && Object.keys(retention).length === 0) return undefined;
  return { retention };
}

/** The sender and its SES identity; `mailSenderOf` checks them together, and its message names the -c key. */
function mailProps(): MailSenderProps | undefined {
  const keys = {
    fromAddress: 'mailFrom',
    identity: 'mailIdentity',
    configurationSetName: 'mailConfigurationSet',
    createIdentity: 'mailCreateIdentity',
    createConfigurationSet: 'mailCreateConfigurationSet',
    userPoolEmail: 'mailUserPool',
  } as const;
  const mail: MailSenderProps = {
    fromAddress: text(keys.fromAddress),
    identity: text(keys.identity),
    configurationSetName: text(keys.configurationSetName),
    createIdentity: flag(keys.createIdentity),
    createConfigurationSet: flag(keys.createConfigurationSet),
    userPoolEmail: flag(keys.userPoolEmail),
  };
  if (Object.values(mail).every((v) => v === undefined)) return undefined;
  try {
    mailSenderOf(mail);
  } catch (error) {
    const message = (error as Error).message.replace(/notifications\.(\w+)/g, (_, prop: keyof typeof keys) => `-c ${keys[prop] ?? prop}`);
    throw new Error(message, { cause: error });
  }
  return mail;
}

const props: CasewayStackProps = {
  description: 'Caseway: serverless case management',
  ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
    : {}),
  deletionProtection: flag('deletionProtection'),
  // A production stack is not deleted by a stray `cdk destroy`: protected unless said otherwise, like the table.
  terminationProtection: flag('terminationProtection') ?? flag('deletionProtection') ?? true,
  removalPolicy: removalPolicy('removalPolicy'),
  casesPerSecond: positiveInteger('casesPerSecond'),
  logRetention: retention('logRetentionDays'),
  oidc: oidcIssuer && oidcAudience ? { issuer: oidcIssuer, audience: oidcAudience } : undefined,
  rolesClaim: text('rolesClaim'),
  teamGroups: groupMapping('teamGroups', 'team'),
  roleMapping: groupMapping<Role>('roleMapping', 'role'),
  mfaRequired: flag('mfaRequired'),
  corsOrigins: list('corsOrigins'),
  throttling: burstLimit || rateLimit ? { burstLimit, rateLimit } : undefined,
  console: consoleProps(),
  searchProfile: searchProfile(),
  searchEngine: searchEngine(),
  reservedConcurrency: countMap('reservedConcurrency'),
  apiFirewall: apiFirewall(),
  backup: backup(),
  alarmTopicArn: topicArn('alarmTopicArn'),
  alarmEmails: emails('alarmEmails'),
  notifications: mailProps(),
};
if (props.alarmTopicArn && props.alarmEmails)
  throw new Error('-c alarmEmails subscribe to the topic Caseway creates; with -c alarmTopicArn, subscribe them to your topic');

const stackName = text('stackName') ?? 'Caseway';
new CasewayStack(app, stackName, props);
if (flag('apiFirewallStack')) {
  // A CLOUDFRONT-scope web ACL exists only in us-east-1, whatever region Caseway is in.
  new CasewayEdgeStack(app, `${stackName}-ApiFirewall`, {
    description: "Caseway: the API's WAF web ACL (CloudFront scope)",
    env: { ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}), region: 'us-east-1' },
    rateLimits: rateLimitsFromContext(),
  });
}
// Through the Tags aspect, not only the stack's own tags: every taggable resource carries them in the template itself.
for (const [name, value] of Object.entries(textMap('tags', '{"tag": "value"}') ?? {})) Tags.of(app).add(name, value);
// cdk-nag 3 runs as a policy-validation plugin: any unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
