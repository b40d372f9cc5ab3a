/**
 * cdk-nag acknowledgements derived from the very value a grant put in the policy,
 * never spelled by hand. cdk-nag names a wildcard resource by the resolved value,
 * flattened (`<Logical.Arn>`, `<AWS::Region>`), and matches an acknowledgement by
 * exact string. A hand-spelled `arn:<AWS::Partition>:states:<AWS::Region>:...`
 * therefore stops matching as soon as the stack has a concrete account and region,
 * when `formatArn` writes `arn:aws:states:eu-west-1:123456789012:...` instead.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
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

/**
 * Run `acknowledge` once the app's references are settled: a value from another stack (the parent's
 * bucket in a nested stack's policy) resolves to that stack's resource until synthesis makes it a
 * parameter, and cdk-nag reads the parameter. Validations run after that step, before cdk-nag.
 */
function onceReferencesSettle(scope: IConstruct, acknowledge: () => void): void {
  scope.node.addValidation({
    validate: () => {
      acknowledge();
      return [];
    },
  });
}

/** Acknowledge the wildcard in `resource`, as the grant wrote it, on each holder (a function, its role, ...). */
export function acknowledgeWildcardResource(holders: readonly IConstruct[], resource: string, reason: string): void {
  for (const holder of holders)
    onceReferencesSettle(holder, () => Validations.of(holder).acknowledge({ id: wildcardResourceFinding(holder, resource), reason }));
}

/** An action or a resource with a wildcard in each statement of `document`, as cdk-nag's AwsSolutions-IAM5 names them. */
export function wildcardFindings(scope: IConstruct, document: iam.PolicyDocument): string[] {
  const resolved = Stack.of(scope).resolve(document.toJSON()) as { Statement?: { Action?: string | string[]; Resource?: unknown }[] } | undefined;
  const findings = new Set<string>();
  for (const statement of resolved?.Statement ?? []) {
    for (const action of ([] as string[]).concat(statement.Action ?? []))
      if (action.includes('*')) findings.add(`AwsSolutions-IAM5[Action::${action}]`);
    for (const resource of ([] as unknown[]).concat(statement.Resource ?? [])) {
      const flat = flatten(resource);
      if (flat.includes('*')) findings.add(`AwsSolutions-IAM5[Resource::${flat}]`);
    }
  }
  return [...findings];
}

/** The finding cdk-nag's AwsSolutions-IAM4 reports for each AWS managed policy `role` holds: its ARN, flattened like any other value. */
function managedPolicyFindings(role: iam.IRole): string[] {
  const managed = Stack.of(role).resolve((role.node.defaultChild as iam.CfnRole | undefined)?.managedPolicyArns) as unknown[] | undefined;
  return (managed ?? []).map((arn) => `AwsSolutions-IAM4[Policy::${flatten(arn)}]`);
}

/** Acknowledge, on `role`, each AWS managed policy it holds. */
export function acknowledgeManagedPolicies(role: iam.Role, reason: string): void {
  onceReferencesSettle(role, () => Validations.of(role).acknowledge(...managedPolicyFindings(role).map((id) => ({ id, reason }))));
}

/**
 * For a function aws-cdk-lib provides (BucketDeployment, AwsCustomResource): acknowledge, on the
 * function, the managed basic-execution policy, the runtime the library chose, and each wildcard its
 * role's default policy holds at this point. Call it once every grant to that role has been made.
 */
export function acknowledgeLibraryFunction(role: iam.IRole, reasons: { wildcards: string; runtime?: string }): void {
  const fn = role.node.scope;
  if (!fn) throw new Error(`${role.node.path}: a role at the root has no function to acknowledge on`);
  onceReferencesSettle(fn, () => acknowledgeLibraryFunctionNow(fn, role, reasons));
}

function acknowledgeLibraryFunctionNow(fn: IConstruct, role: iam.IRole, reasons: { wildcards: string; runtime?: string }): void {
  const acknowledgements = [
    ...managedPolicyFindings(role).map((id) => ({
      id,
      reason:
        'AWSLambdaBasicExecutionRole on a function aws-cdk-lib creates: it only lets the function write its own CloudWatch logs, which is what the inline alternative would say anyway.',
    })),
    ...(reasons.runtime ? [{ id: 'AwsSolutions-L1', reason: reasons.runtime }] : []),
  ];
  const policy = role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
  for (const id of policy ? wildcardFindings(fn, policy.document) : []) acknowledgements.push({ id, reason: reasons.wildcards });
  Validations.of(fn).acknowledge(...acknowledgements);
}
