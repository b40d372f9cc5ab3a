/**
 * The console's live feed in AWS: an API Gateway WebSocket API whose `$connect`,
 * `$disconnect` and `$default` routes invoke the connect handler (`live-connect` in
 * `functions/topology/functions.ts`; its routes in `live.ts`), and the fan-out consumer on the bus (`live-updates` in `functions/topology/event-rules.ts`,
 * made by `EventConsumers` like every consumer) given the right to post to this
 * API's connections. Both may manage this API's connections on this stage and
 * nothing else; both read and write the table (connections, the recent-event log).
 */
import { Lazy, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { mapRegionalDomain, type CustomDomain } from './regional-domain.js';
import { Construct, type IConstruct } from 'constructs';
import { Validations } from 'aws-cdk-lib';
import type { CaseStore } from './case-store.js';
import { functionFor, FunctionResources } from './function-resources.js';
import type { Identity } from './identity.js';
import { acknowledgeWildcardResource } from './nag.js';

export const LIVE_STAGE = 'live';

export interface LiveUpdatesProps {
  readonly store: CaseStore;
  readonly identity: Identity;
  /**
   * The stack's resources: this adds the ID-token settings and the connections, so the connect
   * handler and every function whose declaration uses `live` (the fan-out consumer) may push.
   * @default - made of `store` and `identity`
   */
  readonly resources?: FunctionResources;
  /**
   * The issuer's JWKS. Cognito's is `<issuer>/.well-known/jwks.json`; an external OpenID provider
   * names its own in its discovery document (`jwks_uri`).
   * @default `${identity.issuer}/.well-known/jwks.json`
   */
  readonly jwksUrl?: string;
  /**
   * Stage throttling: messages (and connects) per second across all connections.
   * @default { burstLimit: 500, rateLimit: 200 }
   */
  readonly throttling?: { readonly burstLimit?: number; readonly rateLimit?: number };
  readonly logRetention?: logs.RetentionDays;
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Serve the feed on a domain of your own: an API Gateway regional custom domain (certificate in the
   * stack's region) with the stage mapped at its root, so `url` is `wss://<domainName>`. The handlers
   * still push through the stage's execute-api callback URL.
   * @default - the stage's execute-api URL
   */
  readonly domain?: CustomDomain;
}

/** The fields of each access log line: enough to follow one connection through its life. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  connectionId: '$context.connectionId',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  status: '$context.status',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

export class LiveUpdates extends Construct {
  readonly api: apigw.WebSocketApi;
  readonly stage: apigw.WebSocketStage;
  /** The connect handler (all three routes). */
  readonly handler: NodejsFunction;
  /** `wss://<api>.execute-api.<region>.amazonaws.com/live`, or `wss://<domain>`: the console's `liveUrl`. */
  readonly url: string;
  /** The regional custom domain, with `domain`: point its DNS at `regionalDomainName`. */
  readonly domainName?: apigw.DomainName;
  /** `https://…/live`: where the handlers post to connections. */
  readonly callbackUrl: string;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: LiveUpdatesProps) {
    super(scope, id);
    const { store, identity } = props;
    const resources = props.resources ?? FunctionResources.of({ store, identity });
    resources.provide('tokens', {
      values: {
        issuer: identity.issuer,
        // Read at synth, not now: the console's app client joins the audience after this construct is made.
        audience: Lazy.string({ produce: () => identity.audience.join(',') }),
        jwksUrl: props.jwksUrl ?? `${identity.issuer}/.well-known/jwks.json`,
      },
      grant: () => undefined,
    });
    const connect = functionFor(this, 'Connect', 'live-connect', {
      resources,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    this.handler = connect.function;

    const integration = (name: string) => new WebSocketLambdaIntegration(name, this.handler);
    this.api = new apigw.WebSocketApi(this, 'Api', {
      description: 'Caseway console live feed: offers, new cases, SLA changes and comments, as the caller may see them',
      connectRouteOptions: { integration: integration('OnConnect') },
      disconnectRouteOptions: { integration: integration('OnDisconnect') },
      defaultRouteOptions: { integration: integration('OnMessage') },
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      ...(props.logRemovalPolicy ? { removalPolicy: props.logRemovalPolicy } : {}),
    });
    this.stage = new apigw.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: LIVE_STAGE,
      autoDeploy: true,
      throttle: { burstLimit: props.throttling?.burstLimit ?? 500, rateLimit: props.throttling?.rateLimit ?? 200 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;
    if (props.domain) {
      this.domainName = mapRegionalDomain(this, props.domain, this.api, this.stage);
      this.url = `wss://${props.domain.domainName}`;
    }
    this.callbackUrl = this.stage.callbackUrl;

    resources.provide('live', {
      values: { push: 'managementApi', connectionsEndpoint: this.callbackUrl },
      grant: (fn) => this.grantManageConnections(fn),
    });

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'A browser cannot send an Authorization header on a WebSocket, so $connect takes no authorizer: the first message carries the ID token, which the handler verifies as strictly as the HTTP API authorizer (issuer, audience, kid, RS256 signature with the JWKS, exp/iat/nbf). An unauthenticated connection is registered nowhere and receives nothing; a refused token closes it.',
    });
  }

  /** Post to and close this API's connections on this stage, and nothing else. */
  private grantManageConnections(fn: lambda.IFunction & IConstruct): void {
    const stack = Stack.of(this);
    const resources = ['POST', 'DELETE'].map((method) =>
      stack.formatArn({ service: 'execute-api', resource: this.api.apiId, resourceName: `${LIVE_STAGE}/${method}/@connections/*` }),
    );
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['execute-api:ManageConnections'], resources }));
    for (const resource of resources) {
      acknowledgeWildcardResource(
        [fn, ...(fn.role ? [fn.role] : [])],
        resource,
        'Connection ids are made by API Gateway as clients connect; the grant is scoped to this API, this stage and the @connections resource.',
      );
    }
  }
}
