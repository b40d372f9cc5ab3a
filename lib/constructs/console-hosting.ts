/**
 * Where the web console is served from in AWS: a private S3 bucket that only this CloudFront
 * distribution may read (origin access control), HTTPS, security headers with a strict
 * Content-Security-Policy, and client-side routes answered with index.html. The files themselves are
 * published by `ConsoleDeployment` (console-deployment.ts), which needs the sign-in client that is
 * registered for this construct's `origin` first.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cloudFrontLogBucket } from './cloudfront-logs.js';
import { Construct } from 'constructs';
import { CONSOLE_ASSETS_DIR } from '#topology/console-config.js';

/** A domain name of your own for the console. */
export interface ConsoleDomain {
  /** The host name, e.g. `support.example.com` (you point its DNS record at the distribution). */
  readonly domainName: string;
  /** ARN of an ACM certificate for `domainName`; CloudFront accepts only certificates in us-east-1. */
  readonly certificateArn: string;
}

export interface ConsoleHostingProps {
  /**
   * Origins the console's scripts may connect to besides its own: the API, the sign-in endpoints,
   * the attachment bucket (direct uploads), the live feed. They become the CSP's `connect-src`.
   */
  readonly connectOrigins: string[];
  /**
   * Origins forms may be submitted to: the sign-in domain. They become the CSP's `form-action`.
   */
  readonly formActionOrigins: string[];
  /**
   * Serve the console under this domain instead of the distribution's `*.cloudfront.net` name.
   * @default - the distribution's own domain name
   */
  readonly domain?: ConsoleDomain;
  /**
   * A WAF web ACL (its ARN, created in us-east-1) in front of the distribution.
   * @default - none: the console is static files, the API behind it throttles on its own
   */
  readonly webAclId?: string;
  /**
   * What happens to the buckets when they leave the stack. The console's files can be rebuilt at
   * any time; its access logs may be evidence.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long the CloudFront and S3 access logs are kept.
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
}

/** Where the build puts content-hashed files (a new build never overwrites one), as an S3 key prefix. */
export const HASHED_ASSETS_PREFIX = `${CONSOLE_ASSETS_DIR}/`;

/**
 * Client-side routes (`/cases/CASE-1`) have no file behind them: answer them with index.html and let
 * the router take over. Only extension-less paths are rewritten, so a missing script or stylesheet
 * stays a 403/404 instead of becoming an HTML page with status 200 (which the browser would then
 * refuse as a module with a confusing MIME error, and which CloudFront would cache as a success).
 * That is why this is a viewer-request function and not a distribution-wide 403/404 -> 200 error page.
 */
export const SPA_FALLBACK_FUNCTION = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The Content-Security-Policy, directive by directive.
 * - script-src 'self': Vite emits only files, no inline script and no eval.
 * - style-src 'self' 'unsafe-inline': Mermaid (the admin studio's workflow diagram) writes a <style>
 *   element into each SVG it renders and sets style attributes through setAttribute, and Radix's
 *   dialogs lock scrolling by injecting a <style> element (react-remove-scroll-bar). Their contents
 *   vary per render, so hashes cannot list them, and static hosting cannot hand out per-response
 *   nonces. What inline styles could still do (read the page through CSS selectors) needs a request
 *   to leave the page, which img-src, font-src and connect-src do not allow to any foreign origin.
 * - img-src data: blob:: icons inlined by Vite, and previews of files chosen for upload.
 * - frame-ancestors 'none', base-uri 'none', form-action: no framing, no <base> hijack, forms only to sign-in.
 */
export function contentSecurityPolicy(connectOrigins: readonly string[], formActionOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "manifest-src 'self'",
    ['connect-src', "'self'", ...connectOrigins].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    ['form-action', ...formActionOrigins].join(' '),
  ].join('; ');
}

/** Features the console never uses, so a script that got in cannot ask for them either. */
export const PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()';

export class ConsoleHosting extends Construct {
  /** The console's files. Private: only the distribution reads it. */
  readonly bucket: s3.Bucket;
  /** CloudFront and S3 access logs. */
  readonly accessLogs: s3.Bucket;
  /** The CDN in front of the bucket. */
  readonly distribution: cloudfront.Distribution;
  /** The security headers every response carries. */
  readonly headers: cloudfront.ResponseHeadersPolicy;
  /**
   * The console's origin, `https://<host>` without a trailing slash. A plain string with a custom
   * domain, a token resolving to the distribution's domain name otherwise.
   */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    if (props.domain && !Token.isUnresolved(props.domain.domainName) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(props.domain.domainName)) {
      throw new Error(`${this.node.path}: domain.domainName must be a host name such as support.example.com, got '${props.domain.domainName}'`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // Server access logs delivered by bucket policy, not by the log-delivery group's ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    this.accessLogs = cloudFrontLogBucket(this, {
      of: 'the console (CloudFront and S3 logs)',
      retention: props.accessLogRetention,
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Caseway console: strict CSP, HSTS, no framing, no sniffing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connectOrigins, props.formActionOrigins), override: true },
        // Two years, subdomains included, preload: what the browsers' preload list requires.
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        // Case URLs name cases: never send them to another origin.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override: true },
        // The legacy XSS auditor is itself exploitable; modern guidance is to switch it off, CSP does the job.
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          // Sign-in is a full-page redirect, never a popup, so the console needs no opener.
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const common = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      responseHeadersPolicy: this.headers,
      compress: true,
    };
    const spaFallback = new cloudfront.Function(this, 'SpaFallback', {
      comment: 'Caseway console: client-side routes -> /index.html',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK_FUNCTION),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Caseway console (${Stack.of(this).stackName})`,
      defaultRootObject: 'index.html',
      // index.html, config.json and client routes: never cached at the edge, so a deploy shows at once.
      defaultBehavior: {
        ...common,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        functionAssociations: [{ function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      // Content-hashed files: a changed file gets a new name, so they are cached for as long as allowed.
      additionalBehaviors: { [`/${HASHED_ASSETS_PREFIX}*`]: { ...common, cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED } },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // The TLS policy can only be chosen with a certificate of our own (the default one is fixed at TLSv1).
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclId ? { webAclId: props.webAclId } : {}),
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    this.origin = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: requesters report problems from wherever they are, and the console is static files; who may see what is decided by the API for each signed-in caller.',
    });
    if (!props.webAclId) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default: the distribution serves only static, public files (the console bundle), and the API it calls throttles per stage and requires a JWT. Pass webAclId to put a web ACL in front anyway.',
      });
    }
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "With CloudFront's default *.cloudfront.net certificate the viewer TLS policy cannot be chosen (TLSv1 minimum); browsers negotiate TLS 1.2+ anyway. With a console domain of your own the distribution enforces TLSv1.2_2021 and this finding does not arise.",
      });
    }
  }
}
