/**
 * A WAF web ACL in front of the HTTP API, and the CloudFront distribution that carries it.
 *
 * AWS WAF cannot be associated with an API Gateway HTTP API (v2) stage: the resource types it
 * protects are CloudFront distributions, REST API stages, Application Load Balancers, AppSync
 * GraphQL APIs, Cognito user pools, App Runner services, Amplify apps and Verified Access instances
 * (AWS WAFV2 API Reference, "Welcome": https://docs.aws.amazon.com/waf/latest/APIReference/Welcome.html;
 * API Gateway guide, "Use AWS WAF to protect your REST APIs in API Gateway"). So the API is put behind
 * a distribution, and the web ACL is a CLOUDFRONT-scope one, which exists only in us-east-1.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { cloudFrontLogBucket } from './cloudfront-logs.js';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Requests one client IP may send in the evaluation window before WAF blocks it (until its rate falls again). */
export interface ApiRateLimits {
  /**
   * Any request, per client IP. Staff behind one NAT address share it: 5000 per 5 minutes is about
   * 17 requests a second from that address; raise it for a larger office.
   * @default 5000
   */
  readonly perIp?: number;
  /**
   * Requests without an `Authorization` header (CORS preflights aside), per client IP: only the public description routes
   * (`/openapi.json`, `/events/schemas`) and the 404/405 fallback answer them, so a client sending
   * many is scraping or probing.
   * @default 300
   */
  readonly anonymousPerIp?: number;
  /**
   * The window WAF counts over, in seconds: 60, 120, 300 or 600.
   * @default 300
   */
  readonly windowSeconds?: number;
}

export const DEFAULT_RATE_LIMITS: Required<ApiRateLimits> = { perIp: 5000, anonymousPerIp: 300, windowSeconds: 300 };

/** WAF's bounds for a rate-based rule's limit, and its evaluation windows. */
const RATE_LIMIT_RANGE = { min: 10, max: 2_000_000_000 };
const WINDOWS = [60, 120, 300, 600];

/** The AWS managed rule groups the web ACL runs, in order, with rules that only count. */
export const MANAGED_RULE_GROUPS: readonly { readonly name: string; readonly countOnly: readonly string[] }[] = [
  // SizeRestrictions_BODY blocks bodies over 8 KB; case descriptions and knowledge articles may be larger,
  // and the handlers already bound every body with their schemas (413/400 problem documents).
  { name: 'AWSManagedRulesCommonRuleSet', countOnly: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', countOnly: [] },
];

/** `limits` with defaults, or an error naming the setting and WAF's rule. */
export function rateLimits(limits: ApiRateLimits = {}): Required<ApiRateLimits> {
  const resolved = { ...DEFAULT_RATE_LIMITS, ...limits };
  for (const name of ['perIp', 'anonymousPerIp'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < RATE_LIMIT_RANGE.min || value > RATE_LIMIT_RANGE.max) {
      throw new Error(
        `apiFirewall.rateLimits.${name} must be an integer from ${RATE_LIMIT_RANGE.min} to ${RATE_LIMIT_RANGE.max} (WAF's bounds), got ${value}`,
      );
    }
  }
  if (!WINDOWS.includes(resolved.windowSeconds)) {
    throw new Error(`apiFirewall.rateLimits.windowSeconds must be one of ${WINDOWS.join(', ')}, got ${resolved.windowSeconds}`);
  }
  return resolved;
}

/** A CLOUDFRONT-scope web ACL's ARN: it lives in us-east-1 under `global/webacl/`. */
const CLOUDFRONT_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/;

/** Refuse, at synth, an ARN CloudFront would refuse at deploy (a REGIONAL web ACL, or a classic WAF id). */
export function assertCloudFrontWebAclArn(arn: string): void {
  if (Token.isUnresolved(arn)) return;
  if (!CLOUDFRONT_WEB_ACL_ARN.test(arn)) {
    throw new Error(
      `apiFirewall.webAclArn must be the ARN of a CLOUDFRONT-scope WAFv2 web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), got '${arn}'`,
    );
  }
}

/** An ACM certificate's ARN. */
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[\w-]+$/;

/**
 * Refuse, at synth, a certificate the service would refuse at deploy: not an ACM certificate ARN, or
 * one in another region than `region` (when both are known). `what` names the setting in the message.
 */
export function assertCertificateArn(arn: string, region: string, what: string): void {
  if (Token.isUnresolved(arn)) return;
  const match = CERTIFICATE_ARN.exec(arn);
  if (!match) throw new Error(`${what} must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got '${arn}'`);
  if (!Token.isUnresolved(region) && match[1] !== region)
    throw new Error(`${what} must be a certificate in ${region}, got one in ${match[1]}: '${arn}'`);
}

export interface ApiWebAclProps {
  /** @default DEFAULT_RATE_LIMITS */
  readonly rateLimits?: ApiRateLimits;
  /**
   * The name of the ACL and the prefix of its CloudWatch metrics.
   * @default 'caseway-api-<stack name>'
   */
  readonly name?: string;
}

/** A CLOUDFRONT-scope web ACL for the API: per-IP rate limits first (cheapest), then AWS managed rules. */
export class ApiWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** What a distribution's `webAclId` takes. */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ApiWebAclProps = {}) {
    super(scope, id);
    const limits = rateLimits(props.rateLimits);
    const name = props.name ?? `caseway-api-${Stack.of(this).stackName}`;
    const visibility = (metric: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${name}-${metric}`,
    });
    const rateRule = (ruleName: string, priority: number, limit: number, scopeDownStatement?: wafv2.CfnWebACL.StatementProperty) => ({
      name: ruleName,
      priority,
      action: { block: {} },
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit,
          evaluationWindowSec: limits.windowSeconds,
          ...(scopeDownStatement ? { scopeDownStatement } : {}),
        },
      },
      visibilityConfig: visibility(ruleName),
    });
    const not = (statement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.StatementProperty => ({ notStatement: { statement } });
    // No token, and not a CORS preflight: browsers send those without Authorization for every new URL.
    const anonymous: wafv2.CfnWebACL.StatementProperty = {
      andStatement: {
        statements: [
          not({
            sizeConstraintStatement: {
              fieldToMatch: { singleHeader: { Name: 'authorization' } },
              comparisonOperator: 'GT',
              size: 0,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          }),
          not({
            byteMatchStatement: {
              fieldToMatch: { method: {} },
              positionalConstraint: 'EXACTLY',
              searchString: 'OPTIONS',
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          }),
        ],
      },
    };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name,
      description: 'Caseway API: per-IP rate limits, AWS managed common and known-bad-input rules',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('all'),
      rules: [
        rateRule('rate-per-ip', 0, limits.perIp),
        rateRule('rate-anonymous-per-ip', 1, limits.anonymousPerIp, anonymous),
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group.name,
          priority: 2 + i,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: group.name,
              ...(group.countOnly.length > 0
                ? { ruleActionOverrides: group.countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
                : {}),
            },
          },
          visibilityConfig: visibility(group.name),
        })),
      ],
    });
    this.arn = this.webAcl.attrArn;
  }
}

export interface ApiEdgeProps {
  /** The HTTP API behind the distribution (its `$default` stage). */
  readonly api: apigw.HttpApi;
  /** The CLOUDFRONT-scope web ACL's ARN. */
  readonly webAclArn: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default Duration.days(365) */
  readonly accessLogRetention?: Duration;
  /**
   * The API on a domain of your own through the distribution: the distribution answers for `domainName`
   * with `certificateArn` (ACM, us-east-1), and its origin is the API's regional custom domain of the same
   * name (`regionalDomainName`), reached with the viewer's Host header so that API Gateway knows which
   * custom domain is asked for and TLS to the origin is checked against that name. The API's execute-api
   * endpoint can then be turned off, and the web ACL is no longer one URL away from being passed by.
   * @default - the distribution's `*.cloudfront.net` name, in front of the execute-api endpoint
   */
  readonly domain?: { readonly domainName: string; readonly certificateArn: string; readonly regionalDomainName: string };
}

/**
 * The API's distribution: nothing cached (every answer depends on the caller), every method, and
 * every viewer header but Host forwarded. AllViewerExceptHostHeader is the managed policy meant for
 * API Gateway origins, which route by their own host name; an origin request policy forwarding all
 * viewer headers is the way to pass `Authorization` on without putting it in a cache key.
 */
export class ApiEdge extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`: the API's base URL through the web ACL (no trailing slash). */
  readonly url: string;
  /** The distribution's standard logs (CloudFront still delivers them by ACL). */
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    assertCloudFrontWebAclArn(props.webAclArn);
    const apiStack = Stack.of(props.api);
    this.accessLogs = cloudFrontLogBucket(this, {
      of: "the API's distribution",
      retention: props.accessLogRetention,
      removalPolicy: props.removalPolicy,
    });
    const { domain } = props;
    if (domain)
      assertCertificateArn(domain.certificateArn, 'us-east-1', 'apiDomain.edgeCertificateArn (CloudFront takes certificates from us-east-1 only)');
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Caseway API (${apiStack.stackName})`,
      defaultBehavior: {
        origin: new origins.HttpOrigin(domain?.regionalDomainName ?? `${props.api.apiId}.execute-api.${apiStack.region}.${apiStack.urlSuffix}`, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // The execute-api endpoint routes by its own host name; a custom domain by the one asked for, the viewer's.
        originRequestPolicy: domain ? cloudfront.OriginRequestPolicy.ALL_VIEWER : cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: false,
      },
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: requesters and partners call the API from wherever they are; the web ACL rate-limits every client IP and the API requires a JWT.',
    });
    if (!domain)
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "With CloudFront's default *.cloudfront.net certificate the viewer TLS policy cannot be chosen (TLSv1 minimum); API clients negotiate TLS 1.2+ anyway, and the origin is reached over TLS 1.2 only.",
      });
  }
}
