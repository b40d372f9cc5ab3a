/**
 * Caseway as one construct, for an organisation that wants the platform inside its
 * own CDK app: `new Caseway(this, 'Cases', { ... })`. `CasewayStack` is just this
 * plus outputs.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Attachments } from './constructs/attachments.js';
import { CaseApi, type ThrottleProps } from './constructs/case-api.js';
import { CaseStore } from './constructs/case-store.js';
import { DomainEvents } from './constructs/domain-events.js';
import { Identity, type ExternalOidc } from './constructs/identity.js';
import { Observability } from './constructs/observability.js';
import { KnowledgeSearch } from './constructs/knowledge-search.js';
import { Routing } from './constructs/routing.js';
import { functions as functionSpecs, type FunctionName } from './topology/routes.js';

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
  /** The knowledge search collection, its indexer and its dead-letter queue. */
  readonly knowledge: KnowledgeSearch;
  /** The routing consumer, its sweep schedule and their dead-letter queue. */
  readonly routing: Routing;
  /** API, function and dead-letter alarms. */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: CasewayProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const deletionProtection = props.deletionProtection ?? true;
    const logSettings = { logRetention: props.logRetention, logRemovalPolicy: removalPolicy };

    this.store = new CaseStore(this, 'Store', { deletionProtection, removalPolicy });
    this.identity = new Identity(this, 'Identity', {
      oidc: props.oidc,
      rolesClaim: props.rolesClaim,
      mfaRequired: props.mfaRequired,
      deletionProtection,
      removalPolicy,
    });
    this.attachments = new Attachments(this, 'Attachments', { removalPolicy, corsOrigins: props.corsOrigins });
    this.api = new CaseApi(this, 'Api', {
      store: this.store,
      identity: this.identity,
      attachments: this.attachments,
      corsOrigins: props.corsOrigins,
      throttling: props.throttling,
      ...logSettings,
    });
    this.events = new DomainEvents(this, 'Events', { store: this.store, eventBusName: props.eventBusName, ...logSettings });

    this.knowledge = new KnowledgeSearch(this, 'Knowledge', {
      store: this.store,
      searchFunctions: (Object.keys(functionSpecs) as FunctionName[]).filter((name) => functionSpecs[name].searchAccess).map((name) => this.api.functions[name]),
      ...logSettings,
    });

    this.routing = new Routing(this, 'Routing', { store: this.store, bus: this.events.bus, ...logSettings });

    const observability = new Observability(this, 'Observability', {
      api: this.api.api,
      functions: { ...this.api.functions, 'outbox-publisher': this.events.publisher, 'knowledge-indexer': this.knowledge.indexer, 'routing-consumer': this.routing.consumer, 'routing-sweep': this.routing.sweep },
    });
    this.alarms = [...observability.alarms, this.events.deadLetterAlarm, this.knowledge.deadLetterAlarm, this.routing.deadLetterAlarm];
    for (const alarm of this.alarms) alarm.addAlarmAction(...(props.alarmActions ?? []));
  }
}
