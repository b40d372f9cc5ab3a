/**
 * The API behind CloudFront and a WAF web ACL (`apiFirewall`): the web ACL's rules (rate limits,
 * managed groups), the distribution's behaviour and association, the console pointed through it,
 * the us-east-1 edge stack, bad settings refused at synth, and cdk-nag with nothing unexplained.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, MANAGED_RULE_GROUPS, rateLimits } from '#lib/constructs/api-firewall.js';
import { CasewayEdgeStack } from '#lib/caseway-edge-stack.js';
import { dependencyCycle, nagFindings, newApp, removeSynthOutput, render, resources, synthCaseway, type Synthesized } from './synth.js';

afterAll(removeSynthOutput);

type Json = Record<string, unknown>;
const nag = { plugins: (app: App) => [new AwsSolutionsChecks(app, { verbose: true })] };
const ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/caseway-api/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const US_EAST_1 = { account: '123456789012', region: 'us-east-1' };

const webAcl = (template: Template): Json => {
  const acls = Object.values(resources(template, 'AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]!.Properties;
};
const rule = (acl: Json, name: string) => (acl.Rules as Json[]).find((r) => r.Name === name)!;
const originDomains = (config: Json) => (config.Origins as Json[]).map((o) => render(o.DomainName));
const isApiDistribution = (config: Json) => originDomains(config).some((d) => d.includes('.execute-api.'));
/** The distribution in front of the HTTP API (the console has one too). */
const apiDistribution = (s: Synthesized): Json => {
  const found = Object.values(resources(s.template, 'AWS::CloudFront::Distribution'))
    .map((d) => d.Properties.DistributionConfig as Json)
    .filter(isApiDistribution);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const httpApiId = (s: Synthesized) =>
  Object.entries(resources(s.template, 'AWS::ApiGatewayV2::Api')).find(([, a]) => a.Properties.ProtocolType === 'HTTP')![0];
/** config.json as the deployment writes it (as console.test.ts reads it): the staged file with its markers resolved. */
function configJson(s: Synthesized): { apiUrl: string } {
  const [, entry] = Object.entries(resources(s.template, 'Custom::CDKBucketDeployment')).find(([id]) => /ConsoleFilesEntry/.test(id))!;
  const keys = entry.Properties.SourceObjectKeys as string[];
  const markers = entry.Properties.SourceMarkers as Record<string, unknown>[];
  const staged = (key: string) => join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json');
  const index = keys.findIndex((key) => existsSync(staged(key)));
  let text = readFileSync(staged(keys[index]!), 'utf8');
  for (const [marker, value] of Object.entries(markers[index]!)) text = text.split(marker).join(render(value));
  return JSON.parse(text) as { apiUrl: string };
}

describe('a web ACL made by Caseway (stack in us-east-1)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({ apiFirewall: { rateLimits: { perIp: 1000 } } }, { bundle: false, env: US_EAST_1, ...nag });
  });

  it('is CLOUDFRONT-scoped, allows by default, and rate-limits per IP before the managed groups run', () => {
    const acl = webAcl(s.template);
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    expect((acl.Rules as Json[]).map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'rate-per-ip'],
      [1, 'rate-anonymous-per-ip'],
      [2, 'AWSManagedRulesCommonRuleSet'],
      [3, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    expect(rule(acl, 'rate-per-ip')).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 } },
    });
    expect((rule(acl, 'rate-per-ip').Statement as { RateBasedStatement: Json }).RateBasedStatement.ScopeDownStatement).toBeUndefined();
  });

  it('holds requests without an Authorization header (preflights aside) to a stricter per-IP limit', () => {
    expect(rule(webAcl(s.template), 'rate-anonymous-per-ip')).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'IP',
          Limit: DEFAULT_RATE_LIMITS.anonymousPerIp,
          ScopeDownStatement: {
            AndStatement: {
              Statements: [
                {
                  NotStatement: {
                    Statement: {
                      SizeConstraintStatement: { FieldToMatch: { SingleHeader: { Name: 'authorization' } }, ComparisonOperator: 'GT', Size: 0 },
                    },
                  },
                },
                // CORS preflights carry no token: a browser sends one for each new URL, and they must not count.
                {
                  NotStatement: {
                    Statement: { ByteMatchStatement: { FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchString: 'OPTIONS' } },
                  },
                },
              ],
            },
          },
        },
      },
    });
    expect(DEFAULT_RATE_LIMITS.anonymousPerIp).toBeLessThan(DEFAULT_RATE_LIMITS.perIp);
  });

  it("runs AWS's common and known-bad-input rule groups, only counting oversized bodies", () => {
    const acl = webAcl(s.template);
    for (const group of MANAGED_RULE_GROUPS) {
      const r = rule(acl, group.name);
      expect(r.OverrideAction).toEqual({ None: {} });
      expect((r.Statement as { ManagedRuleGroupStatement: Json }).ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: group.name });
    }
    const common = (rule(acl, 'AWSManagedRulesCommonRuleSet').Statement as { ManagedRuleGroupStatement: Json }).ManagedRuleGroupStatement;
    expect(common.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
  });

  it('is associated with a distribution in front of the HTTP API: no caching, every method, Authorization passed on, HTTPS only', () => {
    const config = apiDistribution(s);
    const [aclId] = Object.keys(resources(s.template, 'AWS::WAFv2::WebACL'));
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(originDomains(config)).toEqual([`<${httpApiId(s)}>.execute-api.us-east-1.<AWS::URLSuffix>`]);
    expect((config.Origins as Json[])[0]!.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
      // AllViewerExceptHostHeader: every viewer header (Authorization too) but Host, which API Gateway routes by.
      OriginRequestPolicyId: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
    expect(config.Logging).toBeDefined();
  });

  it('points the console (config.json and CSP connect-src) and the ApiUrl output at the distribution, not the API endpoint', () => {
    const [id] = Object.entries(resources(s.template, 'AWS::CloudFront::Distribution')).find(([, d]) =>
      isApiDistribution(d.Properties.DistributionConfig as Json),
    )!;
    const edgeUrl = `https://<${id}.DomainName>`;
    expect(configJson(s).apiUrl).toBe(edgeUrl);
    const headers = Object.values(resources(s.template, 'AWS::CloudFront::ResponseHeadersPolicy'))[0]!.Properties as {
      ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } };
    };
    const csp = render(headers.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain(edgeUrl);
    expect(csp).not.toContain(`https://<${httpApiId(s)}>.execute-api`);
    expect(render(s.template.toJSON().Outputs.ApiUrl.Value)).toBe(`${edgeUrl}/`);
    expect(render(s.template.toJSON().Outputs.ApiDirectUrl.Value)).toContain(`<${httpApiId(s)}>.execute-api`);
  });

  it('keeps every template within limits, without cycles, and passes cdk-nag', () => {
    expect(dependencyCycle(s.template.toJSON() as Parameters<typeof dependencyCycle>[0])).toBeUndefined();
    for (const template of s.stacks.values()) expect(Object.keys(template.toJSON().Resources).length).toBeLessThanOrEqual(300);
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('an existing web ACL by ARN (stack in any region)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthCaseway({ apiFirewall: { webAclArn: ACL_ARN } }, { bundle: false, env: { account: '123456789012', region: 'eu-west-1' }, ...nag });
  });

  it('makes no web ACL and associates the given one with the API distribution', () => {
    expect(Object.keys(resources(s.template, 'AWS::WAFv2::WebACL'))).toEqual([]);
    expect(apiDistribution(s).WebACLId).toBe(ACL_ARN);
    expect(originDomains(apiDistribution(s))).toEqual([`<${httpApiId(s)}>.execute-api.eu-west-1.<AWS::URLSuffix>`]);
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(s.app)).toEqual([]);
  });
});

describe('an environment-agnostic stack making its own web ACL', () => {
  it('carries a template rule refusing a deploy outside us-east-1', () => {
    const s = synthCaseway({ apiFirewall: {}, console: false }, { bundle: false });
    const rules = s.template.toJSON().Rules as Record<string, { Assertions: Json[] }>;
    expect(Object.values(rules).flatMap((r) => r.Assertions)).toContainEqual(
      expect.objectContaining({ Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } }),
    );
  });
});

describe('without apiFirewall', () => {
  it('has no web ACL and no distribution in front of the API', () => {
    const s = synthCaseway({ console: false }, { bundle: false });
    expect(Object.keys(resources(s.template, 'AWS::WAFv2::WebACL'))).toEqual([]);
    expect(Object.keys(resources(s.template, 'AWS::CloudFront::Distribution'))).toEqual([]);
  });
});

describe('the edge stack (us-east-1)', () => {
  it('holds the web ACL and outputs its ARN', () => {
    const stack = new CasewayEdgeStack(newApp(), 'CasewayEdge', { env: US_EAST_1, rateLimits: { anonymousPerIp: 100 } });
    const template = Template.fromStack(stack);
    expect(rule(webAcl(template), 'rate-anonymous-per-ip')).toMatchObject({ Statement: { RateBasedStatement: { Limit: 100 } } });
    expect(template.toJSON().Outputs.WebAclArn.Value).toEqual({ 'Fn::GetAtt': [Object.keys(resources(template, 'AWS::WAFv2::WebACL'))[0], 'Arn'] });
    expect(nagFindings(stack)).toEqual([]);
  });

  it('refuses another region', () => {
    expect(() => new CasewayEdgeStack(newApp(), 'CasewayEdge', { env: { account: '123456789012', region: 'eu-west-1' } })).toThrow(
      /only be created in us-east-1; this stack is in eu-west-1/,
    );
  });
});

describe('bad apiFirewall settings are refused at synth, naming the setting', () => {
  const synth =
    (props: Parameters<typeof synthCaseway>[0], region = 'us-east-1') =>
    () =>
      synthCaseway({ console: false, ...props }, { bundle: false, env: { account: '123456789012', region } });

  it.each([
    [{ perIp: 5 }, /rateLimits\.perIp must be an integer from 10 to 2000000000.*got 5/],
    [{ anonymousPerIp: 2.5 }, /rateLimits\.anonymousPerIp must be an integer/],
    [{ windowSeconds: 90 }, /rateLimits\.windowSeconds must be one of 60, 120, 300, 600, got 90/],
  ])('rate limits %j', (limits, message) => {
    expect(() => rateLimits(limits)).toThrow(message);
    expect(synth({ apiFirewall: { rateLimits: limits } })).toThrow(message);
  });

  it.each([
    'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/caseway-api/0a1b2c3d',
    'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/caseway-api/0a1b2c3d',
    '0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  ])('a web ACL that is not CLOUDFRONT-scoped: %s', (webAclArn) => {
    expect(synth({ apiFirewall: { webAclArn } }, 'eu-west-1')).toThrow(/apiFirewall\.webAclArn must be the ARN of a CLOUDFRONT-scope WAFv2 web ACL/);
  });

  it('making a web ACL in a stack outside us-east-1', () => {
    expect(synth({ apiFirewall: {} }, 'eu-west-1')).toThrow(/exists only in us-east-1; this stack is in eu-west-1\. Deploy CasewayEdgeStack/);
  });

  it('rate limits with an existing web ACL', () => {
    expect(synth({ apiFirewall: { webAclArn: ACL_ARN, rateLimits: { perIp: 100 } } })).toThrow(
      /apiFirewall\.rateLimits applies to the web ACL Caseway makes/,
    );
  });
});
