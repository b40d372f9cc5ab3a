import { describe, expect, it } from 'vitest';
import type { AuditAction } from '#core/audit-event.js';
import { eventWords, factsOf, fileSize, plain, type Fact, type AuditEventLike, type Known } from '../../web/src/features/cases/audit-words.js';

const DUE = '2026-12-04T09:00:00.000Z';
const time = (iso: string) => `<${iso}>`;
const said = (event: AuditEventLike, known: Known = KNOWN) => eventWords(event, known).lines.map((line) => plain(line, time));

const KNOWN: Known = {
  type: {
    fields: [
      {
        name: 'category',
        label: 'Category',
        type: 'enum',
        options: [
          { value: 'problem', label: 'Problem' },
          { value: 'question', label: 'Question' },
        ],
      },
      {
        name: 'affected',
        label: 'Affected systems',
        type: 'multiEnum',
        options: [
          { value: 'vpn', label: 'VPN' },
          { value: 'mail', label: 'Mail' },
        ],
      },
      { name: 'onsite', label: 'On site', type: 'boolean' },
    ],
    workflow: {
      states: [
        { id: 'new', label: 'New' },
        { id: 'in_review', label: 'In Review' },
        { id: 'resolved', label: 'Resolved' },
        { id: 'closed', label: 'Closed' },
      ],
    },
  },
  agents: new Map([['demo-agent', 'Alex Agent']]),
  tasks: new Map([['T1', 'Check the mail relay logs']]),
  articles: new Map([['KB-1', 'Reset your password']]),
};

const ev = (action: AuditAction, changes: AuditEventLike['changes'], extra: Partial<AuditEventLike> = {}): AuditEventLike => ({
  action,
  changes,
  ...extra,
});
const SLA_STATE = { policyId: 'default', policyVersion: 1, clocks: { firstResponse: { status: 'running', dueAt: DUE } } };
const ATTACHMENT = {
  attachmentId: 'A1',
  name: 'relay.log',
  contentType: 'text/plain',
  size: 5200,
  visibility: 'public',
  latestVersion: 1,
  sha256: 'abc',
};

/** One row per audit action (the type checks the list is complete), each with what a case worker reads. */
const TABLE: Record<AuditAction, [AuditEventLike, string[]]> = {
  CaseCreated: [
    ev('CaseCreated', [
      { field: 'type', before: null, after: 'support' },
      { field: 'requester', before: null, after: { id: 'demo-requester', name: 'Rita' } },
    ]),
    ['Opened the case'],
  ],
  CaseUpdated: [
    ev(
      'CaseUpdated',
      [
        { field: 'owner', before: null, after: 'demo-agent' },
        { field: 'queue', before: 'support', after: 'billing' },
        { field: 'priority', before: 'low', after: 'high' },
        { field: 'priorityScore', before: { score: 10, band: 'low' }, after: { score: 70, band: 'high', override: 'high' } },
        { field: 'fields.category', before: 'problem', after: 'question' },
        { field: 'fields.affected', before: ['vpn'], after: ['vpn', 'mail'] },
        { field: 'fields.onsite', before: null, after: true },
        { field: 'fields.secret', before: '[redacted]', after: '[redacted]' },
        { field: 'description', before: 'old words', after: 'new words' },
        { field: 'subject', before: 'Printer', after: null },
      ],
      { handoff: { asked: 'x' } },
    ),
    [
      'Owner set to Alex Agent',
      'Queue: support → billing',
      'Priority: Low → High',
      'Priority score: 10 (Low) → 70 (High)',
      'Category: Problem → Question',
      'Affected systems: VPN → VPN, Mail',
      'On site set to Yes',
      'secret changed (hidden)',
      'Edited the description',
      'Subject cleared (was Printer)',
      'Handoff brief written for the new owner or queue',
    ],
  ],
  Transitioned: [
    ev(
      'Transitioned',
      [
        { field: 'status', before: 'new', after: 'resolved' },
        { field: 'owner', before: 'someone-else', after: 'demo-agent' },
        { field: 'resolvedAt', before: null, after: DUE },
        { field: 'fields.category', before: null, after: 'problem' },
      ],
      { transition: { from: 'new', to: 'resolved', reopen: false }, reason: 'Fixed the relay' },
    ),
    ['Moved from New to Resolved', 'Owner: someone-else → Alex Agent', 'Category set to Problem'],
  ],
  TypeMigrated: [
    ev('TypeMigrated', [
      { field: 'typeVersion', before: 1, after: 2 },
      { field: 'status', before: 'triage', after: 'new' },
      { field: 'statusCategory', before: 'active', after: 'active' },
    ]),
    ['Moved onto version 2 of the case type', 'State: triage → New'],
  ],
  CommentAdded: [ev('CommentAdded', [], { target: { kind: 'comment', id: 'C1' }, visibility: 'internal' }), ['Added a comment']],
  TaskAdded: [
    ev(
      'TaskAdded',
      [{ field: 'task', before: null, after: { title: 'Call the vendor', assignee: 'demo-agent', dueAt: DUE, mandatory: true, status: 'open' } }],
      {
        target: { kind: 'task', id: 'T2' },
      },
    ),
    [`Added the task “Call the vendor” (mandatory; assigned to Alex Agent; due <${DUE}>)`],
  ],
  TaskUpdated: [
    ev(
      'TaskUpdated',
      [
        { field: 'task.status', before: 'open', after: 'done' },
        { field: 'task.assignee', before: null, after: 'demo-agent' },
        { field: 'task.dueAt', before: null, after: DUE },
        { field: 'task.mandatory', before: false, after: true },
        {
          field: 'task.checklist',
          before: [],
          after: [
            { itemId: 'i1', text: 'a', done: true },
            { itemId: 'i2', text: 'b', done: false },
          ],
        },
      ],
      { target: { kind: 'task', id: 'T1' } },
    ),
    [
      'Completed the task “Check the mail relay logs”',
      'Assigned the task “Check the mail relay logs” to Alex Agent',
      `Task “Check the mail relay logs” now due <${DUE}>`,
      'Made the task “Check the mail relay logs” mandatory',
      'Updated the checklist of “Check the mail relay logs” (1 of 2 done)',
    ],
  ],
  AttachmentAdded: [
    ev('AttachmentAdded', [{ field: 'attachment', before: null, after: ATTACHMENT }], {
      target: { kind: 'attachment', id: 'A1' },
      visibility: 'public',
    }),
    [`Attached relay.log (${fileSize(5200)}), visible to the requester`],
  ],
  AttachmentVersionAdded: [
    ev(
      'AttachmentVersionAdded',
      [{ field: 'attachment', before: ATTACHMENT, after: { ...ATTACHMENT, size: 3 * 1024 * 1024, visibility: 'internal', latestVersion: 2 } }],
      {
        target: { kind: 'attachment', id: 'A1' },
      },
    ),
    [`Uploaded version 2 of relay.log (${fileSize(3 * 1024 * 1024)}), internal (staff only)`],
  ],
  CaseLinked: [
    ev('CaseLinked', [{ field: 'links', before: null, after: { targetId: 'CASE-2026-000001', kind: 'related' } }], {
      target: { kind: 'link', id: 'CASE-2026-000001' },
      reason: 'Same mail problem',
    }),
    ['Linked as related to CASE-2026-000001'],
  ],
  CaseUnlinked: [
    ev(
      'CaseUnlinked',
      [
        { field: 'links', before: { targetId: 'CASE-2026-000002', kind: 'childOf' }, after: null },
        { field: 'parentId', before: 'CASE-2026-000002', after: null },
      ],
      { target: { kind: 'link', id: 'CASE-2026-000002' } },
    ),
    ['Unlinked: no longer a child of CASE-2026-000002'],
  ],
  CaseMerged: [
    ev(
      'CaseMerged',
      [
        { field: 'status', before: 'new', after: 'closed' },
        { field: 'mergedInto', before: null, after: 'CASE-2026-000009' },
        { field: 'tasks.cancelled', before: null, after: ['T1', 'T2'] },
      ],
      { target: { kind: 'case', id: 'CASE-2026-000009' }, reason: 'Same request' },
    ),
    ['Merged into CASE-2026-000009; this case is closed', '2 open tasks cancelled'],
  ],
  MergeReceived: [
    ev('MergeReceived', [{ field: 'merged', before: null, after: 'CASE-2026-000004' }], { target: { kind: 'case', id: 'CASE-2026-000004' } }),
    ['CASE-2026-000004 was merged into this case'],
  ],
  HandoffEdited: [
    ev('HandoffEdited', [
      { field: 'handoff', before: { asked: 'a', tried: [], pending: ['x'] }, after: { asked: 'a', tried: ['rebooted'], pending: [] } },
    ]),
    ['Edited the handoff brief (Tried, Pending)'],
  ],
  ArticleLinked: [
    ev('ArticleLinked', [{ field: 'articles', before: null, after: 'KB-1' }], { target: { kind: 'article', id: 'KB-1' } }),
    ['Linked the article “Reset your password” as resolving'],
  ],
  DuplicateIntake: [
    ev(
      'DuplicateIntake',
      [{ field: 'intake.duplicate', before: null, after: { channel: 'email', score: 0.91, threshold: 0.8, matchedCaseId: 'CASE-2026-000003' } }],
      {
        reason: 'A near-identical message (score 0.91 >= 0.8) …',
        target: { kind: 'comment', id: 'C2' },
      },
    ),
    [
      'The requester wrote again (email): the near-identical message joined this case instead of opening a new one',
      'Similarity 0.91 (threshold 0.80)',
    ],
  ],
  RoutingDecided: [
    ev('RoutingDecided', [{ field: 'owner', before: null, after: 'demo-agent' }], { routing: { step: 'decided' } }),
    ['Routing placed the case', 'Owner set to Alex Agent'],
  ],
  // SLA events are read by sla-events.ts; here only when one comes without its state.
  SlaStarted: [ev('SlaStarted', []), ['SLA clocks checked']],
  SlaPaused: [ev('SlaPaused', []), ['SLA clocks checked']],
  SlaResumed: [ev('SlaResumed', []), ['SLA clocks checked']],
  SlaWarning: [ev('SlaWarning', []), ['SLA clocks checked']],
  SlaBreached: [ev('SlaBreached', []), ['SLA clocks checked']],
  SlaMet: [ev('SlaMet', []), ['SLA clocks checked']],
  SlaStopped: [ev('SlaStopped', []), ['SLA clocks checked']],
  SlaEscalated: [ev('SlaEscalated', [{ field: 'sla', before: SLA_STATE, after: SLA_STATE }]), ['SLA clocks checked']],
  SlaRecomputed: [ev('SlaRecomputed', []), ['SLA clocks checked']],
};

/** Anything that looks like a serialised object or array: what the timeline used to print. */
const looksLikeJson = (line: string) => /[{}"]|\[[^\]]*[:,][^\]]*\]/.test(line);

describe("the console's audit events in words", () => {
  it.each(Object.entries(TABLE))('%s', (_action, [event, expected]) => {
    expect(said(event)).toEqual(expected);
  });

  it('names agents, tasks and articles by id where the console does not know them, and states by id without the type', () => {
    expect(said(TABLE.CaseUpdated[0], {})[0]).toBe('Owner set to demo-agent');
    expect(said(TABLE.TaskUpdated[0], {})[0]).toBe('Completed the task “a task”');
    expect(said(TABLE.ArticleLinked[0], {})).toEqual(['Linked the article “KB-1” as resolving']);
    expect(said(TABLE.Transitioned[0], {})[0]).toBe('Moved from new to resolved');
  });

  it('says the other case of a link as a case part (drawn as a link), the due date as an instant (drawn in the viewer’s zone)', () => {
    expect(eventWords(TABLE.CaseLinked[0]).lines).toEqual([['Linked as related to ', { case: 'CASE-2026-000001' }]]);
    expect(eventWords(TABLE.TaskUpdated[0], KNOWN).lines[2]).toEqual(['Task “Check the mail relay logs” now due ', { at: DUE }]);
  });

  it.each(Object.entries(TABLE))('%s: no line looks like JSON, with or without what the console knows', (_action, [event]) => {
    for (const known of [KNOWN, {}]) for (const line of said(event, known)) expect(line, line).not.toSatisfy(looksLikeJson);
  });

  it('never prints JSON for an action it has no words for, nor for object values it does not know', () => {
    const unknown = ev('SomethingNew' as AuditAction, [
      { field: 'widget', before: null, after: { deep: { nested: [1, 2] } } },
      { field: 'thing', before: { name: 'Old thing' }, after: { title: 'New thing' } },
      { field: 'list', before: [{ a: 1 }], after: ['x', 2, true] },
      { field: 'at', before: null, after: DUE },
    ]);
    const lines = said(unknown);
    expect(lines).toEqual([
      'Something new',
      'widget set to details',
      'thing: Old thing → New thing',
      'list: details → x, 2, Yes',
      `at set to <${DUE}>`,
    ]);
    for (const line of lines) expect(line).not.toSatisfy(looksLikeJson);
  });

  it('keeps the reason to quote, except where the lines already say it', () => {
    expect(eventWords(TABLE.CaseLinked[0]).reason).toBe('Same mail problem');
    expect(eventWords(TABLE.DuplicateIntake[0]).reason).toBeUndefined();
  });

  it("shows routing's why item by item, nested, with no JSON anywhere", () => {
    const why = {
      fired: [
        {
          ruleId: 'support-web',
          actions: { skills: [{ level: 3, skill: 'webapp' }], queue: 'support' },
          matched: [{ fact: 'type', value: 'support' }],
        },
      ],
      rulesetVersion: 1,
      step: 'decided',
      facts: { vip: false, entitlementLevel: null, fields: { product: 'web-app' }, tags: ['a', 'b'] },
    };
    const facts = factsOf(why);
    expect(facts.slice(0, 1)).toEqual([{ label: 'Step', value: 'decided' }]);
    expect(facts[2]).toEqual({ label: 'Ruleset version', value: '1' });
    expect(facts[3]).toEqual({
      label: 'Facts',
      facts: [
        { label: 'Vip', value: 'No' },
        { label: 'Entitlement level', value: '(empty)' },
        { label: 'Fields', facts: [{ label: 'Product', value: 'web-app' }] },
        { label: 'Tags', value: 'a, b' },
      ],
    });
    const flat = (list: readonly Fact[]): string[] =>
      list.flatMap((f) => [f.label, ...(f.value !== undefined ? [plain([f.value], time)] : []), ...flat(f.facts ?? [])]);
    const all = flat(facts);
    expect(all).toContain('Rule id');
    for (const said of all) expect(said, said).not.toSatisfy(looksLikeJson);
  });

  it('sizes files in words', () => {
    expect(fileSize(0)).toMatch(/^0\s?bytes$/);
    expect(fileSize(5200)).toMatch(/^5\.1\s?kB$/);
    expect(fileSize(3 * 1024 * 1024)).toMatch(/^3\s?MB$/);
  });
});
