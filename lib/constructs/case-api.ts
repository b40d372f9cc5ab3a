/**
 * The HTTP API, built from the route table in `functions/topology/routes.ts`: one Lambda
 * per HTTP function in the registry (`functionFor`: its grants and settings derive
 * from its declaration), one route per entry in `routes`, and `$default` for the
 * rest. The local gateway reads the same table, so the two cannot disagree on what
 * exists or which routes need a token.
 */
import { Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { mapRegionalDomain, type CustomDomain } from './regional-domain.js';
import { Construct } from 'constructs';
import { defaultRoute, functions as functionSpecs, routes, type FunctionName, type RouteSpec } from '#topology/routes.js';
import type { Attachments } from './attachments.js';
import type { CaseStore } from './case-store.js';
import { cursorKeyBinding, functionFor, FunctionResources } from './function-resources.js';
import type { Identity } from './identity.js';

/** Stage-wide request limits. */
export interface ThrottleProps {
  /**
   * Requests the stage absorbs in a burst.
   * @default 200
   */
  readonly burstLimit?: number;
  /**
   * Sustained requests per second.
   * @default 100
   */
  readonly rateLimit?: number;
}

export interface CaseApiProps {
  /** The case table the handlers read and write. */
  readonly store: CaseStore;
  /** Whose tokens the JWT authorizer accepts, and where roles are in them. */
  readonly identity: Identity;
  /**
   * Where the functions (and the cursor key, which only they read) are made: a nested stack of
   * their own keeps the API's stack small. The API's invoke permissions stay beside its routes.
   * @default - this construct
   */
  readonly functionsScope?: Construct;
  /**
   * The attachment bucket, for the functions whose declaration uses `files`.
   * @default - none: synth fails if a function needs it
   */
  readonly attachments?: Attachments;
  /**
   * The stack's resources the functions' declarations draw grants and settings from; this API adds its cursor key.
   * @default - made of `store`, `identity` and `attachments`
   */
  readonly resources?: FunctionResources;
  /**
   * Retention of the function logs and the access log.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Browser origins allowed to call the API, e.g. `https://support.example.com`.
   * @default - none: CORS is off and only non-browser channels can call
   */
  readonly corsOrigins?: string[];
  /**
   * Stage throttling.
   * @default { burstLimit: 200, rateLimit: 100 }
   */
  readonly throttling?: ThrottleProps;
  /**
   * Serve the API on a domain of your own: an API Gateway regional custom domain with its certificate
   * (ACM, in the stack's region) and the `$default` stage mapped at its root. Point the domain's DNS at
   * `domainName.regionalDomainName` (or, behind CloudFront, point the distribution there).
   * @default - only the execute-api endpoint
   */
  readonly domain?: CustomDomain;
  /**
   * Turn the `https://<api id>.execute-api.<region>.amazonaws.com` endpoint off, so that clients can
   * reach the API only through `domain` (and whatever fronts it). Needs `domain`.
   * @default false
   */
  readonly disableExecuteApiEndpoint?: boolean;
}

/** Headers the handlers read (`If-Match`, `Idempotency-Key`) and the ones clients need back. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'if-match', 'idempotency-key'];
export const CORS_EXPOSE_HEADERS = ['etag', 'location', 'allow', 'retry-after'];
/** How long a browser may reuse a preflight answer. */
const CORS_MAX_AGE = Duration.hours(1);

/**
 * The API's CORS configuration in API Gateway's own shape (UpdateApi, and CloudFormation's
 * CorsConfiguration): what `CaseApi` declares, and what `ConsoleCors` applies when it cannot be declared.
 * Bearer tokens, no cookies: credentials are never allowed.
 */
export function apiCorsConfiguration(origins: string[]): Record<string, unknown> {
  return {
    AllowOrigins: origins,
    AllowMethods: corsMethods(),
    AllowHeaders: CORS_ALLOW_HEADERS,
    ExposeHeaders: CORS_EXPOSE_HEADERS,
    MaxAge: CORS_MAX_AGE.toSeconds(),
    AllowCredentials: false,
  };
}

/**
 * Why each public route is public: the cdk-nag acknowledgement of AwsSolutions-APIG4
 * quotes it. A route added to the topology with `auth: 'none'` fails the synth until
 * someone writes down here why it needs no token.
 */
const PUBLIC_ROUTE_REASONS: Readonly<Record<string, string>> = {
  'GET /openapi.json': 'clients and code generators fetch the API description before they hold a token, and it describes the API, not any case',
  'GET /events/schemas': 'partners read the shapes of the events on the bus before they hold a token; the schemas describe events, not any case',
  'GET /events/schemas/{type}':
    'partners read the shapes of the events on the bus before they hold a token; the schemas describe events, not any case',
};

/** One JSON object per request: enough to trace a call through API Gateway without a body. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

export class CaseApi extends Construct {
  /** The HTTP API. */
  readonly api: apigw.HttpApi;
  /** The `$default` stage, with access logs and throttling. */
  readonly stage: apigw.HttpStage;
  /** The API's base URL (ends with `/`): on `domain` when there is one, else the stage's execute-api URL. */
  readonly url: string;
  /** One Lambda per entry in the topology's `functions`. */
  readonly functions: Record<FunctionName, NodejsFunction>;
  /** The access log group. */
  readonly accessLogs: logs.LogGroup;
  /** The key listing cursors are sealed with: readable only by the functions whose declaration uses `cursorKey`. */
  readonly cursorKey: secretsmanager.Secret;
  /** The regional custom domain, with `domain`. */
  readonly domainName?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: CaseApiProps) {
    super(scope, id);
    const { store, identity } = props;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    // A cursor can point at a case the caller may not see, so cursors are sealed (functions/adapters/dynamodb/cursor.ts).
    const functionsScope = props.functionsScope ?? this;
    this.cursorKey = new secretsmanager.Secret(functionsScope, 'CursorKey', {
      description: 'Caseway: the key listing cursors are sealed with (AES-256-GCM, derived with HKDF)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // It holds nothing worth keeping: a new one only turns cursors already handed out into 400s.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.cursorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated on a schedule: the key only seals listing cursors, which expire 24 h after they are issued and hold nothing but positions in listings. Rotating it by hand (put a new random value) needs no code: functions read it at cold start, and until every warm instance has restarted a cursor sealed under one key and presented to an instance holding the other answers 400 invalid_cursor, so clients start that listing again; never a leak or a 500. A rotation Lambda would add a privileged function for no gain.',
    });
    const resources = props.resources ?? FunctionResources.of({ store, identity, ...(props.attachments ? { attachments: props.attachments } : {}) });
    resources.provide('cursorKey', cursorKeyBinding(this.cursorKey));
    this.functions = {} as Record<FunctionName, NodejsFunction>;
    const integrations = {} as Record<FunctionName, HttpLambdaIntegration>;
    for (const name of Object.keys(functionSpecs) as FunctionName[]) {
      const fn = functionFor(functionsScope, name, name, { resources, logRetention, logRemovalPolicy }).function;
      this.functions[name] = fn;
      // One invoke permission per function for the whole API, not one per route: a stack holds at most
      // 500 resources, and 84 routes' permissions alone took 93 of them. The function serves no other API.
      integrations[name] = new HttpLambdaIntegration(`${name}-integration`, fn, { scopePermissionToRoute: false });
    }

    if (props.disableExecuteApiEndpoint && !props.domain)
      throw new Error(`${this.node.path}: disableExecuteApiEndpoint needs a domain: without one nothing would answer for the API`);
    const corsOrigins = props.corsOrigins ?? [];
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Caseway case management API',
      ...(props.disableExecuteApiEndpoint ? { disableExecuteApiEndpoint: true } : {}),
      // The stage is made below, where its access logs and throttling can be set.
      createDefaultStage: false,
      ...(corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: corsOrigins,
              allowMethods: corsMethods(),
              allowHeaders: CORS_ALLOW_HEADERS,
              exposeHeaders: CORS_EXPOSE_HEADERS,
              maxAge: CORS_MAX_AGE,
              allowCredentials: false,
            },
          }
        : {}),
    });

    const jwt = new HttpJwtAuthorizer('JwtAuthorizer', identity.issuer, {
      // Read at synthesis: clients registered after the API (the console's, which needs the console's
      // origin, which needs the API's) are accepted too.
      jwtAudience: Lazy.list({ produce: () => identity.audience }),
      identitySource: ['$request.header.Authorization'],
    });
    const authorizerFor = (auth: RouteSpec['auth']): apigw.IHttpRouteAuthorizer => (auth === 'jwt' ? jwt : new apigw.HttpNoneAuthorizer());

    assertPublicRoutesHoldNoData();
    for (const route of routes) {
      const httpRoute = new apigw.HttpRoute(this, routeId(route), {
        httpApi: this.api,
        routeKey: apigw.HttpRouteKey.with(route.path, apigw.HttpMethod[route.method]),
        integration: integrations[route.fn],
        authorizer: authorizerFor(route.auth),
      });
      if (route.auth === 'none') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design: ${PUBLIC_ROUTE_REASONS[`${route.method} ${route.path}`]}. Its function '${route.fn}' has no table access (checked at synth), so no case data is reachable without a JWT.`,
        });
      }
    }

    // Anything no route claims: the fallback answers 404, or 405 with `Allow`, as problem+json.
    // It must run without a token, or an unknown path would look like an auth failure.
    const fallback = new apigw.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: integrations[defaultRoute.fn],
      authorizer: authorizerFor(defaultRoute.auth),
    });
    Validations.of(fallback).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: `The $default route only catches requests that match no route, and '${defaultRoute.fn}' answers them with a 404/405 problem document without touching data (its role has no table access, checked at synth). Requiring a token here would turn every unknown path into a 401.`,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: logRemovalPolicy });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        burstLimit: props.throttling?.burstLimit ?? 200,
        rateLimit: props.throttling?.rateLimit ?? 100,
      },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;
    if (props.domain) {
      this.domainName = mapRegionalDomain(this, props.domain, this.api, this.stage);
      this.url = `https://${props.domain.domainName}/`;
    }
  }
}

/** A readable, stable construct id: `GET /cases/{id}/comments` -> `GET-cases-id-comments`. */
function routeId(route: RouteSpec): string {
  return [
    route.method,
    ...route.path
      .split('/')
      .filter(Boolean)
      .map((part) => part.replace(/[{}]/g, '')),
  ].join('-');
}

/**
 * The acknowledgements of AwsSolutions-APIG4 rest on this: a route without a token
 * has a written reason and is served by a function that cannot read the table.
 * Fail the synth if either stops being true.
 */
function assertPublicRoutesHoldNoData(): void {
  for (const route of [...routes, { ...defaultRoute, method: 'ANY', path: '$default' }]) {
    if (route.auth !== 'none') continue;
    if (functionSpecs[route.fn].tableAccess !== 'none') {
      throw new Error(`Route ${route.method} ${route.path} has no authorizer but its function '${route.fn}' has table access; give it auth: 'jwt'.`);
    }
    if (route.path !== '$default' && !PUBLIC_ROUTE_REASONS[`${route.method} ${route.path}`]) {
      throw new Error(
        `Route ${route.method} ${route.path} has no authorizer; say why in PUBLIC_ROUTE_REASONS (lib/constructs/case-api.ts) or give it auth: 'jwt'.`,
      );
    }
  }
}

/** Every method some route answers, so the preflight never allows more than the API does. */
function corsMethods(): apigw.CorsHttpMethod[] {
  const methods = new Set(routes.map((route) => route.method));
  return [...[...methods].map((method): apigw.CorsHttpMethod => apigw.CorsHttpMethod[method]), apigw.CorsHttpMethod.OPTIONS];
}
