/**
 * Caseway as one construct, for an organisation that wants the platform inside its
 * own CDK app: `new Caseway(this, 'Cases', { ... })`. `CasewayStack` is just this
 * plus outputs.
 */
import { NestedStack, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
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
import { Observability } from './constructs/observability.js';
import { KnowledgeSearch } from './constructs/knowledge-search.js';
import { EmailIntake } from './constructs/email-intake.js';
import { SlaTimers } from './constructs/sla-timers.js';
import { Routing } from './constructs/routing.js';
import { LiveUpdates } from './constructs/live-updates.js';
import type { EventRuleSpec } from '#topology/event-rules.js';
import { Notifications, identityArn, identityRegion, mailSenderOf, type MailSenderProps } from './constructs/notifications.js';
import { FunctionResources, identityBinding, filesBinding } from './constructs/function-resources.js';
import type { Role } from '#core/caller.js';

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
   * Where every Caseway alarm notifies (for example an SNS topic action).
   * @default - alarms change state without notifying anyone
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
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
}

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
  /** The knowledge search collection, its indexer and its dead-letter queue. */
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
  /** API, function and dead-letter alarms. */
  readonly alarms: cloudwatch.Alarm[];
  /** The web console, unless `console: false`. */
  readonly console?: CasewayConsole;
  /** The nested stack of the HTTP API's functions. */
  readonly apiFunctions: NestedStack;
  /** The nested stack of the HTTP API, the live feed and the console. */
  readonly frontDoor: NestedStack;
  /** The nested stack of the event bus, its consumers, the SLA clocks, the routing sweep and device ingest. */
  readonly backEnd: NestedStack;
  /** What the functions may use: each construct provides its resources here, and each function's grants and settings derive from its declaration. */
  readonly functionResources: FunctionResources;

  constructor(scope: Construct, id: string, props: CasewayProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? true;
    const logSettings = { logRetention: props.logRetention, logRemovalPolicy: removalPolicy };

    const resources = (this.functionResources = new FunctionResources());
    // Checked before anything is made: a bad sender fails the synth whether or not any function mails.
    const sender = mailSenderOf(props.notifications);
    this.store = new CaseStore(this, 'Store', { deletionProtection, removalPolicy });
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
    this.attachments = new Attachments(this, 'Attachments', { removalPolicy, corsOrigins });
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
    this.api = new CaseApi(frontDoor, 'Api', {
      functionsScope: this.apiFunctions,
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
      eventBusName: props.eventBusName ?? `caseway-${Stack.of(this).stackName}`,
      rules: props.eventRules,
      resources,
      ...logSettings,
    });

    this.knowledge = new KnowledgeSearch(this, 'Knowledge', {
      store: this.store,
      resources,
      ...logSettings,
    });

    this.devices = new DeviceIngest(backEnd, 'Devices', { store: this.store, resources, ...logSettings });
    // The arming consumer, one of the bus's rule targets, uses this machine: it starts and stops its executions.
    this.slaTimers = new SlaTimers(backEnd, 'SlaTimers', { store: this.store, resources, ...logSettings });
    this.routing = new Routing(backEnd, 'Routing', { store: this.store, resources, ...logSettings });
    // The fan-out is the bus's `live-updates` consumer; the WebSocket API and its connect handler are made here.
    const fanout = this.events.consumers.consumers.find((c) => c.spec.name === 'live-updates');
    this.live = fanout ? new LiveUpdates(frontDoor, 'Live', { store: this.store, identity: this.identity, resources, ...logSettings }) : undefined;

    const observability = new Observability(this, 'Observability', {
      api: this.api.api,
      functions: {
        ...this.api.functions,
        'outbox-publisher': this.events.publisher,
        'knowledge-indexer': this.knowledge.indexer,
        'device-ingest': this.devices.function,
        'sla-timer-check': this.slaTimers.taskFunctions.CheckStep!,
        'routing-sweep': this.routing.sweep,
      },
    });
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

    this.alarms = [
      ...observability.alarms,
      ...this.events.alarms,
      this.knowledge.deadLetterAlarm,
      this.devices.deadLetterAlarm,
      this.slaTimers.failedAlarm,
      this.routing.deadLetterAlarm,
      ...(this.email ? [this.email.deadLetterAlarm] : []),
    ];
    for (const alarm of this.alarms) alarm.addAlarmAction(...(props.alarmActions ?? []));

    if (consoleProps) {
      this.console = this.addConsole(consoleProps, props, { corsLater, logRetention: props.logRetention, removalPolicy });
    }
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
        this.api.api.apiEndpoint,
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
      apiUrl: this.api.api.apiEndpoint,
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
