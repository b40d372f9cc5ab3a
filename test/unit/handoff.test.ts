import { describe, expect, it } from 'vitest';
import type { Caller } from '#core/caller.js';
import type { Case, StoredCase } from '#core/case.js';
import { auditEvent, type AuditEvent, type ChangeContext } from '#core/audit-event.js';
import { editHandoff, openCase, reviseCase, transitionCase } from '#core/case-lifecycle.js';
import type { Comment } from '#core/comment.js';
import { domainEventsOf } from '#core/domain-events.js';
import { DomainError } from '#core/errors.js';
import { BRIEF_LINES, buildHandoff, handsOver, type HandoffSource } from '#core/handoff.js';
import type { Task } from '#core/task.js';
import { publishedExample } from '../support/example-types.js';

const agent: Caller = { sub: 'agent-1', name: 'Ada Agent', roles: ['agent'] };
const rita: Caller = { sub: 'rita', name: 'Rita', roles: ['requester'] };
const ctx = (caller: Caller = agent, now = '2026-11-27T10:00:00.000Z'): ChangeContext => ({ caller, now, channel: 'web', correlationId: 'c-1' });
const support = publishedExample('support');
const claim = publishedExample('insurance-claim');

function opened(type = support, fields: Record<string, string | number> = {}): StoredCase {
  const change = openCase(
    'CASE-2026-000001',
    { type: type.typeId, subject: 'Invoice wrong', description: 'Total is off by 10 EUR.', requester: { id: 'rita' }, fields },
    type,
    ctx(),
  );
  return { case: change.case, head: { seq: 1, hash: change.audit.hash } };
}

const comment = (n: number, author: Caller, body: string, visibility: 'public' | 'internal' = 'public'): Comment => ({
  commentId: `2026112709000${n}-0000000${n}`,
  caseId: 'CASE-2026-000001',
  parentId: null,
  body,
  visibility,
  mentions: [],
  author: { sub: author.sub, ...(author.name ? { name: author.name } : {}), roles: [...author.roles] },
  createdAt: `2026-11-2${n}T09:00:00.000Z`,
});

const task = (title: string, status: Task['status'], extra: Partial<Task> = {}): Task => ({
  taskId: title,
  caseId: 'CASE-2026-000001',
  title,
  description: null,
  assignee: null,
  dueAt: null,
  status,
  mandatory: false,
  checklist: [],
  createdAt: '2026-11-20T00:00:00.000Z',
  createdBy: 'agent-1',
  updatedAt: '2026-11-20T00:00:00.000Z',
  version: 1,
  ...extra,
});

const empty: HandoffSource = { events: [], comments: [], tasks: [] };

describe('building a handoff brief', () => {
  it('says what is asked, what was tried and what is pending, and which events it read', () => {
    const start = opened(support, { product: 'billing', category: 'question' });
    const moved = transitionCase(start, { to: 'in_review' }, support, ctx(agent, '2026-11-25T10:00:00.000Z'), { openMandatoryTasks: 0 });
    const source: HandoffSource = {
      events: [moved.audit],
      comments: [
        comment(4, rita, 'It says 110 instead of 100'),
        comment(6, agent, 'VAT was applied twice', 'internal'),
        comment(7, rita, 'Any news?'),
      ],
      tasks: [
        task('Ask finance for a credit note', 'open', { mandatory: true, assignee: 'fin-1', dueAt: '2026-12-01T00:00:00.000Z' }),
        task('Check the ledger', 'done'),
      ],
    };
    const after: Case = { ...moved.case, queue: 'billing', owner: 'sup-1' };
    const brief = buildHandoff({ before: moved.case, after, type: support, source, now: '2026-11-27T10:00:00.000Z' });
    expect(brief).toMatchObject({
      generatedAt: '2026-11-27T10:00:00.000Z',
      generatedFrom: [moved.audit.eventId],
      from: { queue: 'support', owner: 'agent-1' },
      to: { queue: 'billing', owner: 'sup-1' },
    });
    expect(brief.asked).toBe('Invoice wrong. Total is off by 10 EUR. (Product: billing; What kind of request is it?: question)');
    expect(brief.tried).toEqual([
      '2026-11-25 Ada Agent moved it from New to In Review',
      '2026-11-26 Ada Agent wrote (internal): VAT was applied twice',
    ]);
    expect(brief.pending).toEqual([
      "Answer the requester's latest message (2026-11-27): Any news?",
      'Task: Ask finance for a credit note (mandatory, assigned to fin-1, due 2026-12-01)',
    ]);
  });

  it('leaves restricted fields and restricted changes out, whoever will read it', () => {
    const start = opened(claim, { policyNumber: 'HO-654321', claimType: 'home', incidentDate: '2026-11-02', estimatedLoss: 4200 });
    const supervisor: Caller = { sub: 'sup-1', roles: ['supervisor'] };
    const flagged = reviseCase(
      start,
      { fields: { fraudScore: 87, adjusterNotes: 'Photos look recycled' }, reason: 'model hit' },
      claim,
      ctx(supervisor),
    )!;
    const withSecret: Case = flagged.case;
    const brief = buildHandoff({
      before: withSecret,
      after: { ...withSecret, owner: 'agent-2' },
      type: claim,
      source: { ...empty, events: [flagged.audit] },
      now: '2026-11-27T10:00:00.000Z',
    });
    const text = JSON.stringify(brief);
    expect(text).toContain('Photos look recycled');
    expect(text).not.toContain('87');
    expect(text).not.toMatch(/fraud/i);
    expect(brief.tried).toEqual(['2026-11-27 sup-1 changed priority, Adjuster notes: model hit']);
  });

  it('keeps each part short: the latest lines only, long texts clipped', () => {
    const start = opened();
    const many = Array.from({ length: 25 }, (_, i) => ({
      ...comment(1, agent, `note ${i} ${'x'.repeat(500)}`),
      commentId: `c${i}`,
      createdAt: `2026-11-20T10:${String(i).padStart(2, '0')}:00.000Z`,
    }));
    const brief = buildHandoff({
      before: start.case,
      after: { ...start.case, owner: 'x' },
      type: support,
      source: { events: [], comments: many, tasks: [] },
      now: 'now',
    });
    expect(brief.tried).toHaveLength(BRIEF_LINES);
    expect(brief.tried.at(-1)).toContain('note 24');
    expect(Math.max(...brief.tried.map((t) => t.length))).toBeLessThan(260);
  });

  it('knows a handover: another queue or another owner', () => {
    expect(handsOver({ queue: 'a', owner: null }, { queue: 'a', owner: null })).toBe(false);
    expect(handsOver({ queue: 'a', owner: null }, { queue: 'b', owner: null })).toBe(true);
    expect(handsOver({ queue: 'a', owner: 'x' }, { queue: 'a', owner: 'y' })).toBe(true);
  });
});

describe('handoff in case changes', () => {
  it('comes with a revision that changes owner or queue (when the service read the source), and its audit event carries it', () => {
    const start = opened();
    const moved = reviseCase(start, { owner: 'agent-2' }, support, ctx(), empty)!;
    expect(moved.case.handoff).toMatchObject({ from: { owner: null }, to: { owner: 'agent-2' } });
    expect(moved.audit.handoff).toEqual(moved.case.handoff);
    expect(reviseCase(start, { subject: 'New subject' }, support, ctx(), empty)!.case.handoff).toBeNull();
    expect(reviseCase(start, { owner: 'agent-2' }, support, ctx())!.case.handoff).toBeNull();
  });

  it('comes with a transition whose effect assigns the case', () => {
    const moved = transitionCase(opened(), { to: 'in_review' }, support, ctx(), { openMandatoryTasks: 0 }, empty);
    expect(moved.case.handoff).toMatchObject({ to: { owner: 'agent-1' } });
    expect((moved.audit as AuditEvent).handoff).toEqual(moved.case.handoff);
  });

  it('is edited by staff only, on a case that has one, as a new version with the text before and after', () => {
    const start = opened();
    const moved = reviseCase(start, { owner: 'agent-2' }, support, ctx(), empty)!;
    const withBrief: StoredCase = { case: moved.case, head: { seq: 2, hash: moved.audit.hash } };
    const edit = { asked: 'Refund 10 EUR', tried: ['Ledger checked'], pending: ['Credit note'] };
    const edited = editHandoff(withBrief, edit, support, ctx({ sub: 'agent-2', roles: ['agent'] }));
    expect(edited.case).toMatchObject({ version: 3, handoff: { ...edit, editedBy: 'agent-2', from: moved.case.handoff!.from } });
    expect(edited.audit).toMatchObject({ action: 'HandoffEdited', seq: 3, prevHash: moved.audit.hash, changes: [{ field: 'handoff', after: edit }] });
    expect(() => editHandoff(withBrief, edit, support, ctx(rita))).toThrow(DomainError);
    expect(() => editHandoff(start, edit, support, ctx())).toThrow(/no handoff brief/);
  });

  it('stays inside the platform: domain events say the case changed hands, not what the brief says', () => {
    const start = opened();
    const source: HandoffSource = { ...empty, comments: [comment(5, agent, 'Customer threatened to sue', 'internal')] };
    const moved = reviseCase(start, { owner: 'agent-2' }, support, ctx(), source)!;
    expect(JSON.stringify(moved.audit.handoff)).toContain('threatened');
    const [event] = domainEventsOf(moved.audit);
    expect(event!.detail.handoff).toBeUndefined();
    expect(event!.detail.changes).toContainEqual({ field: 'owner', before: null, after: 'agent-2' });
    const withBrief: StoredCase = { case: moved.case, head: { seq: 2, hash: moved.audit.hash } };
    const edited = editHandoff(withBrief, { asked: 'Legal risk', tried: [], pending: [] }, support, ctx());
    expect(JSON.stringify(domainEventsOf(edited.audit))).not.toMatch(/threatened|Legal risk/);
  });

  it('is sealed onto the chain like any event', () => {
    const start = opened();
    const moved = reviseCase(start, { queue: 'billing' }, support, ctx(), empty)!;
    const again = auditEvent(start.case.caseId, start.head, 'CaseUpdated', ctx(), 2, moved.audit.changes, { handoff: moved.case.handoff! });
    expect(again.hash).toBe(moved.audit.hash);
  });
});
