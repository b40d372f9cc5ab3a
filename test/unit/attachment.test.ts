import { describe, expect, it } from 'vitest';
import { verifyChain } from '#core/audit-chain.js';
import {
  attachmentView,
  completeUpload,
  planUpload,
  planVersionUpload,
  uploadMismatches,
  type AttachmentRecord,
  type PendingUpload,
  type UploadPlan,
} from '#core/attachment.js';
import type { Caller } from '#core/caller.js';
import type { StoredCase } from '#core/case.js';
import type { AuditEvent, ChangeContext } from '#core/audit-event.js';
import { openCase, transitionCase } from '#core/case-lifecycle.js';
import { caseView } from '#core/case-view.js';
import { DomainError } from '#core/errors.js';
import { publishedExample } from '../support/example-types.js';

const agent: Caller = { sub: 'agent-1', roles: ['agent'] };
const rita: Caller = { sub: 'rita', roles: ['requester'] };
const ctx = (caller: Caller, now = '2026-11-27T10:00:00.000Z'): ChangeContext => ({ caller, now, channel: 'web', correlationId: 'c-1' });
const support = publishedExample('support');

function opened(): StoredCase {
  const change = openCase('CASE-2026-000001', { type: 'support', subject: 'S', description: 'D', requester: { id: 'rita' } }, support, ctx(agent));
  return { case: change.case, head: { seq: change.audit.seq, hash: change.audit.hash } };
}

const plan = (n: number): UploadPlan => ({
  uploadId: `u${n}`,
  attachmentId: 'a1',
  key: `standard/CASE-2026-000001/a1/u${n}`,
  now: '2026-11-27T10:00:00.000Z',
  completeBy: '2026-11-27T11:15:00.000Z',
  retentionClass: 'standard',
});
const file = { fileName: 'photo.png', contentType: 'image/png', size: 100, retentionClass: 'standard' };
const object = (upload: PendingUpload) => ({
  size: upload.size,
  contentType: upload.contentType,
  versionId: `v-${upload.uploadId}`,
  ...(upload.sha256 ? { sha256: upload.sha256 } : {}),
});

function kindOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof DomainError) return error.kind;
    throw error;
  }
}

describe('granting uploads', () => {
  it('lets a requester add public attachments only; staff add internal ones too', () => {
    const stored = opened();
    expect(planUpload(stored, support, file, plan(1), rita)).toMatchObject({
      visibility: 'public',
      requestedBy: 'rita',
      newVersion: false,
      key: plan(1).key,
    });
    expect(kindOf(() => planUpload(stored, support, { ...file, visibility: 'internal' }, plan(1), rita))).toBe('Forbidden');
    expect(planUpload(stored, support, { ...file, visibility: 'internal' }, plan(1), agent).visibility).toBe('internal');
  });

  it('lets a requester add versions only to their own attachment, and nobody past the cap', () => {
    const stored = opened();
    const first = completeUpload(
      stored,
      support,
      planUpload(stored, support, file, plan(1), agent),
      undefined,
      object(planUpload(stored, support, file, plan(1), agent)),
      ctx(agent),
    );
    expect(kindOf(() => planVersionUpload(stored, support, first.attachment, file, plan(2), rita, 100))).toBe('Forbidden');
    expect(planVersionUpload(stored, support, first.attachment, file, plan(2), agent, 100)).toMatchObject({
      newVersion: true,
      retentionClass: 'standard',
      visibility: 'public',
    });
    expect(kindOf(() => planVersionUpload(stored, support, first.attachment, file, plan(2), agent, 1))).toBe('Conflict');
  });

  it('refuses a closed case', () => {
    const closed = opened();
    const change = transitionCase(closed, { to: 'closed', reason: 'done' }, support, ctx(rita), { openMandatoryTasks: 0 });
    const frozen: StoredCase = { case: change.case, head: { seq: change.audit.seq, hash: change.audit.hash } };
    expect(kindOf(() => planUpload(frozen, support, file, plan(1), agent))).toBe('Conflict');
  });
});

describe('confirming uploads', () => {
  it('names every way the stored object differs from the declaration', () => {
    const upload = { ...planUpload(opened(), support, { ...file, sha256: 'ab'.repeat(32) }, plan(1), rita) };
    expect(uploadMismatches(upload, object(upload))).toEqual([]);
    expect(
      uploadMismatches(upload, { size: 99, contentType: 'image/jpeg', versionId: 'v', sha256: 'cd'.repeat(32) }).map((i) => [i.field, i.rule]),
    ).toEqual([
      ['upload.size', 'mismatch'],
      ['upload.contentType', 'mismatch'],
      ['upload.sha256', 'mismatch'],
    ]);
  });

  it('refuses nothing stored, a stranger, and a late confirmation', () => {
    const stored = opened();
    const upload = planUpload(stored, support, file, plan(1), rita);
    expect(kindOf(() => completeUpload(stored, support, upload, undefined, undefined, ctx(rita)))).toBe('Conflict');
    expect(kindOf(() => completeUpload(stored, support, upload, undefined, object(upload), ctx(agent)))).toBe('Forbidden');
    expect(kindOf(() => completeUpload(stored, support, upload, undefined, object(upload), ctx(rita, '2026-11-27T11:15:00.001Z')))).toBe('Conflict');
    expect(kindOf(() => completeUpload(stored, support, upload, undefined, { ...object(upload), size: 1 }, ctx(rita)))).toBe('ValidationFailed');
  });

  it('numbers versions, keeps them all, summarises the current one for the case without changing its version, and chains one audit event per confirmation', () => {
    let stored = opened();
    const events: AuditEvent[] = [];
    const genesis = openCase(
      'CASE-2026-000001',
      { type: 'support', subject: 'S', description: 'D', requester: { id: 'rita' } },
      support,
      ctx(agent),
    ).audit;
    events.push(genesis);
    let attachment: AttachmentRecord | undefined;
    for (let n = 1; n <= 3; n++) {
      const upload = attachment
        ? planVersionUpload(stored, support, attachment, { ...file, fileName: `photo-${n}.png`, size: 100 + n }, plan(n), rita, 100)
        : planUpload(stored, support, file, plan(n), rita);
      const done = completeUpload(stored, support, upload, attachment, object(upload), ctx(rita));
      expect(done.audit.action).toBe(n === 1 ? 'AttachmentAdded' : 'AttachmentVersionAdded');
      expect(done.audit.target).toEqual({ kind: 'attachment', id: 'a1' });
      expect(done.case.version).toBe(stored.case.version);
      events.push(done.audit);
      attachment = done.attachment;
      stored = { case: done.case, head: { seq: done.audit.seq, hash: done.audit.hash } };
    }
    expect(attachment!.versions.map((v) => [v.version, v.fileName, v.storageVersionId])).toEqual([
      [1, 'photo.png', 'v-u1'],
      [2, 'photo-2.png', 'v-u2'],
      [3, 'photo-3.png', 'v-u3'],
    ]);
    expect(stored.case.attachments).toEqual([
      {
        attachmentId: 'a1',
        name: 'photo-3.png',
        contentType: 'image/png',
        size: 103,
        visibility: 'public',
        retentionClass: 'standard',
        latestVersion: 3,
      },
    ]);
    expect(
      verifyChain(
        'CASE-2026-000001',
        events.map((e, i) => ({ ...e, position: i + 1 })),
        stored.head,
      ).valid,
    ).toBe(true);
    expect(attachmentView(attachment!).versions[0]).not.toHaveProperty('key');
  });

  it('hides internal attachments from requesters in the case view', () => {
    const stored = opened();
    const upload = planUpload(stored, support, { ...file, visibility: 'internal' }, plan(1), agent);
    const done = completeUpload(stored, support, upload, undefined, object(upload), ctx(agent));
    expect(caseView(done.case, support, rita).attachments).toEqual([]);
    expect(caseView(done.case, support, agent).attachments).toHaveLength(1);
  });
});
