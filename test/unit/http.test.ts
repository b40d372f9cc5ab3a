import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerFromRequest, IDENTITY_ROLE_MAPPING, rolesFromGroups, type RoleMapping } from '#http/caller-from-claims.js';
import { fromMiddlewareError, problemResponse } from '#http/problem.js';
import { DomainError } from '#core/errors.js';
import { ROLES, type Role } from '#core/caller.js';
import { RoleMappingSetting } from '#functions/config.js';
import { createDevIssuer, type SignOptions } from '#lib/local/dev-issuer.js';
import { createJwtAuthorizer } from '#lib/local/jwt-authorizer.js';

// Real RS256 tokens, verified by the local twin of API Gateway's authorizer, which hands
// the handler the claims in API Gateway's flattened string form ("[a b]").
const issuer = await createDevIssuer();
const authorize = createJwtAuthorizer(issuer);
const settings = (roleMapping: RoleMapping = IDENTITY_ROLE_MAPPING) => ({ rolesClaim: issuer.rolesClaim, roleMapping });

async function requestWithGroups(groups: readonly string[], sub = 'u1', options: SignOptions = {}) {
  const token = await issuer.sign({ sub, name: 'Ada', roles: [] }, { ...options, groups });
  const outcome = await authorize(`Bearer ${token}`);
  if (!outcome.authorized) throw new Error(`the authorizer refused the test token: ${outcome.reason}`);
  return { claims: outcome.claims, authorization: `Bearer ${token}` };
}

const rolesOf = (input: Parameters<typeof callerFromRequest>[0], mapping?: RoleMapping): readonly Role[] | 'Forbidden' => {
  try {
    return callerFromRequest(input, settings(mapping)).roles;
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'Forbidden') return 'Forbidden';
    throw error;
  }
};

/** Group names as directories and federated IdPs have them: any characters, heavy on the ones a parser might split on. */
const groupName = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(' ', ',', '"', "'", '[', ']', '{', '}', '\\', '\n', '\r', '\t', '\u00a0', '\u2028', ':', ';', '|', '+') },
    { weight: 3, arbitrary: fc.constantFrom(...ROLES, 'Admin', 'ADMIN') },
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 12,
});

describe("roles from the verified token's groups", () => {
  it('grant exactly the role of each group name in the mapping (default: identity)', async () => {
    expect(rolesOf(await requestWithGroups(['agent', 'other', 'supervisor']))).toEqual(['agent', 'supervisor']);
    expect(callerFromRequest(await requestWithGroups(['agent']), settings())).toEqual({ sub: 'u1', roles: ['agent'], teams: [], name: 'Ada' });
  });

  it('never read a role out of a group name that merely contains one', async () => {
    for (const group of ['IT admin', 'x,admin', '"admin"', '["admin"]', '[admin]', 'admin ', ' admin', 'Admin', 'admin\n', 'admins', 'admin,agent']) {
      expect(rolesOf(await requestWithGroups([group])), group).toBe('Forbidden');
    }
  });

  it('property: no group name, whatever it holds, yields a role other than the one mapped to that exact name', async () => {
    await fc.assert(
      fc.asyncProperty(
        groupName,
        fc.array(fc.tuple(groupName, fc.constantFrom(...ROLES)), { maxLength: 4 }),
        fc.boolean(),
        async (group, entries, mapIt) => {
          const mapping = new Map<string, Role>(entries);
          if (mapIt) mapping.set(group, entries[0]?.[1] ?? 'admin');
          const expected = mapping.has(group) ? [mapping.get(group)!] : 'Forbidden';
          expect(rolesOf(await requestWithGroups([group]), mapping)).toEqual(expected);
          // With the default mapping only the exact role names count.
          const identity = (ROLES as readonly string[]).includes(group) ? [group] : 'Forbidden';
          expect(rolesOf(await requestWithGroups([group]))).toEqual(identity);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('ignore the flattened "[a b]" claim: roles come only from the token in the Authorization header', async () => {
    const request = await requestWithGroups(['IT admin']);
    expect(request.claims[issuer.rolesClaim]).toBe('[IT admin]');
    expect(rolesOf(request)).toBe('Forbidden');
    // The claims alone, as a hand-built event would carry them, grant nothing.
    expect(rolesOf({ claims: { sub: 'u1', iss: issuer.issuer, [issuer.rolesClaim]: '[admin]' }, authorization: undefined })).toBe('Forbidden');
  });

  it('grant nothing when the header does not hold the token the authorizer verified', async () => {
    const agent = await requestWithGroups(['agent'], 'u1');
    const admin = await requestWithGroups(['admin'], 'u1');
    // Same subject, a different token in the header (jti differs): not the verified one.
    expect(rolesOf({ claims: agent.claims, authorization: admin.authorization })).toBe('Forbidden');
    // Another subject.
    const other = await requestWithGroups(['admin'], 'u2');
    expect(rolesOf({ claims: agent.claims, authorization: other.authorization })).toBe('Forbidden');
    // Two tokens joined, as API Gateway joins a repeated header.
    expect(rolesOf({ claims: agent.claims, authorization: `${agent.authorization},${admin.authorization.slice(7)}` })).toBe('Forbidden');
    expect(rolesOf({ claims: agent.claims, authorization: 'Bearer not-a-jwt' })).toBe('Forbidden');
    // The same token without "Bearer " is what API Gateway also accepts.
    expect(rolesOf({ claims: agent.claims, authorization: agent.authorization.slice(7) })).toEqual(['agent']);
  });

  it('refuse a token without a subject (401)', () => {
    expect(() => callerFromRequest({ claims: { [issuer.rolesClaim]: '[agent]' }, authorization: undefined }, settings())).toThrowError(
      expect.objectContaining({ kind: 'Unauthenticated' }),
    );
  });

  it('rolesFromGroups skips non-strings and inherited names', () => {
    expect(rolesFromGroups([1, null, { admin: true }, ['admin'], 'constructor', '__proto__', 'toString'], IDENTITY_ROLE_MAPPING)).toEqual([]);
  });
});

describe('the ROLE_MAPPING setting', () => {
  const parse = (text: string | undefined) => RoleMappingSetting.safeParse(text);

  it('defaults to the identity mapping of the five roles', () => {
    expect([...parse(undefined).data!]).toEqual(ROLES.map((role) => [role, role]));
  });

  it('maps exact group names, including ones with spaces, commas and quotes', async () => {
    const mapping = parse(JSON.stringify({ 'IT admin': 'admin', 'x,agent': 'agent', '"sup"': 'supervisor', ['__proto__']: 'requester' })).data!;
    expect(mapping.get('IT admin')).toBe('admin');
    expect(rolesOf(await requestWithGroups(['IT admin', '"sup"']), mapping)).toEqual(['supervisor', 'admin']);
    expect(rolesOf(await requestWithGroups(['admin']), mapping)).toBe('Forbidden'); // the mapping replaces the default
    expect(rolesOf(await requestWithGroups(['__proto__']), mapping)).toEqual(['requester']);
  });

  it('fails loudly at cold start on a malformed mapping', () => {
    for (const bad of ['not json', '[]', '"admin"', '{"ops":"root"}', '{"":"admin"}', '{"ops":["admin"]}']) {
      const result = parse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error!.issues[0]!.message).toMatch(/JSON object|must map/);
    }
  });
});

describe('problem responses', () => {
  it('name the field and rule in RFC 9457 shape', () => {
    const response = problemResponse(new DomainError('ValidationFailed', 'bad', [{ field: 'body.subject', rule: 'too_small', message: 'empty' }]), {
      instance: '/cases',
      correlationId: 'c-9',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body!)).toEqual({
      type: 'https://caseway.dev/problems/validation-failed',
      title: 'Your request is not valid',
      status: 400,
      detail: 'bad',
      instance: '/cases',
      correlationId: 'c-9',
      errors: [{ field: 'body.subject', rule: 'too_small', message: 'empty' }],
    });
  });

  it('turn the JSON parser errors into 400 (malformed) and 415 (media type)', () => {
    const cause = { package: '@middy/http-json-body-parser' };
    expect(fromMiddlewareError({ statusCode: 415, message: 'Invalid or malformed JSON was provided', cause })?.kind).toBe('ValidationFailed');
    expect(fromMiddlewareError({ statusCode: 415, message: 'Unsupported Media Type', cause })?.kind).toBe('UnsupportedMediaType');
    expect(fromMiddlewareError(new Error('boom'))).toBeUndefined();
  });
});
