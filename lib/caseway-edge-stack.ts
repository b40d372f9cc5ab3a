/**
 * The API's web ACL, on its own: a CLOUDFRONT-scope web ACL exists only in us-east-1, and Caseway's
 * stack usually lives elsewhere. Deploy this once (bin/app.ts: `-c apiFirewallStack=true`), then give
 * its `WebAclArn` output to the Caseway stack (`-c apiWebAclArn=...`, or `apiFirewall.webAclArn`).
 *
 * Why an ARN handed over rather than `crossRegionReferences`: that feature adds a custom resource
 * (a Lambda reading SSM parameters across regions) to both stacks and couples their updates, so the
 * web ACL could never be replaced while Caseway uses it; an ARN is one string that changes only when
 * the ACL is replaced, which is rare and deliberate.
 */
import { CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiWebAcl, type ApiRateLimits } from './constructs/api-firewall.js';

export interface CasewayEdgeStackProps extends StackProps {
  /** @default DEFAULT_RATE_LIMITS */
  readonly rateLimits?: ApiRateLimits;
}

export class CasewayEdgeStack extends Stack {
  readonly webAcl: ApiWebAcl;

  constructor(scope: Construct, id: string, props: CasewayEdgeStackProps = {}) {
    super(scope, id, props);
    if (!Token.isUnresolved(this.region) && this.region !== 'us-east-1') {
      throw new Error(`${id}: a CLOUDFRONT-scope web ACL can only be created in us-east-1; this stack is in ${this.region}`);
    }
    this.webAcl = new ApiWebAcl(this, 'ApiWebAcl', { rateLimits: props.rateLimits });
    new CfnOutput(this, 'WebAclArn', {
      value: this.webAcl.arn,
      description: "The API's web ACL: pass it to the Caseway stack as -c apiWebAclArn=<this>",
    });
  }
}
