import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Caller } from '#core/caller.js';
import type { StoredCase } from '#core/case.js';
import type { AuditEvent, CaseChange, ChangeContext } from '#core/audit-event.js';
import { openCase } from '#core/case-lifecycle.js';
import { DomainError } from '#core/errors.js';
import {
  INVERSE,
  LINK_KINDS,
  MAX_ANCESTRY,
  MAX_CANCELLED_TASKS,
  checkParentLink,
  cycleThrough,
  linkCases,
  mergeCases,
  mergedStateOf,
  unlinkCases,
  type AncestorRef,
  type CaseLink,
} from '#core/links.js';
import { publishedExample } from '../support/example-types.js';

const agent: Caller = { sub: 'agent-1', roles: ['agent'] };
const rita: Caller = { sub: 'rita', roles: ['requester'] };
const ctx = (caller: Caller = agent): ChangeContext => ({ caller, now: '2026-11-27T10:00:00.000Z', channel: 'web', correlationId: 'c-1' });
const support = publishedExample('support');

const stored = (change: CaseChange): StoredCase => ({ case: change.case, head: { seq: change.audit.seq, hash: change.audit.hash } });
const opened = (n: number): StoredCase =>
  stored(openCase(`CASE-2026-00000${n}`, { type: 'support', subject: 'S', description: 'D', requester: { id: 'rita' } }, support, ctx()));
const after = (s: StoredCase, side: { audit: AuditEvent; case?: StoredCase['case'] }): StoredCase => ({
  case: side.case ?? s.case,
  head: { seq: side.audit.seq, hash: side.audit.hash },
});

function problemOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a domain error');
}
const ruleOf = (fn: () => unknown) => problemOf(fn).issues[0]?.rule ?? problemOf(fn).kind;

describe('link kinds', () => {
  it('each kind has an inverse whose inverse is itself', () => {
    for (const kind of LINK_KINDS) expect(INVERSE[INVERSE[kind]]).toBe(kind);
    expect(INVERSE.duplicateOf).toBe('hasDuplicate');
    expect(INVERSE.causedBy).toBe('causes');
    expect(INVERSE.parentOf).toBe('childOf');
    expect(INVERSE.related).toBe('related');
  });
});

describe('linking two cases', () => {
  it('gives each case its end of the link and its own chained audit event', () => {
    const [a, b] = [opened(1), opened(2)];
    const change = linkCases(a, b, { kind: 'causedBy', reason: 'same root' }, undefined, [], ctx());
    expect(change.source.link).toMatchObject({ caseId: a.case.caseId, targetId: b.case.caseId, kind: 'causedBy' });
    expect(change.target.link).toMatchObject({ caseId: b.case.caseId, targetId: a.case.caseId, kind: 'causes' });
    expect(change.source.audit).toMatchObject({ action: 'CaseLinked', seq: 2, target: { kind: 'link', id: b.case.caseId }, reason: 'same root' });
    expect(change.target.audit).toMatchObject({ action: 'CaseLinked', seq: 2, target: { kind: 'link', id: a.case.caseId } });
    expect(change.source.case).toBeUndefined();
    expect(change.target.case).toBeUndefined();
  });

  it("sets the child's parent, and the unlink frees it", () => {
    const [a, b] = [opened(1), opened(2)];
    const linked = linkCases(a, b, { kind: 'childOf' }, undefined, [{ caseId: b.case.caseId, parentId: null }], ctx());
    expect(linked.source.case).toMatchObject({ parentId: b.case.caseId, version: 2 });
    expect(linked.target.case).toBeUndefined();
    const [a2, b2] = [after(a, linked.source), after(b, linked.target)];
    const unlinked = unlinkCases(b2, a2, linked.target.link, ctx());
    expect(unlinked.target.case).toMatchObject({ parentId: null, version: 3 });
    expect(unlinked.source.audit).toMatchObject({ action: 'CaseUnlinked', seq: 3 });
    // Each event is sealed onto the one before it on its own case.
    expect(linked.source.audit.prevHash).toBe(a.head.hash);
    expect(unlinked.target.audit.prevHash).toBe(linked.source.audit.hash);
  });

  it('refuses requesters, self-links, a second link of a pair, and links of merged cases', () => {
    const [a, b] = [opened(1), opened(2)];
    expect(problemOf(() => linkCases(a, b, { kind: 'related' }, undefined, [], ctx(rita))).kind).toBe('Forbidden');
    expect(ruleOf(() => linkCases(a, a, { kind: 'related' }, undefined, [], ctx()))).toBe('no_self_link');
    const existing: CaseLink = { caseId: a.case.caseId, targetId: b.case.caseId, kind: 'related', createdAt: 'x', createdBy: 'y' };
    expect(ruleOf(() => linkCases(a, b, { kind: 'causedBy' }, existing, [], ctx()))).toBe('one_link_per_pair');
    const merged = { ...b, case: { ...b.case, mergedInto: 'CASE-2026-000009' } };
    expect(problemOf(() => linkCases(a, merged, { kind: 'related' }, undefined, [], ctx())).message).toContain('CASE-2026-000009');
  });
});

describe('parent and child rules', () => {
  const ref = (caseId: string, parentId: string | null = null): AncestorRef => ({ caseId, parentId });

  it('allow one parent only', () => {
    expect(ruleOf(() => checkParentLink(ref('c', 'p1'), [ref('p2')]))).toBe('one_parent');
  });

  it('find the loop a new parent would close, naming it', () => {
    expect(cycleThrough('a', [ref('c', 'b'), ref('b', 'a'), ref('a')])).toEqual(['a', 'b', 'c', 'a']);
    expect(cycleThrough('x', [ref('c', 'b'), ref('b', 'a'), ref('a')])).toBeUndefined();
    expect(ruleOf(() => checkParentLink(ref('a'), [ref('c', 'b'), ref('b', 'a'), ref('a')]))).toBe('no_cycles');
  });

  it('bound the depth of a tree', () => {
    const chain = Array.from({ length: MAX_ANCESTRY + 1 }, (_, i) => ref(`n${i}`, i === MAX_ANCESTRY ? `n${i + 1}` : `n${i + 1}`));
    expect(ruleOf(() => checkParentLink(ref('leaf'), chain))).toBe('max_depth');
  });

  it('never let random link and unlink operations make a loop or a second parent (property)', () => {
    // The model applies operations through the same rules the service uses; the oracle walks every case up to its root.
    const ids = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
    const op = fc.record({ kind: fc.constantFrom('parentOf', 'childOf', 'unlink'), from: fc.constantFrom(...ids), to: fc.constantFrom(...ids) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const parent = new Map<string, string | null>(ids.map((id) => [id, null]));
        const chainOf = (id: string): AncestorRef[] => {
          const chain: AncestorRef[] = [];
          for (let at: string | null = id; at !== null && chain.length <= MAX_ANCESTRY; at = parent.get(at) ?? null)
            chain.push({ caseId: at, parentId: parent.get(at) ?? null });
          return chain;
        };
        for (const { kind, from, to } of ops) {
          if (kind === 'unlink') {
            if (parent.get(to) === from) parent.set(to, null);
            continue;
          }
          const [p, c] = kind === 'parentOf' ? [from, to] : [to, from];
          if (p === c) continue;
          // Oracle: the link is fine exactly when c has no parent and c is not p or above it.
          const above = new Set<string>();
          for (let at: string | null = p; at !== null && !above.has(at); at = parent.get(at) ?? null) above.add(at);
          const fine = parent.get(c) === null && !above.has(c);
          let accepted = true;
          try {
            checkParentLink({ caseId: c, parentId: parent.get(c) ?? null }, chainOf(p));
            parent.set(c, p);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            accepted = false;
          }
          expect(accepted).toBe(fine);
        }
        for (const id of ids) {
          const seen = new Set<string>();
          for (let at: string | null = id; at !== null; at = parent.get(at) ?? null) {
            expect(seen.has(at)).toBe(false);
            seen.add(at);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('merging', () => {
  it('closes the duplicate in its frozen closed state, pointing at the survivor; the survivor records what it received', () => {
    const [dup, into] = [opened(1), opened(2)];
    const change = mergeCases(dup, support, into, undefined, 'Same outage', ctx());
    expect(mergedStateOf(support)).toBe('closed');
    expect(change.duplicate.case).toMatchObject({ status: 'closed', statusCategory: 'closed', mergedInto: into.case.caseId, version: 2 });
    expect(change.duplicate.audit).toMatchObject({
      action: 'CaseMerged',
      reason: 'Same outage',
      changes: [
        { field: 'status', before: 'new', after: 'closed' },
        { field: 'mergedInto', before: null, after: into.case.caseId },
      ],
    });
    expect(change.survivor.audit).toMatchObject({ action: 'MergeReceived', caseVersion: 1, target: { kind: 'case', id: dup.case.caseId } });
    expect(change.duplicate.link).toMatchObject({ kind: 'duplicateOf', merged: true });
    expect(change.survivor.link).toMatchObject({ kind: 'hasDuplicate', merged: true });
    expect(change.survivor.case).toBeUndefined();
  });

  it("cancels the duplicate's open tasks in the same change, and refuses when there are too many for one transaction", () => {
    const [dup, into] = [opened(1), opened(2)];
    const task = {
      taskId: 't1',
      caseId: dup.case.caseId,
      title: 'Call',
      description: null,
      assignee: 'a',
      dueAt: null,
      status: 'open' as const,
      mandatory: true,
      checklist: [],
      createdAt: 'x',
      createdBy: 'y',
      updatedAt: 'x',
      version: 4,
    };
    const change = mergeCases(dup, support, into, undefined, 'r', ctx(), [task]);
    expect(change.cancelledTasks).toEqual([{ ...task, status: 'cancelled', version: 5, updatedAt: ctx().now }]);
    expect(change.duplicate.audit.changes).toContainEqual({ field: 'tasks.cancelled', before: null, after: ['t1'] });
    const many = Array.from({ length: MAX_CANCELLED_TASKS + 1 }, (_, i) => ({ ...task, taskId: `t${i}` }));
    expect(problemOf(() => mergeCases(dup, support, into, undefined, 'r', ctx(), many)).kind).toBe('Conflict');
  });

  it('refuses merging into itself, into a merged case, a merged case again, a parent/child pair, and requesters', () => {
    const [dup, into] = [opened(1), opened(2)];
    expect(ruleOf(() => mergeCases(dup, support, dup, undefined, 'r', ctx()))).toBe('no_self_merge');
    const mergedInto = { ...into, case: { ...into.case, mergedInto: 'CASE-2026-000003' } };
    const survivorMerged = problemOf(() => mergeCases(dup, support, mergedInto, undefined, 'r', ctx()));
    expect(survivorMerged.issues[0]?.rule).toBe('survivor_merged');
    expect(survivorMerged.extra).toEqual({ mergedInto: 'CASE-2026-000003' });
    expect(ruleOf(() => mergeCases({ ...dup, case: { ...dup.case, mergedInto: 'CASE-2026-000003' } }, support, into, undefined, 'r', ctx()))).toBe(
      'already_merged',
    );
    const family: CaseLink = { caseId: dup.case.caseId, targetId: into.case.caseId, kind: 'childOf', createdAt: 'x', createdBy: 'y' };
    expect(ruleOf(() => mergeCases(dup, support, into, family, 'r', ctx()))).toBe('unlink_parent_first');
    expect(problemOf(() => mergeCases(dup, support, into, undefined, 'r', ctx(rita))).kind).toBe('Forbidden');
  });

  it('refuses a merge when the type has no closed state, and never undoes one', () => {
    const [dup, into] = [opened(1), opened(2)];
    const noClosed = { ...support, workflow: { ...support.workflow, states: support.workflow.states.filter((s) => s.category !== 'closed') } };
    expect(problemOf(() => mergeCases(dup, noClosed, into, undefined, 'r', ctx())).kind).toBe('Conflict');
    const change = mergeCases(dup, support, into, undefined, 'r', ctx());
    expect(ruleOf(() => unlinkCases(into, dup, change.survivor.link, ctx()))).toBe('merge_is_final');
  });
});
