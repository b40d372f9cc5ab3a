/**
 * Caseway as one construct, for an organisation that wants the platform inside its
 * own CDK app: `new Caseway(this, 'Cases', { ... })`. `CasewayStack` is just this
 * plus outputs.
 */
import { ArnFormat, CfnRule, Fn, NestedStack, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Attachments } from './constructs/attachments.js';
import { CaseApi, type ThrottleProps } from './constructs/case-api.js';
import { CaseStore } from './constructs/case-store.js';
import { DeviceIngest } from './constructs/device-ingest.js';
import { DomainEvents } from './constructs/domain-events.js';
import { Identity, type ExternalOidc, type SignInDomainProps } from './constructs/identity.js';
import { ConsoleHosting, type ConsoleDomain } from './constructs/console-hosting.js';
import { ConsoleDeployment, assertConsoleBuilt } from './constructs/console-deployment.js';
import { ConsoleCors } from './constructs/console-cors.js';
import { CONSOLE_SCOPES, type ConsoleConfig } from '#topology/console-config.js';
import { Observability, type SlaBreachAlarmProps } from './constructs/observability.js';
import { AlarmTopic } from './constructs/alarm-topic.js';
import { KnowledgeSearch } from './constructs/knowledge-search.js';
import { EmailIntake } from './constructs/email-intake.js';
import { SlaTimers } from './constructs/sla-timers.js';
import { Routing } from './constructs/routing.js';
import { LiveUpdates } from './constructs/live-updates.js';
import type { EventRuleSpec } from '#topology/event-rules.js';
import { Notifications, identityArn, identityRegion, mailSenderOf, type MailSenderProps } from './constructs/notifications.js';
import { FunctionResources, identityBinding, filesBinding } from './constructs/function-resources.js';
import type { Role } from '#core/caller.js';
import type { RegisteredFunction } from '#topology/functions.js';
import {
  ApiEdge,
  ApiWebAcl,
  assertCertificateArn,
  assertCloudFrontWebAclArn,
  type ApiEdgeProps,
  type ApiRateLimits,
} from './constructs/api-firewall.js';
import { CaseBackup, type BackupRetention } from './constructs/backup.js';
import { assertKeyInRegion, keyPolicyStatementsNotAdded } from './constructs/key-policy.js';
import { CasewayNetwork, type CasewayNetworkProps } from './constructs/network.js';

/**
 * A WAF web ACL in front of the API. An HTTP API stage cannot carry one (WAF protects REST API stages,
 * not HTTP APIs), so the API is served through a CloudFront distribution that does, and the web ACL is
 * a CLOUDFRONT-scope one: in us-east-1. See lib/constructs/api-firewall.ts.
 */
export interface CasewayApiFirewallProps {
  /**
   * An existing CLOUDFRONT-scope web ACL, e.g. `CasewayEdgeStack`'s `WebAclArn` output.
   * @default - Caseway makes one (`ApiWebAcl`), which it can only do when its stack is in us-east-1
   */
  readonly webAclArn?: string;
  /**
   * The rate limits of the web ACL Caseway makes (not with `webAclArn`).
   * @default DEFAULT_RATE_LIMITS
   */
  readonly rateLimits?: ApiRateLimits;
}

/**
 * The API on a domain of your own. Without `apiFirewall`: an API Gateway regional custom domain with
 * `certificateArn` (ACM, in the stack's region); point the domain's DNS (CNAME or alias) at the
 * `ApiDomainTarget` output. With `apiFirewall`: the same custom domain behind the distribution, which
 * answers for `domainName` with `edgeCertificateArn` (ACM, us-east-1); point DNS at the distribution.
 */
export interface CasewayApiDomainProps {
  /** e.g. `api.support.example.com`. */
  readonly domainName: string;
  /** ACM certificate for `domainName` in the stack's region (API Gateway's regional custom domain). */
  readonly certificateArn: string;
  /**
   * With `apiFirewall`: ACM certificate for `domainName` in us-east-1, for the distribution.
   * @default - `certificateArn`, when that is in us-east-1; required otherwise
   */
  readonly edgeCertificateArn?: string;
  /**
   * Turn the API's `execute-api` endpoint off, so that the domain is the only way in. With `apiFirewall`
   * that is what keeps the web ACL from being passed by; without it, it keeps clients on the one URL.
   * @default - true with `apiFirewall`, false without
   */
  readonly disableExecuteApiEndpoint?: boolean;
}

/** A host name: labels of letters, digits and hyphens. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** AWS Backup of the case table and the attachment bucket. */
export interface CasewayBackupProps {
  /** @default DEFAULT_BACKUP_RETENTION (daily 35, weekly 90, monthly 365 days) */
  readonly retention?: BackupRetention;
}

/** The web console: where it is served from and how it signs in. */
export interface CasewayConsoleProps {
  /**
   * Serve the console under a domain of your own (certificate in us-east-1). Its origin is then known
   * before anything is deployed, so the API's and the attachment bucket's CORS are plain CloudFormation.
   * @default - the distribution's `*.cloudfront.net` domain
   */
  readonly domain?: ConsoleDomain;
  /**
   * Cognito's managed sign-in pages (with Caseway's own user pool): a prefix, or a domain of your own.
   * @default - prefix `caseway-<stack name>-<account id>`
   */
  readonly signInDomain?: SignInDomainProps;
  /**
   * The console's app client id at an external OIDC provider (`oidc`); it must be one of `oidc.audience`,
   * and the provider must allow `<console origin>/auth/callback` as a redirect URI.
   * @default - required with `oidc`; with the user pool, a client is created
   */
  readonly clientId?: string;
  /**
   * WebSocket URL of the live feed (`wss://...`), written to config.json and allowed by the CSP.
   * @default - the stack's own live feed (its WebSocket API stage URL)
   */
  readonly liveUrl?: string;
  /**
   * The directory of built console files.
   * @default web/dist (`npm run build:web`)
   */
  readonly buildPath?: string;
  /**
   * A WAF web ACL (ARN, us-east-1) in front of the console's distribution.
   * @default - none
   */
  readonly webAclId?: string;
}

/** What Caseway made for the console. */
export interface CasewayConsole {
  /** Bucket, distribution, security headers. */
  readonly hosting: ConsoleHosting;
  /** The published files and config.json. */
  readonly deployment: ConsoleDeployment;
  /** `https://host`: the origin the console is served from. */
  readonly origin: string;
  /** The console's app client, with Caseway's own user pool. */
  readonly client?: cognito.UserPoolClient;
  /** Cognito's managed sign-in pages, with Caseway's own user pool. */
  readonly signInDomain?: cognito.UserPoolDomain;
  /** CORS set after the distribution exists, when the console has no domain of its own. */
  readonly cors?: ConsoleCors;
}

export interface CasewayProps {
  /**
   * Deletion protection on the case table and the user pool. Turn off only for
   * environments you intend to tear down.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to stateful resources (table, key, user pool, log groups) when they
   * leave the stack. `DESTROY` suits throw-away environments; deletion protection
   * must be off as well for the table and pool to go.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The create rate the table's keys are built for (`-c casesPerSecond`): shared
   * listings get as many shards as keep each partition under half its write limit.
   * Raise it as volume grows, without downtime or re-keying; see docs/deploy.md#scale.
   * @default 3,200 a second
   */
  readonly casesPerSecond?: number;
  /**
   * Retention of every log group: function logs and the API access log.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Accept tokens from this existing OpenID Connect provider instead of creating a
   * Cognito user pool (set `rolesClaim` to where that provider puts roles).
   * @default - a Cognito user pool with one group per Caseway role
   */
  readonly oidc?: ExternalOidc;
  /**
   * The JWT claim that lists the caller's Caseway roles.
   * @default 'cognito:groups'
   */
  readonly rolesClaim?: string;
  /**
   * Record-level access: exact group name -> team name; see `IdentityProps.teamGroups`.
   * @default {}
   */
  readonly teamGroups?: Readonly<Record<string, string>>;
  /**
   * Exact group name -> Caseway role. Set it for an external provider whose group
   * names differ from the role names (`{"IT Service Desk": "agent"}`).
   * @default - each role is granted by the group of the same name
   */
  readonly roleMapping?: Readonly<Record<string, Role>>;
  /**
   * Require TOTP from every user of the Cognito pool (ignored with `oidc`). Leave off
   * while members of the public sign in as requesters.
   * @default false
   */
  readonly mfaRequired?: boolean;
  /**
   * Browser origins allowed to call the API (CORS), and to upload and download
   * attachments straight to and from their bucket.
   * @default - none: CORS is off
   */
  readonly corsOrigins?: string[];
  /**
   * API stage throttling.
   * @default { burstLimit: 200, rateLimit: 100 }
   */
  readonly throttling?: ThrottleProps;
  /**
   * Name of the domain-event bus.
   * @default `caseway-<stack name>`
   */
  readonly eventBusName?: string;
  /**
   * An existing event bus of yours (same account and region) instead of one Caseway makes: domain
   * events are put on it, and the consumers' rules and the archive (Caseway's sources only) are made on
   * it. Not with `eventBusName`.
   * @default - a bus of Caseway's own, `eventBusName`
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The SNS topic every Caseway alarm notifies, on ALARM and on OK (an enterprise's own, already
   * routed to its on-call tooling). It must let cloudwatch.amazonaws.com publish, and if encrypted,
   * use its key.
   * @default - a topic Caseway creates: KMS-encrypted with a key of its own, TLS only
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Email addresses subscribed to the topic Caseway creates (each confirms once). Not with `alarmTopic`:
   * subscribe to your own topic where you manage it.
   * @default - none
   */
  readonly alarmEmails?: string[];
  /**
   * More that every alarm does on ALARM, besides notifying the alarm topic.
   * @default - none
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
  /**
   * When the rate of SLA breaches raises an alarm.
   * @default { threshold: 10, period: Duration.hours(1) }: more than 10 breaches within an hour
   */
  readonly slaBreachAlarm?: SlaBreachAlarmProps;
  /**
   * The rules on the bus, each with its consumer Lambda, DLQ and alarm.
   * @default `eventRules` from functions/topology/event-rules.ts
   */
  readonly eventRules?: readonly EventRuleSpec[];
  /**
   * Outbound email: the sender address and the SES identity (a verified domain or address of yours, by
   * name or ARN) it sends through, and an optional configuration set. Caseway creates an identity or a
   * configuration set only when asked (`createIdentity`, `createConfigurationSet`), so that it deploys
   * into an account that verified its domain already, and beside another Caseway. With an identity
   * named, Caseway's user pool sends its mail through it too.
   * @default { fromAddress: 'caseway@example.com' }, brought, not created
   */
  readonly notifications?: MailSenderProps;
  /**
   * The knowledge search collection's profile. `production` keeps standby replicas in a second
   * Availability Zone: at least 2 OCUs (1 indexing, 1 search) run around the clock. `development`
   * drops them: at least 1 OCU (0.5 + 0.5), half the idle floor, and no zone redundancy.
   * @default 'production'
   */
  readonly searchProfile?: 'production' | 'development';
  /**
   * What serves knowledge search. `opensearch`: an OpenSearch Serverless collection (`searchProfile`).
   * `embedded`: no collection; the embedded engine, its index one object in an S3 bucket that the
   * indexer replaces and each search function loads, near nothing idle, for knowledge bases of up to
   * a few thousand articles (docs/deploy.md#knowledge-search-floor).
   * @default 'opensearch'
   */
  readonly searchEngine?: 'opensearch' | 'embedded';
  /**
   * Receive email through SES for these addresses or domains (raw mail to an
   * encrypted bucket, then intake). Activate the receipt rule set after deploying.
   * @default - no inbound email
   */
  readonly inboundEmail?: { readonly recipients: string[] };
  /**
   * The web console, served from S3 through CloudFront and signed in with authorization code + PKCE;
   * `false` deploys the API alone.
   * @default {} (on, on the distribution's own domain)
   */
  readonly console?: CasewayConsoleProps | false;
  /**
   * Serve the API through CloudFront with a WAF web ACL (rate limits, AWS managed rules). The console
   * then calls the API there. The API's own execute-api endpoint still answers (see docs/deploy.md).
   * @default - none: clients call the API's endpoint, throttled per stage
   */
  readonly apiFirewall?: CasewayApiFirewallProps;
  /**
   * The API on a domain of your own (see `CasewayApiDomainProps`). The live feed (WebSocket API) keeps
   * its own execute-api URL.
   * @default - the API's execute-api endpoint (or the distribution's name, with `apiFirewall`)
   */
  readonly apiDomain?: CasewayApiDomainProps;
  /**
   * The live feed (WebSocket API) on a domain of your own: a regional custom domain with a certificate
   * in the stack's region; point its DNS at the `LiveDomainTarget` output. Its execute-api URL keeps
   * answering (the handlers push through it).
   * @default - the stage's execute-api URL
   */
  readonly liveDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * AWS Backup plan for the case table and the attachment bucket (`false`: none). On by default where
   * the data is meant to last: with deletion protection, which marks an environment that is kept.
   * @default - on when `deletionProtection` is (the default), off otherwise
   */
  readonly backup?: CasewayBackupProps | false;
  /**
   * Concurrency reserved per function, by its name in functions/topology/functions.ts: e.g. a ceiling on
   * the intake functions so a flood of submissions cannot take the account's concurrency from the rest,
   * or a floor under the SLA clock. Every function left out shares the account's unreserved pool.
   * @default - none reserved
   */
  readonly reservedConcurrency?: Partial<Record<RegisteredFunction, number>>;
  /**
   * An enterprise's own customer managed KMS key (symmetric, in the stack's region) for everything
   * Caseway encrypts with a customer managed key: the case table and its stream, the dead-letter
   * queues, the knowledge collection, the attachment bucket, the alarm topic it creates and the backup
   * vault. The stack cannot edit that key's policy: it must keep the statement that lets the account's
   * IAM policies grant use of the key (the default one), and its owners must add what
   * `keyPolicyStatements` lists (the `KeyPolicyStatements` output; docs/deploy.md).
   * @default - keys of Caseway's own: one for case data, one each for attachments, alarms and backups
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Run every Caseway function in a VPC of yours (see `CasewayVpcProps`).
   * @default - the functions run outside any VPC, and the knowledge collection has a public (IAM-authenticated) endpoint
   */
  readonly vpc?: CasewayVpcProps;
}

/** The VPC Caseway's functions run in: its subnets, security groups and endpoints (lib/constructs/network.ts). */
export type CasewayVpcProps = CasewayNetworkProps;

export class Caseway extends Construct {
  /** The case table and its key. */
  readonly store: CaseStore;
  /** Token issuer, audience and roles claim (and the user pool, if Caseway made one). */
  readonly identity: Identity;
  /** The HTTP API and its functions. */
  readonly api: CaseApi;
  /** The attachment bucket, its key and its access-log bucket. */
  readonly attachments: Attachments;
  /** The event bus, its archive and the outbox publisher. */
  readonly events: DomainEvents;
  /** Outbound email: the sender and its grants (undefined when no function of this deployment uses `email`). */
  readonly notifications: Notifications | undefined;
  /** Knowledge search: the collection or the embedded engine's index bucket, its indexer and its dead-letter queue. */
  readonly knowledge: KnowledgeSearch;
  /** The IoT Core rule that forwards device signals to the proactive-case Lambda, and its dead-letter queue. */
  readonly devices: DeviceIngest;
  /** Inbound email (SES -> S3 -> intake), when `inboundEmail` is set. */
  readonly email?: EmailIntake;
  /** The SLA clock state machine and its task functions. */
  readonly slaTimers: SlaTimers;
  /** The routing sweep, its schedule and its dead-letter queue (the routing consumer is one of `events`' rule targets). */
  readonly routing: Routing;
  /** The console's live feed (WebSocket API, connect handler); undefined when the `live-updates` rule is not on the bus. */
  readonly live: LiveUpdates | undefined;
  /** Every alarm: API, function errors, stream iterator age, dead letters, SLA clocks and their breach rate. */
  readonly alarms: cloudwatch.Alarm[];
  /** Where every alarm notifies: `alarmTopic`, or the topic Caseway created. */
  readonly alarmTopic: sns.ITopic;
  /** Alarms, the dashboard and what they watch. */
  readonly observability: Observability;
  /** The web console, unless `console: false`. */
  readonly console?: CasewayConsole;
  /** The nested stack of the HTTP API's functions. */
  readonly apiFunctions: NestedStack;
  /** The nested stack of the HTTP API, the live feed and the console. */
  readonly frontDoor: NestedStack;
  /** The nested stack of the event bus, its consumers, the SLA clocks, the routing sweep and device ingest. */
  readonly backEnd: NestedStack;
  /** The API's distribution and web ACL, with `apiFirewall`. */
  readonly apiEdge?: ApiEdge;
  /** The web ACL Caseway made, with `apiFirewall` and no `webAclArn`. */
  readonly apiWebAcl?: ApiWebAcl;
  /** The URL clients should call the API at (no trailing slash): `apiDomain`'s, else the distribution's with `apiFirewall`, else the stage's endpoint. */
  readonly apiUrl: string;
  /** With `apiDomain`: the name its DNS record points at (the distribution's with `apiFirewall`, else the regional custom domain's). */
  readonly apiDomainTarget?: string;
  /** The backup plan, vault and selection, unless `backup: false`. */
  readonly backup?: CaseBackup;
  /**
   * With `encryptionKey`: the key policy statements AWS services need on it, which the stack could not
   * add to a key it did not make (empty with Caseway's own keys, whose policies hold them).
   */
  get keyPolicyStatements(): readonly iam.PolicyStatement[] {
    return this.encryptionKey ? keyPolicyStatementsNotAdded(this.encryptionKey) : [];
  }
  /** `encryptionKey`, when one was brought. */
  readonly encryptionKey?: kms.IKey;
  /** The functions' subnets and security groups, and the VPC endpoints, with `vpc`. */
  readonly network?: CasewayNetwork;
  /** What the functions may use: each construct provides its resources here, and each function's grants and settings derive from its declaration. */
  readonly functionResources: FunctionResources;

  constructor(scope: Construct, id: string, props: CasewayProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? true;
    const logSettings = { logRetention: props.logRetention, logRemovalPolicy: removalPolicy };

    const resources = (this.functionResources = new FunctionResources(props.reservedConcurrency));
    if (props.vpc) {
      // Before any function is made: every one of them is placed from here.
      this.network = new CasewayNetwork(this, 'Network', props.vpc);
      resources.network = this.network.functionNetwork;
    }
    // Checked before anything is made: a bad sender fails the synth whether or not any function mails.
    const sender = mailSenderOf(props.notifications);
    this.encryptionKey = props.encryptionKey;
    if (props.encryptionKey) assertKeyInRegion(props.encryptionKey, Stack.of(this).region, `${this.node.path}: encryptionKey`);
    const key = props.encryptionKey ? { key: props.encryptionKey } : {};
    this.store = new CaseStore(this, 'Store', { deletionProtection, removalPolicy, casesPerSecond: props.casesPerSecond, ...key });
    resources.provideStore(this.store);
    this.identity = new Identity(this, 'Identity', {
      oidc: props.oidc,
      rolesClaim: props.rolesClaim,
      teamGroups: props.teamGroups,
      roleMapping: props.roleMapping,
      mfaRequired: props.mfaRequired,
      ...(sender.userPoolEmail && sender.identity !== undefined
        ? {
            email: {
              fromAddress: sender.fromAddress,
              identityArn: identityArn(this, sender.identity),
              region: identityRegion(sender.identity),
              configurationSetName: sender.configurationSetName,
            },
          }
        : {}),
      deletionProtection,
      removalPolicy,
    });
    const consoleProps = props.console === false ? undefined : (props.console ?? {});
    if (consoleProps) assertConsoleBuilt(this, consoleProps.buildPath);
    // A console domain of our own is known now; the distribution's generated one only once it exists,
    // and then CORS is set afterwards (see ConsoleCors for why it cannot be declared on the API).
    const consoleDomainOrigin = consoleProps?.domain ? `https://${consoleProps.domain.domainName}` : undefined;
    const corsLater = consoleProps !== undefined && consoleDomainOrigin === undefined;
    const corsOrigins = corsLater ? [] : [...(props.corsOrigins ?? []), ...(consoleDomainOrigin ? [consoleDomainOrigin] : [])];
    resources.provide('identity', identityBinding(this.identity));
    this.attachments = new Attachments(this, 'Attachments', { removalPolicy, corsOrigins, ...key });
    resources.provide('files', filesBinding(this.attachments));
    // Nested stacks along the architecture's seams, so that no template nears CloudFormation's 500
    // resources and each part can grow. The front door is what clients reach: the HTTP API's routes,
    // the live feed's WebSocket API and the console, which must sit together because the API's
    // authorizer and the live feed accept the console's app client, whose sign-in callback is the
    // console's distribution, whose content security policy names the API. The API's functions are
    // a stack of their own (the front door holds their invoke permissions). The back end is what
    // events drive: the bus and its consumers, SLA clocks, routing sweep and devices. What all use
    // (table, identity, attachments, mail, knowledge search) and what watches all (alarms) stay in
    // this stack. References run one way: back end -> front door -> API functions -> this stack.
    this.apiFunctions = new NestedStack(this, 'ApiFunctions', { description: 'Caseway: the functions behind the HTTP API' });
    this.frontDoor = new NestedStack(this, 'FrontDoor', { description: 'Caseway: the HTTP API, the live feed and the console' });
    this.backEnd = new NestedStack(this, 'BackEnd', { description: 'Caseway: the event bus and what events drive' });
    const { frontDoor, backEnd } = this;
    const apiDomain = this.apiDomainOf(props);
    this.api = new CaseApi(frontDoor, 'Api', {
      functionsScope: this.apiFunctions,
      ...(apiDomain
        ? {
            domain: { domainName: apiDomain.domainName, certificateArn: apiDomain.certificateArn },
            disableExecuteApiEndpoint: apiDomain.disableExecuteApiEndpoint,
          }
        : {}),
      store: this.store,
      identity: this.identity,
      attachments: this.attachments,
      resources,
      corsOrigins,
      throttling: props.throttling,
      ...logSettings,
    });
    this.events = new DomainEvents(backEnd, 'Events', {
      store: this.store,
      // Named here, by the deployment's stack, not by the nested stack the bus is in: the name is the same as before the split.
      ...(props.eventBus ? { eventBus: this.assertBusHere(props.eventBus) } : {}),
      ...(props.eventBus && !props.eventBusName ? {} : { eventBusName: props.eventBusName ?? `caseway-${Stack.of(this).stackName}` }),
      rules: props.eventRules,
      resources,
      ...logSettings,
    });

    if (props.apiFirewall) {
      const edgeDomain =
        apiDomain && this.api.domainName
          ? {
              domainName: apiDomain.domainName,
              certificateArn: apiDomain.edgeCertificateArn!,
              regionalDomainName: this.api.domainName.regionalDomainName,
            }
          : undefined;
      ({ edge: this.apiEdge, webAcl: this.apiWebAcl } = this.addApiFirewall(props.apiFirewall, removalPolicy, edgeDomain));
    }
    this.apiUrl = this.apiEdge?.url ?? (apiDomain ? `https://${apiDomain.domainName}` : this.api.api.apiEndpoint);
    this.apiDomainTarget = this.apiEdge && apiDomain ? this.apiEdge.distribution.distributionDomainName : this.api.domainName?.regionalDomainName;

    const searchProfile = props.searchProfile ?? 'production';
    if (searchProfile !== 'production' && searchProfile !== 'development')
      throw new Error(`${this.node.path}: searchProfile must be 'production' or 'development', got '${String(searchProfile)}'`);
    if (props.searchEngine === 'embedded' && props.searchProfile !== undefined)
      throw new Error(`${this.node.path}: searchProfile is the OpenSearch collection's; searchEngine 'embedded' has no collection`);
    this.knowledge = new KnowledgeSearch(this, 'Knowledge', {
      store: this.store,
      engine: props.searchEngine,
      accessLogs: this.attachments.accessLogs,
      removalPolicy,
      standbyReplicas: searchProfile === 'production',
      ...(this.network
        ? {
            vpcEndpoint: {
              vpc: this.network.functionNetwork.vpc,
              subnets: this.network.functionNetwork.subnets,
              securityGroup: this.network.endpointSecurityGroup,
            },
          }
        : {}),
      resources,
      ...logSettings,
    });

    this.devices = new DeviceIngest(backEnd, 'Devices', { store: this.store, resources, ...logSettings });
    // The arming consumer, one of the bus's rule targets, uses this machine: it starts and stops its executions.
    this.slaTimers = new SlaTimers(backEnd, 'SlaTimers', { store: this.store, resources, ...logSettings });
    this.routing = new Routing(backEnd, 'Routing', { store: this.store, resources, ...logSettings });
    // The fan-out is the bus's `live-updates` consumer; the WebSocket API and its connect handler are made here.
    const fanout = this.events.consumers.consumers.find((c) => c.spec.name === 'live-updates');
    if (props.liveDomain) {
      if (!Token.isUnresolved(props.liveDomain.domainName) && !HOST_NAME.test(props.liveDomain.domainName))
        throw new Error(
          `${this.node.path}: liveDomain.domainName must be a host name in lower case, like live.example.com, got '${props.liveDomain.domainName}'`,
        );
      assertCertificateArn(
        props.liveDomain.certificateArn,
        Stack.of(this).region,
        `${this.node.path}: liveDomain.certificateArn (a regional custom domain takes a certificate in the stack's region)`,
      );
      if (!fanout) throw new Error(`${this.node.path}: liveDomain needs the live feed, which is off without the 'live-updates' event rule`);
    }
    this.live = fanout
      ? new LiveUpdates(frontDoor, 'Live', {
          store: this.store,
          identity: this.identity,
          resources,
          ...(props.liveDomain ? { domain: props.liveDomain } : {}),
          ...logSettings,
        })
      : undefined;

    if (props.inboundEmail) {
      this.email = new EmailIntake(this, 'Email', {
        store: this.store,
        recipients: props.inboundEmail.recipients,
        attachments: this.attachments,
        cursorKey: this.api.cursorKey,
        resources,
        removalPolicy,
        ...logSettings,
      });
    }
    // Once every function is made: mail exists when some function of this deployment sends it.
    this.notifications = resources.functions.some((f) => f.uses.email !== undefined)
      ? new Notifications(this, 'Notifications', { resources, ...props.notifications })
      : undefined;

    this.observability = this.watch(props);
    this.alarms = this.observability.alarms;
    if (props.alarmTopic && props.alarmEmails?.length)
      throw new Error(`${this.node.path}: alarmEmails subscribe to the topic Caseway creates; with alarmTopic, subscribe them to that topic`);
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'AlarmTopic', { emails: props.alarmEmails, removalPolicy, ...key }).topic;
    const notify = new cloudwatchActions.SnsAction(this.alarmTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(notify, ...(props.alarmActions ?? []));
      alarm.addOkAction(notify);
    }

    const backupProps = props.backup ?? (deletionProtection ? {} : false);
    if (backupProps) {
      this.backup = new CaseBackup(this, 'Backup', {
        table: this.store.table,
        tableKey: this.store.key,
        buckets: [{ bucket: this.attachments.bucket, key: this.attachments.key }],
        retention: backupProps.retention,
        removalPolicy,
        ...key,
      });
    }

    if (consoleProps) {
      this.console = this.addConsole(consoleProps, props, { corsLater, logRetention: props.logRetention, removalPolicy });
    }
  }

  /** The alarms and the dashboard, from one list of each kind of thing watched. */
  private watch(props: CasewayProps): Observability {
    const busName = this.events.busName;
    const consumers = this.events.consumers.consumers;
    return new Observability(this, 'Observability', {
      api: this.api.api,
      // Every function made from its declaration, wherever it was made.
      functions: this.functionResources.functions.map(({ name, fn }) => ({ name, fn })),
      streams: [
        { name: 'outbox-publisher', fn: this.events.publisher, iteratorAgeAlarm: this.events.publisherStream.iteratorAgeAlarm },
        { name: 'knowledge-indexer', fn: this.knowledge.indexer, iteratorAgeAlarm: this.knowledge.indexerStream.iteratorAgeAlarm },
      ],
      deadLetterQueues: [
        { name: 'outbox-publisher', queue: this.events.deadLetterQueue, alarm: this.events.deadLetterAlarm },
        ...consumers.map((c) => ({ name: c.spec.name, queue: c.deadLetterQueue, alarm: c.deadLetterAlarm })),
        { name: 'knowledge-indexer', queue: this.knowledge.deadLetterQueue, alarm: this.knowledge.deadLetterAlarm },
        { name: 'device-ingest', queue: this.devices.deadLetterQueue, alarm: this.devices.deadLetterAlarm },
        { name: 'routing-sweep', queue: this.routing.deadLetterQueue, alarm: this.routing.deadLetterAlarm },
        ...(this.email ? [{ name: 'email-intake', queue: this.email.deadLetterQueue, alarm: this.email.deadLetterAlarm }] : []),
      ],
      stateMachines: [{ name: 'sla-clock', machine: this.slaTimers.stateMachine, failedAlarm: this.slaTimers.failedAlarm }],
      rules: [
        ...consumers.map((c) => ({ name: c.spec.name, rule: c.rule, busName })),
        { name: 'routing-sweep', rule: this.routing.schedule },
        ...(this.email ? [{ name: 'email-intake', rule: this.email.rule }] : []),
      ],
      slaBreaches: props.slaBreachAlarm,
    });
  }

  private addConsole(
    consoleProps: CasewayConsoleProps,
    props: CasewayProps,
    options: { corsLater: boolean; logRetention?: logs.RetentionDays; removalPolicy: RemovalPolicy },
  ): CasewayConsole {
    const signIn = this.consoleSignIn(consoleProps, props);
    // The stack's own live feed unless the console is pointed elsewhere.
    const liveUrl = consoleProps.liveUrl ?? this.live?.url;
    const liveOrigin = liveUrl && !Token.isUnresolved(liveUrl) ? new URL(liveUrl).origin : liveUrl;
    const hosting = new ConsoleHosting(this.frontDoor, 'Console', {
      connectOrigins: [
        // Through the web ACL when there is one: a console calling the API's own endpoint would pass it by.
        this.apiUrl,
        ...signIn.connectOrigins,
        // Direct uploads and downloads go to the attachment bucket's regional endpoint (presigned URLs).
        `https://${this.attachments.bucket.bucketRegionalDomainName}`,
        ...(liveOrigin ? [liveOrigin] : []),
      ],
      formActionOrigins: signIn.formActionOrigins,
      domain: consoleProps.domain,
      webAclId: consoleProps.webAclId,
      removalPolicy: options.removalPolicy,
    });
    const client = this.identity.userPool ? this.identity.addConsoleClient(hosting.origin, this.frontDoor) : undefined;
    const config: ConsoleConfig = {
      // The $default stage's endpoint: the base URL without a trailing slash.
      apiUrl: this.apiUrl,
      liveUrl: liveUrl ?? null,
      auth: {
        authority: this.identity.issuer,
        clientId: client?.userPoolClientId ?? consoleProps.clientId!,
        scope: CONSOLE_SCOPES.join(' '),
        // Cognito's discovery names no end_session_endpoint: without this, sign-out would leave its session (and the next sign-in would skip the password).
        ...(client && this.identity.signInDomain ? { logoutUrl: `${this.identity.signInDomain.baseUrl()}/logout` } : {}),
      },
    };
    const deployment = new ConsoleDeployment(this.frontDoor, 'ConsoleFiles', {
      hosting,
      config,
      buildPath: consoleProps.buildPath,
      logRetention: options.logRetention,
      logRemovalPolicy: options.removalPolicy,
    });
    const cors = options.corsLater
      ? new ConsoleCors(this.frontDoor, 'ConsoleCors', {
          api: this.api.api,
          attachmentsBucket: this.attachments.bucket,
          origins: [...(props.corsOrigins ?? []), hosting.origin],
          logRetention: options.logRetention,
        })
      : undefined;
    return { hosting, deployment, origin: hosting.origin, client, signInDomain: this.identity.signInDomain, cors };
  }

  /** A brought bus must be in this account and region: rules can only be made on a bus there. */
  private assertBusHere(bus: events.IEventBus): events.IEventBus {
    const stack = Stack.of(this);
    if (Token.isUnresolved(bus.eventBusArn)) return bus;
    const arn = stack.splitArn(bus.eventBusArn, ArnFormat.SLASH_RESOURCE_NAME);
    if (arn.service !== 'events' || arn.resource !== 'event-bus' || !arn.resourceName)
      throw new Error(
        `${this.node.path}: eventBus must be an EventBridge bus (arn:aws:events:<region>:<account>:event-bus/<name>), got '${bus.eventBusArn}'`,
      );
    if (arn.resourceName === 'default')
      throw new Error(
        `${this.node.path}: eventBus must be a custom bus, not the account's default bus: Caseway's archive and rules would share it with every AWS service's events`,
      );
    for (const [what, value, expected] of [
      ['account', arn.account, stack.account],
      ['region', arn.region, stack.region],
    ] as const) {
      if (value !== undefined && !Token.isUnresolved(expected) && value !== expected)
        throw new Error(
          `${this.node.path}: eventBus must be in the stack's ${what} (${expected}): rules are made on the bus, got '${bus.eventBusArn}'`,
        );
    }
    return bus;
  }

  /** `apiDomain` checked, with its defaults: the edge certificate with `apiFirewall`, and whether execute-api answers. */
  private apiDomainOf(
    props: CasewayProps,
  ): (Omit<CasewayApiDomainProps, 'disableExecuteApiEndpoint'> & { disableExecuteApiEndpoint: boolean }) | undefined {
    const domain = props.apiDomain;
    if (!domain) return undefined;
    const where = `${this.node.path}: apiDomain`;
    if (!Token.isUnresolved(domain.domainName) && !HOST_NAME.test(domain.domainName))
      throw new Error(`${where}.domainName must be a host name in lower case, like api.example.com, got '${domain.domainName}'`);
    const region = Stack.of(this).region;
    assertCertificateArn(
      domain.certificateArn,
      region,
      `${where}.certificateArn (API Gateway's regional custom domain takes a certificate in the stack's region)`,
    );
    const firewall = props.apiFirewall !== undefined;
    if (!firewall && domain.edgeCertificateArn !== undefined)
      throw new Error(`${where}.edgeCertificateArn is the distribution's certificate, which exists only with apiFirewall`);
    let edgeCertificateArn = domain.edgeCertificateArn;
    if (firewall && edgeCertificateArn === undefined) {
      if (Token.isUnresolved(domain.certificateArn) || domain.certificateArn.split(':')[3] !== 'us-east-1')
        throw new Error(
          `${where}.edgeCertificateArn is required with apiFirewall: CloudFront takes certificates from us-east-1 only, and certificateArn is not one there (issue or import one for ${domain.domainName} in us-east-1)`,
        );
      edgeCertificateArn = domain.certificateArn;
    }
    return {
      domainName: domain.domainName,
      certificateArn: domain.certificateArn,
      edgeCertificateArn,
      // Behind the web ACL, the execute-api URL is the one way around it.
      disableExecuteApiEndpoint: domain.disableExecuteApiEndpoint ?? firewall,
    };
  }

  private addApiFirewall(
    firewall: CasewayApiFirewallProps,
    removalPolicy: RemovalPolicy,
    domain: ApiEdgeProps['domain'],
  ): { edge: ApiEdge; webAcl?: ApiWebAcl } {
    if (firewall.webAclArn !== undefined) {
      if (firewall.rateLimits)
        throw new Error(
          `${this.node.path}: apiFirewall.rateLimits applies to the web ACL Caseway makes; with apiFirewall.webAclArn set the limits where that ACL is made`,
        );
      assertCloudFrontWebAclArn(firewall.webAclArn);
      return { edge: new ApiEdge(this.frontDoor, 'ApiEdge', { api: this.api.api, webAclArn: firewall.webAclArn, removalPolicy, domain }) };
    }
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && stack.region !== 'us-east-1') {
      throw new Error(
        `${this.node.path}: apiFirewall without webAclArn makes a CLOUDFRONT-scope web ACL, which exists only in us-east-1; this stack is in ${stack.region}. Deploy CasewayEdgeStack to us-east-1 and pass its WebAclArn as apiFirewall.webAclArn.`,
      );
    }
    if (Token.isUnresolved(stack.region)) {
      // An environment-agnostic stack: refuse the deploy in another region before anything is created.
      new CfnRule(stack, 'ApiWebAclRegion', {
        assertions: [
          {
            assert: Fn.conditionEquals(Stack.of(this).region, 'us-east-1'),
            assertDescription:
              'apiFirewall without webAclArn makes a CLOUDFRONT-scope web ACL, which exists only in us-east-1: deploy CasewayEdgeStack there and pass its WebAclArn instead.',
          },
        ],
      });
    }
    const webAcl = new ApiWebAcl(this.frontDoor, 'ApiWebAcl', { rateLimits: firewall.rateLimits, name: `caseway-api-${stack.stackName}` });
    return { edge: new ApiEdge(this.frontDoor, 'ApiEdge', { api: this.api.api, webAclArn: webAcl.arn, removalPolicy, domain }), webAcl };
  }

  /** Where the console signs in, and which origins that takes (CSP connect-src and form-action). */
  private consoleSignIn(consoleProps: CasewayConsoleProps, props: CasewayProps): { connectOrigins: string[]; formActionOrigins: string[] } {
    if (props.oidc) {
      const clientId = consoleProps.clientId;
      if (!clientId)
        throw new Error(
          `${this.node.path}: with an external OIDC provider the console needs console.clientId (its app client there), or console: false`,
        );
      if (!Token.isUnresolved(clientId) && !props.oidc.audience.includes(clientId)) {
        throw new Error(
          `${this.node.path}: console.clientId '${clientId}' is not one of oidc.audience, so the API would refuse the console's tokens`,
        );
      }
      const issuer = Token.isUnresolved(props.oidc.issuer) ? props.oidc.issuer : new URL(props.oidc.issuer).origin;
      return { connectOrigins: [issuer], formActionOrigins: [issuer] };
    }
    const domain = this.identity.addSignInDomain(consoleProps.signInDomain);
    const stack = Stack.of(this);
    // The authority (discovery document, keys) is the pool's issuer; the token endpoint is on the sign-in domain.
    return { connectOrigins: [`https://cognito-idp.${stack.region}.${stack.urlSuffix}`, domain.baseUrl()], formActionOrigins: [domain.baseUrl()] };
  }
}
