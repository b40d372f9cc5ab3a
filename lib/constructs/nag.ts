/**
 * cdk-nag acknowledgements derived from the very value a grant put in the policy,
 * never spelled by hand. cdk-nag names a wildcard resource by the resolved value,
 * flattened (`<Logical.Arn>`, `<AWS::Region>`), and matches an acknowledgement by
 * exact string. A hand-spelled `arn:<AWS::Partition>:states:<AWS::Region>:...`
 * therefore stops matching as soon as the stack has a concrete account and region,
 * when `formatArn` writes `arn:aws:states:eu-west-1:123456789012:...` instead.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** How cdk-nag (utils/flatten-cfn-reference) writes a resolved CloudFormation value. */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node !== null && typeof node === 'object') {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in value) return flatten(value['Fn::Sub']);
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in value) return flatten(value['Fn::ImportValue']);
    if ('Ref' in value) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** The finding cdk-nag's AwsSolutions-IAM5 reports for `resource` (an ARN, tokens and all) in a policy of `scope`'s stack. */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

/** Acknowledge the wildcard in `resource`, as the grant wrote it, on each holder (a function, its role, ...). */
export function acknowledgeWildcardResource(holders: readonly IConstruct[], resource: string, reason: string): void {
  for (const holder of holders) Validations.of(holder).acknowledge({ id: wildcardResourceFinding(holder, resource), reason });
}
