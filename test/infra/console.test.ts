/**
 * The web console in AWS: S3 behind CloudFront with origin access control, security headers with a
 * strict CSP, a PKCE app client, CORS for the console's origin only, config.json from the deployed
 * values, and cdk-nag with nothing left unexplained. Three deployments: on CloudFront's own domain
 * (CORS set after the distribution exists), on a domain of our own (CORS declared), and with an
 * external OIDC provider. The built console is test/infra/fixtures/console (see CONSOLE_FIXTURE).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS } from '#lib/constructs/case-api.js';
import { CONSOLE_CACHE_CONTROL } from '#lib/constructs/console-deployment.js';
import { SPA_FALLBACK_FUNCTION } from '#lib/constructs/console-hosting.js';
import { UPLOAD_CORS } from '#topology/attachments.js';
import { CONSOLE_SIGN_OUT_PATH, ConsoleConfig } from '#topology/console-config.js';
import { routes } from '#topology/routes.js';
import { DEPLOY_ENV, dependencyCycle, nagFindings, removeSynthOutput, render, resources, synthCaseway, type Synthesized } from './synth.js';

afterAll(removeSynthOutput);

const nag = { plugins: (app: Synthesized['app']) => [new AwsSolutionsChecks(app, { verbose: true })] };
type Json = Record<string, unknown>;

const only = (s: Synthesized, type: string): [string, Json] => {
  const entries = Object.entries(resources(s.template, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return [entries[0]![0], entries[0]![1].Properties];
};
const idOf = (s: Synthesized, type: string, match: (id: string, p: Json) => boolean): string => {
  const ids = Object.entries(resources(s.template, type))
    .filter(([id, r]) => match(id, r.Properties))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} matching, found ${ids.length}`);
  return ids[0]!;
};
const customResources = (s: Synthesized, type: string) => Object.values(resources(s.template, type)).map((r) => r.Properties);
const consoleBucketId = (s: Synthesized) => idOf(s, 'AWS::S3::Bucket', (id) => /ConsoleBucket/.test(id));
const distributionId = (s: Synthesized) => only(s, 'AWS::CloudFront::Distribution')[0];
const apiId = (s: Synthesized) => idOf(s, 'AWS::ApiGatewayV2::Api', (_id, p) => p.ProtocolType === 'HTTP');
const liveApiId = (s: Synthesized) => idOf(s, 'AWS::ApiGatewayV2::Api', (_id, p) => p.ProtocolType === 'WEBSOCKET');
/** The stack's own live feed: its WebSocket API's stage URL. */
const liveUrl = (s: Synthesized) => `wss://<${liveApiId(s)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/live`;
const attachmentsBucketId = (s: Synthesized) => idOf(s, 'AWS::S3::Bucket', (_id, p) => p.VersioningConfiguration !== undefined);
const consoleClient = (s: Synthesized) =>
  Object.entries(resources(s.template, 'AWS::Cognito::UserPoolClient')).find(([, c]) => c.Properties.ClientName === 'caseway-console');
const csp = (s: Synthesized) =>
  render(
    (
      only(s, 'AWS::CloudFront::ResponseHeadersPolicy')[1] as {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } };
      }
    ).ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
  );
const directives = (policy: string) => Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

/** config.json as the deployment writes it: the staged file, its deploy-time markers replaced by what they resolve to. */
function configJson(s: Synthesized): unknown {
  const [, entry] = Object.entries(resources(s.template, 'Custom::CDKBucketDeployment')).find(([id]) => /ConsoleFilesEntry/.test(id))!;
  const keys = entry.Properties.SourceObjectKeys as string[];
  const markers = entry.Properties.SourceMarkers as Record<string, unknown>[];
  const index = keys.findIndex((key) => existsSync(join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json')));
  expect(index, 'a staged config.json').toBeGreaterThanOrEqual(0);
  let text = readFileSync(join(s.app.outdir, `asset.${keys[index]!.replace(/\.zip$/, '')}`, 'config.json'), 'utf8');
  for (const [marker, value] of Object.entries(markers[index]!)) text = text.split(marker).join(render(value));
  return JSON.parse(text);
}

describe('on the distribution domain, with the user pool', () => {
  let s: Synthesized;
  let origin: string;
  beforeAll(() => {
    s = synthCaseway({}, { bundle: false, ...nag });
    origin = `https://<${distributionId(s)}.DomainName>`;
  }, 120_000);

  it('keeps the files in a private, encrypted, TLS-only bucket that is no website and logs its access', () => {
    const bucket = resources(s.template, 'AWS::S3::Bucket')[consoleBucketId(s)]!.Properties;
    expect(bucket).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/ConsoleAccessLogs/) } },
    });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
  });

  it('lets only this distribution read the bucket, through origin access control', () => {
    const [, distribution] = only(s, 'AWS::CloudFront::Distribution');
    const [oacId, oac] = only(s, 'AWS::CloudFront::OriginAccessControl');
    expect(oac).toMatchObject({
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const origins = (distribution.DistributionConfig as { Origins: Json[] }).Origins;
    expect(origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [consoleBucketId(s), 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
        S3OriginConfig: { OriginAccessIdentity: '' },
      }),
    ]);
    const policy = Object.values(resources(s.template, 'AWS::S3::BucketPolicy')).find(
      (p) => (p.Properties.Bucket as { Ref: string }).Ref === consoleBucketId(s),
    )!;
    const allows = (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(render((allows[0]!.Condition as { StringEquals: Json }).StringEquals['AWS:SourceArn'])).toBe(
      `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${distributionId(s)}>`,
    );
    expect(render(allows[0]!.Resource)).toBe(`<${consoleBucketId(s)}.Arn>/*`);
  });

  it('serves index.html at the root, HTTPS only, client routes by function, hashed assets long-cached and the rest never', () => {
    const config = only(s, 'AWS::CloudFront::Distribution')[1].DistributionConfig as Json & { DefaultCacheBehavior: Json; CacheBehaviors: Json[] };
    expect(config).toMatchObject({ DefaultRootObject: 'index.html', HttpVersion: 'http2and3', Logging: { Prefix: 'cloudfront/' } });
    expect(config.CustomErrorResponses).toBeUndefined();
    const [functionId] = only(s, 'AWS::CloudFront::Function');
    const [headersId] = only(s, 'AWS::CloudFront::ResponseHeadersPolicy');
    // Managed policies: CachingDisabled and CachingOptimized.
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      ResponseHeadersPolicyId: { Ref: headersId },
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }],
    });
    expect(config.CacheBehaviors).toEqual([
      expect.objectContaining({
        PathPattern: '/static/*',
        ViewerProtocolPolicy: 'redirect-to-https',
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        ResponseHeadersPolicyId: { Ref: headersId },
      }),
    ]);
  });

  it('publishes hashed assets immutable and first, and index.html and config.json uncached, pruning only the latter', () => {
    const deployments = Object.entries(resources(s.template, 'Custom::CDKBucketDeployment'));
    const [assetsId, assets] = deployments.find(([id]) => /ConsoleFilesAssets/.test(id))!;
    const [, entry] = deployments.find(([id]) => /ConsoleFilesEntry/.test(id))!;
    expect(assets.Properties).toMatchObject({
      DestinationBucketKeyPrefix: 'static/',
      Prune: false,
      SystemMetadata: { 'cache-control': CONSOLE_CACHE_CONTROL.hashed },
    });
    expect(entry.Properties).toMatchObject({ Prune: true, Exclude: ['static/*'], SystemMetadata: { 'cache-control': 'no-cache' } });
    expect((entry as { DependsOn?: string[] }).DependsOn).toContain(assetsId);
    expect(CONSOLE_CACHE_CONTROL.hashed).toMatch(/max-age=31536000.*immutable/);
  });

  it('sends a strict Content-Security-Policy naming exactly the API, sign-in, attachment and live feed origins', () => {
    const [domainId] = only(s, 'AWS::Cognito::UserPoolDomain');
    expect(directives(csp(s))).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'font-src': ["'self'"],
      'manifest-src': ["'self'"],
      'connect-src': [
        "'self'",
        `<${apiId(s)}.ApiEndpoint>`,
        'https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>',
        `https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com`,
        `https://<${attachmentsBucketId(s)}.RegionalDomainName>`,
        liveUrl(s),
      ],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': [`https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com`],
    });
  });

  it('sends HSTS for preload, nosniff, no framing, no cross-origin referrer, and a closed permissions policy', () => {
    const config = (
      only(s, 'AWS::CloudFront::ResponseHeadersPolicy')[1] as {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Json; CustomHeadersConfig: { Items: Json[] } };
      }
    ).ResponseHeadersPolicyConfig;
    expect(config.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Preload: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'same-origin', Override: true },
      XSSProtection: { Protection: false, Override: true },
    });
    const custom = Object.fromEntries(config.CustomHeadersConfig.Items.map((h) => [h.Header, h.Value]));
    expect(custom['Permissions-Policy']).toMatch(/^camera=\(\), microphone=\(\), geolocation=\(\)/);
    expect(custom['Cross-Origin-Opener-Policy']).toBe('same-origin');
  });

  it('registers a public console client: authorization code only, PKCE (no secret), openid email profile, URLs on the console origin alone', () => {
    const [, client] = consoleClient(s)!;
    const p = client.Properties;
    expect(p).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 720,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' },
    });
    expect([...(p.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
    expect((p.CallbackURLs as unknown[]).map(render)).toEqual([`${origin}/auth/callback`]);
    expect((p.LogoutURLs as unknown[]).map(render)).toEqual([`${origin}/`]);
  });

  it('lets the JWT authorizer accept ID tokens of both the SRP client and the console client', () => {
    const [consoleClientId] = consoleClient(s)!;
    const appClientId = idOf(s, 'AWS::Cognito::UserPoolClient', (id) => /AppClient/.test(id));
    const [, authorizer] = only(s, 'AWS::ApiGatewayV2::Authorizer');
    expect((authorizer.JwtConfiguration as { Audience: unknown }).Audience).toEqual([{ Ref: appClientId }, { Ref: consoleClientId }]);
  });

  it('allows exactly the console origin to call the API and to upload to the attachment bucket, set once both exist', () => {
    // Declared on the API it would close a cycle (the CSP names the API); see ConsoleCors.
    expect(resources(s.template, 'AWS::ApiGatewayV2::Api')[apiId(s)]!.Properties.CorsConfiguration).toBeUndefined();
    expect(resources(s.template, 'AWS::S3::Bucket')[attachmentsBucketId(s)]!.Properties.CorsConfiguration).toBeUndefined();
    const calls = customResources(s, 'Custom::AWS').map((p) => JSON.parse(render(p.Create)) as { service: string; action: string; parameters: Json });
    const api = calls.find((c) => c.action === 'UpdateApi')!;
    expect(api.parameters).toEqual({
      ApiId: `<${apiId(s)}>`,
      CorsConfiguration: {
        AllowOrigins: [origin],
        AllowCredentials: false,
        AllowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key'],
        ExposeHeaders: ['etag', 'location', 'allow', 'retry-after'],
        AllowMethods: expect.arrayContaining([...new Set(routes.map((r) => r.method)), 'OPTIONS']),
        MaxAge: 3600,
      },
    });
    const bucket = calls.find((c) => c.action === 'PutBucketCors')!;
    expect(bucket.parameters).toEqual({
      Bucket: `<${attachmentsBucketId(s)}>`,
      CORSConfiguration: { CORSRules: [expect.objectContaining({ AllowedOrigins: [origin], AllowedMethods: [...UPLOAD_CORS.allowedMethods] })] },
    });
    // The function applying them may change exactly these two settings.
    const statements = Object.values(resources(s.template, 'AWS::IAM::Policy'))
      .filter((p) => render(p.Properties.PolicyName).includes('ConsoleCors'))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement);
    expect(statements.map((st) => st.Action).sort()).toEqual(['apigateway:PATCH', 's3:PutBucketCORS']);
  });

  it('writes config.json from the deployed API, the pool issuer, the console client, its sign-out endpoint and the live feed', () => {
    const [consoleClientId, client] = consoleClient(s)!;
    const [poolId] = only(s, 'AWS::Cognito::UserPool');
    const [domainId] = only(s, 'AWS::Cognito::UserPoolDomain');
    const config = configJson(s);
    expect(config).toEqual({
      apiUrl: `<${apiId(s)}.ApiEndpoint>`,
      liveUrl: liveUrl(s),
      auth: {
        authority: `https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>/<${poolId}>`,
        clientId: `<${consoleClientId}>`,
        scope: 'openid email profile',
        // Cognito's /logout on the sign-in domain ends its session; the console comes back to a logout URL the client registers.
        logoutUrl: `https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com/logout`,
      },
    });
    expect((client.Properties.LogoutURLs as unknown[]).map(render)).toEqual([`${origin}${CONSOLE_SIGN_OUT_PATH}`]);
    // The shape the console parses, once the tokens are values.
    const deployed = JSON.parse(
      JSON.stringify(config)
        .replace(/<[^>]+ApiEndpoint>/, 'https://abc123.execute-api.eu-west-1.amazonaws.com')
        .replace(/<[^>]+>/g, 'x'),
    );
    expect(ConsoleConfig.safeParse(deployed).success).toBe(true);
  });

  it('outputs the console URL and its client', () => {
    expect(render(s.template.findOutputs('ConsoleUrl').ConsoleUrl!.Value)).toBe(`${origin}/`);
    s.template.hasOutput('ConsoleClientId', { Value: { Ref: consoleClient(s)![0] } });
    s.template.hasOutput('SignInUrl', {});
  });

  it('has no dependency cycle, which CloudFormation would only refuse at deploy time', () => {
    expect(dependencyCycle(s.template.toJSON() as never)).toBeUndefined();
  });

  it('passes cdk-nag, every acknowledgement on the console saying why', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('on a domain of our own, with a sign-in prefix and a live feed', () => {
  let s: Synthesized;
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
  beforeAll(() => {
    s = synthCaseway(
      {
        corsOrigins: ['https://partner.example.org'],
        console: {
          domain: { domainName: 'support.example.com', certificateArn },
          signInDomain: { prefix: 'acme-support' },
          liveUrl: 'wss://live.example.com/feed',
        },
      },
      { bundle: false, ...nag },
    );
  }, 120_000);

  it('declares CORS on the API and the bucket: the given origins and the console domain, nothing else', () => {
    const cors = resources(s.template, 'AWS::ApiGatewayV2::Api')[apiId(s)]!.Properties.CorsConfiguration as Json;
    expect(cors).toMatchObject({
      AllowOrigins: ['https://partner.example.org', 'https://support.example.com'],
      AllowCredentials: false,
      AllowHeaders: CORS_ALLOW_HEADERS,
      ExposeHeaders: CORS_EXPOSE_HEADERS,
    });
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://partner.example.org', 'https://support.example.com'] })] },
    });
    expect(resources(s.template, 'Custom::AWS')).toEqual({});
  });

  it('serves the domain with its certificate and TLS 1.2 at least, and registers the client there', () => {
    expect(only(s, 'AWS::CloudFront::Distribution')[1].DistributionConfig).toMatchObject({
      Aliases: ['support.example.com'],
      ViewerCertificate: { AcmCertificateArn: certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    });
    const p = consoleClient(s)![1].Properties;
    expect(p.CallbackURLs).toEqual(['https://support.example.com/auth/callback']);
    expect(p.LogoutURLs).toEqual(['https://support.example.com/']);
    s.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-support' });
  });

  it('lets the console reach the live feed and tells it where it is', () => {
    expect(directives(csp(s))['connect-src']).toContain('wss://live.example.com');
    const [domainId] = only(s, 'AWS::Cognito::UserPoolDomain');
    expect(directives(csp(s))['form-action']).toEqual([`https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com`]);
    expect((configJson(s) as { liveUrl: unknown }).liveUrl).toBe('wss://live.example.com/feed');
    // Signing out ends the session on the sign-in domain, whichever domain the console is on.
    expect((configJson(s) as { auth: { logoutUrl: unknown } }).auth.logoutUrl).toBe(
      `https://<${domainId}>.auth.<AWS::Region>.amazoncognito.com/logout`,
    );
    expect(render(s.template.findOutputs('ConsoleUrl').ConsoleUrl!.Value)).toBe('https://support.example.com/');
  });

  it('has no dependency cycle and passes cdk-nag without the default-certificate acknowledgement', () => {
    expect(dependencyCycle(s.template.toJSON() as never)).toBeUndefined();
    expect(nagFindings(s.app)).toEqual([]);
    const acks = s.stack.node.findAll().flatMap((c) => c.node.metadata.map((m) => JSON.stringify(m.data)));
    expect(acks.join()).not.toContain('AwsSolutions-CFR4');
  });
});

describe('with an external OIDC provider', () => {
  const oidc = { issuer: 'https://login.example.com/realms/support', audience: ['caseway-web', 'caseway-cli'] };

  it('signs in there with the given client: no Cognito, the issuer in the CSP and in config.json', () => {
    const s = synthCaseway({ oidc, rolesClaim: 'roles', console: { clientId: 'caseway-web' } }, { bundle: false, cdkJsonContext: false, ...nag });
    expect(resources(s.template, 'AWS::Cognito::UserPoolClient')).toEqual({});
    expect(resources(s.template, 'AWS::Cognito::UserPoolDomain')).toEqual({});
    expect(directives(csp(s))['connect-src']).toContain('https://login.example.com');
    expect(directives(csp(s))['form-action']).toEqual(['https://login.example.com']);
    expect((configJson(s) as { auth: unknown }).auth).toEqual({ authority: oidc.issuer, clientId: 'caseway-web', scope: 'openid email profile' });
    expect(nagFindings(s.app)).toEqual([]);
  }, 120_000);

  it('refuses a console without a client there, or with one the API would not accept', () => {
    expect(() => synthCaseway({ oidc }, { bundle: false })).toThrow(/console\.clientId/);
    expect(() => synthCaseway({ oidc, console: { clientId: 'someone-else' } }, { bundle: false })).toThrow(/not one of oidc\.audience/);
  }, 60_000);
});

describe('without the console', () => {
  it('creates no distribution, no console client, no CORS, and says nothing about a console', () => {
    const s = synthCaseway({ console: false }, { bundle: false });
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::Cognito::UserPoolDomain', 'Custom::AWS', 'Custom::CDKBucketDeployment'])
      expect(resources(s.template, type), type).toEqual({});
    expect(consoleClient(s)).toBeUndefined();
    expect(resources(s.template, 'AWS::ApiGatewayV2::Api')[apiId(s)]!.Properties.CorsConfiguration).toBeUndefined();
    expect(Object.keys(s.template.findOutputs('*')).filter((o) => /Console|SignIn/.test(o))).toEqual([]);
  }, 60_000);
});

describe('an unbuilt or mis-built console', () => {
  it('fails the synth, saying how to build it, instead of deploying an empty site', () => {
    expect(() => synthCaseway({ console: { buildPath: join(import.meta.dirname, 'fixtures', 'no-such-build') } }, { bundle: false })).toThrow(
      /the console is not built \(.*index\.html is missing\)\. Run `npm run build:web`/,
    );
  }, 60_000);

  it('fails the synth when the hashed files are not where the cache rules expect them', () => {
    const build = mkdtempSync(join(tmpdir(), 'caseway-console-'));
    writeFileSync(join(build, 'index.html'), '<!doctype html>');
    mkdirSync(join(build, 'assets'));
    writeFileSync(join(build, 'assets', 'index-abc.js'), '');
    expect(() => synthCaseway({ console: { buildPath: build } }, { bundle: false })).toThrow(
      /no static\/ directory; Vite's build\.assetsDir must be CONSOLE_ASSETS_DIR/,
    );
    rmSync(build, { recursive: true });
  }, 60_000);
});

describe('with an explicit account and region', () => {
  it('passes cdk-nag: the acknowledged wildcards follow the literal account and region', () => {
    const s = synthCaseway({}, { bundle: false, env: DEPLOY_ENV, ...nag });
    expect(nagFindings(s.app)).toEqual([]);
    expect(Stack.of(s.stack).region).toBe(DEPLOY_ENV.region);
  }, 120_000);
});

describe('SPA fallback (the CloudFront function)', () => {
  const handler = new Function(`${SPA_FALLBACK_FUNCTION}; return handler;`)() as (event: { request: { uri: string } }) => { uri: string };
  it.each([
    ['/', '/index.html'],
    ['/cases/CASE-1', '/index.html'],
    ['/inbox/', '/index.html'],
    ['/auth/callback', '/index.html'],
    ['/index.html', '/index.html'],
    ['/config.json', '/config.json'],
    ['/static/index-B_zo65Kv.js', '/static/index-B_zo65Kv.js'],
    ['/static/missing-chunk.js', '/static/missing-chunk.js'],
    ['/favicon.ico', '/favicon.ico'],
  ])('%s -> %s', (uri, expected) => {
    expect(handler({ request: { uri } }).uri).toBe(expected);
  });
});

describe('dependencyCycle', () => {
  it('finds a cycle through Ref, GetAtt and DependsOn, and none in a chain', () => {
    expect(
      dependencyCycle({
        Resources: { A: { Properties: { X: { Ref: 'B' } } }, B: { Properties: { Y: { 'Fn::GetAtt': ['C', 'Arn'] } } }, C: { DependsOn: ['A'] } },
      }),
    ).toEqual(['A', 'B', 'C', 'A']);
    expect(
      dependencyCycle({ Resources: { A: { Properties: { X: { Ref: 'B' } } }, B: { Properties: { 'Fn::Sub': '${C}' } }, C: {} } }),
    ).toBeUndefined();
  });
});
