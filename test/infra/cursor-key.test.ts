/**
 * The cursor key in AWS: one generated secret, its ARN given to and readable by
 * exactly the functions whose topology entry pages listings, and nothing cdk-nag
 * leaves unacknowledged. Bundling is skipped: this is about the template alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions, type FunctionName } from '#topology/routes.js';
import {
  functionIdByDescription,
  nagFindings,
  removeSynthOutput,
  resources,
  roleIdOf,
  statementsOf,
  synthCaseway,
  type Synthesized,
} from './synth.js';

let s: Synthesized;
let secretId: string;
let findings: string[];
beforeAll(() => {
  // With inbound email: its intake function pages too.
  s = synthCaseway({ inboundEmail: { recipients: ['help.example.com'] }, console: false }, { bundle: false });
  findings = nagFindings(s.app);
  const secrets = Object.keys(resources(s.template, 'AWS::SecretsManager::Secret'));
  expect(secrets).toHaveLength(1);
  secretId = secrets[0]!;
}, 120_000);
afterAll(removeSynthOutput);

const PAGING = (Object.keys(functions) as FunctionName[]).filter((name) => functions[name].pages);
/** Functions outside the route table that page: email intake reads a case's attachments page by page. */
const OTHER_PAGING = ['Inbound email: a message SES stored in S3 -> the intake service'];
const pagingIds = () =>
  [...PAGING.map((name) => functions[name].description), ...OTHER_PAGING]
    .map((description) => functionIdByDescription(s.template, description))
    .sort();
const refersToSecret = (value: unknown): boolean => JSON.stringify(value ?? null).includes(`"Ref":"${secretId}"`);

describe('cursor key', () => {
  it('is a secret with a generated random value of 64 characters, deleted with the stack', () => {
    const secret = resources(s.template, 'AWS::SecretsManager::Secret')[secretId]!;
    expect(secret.Properties).toMatchObject({ GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false } });
    expect(secret.Properties).not.toHaveProperty('SecretString');
    expect(s.template.toJSON().Resources[secretId].DeletionPolicy).toBe('Delete');
  });

  it('the functions marked as paging are the ones whose code pages a listing', () => {
    expect(PAGING.sort()).toEqual(
      [
        'assets',
        'case-attachments',
        'case-handoff',
        'case-links',
        'case-tasks',
        'cases-bulk',
        'cases-history',
        'cases-list',
        'channels',
        'comments-list',
        'knowledge-articles',
        'notifications',
      ].sort(),
    );
  });

  it('its ARN is in the environment of exactly the paging functions', () => {
    for (const [id, fn] of Object.entries(resources(s.template, 'AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      if (pagingIds().includes(id)) expect(variables.CURSOR_KEY_SECRET_ARN, id).toEqual({ Ref: secretId });
      else {
        expect(variables, id).not.toHaveProperty('CURSOR_KEY_SECRET_ARN');
        expect(variables, id).not.toHaveProperty('CURSOR_KEY');
      }
    }
  });

  it('only the paging functions may read it, with GetSecretValue on that secret alone', () => {
    const readers = new Set<string>();
    for (const [id, fn] of Object.entries(resources(s.template, 'AWS::Lambda::Function'))) {
      const statements = statementsOf(s.template, roleIdOf(s.template, id));
      const onSecret = statements.filter((st) => refersToSecret(st.Resource));
      const getters = statements.filter(
        (st) =>
          st.Effect === 'Allow' && [st.Action].flat().some((a) => a === 'secretsmanager:GetSecretValue' || a === 'secretsmanager:*' || a === '*'),
      );
      // No wildcard grant elsewhere could reach it either.
      for (const st of getters) expect(st.Resource, String(fn.Properties.Description)).toEqual({ Ref: secretId });
      if (onSecret.length > 0) readers.add(id);
    }
    expect([...readers].sort()).toEqual(pagingIds());
    for (const id of pagingIds()) {
      const statements = statementsOf(s.template, roleIdOf(s.template, id)).filter((st) => refersToSecret(st.Resource));
      expect([...new Set(statements.flatMap((st) => [st.Action].flat()))].sort(), id).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
    }
  });

  it('no other principal is granted it: no resource policy opens it up', () => {
    expect(Object.values(resources(s.template, 'AWS::SecretsManager::ResourcePolicy'))).toEqual([]);
  });

  it('cdk-nag finds nothing unacknowledged', () => {
    expect(findings).toEqual([]);
  });
});
