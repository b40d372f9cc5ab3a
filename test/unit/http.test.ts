import { describe, expect, it } from 'vitest';
import { callerFromClaims, parseRolesClaim } from '../../functions/http/caller-from-claims.js';
import { fromMiddlewareError, problemResponse } from '../../functions/http/problem.js';
import { DomainError } from '../../functions/core/errors.js';

describe('roles from the groups claim', () => {
  it('reads every shape API Gateway and issuers produce', () => {
    expect(parseRolesClaim('[agent supervisor]')).toEqual(['agent', 'supervisor']);
    expect(parseRolesClaim('["agent","admin"]')).toEqual(['agent', 'admin']);
    expect(parseRolesClaim(['requester'])).toEqual(['requester']);
    expect(parseRolesClaim('agent')).toEqual(['agent']);
    expect(parseRolesClaim('[]')).toEqual([]);
    expect(parseRolesClaim(undefined)).toEqual([]);
  });

  it('builds the caller and ignores unknown groups', () => {
    expect(callerFromClaims({ sub: 'u1', 'cognito:groups': '[agent other]', name: 'Ada' }, 'cognito:groups')).toEqual({ sub: 'u1', roles: ['agent'], name: 'Ada' });
  });

  it('refuses a token without a subject (401) or without any Caseway role (403)', () => {
    expect(() => callerFromClaims({ 'cognito:groups': '[agent]' }, 'cognito:groups')).toThrowError(expect.objectContaining({ kind: 'Unauthenticated' }));
    expect(() => callerFromClaims({ sub: 'u1', 'cognito:groups': '[staff]' }, 'cognito:groups')).toThrowError(expect.objectContaining({ kind: 'Forbidden' }));
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
