import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../../functions/core/caller.js';
import {
  CASE_STATUSES,
  PRIORITIES,
  canReadHistory,
  canSee,
  commentsVisibleTo,
  diffPatch,
  openCase,
  reviseCase,
  writeComment,
  type Case,
  type CasePatch,
  type ChangeContext,
} from '../../functions/core/case.js';
import { DomainError } from '../../functions/core/errors.js';

const agent: Caller = { sub: 'agent-1', name: 'Ada Agent', roles: ['agent'] };
const rita: Caller = { sub: 'rita', name: 'Rita', email: 'rita@example.com', roles: ['requester'] };
const ctx = (caller: Caller, now = '2026-11-23T10:00:00.000Z'): ChangeContext => ({ caller, now, channel: 'web', correlationId: 'c-1' });

const kindOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as DomainError).kind;
  }
  return 'no error';
};

function opened(): Case {
  return openCase('CASE-2026-000001', { type: 'support', subject: 'Printer on fire', description: 'Smoke.', requester: { id: 'rita' } }, ctx(agent)).case;
}

describe('opening a case', () => {
  it('gives a requester their own case, defaulting priority and channel', () => {
    const { case: c, audit } = openCase('CASE-2026-000007', { type: 'support', subject: 'S', description: 'D' }, ctx(rita));
    expect(c).toMatchObject({
      caseId: 'CASE-2026-000007',
      status: 'new',
      priority: 'medium',
      owner: null,
      channel: 'web',
      requester: { id: 'rita', name: 'Rita', email: 'rita@example.com' },
      version: 1,
      attachments: [],
      fields: {},
      createdBy: 'rita',
    });
    expect(audit).toMatchObject({ eventId: 'CASE-2026-000007/1', seq: 1, action: 'CaseCreated', caseVersion: 1, actor: { sub: 'rita' } });
    expect(audit.changes.map((ch) => ch.field)).toEqual(['type', 'status', 'priority', 'requester', 'channel', 'subject', 'description']);
    expect(audit.changes.every((ch) => ch.before === null)).toBe(true);
  });

  it('refuses a requester opening a case for someone else or assigning an owner', () => {
    expect(kindOf(() => openCase('CASE-2026-000001', { type: 'support', subject: 'S', description: 'D', requester: { id: 'bob' } }, ctx(rita)))).toBe('Forbidden');
    expect(kindOf(() => openCase('CASE-2026-000001', { type: 'support', subject: 'S', description: 'D', owner: 'agent-1' }, ctx(rita)))).toBe('Forbidden');
  });

  it('requires staff to name the requester', () => {
    expect(kindOf(() => openCase('CASE-2026-000001', { type: 'support', subject: 'S', description: 'D' }, ctx(agent)))).toBe('ValidationFailed');
  });

  it('records the case channel, not the caller channel, on creation', () => {
    const { audit } = openCase('CASE-2026-000002', { type: 'support', subject: 'S', description: 'D', requester: { id: 'x' }, channel: 'email' }, ctx(agent));
    expect(audit.channel).toBe('email');
  });
});

describe('revising a case', () => {
  it('records field-level before and after, bumps the version and names the reason', () => {
    const current = opened();
    const revised = reviseCase(current, 1, { priority: 'high', owner: 'agent-1', fields: { sku: 'P-1' }, reason: 'VIP' }, ctx(agent, '2026-11-23T11:00:00.000Z'))!;
    expect(revised.case).toMatchObject({ priority: 'high', owner: 'agent-1', fields: { sku: 'P-1' }, version: 2, updatedAt: '2026-11-23T11:00:00.000Z' });
    expect(revised.audit).toMatchObject({ seq: 2, caseVersion: 2, action: 'CaseUpdated', reason: 'VIP' });
    expect(revised.audit.changes).toEqual([
      { field: 'priority', before: 'medium', after: 'high' },
      { field: 'owner', before: null, after: 'agent-1' },
      { field: 'fields.sku', before: null, after: 'P-1' },
    ]);
  });

  it('writes nothing for a patch that changes nothing', () => {
    const current = opened();
    expect(reviseCase(current, 1, { priority: 'medium', subject: current.subject, fields: { gone: null } }, ctx(agent))).toBeUndefined();
  });

  it('removes a field with null', () => {
    const withField = { ...opened(), fields: { sku: 'P-1', colour: 'red' } };
    const revised = reviseCase(withField, 3, { fields: { sku: null } }, ctx(agent))!;
    expect(revised.case.fields).toEqual({ colour: 'red' });
    expect(revised.audit.changes).toEqual([{ field: 'fields.sku', before: 'P-1', after: null }]);
  });

  it('lets only staff revise, and a closed case only be reopened', () => {
    expect(kindOf(() => reviseCase(opened(), 1, { priority: 'low' }, ctx(rita)))).toBe('Forbidden');
    const closed: Case = { ...opened(), status: 'closed' };
    expect(kindOf(() => reviseCase(closed, 1, { priority: 'low' }, ctx(agent)))).toBe('Conflict');
    expect(reviseCase(closed, 1, { status: 'in_progress', reason: 'customer came back' }, ctx(agent))!.case.status).toBe('in_progress');
  });

  const patches: fc.Arbitrary<CasePatch> = fc.record(
    {
      subject: fc.string({ minLength: 1, maxLength: 20 }),
      priority: fc.constantFrom(...PRIORITIES),
      status: fc.constantFrom(...CASE_STATUSES.filter((s) => s !== 'closed')),
      owner: fc.option(fc.constantFrom('a', 'b'), { nil: null }),
      fields: fc.dictionary(fc.constantFrom('sku', 'colour', 'size'), fc.option(fc.string({ maxLength: 5 }), { nil: null })),
    },
    { requiredKeys: [] },
  );

  it('property: the audit changes are exactly the differences between before and after', () => {
    fc.assert(
      fc.property(patches, (patch) => {
        const before: Case = { ...opened(), fields: { sku: 'P-1' } };
        const { next, changes } = diffPatch(before, patch);
        for (const field of ['subject', 'priority', 'status', 'owner'] as const) {
          const listed = changes.find((ch) => ch.field === field);
          expect(Boolean(listed)).toBe(before[field] !== next[field]);
        }
        const fieldNames = new Set([...Object.keys(before.fields), ...Object.keys(next.fields)]);
        for (const name of fieldNames) {
          const listed = changes.find((ch) => ch.field === `fields.${name}`);
          expect(Boolean(listed)).toBe(before.fields[name] !== next.fields[name]);
        }
        // Applying the same patch again changes nothing.
        expect(diffPatch(next, patch).changes).toEqual([]);
      }),
    );
  });
});

describe('who sees what', () => {
  it('shows a requester only their own cases, public comments and no history', () => {
    const c = opened();
    expect(canSee(rita, c)).toBe(true);
    expect(canSee({ ...rita, sub: 'bob' }, c)).toBe(false);
    expect(canSee(agent, c)).toBe(true);
    expect(commentsVisibleTo(rita)).toBe('public');
    expect(commentsVisibleTo(agent)).toBe('all');
    expect(canReadHistory(rita)).toBe(false);
    expect(canReadHistory({ sub: 'i', roles: ['integration'] })).toBe(true);
  });

  it('lets only staff write internal comments, and audits the comment without its text', () => {
    const c = opened();
    expect(kindOf(() => writeComment(c, 1, 'cm-1', { body: 'secret', visibility: 'internal' }, ctx(rita)))).toBe('Forbidden');
    const { comment, audit } = writeComment(c, 4, 'cm-1', { body: 'secret', visibility: 'internal' }, ctx(agent));
    expect(comment).toMatchObject({ commentId: 'cm-1', visibility: 'internal', author: { sub: 'agent-1' } });
    expect(audit).toMatchObject({ seq: 5, action: 'CommentAdded', commentId: 'cm-1', visibility: 'internal', caseVersion: 1 });
    expect(JSON.stringify(audit)).not.toContain('secret');
  });
});
