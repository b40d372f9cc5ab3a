/**
 * cdk-nag acknowledgements for what CDK Pipelines itself writes: each finding is matched against a
 * known shape, with the reason that shape is acceptable, so a wildcard anyone adds to the pipeline
 * later (a step's own policy, say) is still a finding that fails the synth.
 */
import { Stack, Validations, type App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { wildcardFindings } from '../constructs/nag.js';

const ARTIFACT_ACCESS =
  "the grant CDK Pipelines gives a step on the pipeline's own artifact bucket and its KMS key (object-level actions within that one bucket, data keys of that one key)";

/** Known shapes of the wildcards CDK Pipelines writes, each with why it is acceptable. */
export const PIPELINE_WILDCARDS: readonly { readonly finding: RegExp; readonly reason: string }[] = [
  {
    finding: /^AwsSolutions-IAM5\[Action::(s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*|kms:(GenerateDataKey|ReEncrypt)\*)\]$/,
    reason: ARTIFACT_ACCESS,
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::(<\w*ArtifactsBucket\w*\.Arn>|arn:aws[\w-]*:s3:::[a-z0-9-]*-support-[a-z0-9-]*)\/\*\]$/i,
    reason: ARTIFACT_ACCESS,
  },
  {
    finding:
      /^AwsSolutions-IAM5\[Resource::arn:aws[\w-]*:(logs:[\w-]+:\d{12}:log-group:\/aws\/codebuild\/|codebuild:[\w-]+:\d{12}:report-group\/)[^\]]*\]$/,
    reason: 'CodeBuild writes its own log group and test reports, whose names it chooses at run time under its project name.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::arn:\*:iam::\d{12}:role\/\*\]$/,
    reason: 'Self-mutation assumes only the CDK bootstrap roles: the statement is conditioned on their aws-cdk:bootstrap-role tag.',
  },
  {
    finding: /^AwsSolutions-IAM5\[Resource::\*\]$/,
    reason:
      "Actions without resource-level permissions that CDK Pipelines needs (cloudformation:DescribeStacks, codebuild:StartBuild of asset jobs), and KMS use of the other regions' replication keys, which CloudFormation names at deploy time.",
  },
];

const ARTIFACT_LOGS =
  "Pipeline artifacts are transient build outputs read only by the pipeline's own roles; every access is an API call CloudTrail records, and an access-log bucket for them would itself need one.";

/** Acknowledge the pipeline's known wildcards, and its artifact buckets' missing access logs, once the pipeline is built. */
export function acknowledgePipelineFindings(app: App, pipelineScope: IConstruct): void {
  // CDK Pipelines builds the pipeline in an aspect, before validation hooks run: its roles exist by then.
  pipelineScope.node.addValidation({
    validate: () => {
      for (const role of pipelineScope.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role)) {
        const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
        if (!policy) continue;
        for (const id of wildcardFindings(role, policy.document)) {
          const known = PIPELINE_WILDCARDS.find((w) => w.finding.test(id));
          if (known) Validations.of(role).acknowledge({ id, reason: known.reason });
        }
      }
      // The replication buckets live in support stacks of their own, one per other region, at the app's root.
      const buckets = [pipelineScope, ...app.node.children.filter((c) => c instanceof Stack && c.node.id.startsWith('cross-region-stack'))].flatMap(
        (scope) => scope.node.findAll().filter((c): c is s3.Bucket => c instanceof s3.Bucket),
      );
      for (const bucket of buckets) Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: ARTIFACT_LOGS });
      return [];
    },
  });
}
