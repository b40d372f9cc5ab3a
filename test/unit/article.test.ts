import fc from 'fast-check';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  ARTICLE_STATUSES,
  ARTICLE_TRANSITIONS,
  articleTrail,
  canRead,
  createArticle,
  learnedTextOf,
  moveArticle,
  readableFilter,
  reviseArticle,
  type Article,
  type ArticleStatus,
  type ArticleVersion,
} from '#core/article.js';
import { verifyChain } from '#core/audit-chain.js';
import { ROLES, type Caller, type Role } from '#core/caller.js';
import type { ChangeContext } from '#core/audit-event.js';
import { DomainError } from '#core/errors.js';
import { isKnowledgeRecord } from '#handlers/knowledge-indexer.js';
import { indexDocumentOf } from '#services/knowledge-index.js';

const as = (role: Role, now = '2026-11-27T10:00:00.000Z'): ChangeContext => ({
  caller: { sub: `demo-${role}`, roles: [role] },
  now,
  channel: 'web',
  correlationId: 'c-1',
});
const caller = (role: Role): Caller => ({ sub: `demo-${role}`, roles: [role] });
const kindOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.kind : 'other';
  }
};

const draft = () =>
  createArticle(
    'KB-0123456789AB',
    { title: 'Reset a password', body: '# Steps\n**Open** settings', category: 'login', tags: [' Password ', 'LOGIN', 'password'] },
    as('agent'),
  ).article;

describe('creating an article', () => {
  it('starts as an internal draft at version 1 with normalised tags and a sealed first version', () => {
    const { article, record } = createArticle(
      'KB-0123456789AB',
      { title: 'T', body: 'B', category: 'login', tags: [' Password ', 'LOGIN', 'password'] },
      as('agent'),
    );
    expect(article).toMatchObject({
      status: 'draft',
      visibility: 'internal',
      version: 1,
      tags: ['password', 'login'],
      publishedAt: null,
      createdBy: 'demo-agent',
    });
    expect(record).toMatchObject({ seq: 1, action: 'ArticleCreated', snapshot: { title: 'T', status: 'draft' } });
    expect(article.hash).toBe(record.hash);
  });

  it.each(['requester', 'integration'] as const)('is refused to %s', (role) => {
    expect(kindOf(() => createArticle('KB-0123456789AB', { title: 'T', body: 'B', category: 'c1' }, as(role)))).toBe('Forbidden');
  });
});

describe('saving an article', () => {
  it('records the fields that changed, the body by its length only, and changes nothing when nothing changes', () => {
    const a = draft();
    expect(reviseArticle(a, { title: a.title }, as('agent'))).toBeUndefined();
    const change = reviseArticle(a, { title: 'New', body: 'Shorter', reason: 'why' }, as('agent', '2026-11-27T11:00:00.000Z'))!;
    expect(change.article).toMatchObject({ title: 'New', body: 'Shorter', version: 2, updatedAt: '2026-11-27T11:00:00.000Z' });
    expect(change.record.changes).toEqual([
      { field: 'title', before: 'Reset a password', after: 'New' },
      { field: 'body', before: `${a.body.length} characters`, after: '7 characters' },
    ]);
    expect(change.record).toMatchObject({ seq: 2, prevHash: a.hash, reason: 'why', snapshot: { body: 'Shorter' } });
  });

  it('refuses archived articles, and a visibility change of a published one by an agent', () => {
    const published = moveArticle(draft(), 'published', as('supervisor')).article;
    expect(kindOf(() => reviseArticle(published, { visibility: 'public' }, as('agent')))).toBe('Forbidden');
    expect(reviseArticle(published, { visibility: 'public' }, as('admin'))?.article.visibility).toBe('public');
    expect(reviseArticle(published, { body: 'agents may edit the text' }, as('agent'))?.article.version).toBe(3);
    const archived = moveArticle(published, 'archived', as('admin')).article;
    expect(kindOf(() => reviseArticle(archived, { title: 'x' }, as('admin')))).toBe('Conflict');
  });
});

describe('the lifecycle', () => {
  /** The oracle, stated plainly: authors move along the map; into or out of published only supervisors and admins. */
  const oracle = (role: Role, from: ArticleStatus, to: ArticleStatus): string | undefined => {
    if (!['agent', 'supervisor', 'admin'].includes(role)) return 'Forbidden';
    if (!ARTICLE_TRANSITIONS[from].includes(to)) return 'Conflict';
    if ((from === 'published' || to === 'published') && role === 'agent') return 'Forbidden';
    return undefined;
  };

  const at = (status: ArticleStatus): Article => ({ ...draft(), status });

  it('allows exactly the moves of the oracle, for every role, state and target', () => {
    for (const role of ROLES) {
      for (const from of ARTICLE_STATUSES) {
        for (const to of ARTICLE_STATUSES) {
          expect(
            kindOf(() => moveArticle(at(from), to, as(role))),
            `${role}: ${from} -> ${to}`,
          ).toBe(oracle(role, from, to));
        }
      }
    }
  });

  it('names the moves there are when one is refused', () => {
    try {
      moveArticle(at('archived'), 'published', as('admin'));
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).extra).toEqual({ status: 'archived', allowed: ['draft'] });
    }
  });

  it('keeps a chain that verifies against the article after any walk, and catches any altered version', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('move' as const),
        to: fc.constantFrom(...ARTICLE_STATUSES),
        role: fc.constantFrom<Role>('agent', 'supervisor', 'admin'),
      }),
      fc.record({
        kind: fc.constant('save' as const),
        title: fc.string({ minLength: 1, maxLength: 20 }),
        role: fc.constantFrom<Role>('agent', 'supervisor', 'admin'),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), fc.nat(), (steps, victim) => {
        const first = createArticle('KB-0123456789AB', { title: 'T', body: 'B', category: 'c1' }, as('agent'));
        let article = first.article;
        const records: ArticleVersion[] = [first.record];
        for (const s of steps) {
          try {
            const change = s.kind === 'move' ? moveArticle(article, s.to, as(s.role)) : reviseArticle(article, { title: s.title }, as(s.role));
            if (!change) continue;
            article = change.article;
            records.push(change.record);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
        }
        const stored = records.map((r) => ({ ...r, position: r.seq }));
        const head = { seq: article.version, hash: article.hash };
        expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
        expect(verifyChain(articleTrail(article.articleId), stored, head).valid).toBe(true);
        const i = victim % stored.length;
        const tampered = stored.map((r, j) => (j === i ? { ...r, snapshot: { ...r.snapshot, title: `${r.snapshot.title}!` } } : r));
        expect(verifyChain(articleTrail(article.articleId), tampered, head).valid).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('who reads what', () => {
  it('gives requesters published public articles only, and staff everything, in reads and in the search filter alike', () => {
    for (const role of ROLES) {
      for (const status of ARTICLE_STATUSES) {
        for (const visibility of ['internal', 'public'] as const) {
          const staff = role !== 'requester';
          const filter = readableFilter(caller(role));
          const byFilter = (filter.status?.includes(status) ?? true) && (filter.visibility?.includes(visibility) ?? true);
          expect(canRead(caller(role), { status, visibility })).toBe(staff || (status === 'published' && visibility === 'public'));
          expect(byFilter).toBe(canRead(caller(role), { status, visibility }));
        }
      }
    }
  });
});

describe('what the index gets', () => {
  it('is the article as plain text, with what linked cases taught it', () => {
    const doc = indexDocumentOf(
      { ...draft(), body: '## Steps\n1. Open **Settings** and `reset`\n- see [the guide](https://x.test/g) ![img](a.png)\n```\ncode\n```' },
      ['Cannot log in'],
    );
    expect(doc).toMatchObject({
      id: 'KB-0123456789AB',
      title: 'Reset a password',
      category: 'login',
      tags: ['password', 'login'],
      status: 'draft',
      visibility: 'internal',
      learned: ['Cannot log in'],
    });
    expect(doc.body).toBe('Steps\nOpen Settings and reset\nsee the guide img\n\ncode');
  });

  it('learns the subject and description of a case, bounded', () => {
    expect(learnedTextOf({ subject: 'Charged twice', description: 'Refund one' })).toBe('Charged twice\nRefund one');
    expect(learnedTextOf({ subject: 's', description: 'x'.repeat(5000) })).toHaveLength(2000);
  });

  const record = (pk: string, sk: string) => ({ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } } } }) as DynamoDBRecord;
  it.each([
    ['ARTICLE#KB-1', '#ARTICLE', true],
    ['ARTICLE#KB-1', 'LEARNED#2026-11-27T10:00:00.000Z#CASE-2026-000001', true],
    ['ARTICLE#KB-1', 'VERSION#0000000001', false],
    ['ARTICLE#KB-1', '#STATS', false],
    ['CASE#CASE-2026-000001', 'ARTICLE#KB-1', false],
    ['CASE#CASE-2026-000001', 'AUDIT#0000000001', false],
  ])('the indexer takes %s %s: %s', (pk, sk, taken) => {
    expect(isKnowledgeRecord(record(pk, sk))).toBe(taken);
  });
});
