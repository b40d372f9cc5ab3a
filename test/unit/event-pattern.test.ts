/**
 * The local bus's event-pattern matcher against the semantics the AWS documentation
 * gives for each operator (eb-event-patterns, eb-create-pattern-operators,
 * eb-event-patterns-null-values, eb-event-patterns-arrays), using its examples where
 * it has them, and against the rule patterns Caseway itself ships.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidPatternError, matchesPattern } from '#lib/local/event-pattern.js';
import { eventRules } from '#topology/event-rules.js';

const ec2 = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, nothing: null, empty: '' },
};
const m = (pattern: unknown, event: unknown = ec2) => matchesPattern(pattern, event);

describe('exact values and structure', () => {
  it('matches when every named field matches one of its values (the docs example)', () => {
    expect(m({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } })).toBe(true);
    expect(m({ source: ['aws.ec2'], detail: { state: ['running', 'terminated'] } })).toBe(true);
    expect(m({ source: ['aws.ec2'], detail: { state: ['running'] } })).toBe(false);
  });

  it('is case sensitive and typed: "5" is not 5, 5 is 5.0, "" is not null', () => {
    expect(m({ detail: { state: ['Terminated'] } })).toBe(false);
    expect(m({ detail: { 'c-count': ['5'] } })).toBe(false);
    expect(m({ detail: { 'c-count': [5.0] } })).toBe(true);
    expect(m({ detail: { nothing: [null] } })).toBe(true);
    expect(m({ detail: { nothing: [''] } })).toBe(false);
    expect(m({ detail: { empty: [''] } })).toBe(true);
    expect(m({ detail: { empty: [null] } })).toBe(false);
  });

  it('does not match a missing field or an object where a value is expected', () => {
    expect(m({ detail: { missing: ['x'] } })).toBe(false);
    expect(m({ detail: ['terminated'] })).toBe(false);
  });

  it('matches an array in the event if any element matches', () => {
    expect(m({ resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] })).toBe(true);
    expect(m({ detail: { tags: ['b'] } }, { detail: { tags: ['a', 'b'] } })).toBe(true);
    expect(m({ detail: { tags: ['c'] } }, { detail: { tags: ['a', 'b'] } })).toBe(false);
    expect(m({ detail: { tags: ['a'] } }, { detail: { tags: [] } })).toBe(false);
  });

  it('matches a nested pattern against any object of an array', () => {
    const event = {
      detail: {
        changes: [
          { field: 'status', after: 'open' },
          { field: 'owner', after: 'u1' },
        ],
      },
    };
    expect(m({ detail: { changes: { field: ['owner'] } } }, event)).toBe(true);
    expect(m({ detail: { changes: { field: ['queue'] } } }, event)).toBe(false);
  });
});

describe('operators', () => {
  it('prefix and suffix, plain and ignoring case', () => {
    expect(m({ detail: { 'instance-id': [{ prefix: 'i-1234' }] } })).toBe(true);
    expect(m({ detail: { 'instance-id': [{ prefix: 'I-1234' }] } })).toBe(false);
    expect(m({ detail: { 'instance-id': [{ prefix: { 'equals-ignore-case': 'I-1234' } }] } })).toBe(true);
    expect(m({ detail: { state: [{ suffix: 'nated' }] } })).toBe(true);
    expect(m({ detail: { state: [{ suffix: { 'equals-ignore-case': 'NATED' } }] } })).toBe(true);
    expect(m({ detail: { state: [{ suffix: 'ted.' }] } })).toBe(false);
    expect(m({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false);
  });

  it('equals-ignore-case', () => {
    expect(m({ detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'equals-ignore-case': 'TERMINATE' }] } })).toBe(false);
  });

  it('wildcard, with \\* for a literal star', () => {
    expect(m({ detail: { 'instance-id': [{ wildcard: 'i-*def0' }] } })).toBe(true);
    expect(m({ detail: { 'instance-id': [{ wildcard: 'i-*abc' }] } })).toBe(false);
    expect(m({ detail: { k: [{ wildcard: 'a\\*b' }] } }, { detail: { k: 'a*b' } })).toBe(true);
    expect(m({ detail: { k: [{ wildcard: 'a\\*b' }] } }, { detail: { k: 'axb' } })).toBe(false);
    expect(m({ detail: { k: [{ wildcard: 'a.c' }] } }, { detail: { k: 'abc' } })).toBe(false);
    expect(() => compilePattern({ detail: { k: [{ wildcard: 'a**b' }] } })).toThrow(InvalidPatternError);
  });

  it('numeric ranges (the docs example) and only on numbers', () => {
    const pattern = {
      detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] },
    };
    expect(m(pattern)).toBe(true);
    expect(m({ detail: { 'c-count': [{ numeric: ['>', 5] }] } })).toBe(false);
    expect(m({ detail: { n: [{ numeric: ['>', 0] }] } }, { detail: { n: '7' } })).toBe(false);
    expect(() => compilePattern({ detail: { n: [{ numeric: ['>', 0, '>', 1] }] } })).toThrow(/lower bound/);
    expect(() => compilePattern({ detail: { n: [{ numeric: ['~', 0] }] } })).toThrow(InvalidPatternError);
  });

  it('exists: present (null counts) or absent, on leaves only', () => {
    expect(m({ detail: { state: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { nothing: [{ exists: true }] } })).toBe(true);
    expect(m({ detail: { missing: [{ exists: false }] } })).toBe(true);
    expect(m({ detail: { state: [{ exists: false }] } })).toBe(false);
    expect(m({ detail: [{ exists: true }] })).toBe(false);
    // A missing parent means a missing leaf.
    expect(m({ nowhere: { deeper: [{ exists: false }] } })).toBe(true);
  });

  it('anything-but: values, lists, and string operators; never a missing field', () => {
    expect(m({ detail: { state: [{ 'anything-but': 'initializing' }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } })).toBe(false);
    expect(m({ detail: { 'c-count': [{ 'anything-but': [100, 200] }] } })).toBe(true);
    expect(m({ detail: { 'c-count': [{ 'anything-but': 5 }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } })).toBe(true);
    expect(m({ detail: { state: [{ 'anything-but': { suffix: 'ated' } }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['TERMINATED', 'x'] } }] } })).toBe(false);
    expect(m({ detail: { state: [{ 'anything-but': { wildcard: 'term*' } }] } })).toBe(false);
    expect(m({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
  });

  it('$or: one of the alternatives (the docs example)', () => {
    const pattern = {
      source: ['aws.ec2'],
      $or: [{ detail: { 'c-count': [{ numeric: ['>', 10] }] } }, { detail: { 'd-count': [{ numeric: ['<', 5] }] } }],
    };
    expect(m(pattern)).toBe(true);
    expect(m({ ...pattern, source: ['aws.s3'] })).toBe(false);
    expect(m({ $or: [{ detail: { 'c-count': [{ numeric: ['>', 10] }] } }, { detail: { 'd-count': [{ numeric: ['>', 5] }] } }] })).toBe(false);
    expect(m({ detail: { $or: [{ state: ['running'] }, { 'c-count': [5] }] } })).toBe(true);
  });
});

describe('invalid patterns are refused, as PutRule refuses them', () => {
  it.each([
    ['not an object', ['x']],
    ['a bare value', { source: 'aws.ec2' }],
    ['an empty list', { source: [] }],
    ['an unknown operator', { source: [{ begins: 'aws' }] }],
    ['two operators in one filter', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['$or with one branch', { $or: [{ source: ['a'] }] }],
    ['cidr, which the local bus lacks', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }],
  ])('%s', (_what, pattern) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidPatternError);
  });
});

describe('oracle: exact-value lists', () => {
  it('a list of strings matches exactly when the value is one of them', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.string(), (values, actual) => {
        expect(m({ detail: { k: values } }, { detail: { k: actual } })).toBe(values.includes(actual));
        expect(m({ detail: { k: [{ 'anything-but': values }] } }, { detail: { k: actual } })).toBe(!values.includes(actual));
        expect(m({ detail: { k: [{ prefix: values[0]! }] } }, { detail: { k: actual } })).toBe(actual.startsWith(values[0]!));
      }),
    );
  });
});

describe("Caseway's own rules", () => {
  it('all compile', () => {
    for (const rule of eventRules) expect(() => compilePattern(rule.pattern), rule.name).not.toThrow();
  });
});
