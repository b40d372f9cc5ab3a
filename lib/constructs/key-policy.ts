/**
 * Key policy statements Caseway's resources need, on a key it made or on one an enterprise brought.
 * A stack cannot edit the policy of a key it did not make (`kms.Key.fromKeyArn`: the statement is
 * dropped without a word), so each statement is recorded for that key instead, and the deployment
 * prints them (`KeyPolicyStatements` output, docs/deploy.md) for the key's owners to add.
 */
import { Token, type RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** The key an enterprise brought, or else one made in `scope` (id `Key`) for this purpose alone, rotating yearly. */
export function givenOrOwnKey(scope: Construct, given: kms.IKey | undefined, description: string, removalPolicy?: RemovalPolicy): kms.IKey {
  return given ?? new kms.Key(scope, 'Key', { description, enableKeyRotation: true, ...(removalPolicy ? { removalPolicy } : {}) });
}

const pending = new WeakMap<kms.IKey, iam.PolicyStatement[]>();

/** Add `statement` to `key`'s policy, or, where the stack cannot, remember that its owners must. */
export function allowInKeyPolicy(key: kms.IKey, statement: iam.PolicyStatement): void {
  if (key.addToResourcePolicy(statement).statementAdded) return;
  pending.set(key, [...(pending.get(key) ?? []), statement]);
}

/** What `allowInKeyPolicy` could not add to `key`'s policy: for whoever owns the key. */
export function keyPolicyStatementsNotAdded(key: kms.IKey): readonly iam.PolicyStatement[] {
  return pending.get(key) ?? [];
}

/** A KMS key's ARN (not an alias's: IAM grants and DynamoDB name the key itself). */
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/(mrk-)?[0-9a-f-]+$/;

/** Refuse, at synth, a key ARN the services would refuse at deploy: not a key's ARN, or a key of another region. */
export function assertKeyArn(arn: string, region: string, what: string): void {
  if (Token.isUnresolved(arn)) return;
  const match = KEY_ARN.exec(arn);
  if (!match) throw new Error(`${what} must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; not an alias), got '${arn}'`);
  if (!Token.isUnresolved(region) && match[1] !== region)
    throw new Error(`${what} must be a key in the stack's region ${region} (KMS keys are regional), got one in ${match[1]}: '${arn}'`);
}

/** `assertKeyArn` on a key object. */
export function assertKeyInRegion(key: kms.IKey, region: string, what: string): void {
  assertKeyArn(key.keyArn, region, what);
}
