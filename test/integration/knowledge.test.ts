/**
 * The knowledge base over real HTTP on the local platform: articles in DynamoDB
 * Local, indexed from the table's stream by the same indexer AWS runs (fed by the
 * local stream pump), searched through the configured engine. Waits for indexing
 * poll until the answer changes; nothing sleeps a fixed time.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmbeddedSearchIndex } from '#adapters/embedded-search.js';
import { rebuildIndex } from '#services/knowledge-index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { tableSnapshot } from '../support/table-snapshot.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'requester' | 'requester2' | 'agent' | 'supervisor' | 'admin' | 'integration';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await platform.fetchAs(who, path, body === undefined ? { method, headers } : { method, ...json(body, headers) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Body };
}

async function article(fields: Body, publishAs?: 'public' | 'internal'): Promise<Body> {
  const created = await call('agent', 'POST', '/knowledge/articles', { visibility: publishAs ?? 'internal', ...fields });
  expect(created.status).toBe(201);
  if (!publishAs) return created.body;
  const published = await call('supervisor', 'POST', `/knowledge/articles/${created.body.articleId}/status`, { to: 'published' });
  expect(published.status).toBe(200);
  return published.body;
}

const search = (who: Who, q: string) => call(who, 'GET', `/knowledge/search?q=${encodeURIComponent(q)}`);
const idsOf = (answer: { body: Body }) => (answer.body.items as Body[]).map((i) => i.articleId as string);

/** Poll a search until `until` holds for its ids: indexing follows the write a moment later. */
async function searchUntil(who: Who, q: string, until: (ids: string[]) => boolean) {
  return vi.waitFor(
    async () => {
      const answer = await search(who, q);
      expect(answer.status).toBe(200);
      if (!until(idsOf(answer))) throw new Error(`not yet: ${JSON.stringify(idsOf(answer))}`);
      return answer;
    },
    { timeout: 10_000, interval: 50 },
  );
}

async function openCase(who: Who, subject: string, description: string): Promise<string> {
  const created = await call(who, 'POST', '/cases', {
    subject,
    description,
    ...(who === 'requester' || who === 'requester2' ? {} : { requester: { id: 'cust-9' } }),
  });
  expect(created.status).toBe(201);
  return created.body.caseId as string;
}

describe('articles', () => {
  it('creates, reads, lists, saves with If-Match and keeps every version, chained', async () => {
    const created = await call('agent', 'POST', '/knowledge/articles', {
      title: 'Reset your password',
      body: '## Steps\n\n1. Open **Settings**\n2. Choose [Reset](https://example.com/reset)',
      category: 'login',
      tags: ['Password', 'login', 'password'],
    });
    expect(created.status).toBe(201);
    const a = created.body;
    expect(a.articleId).toMatch(/^KB-[0-9A-F]{12}$/);
    expect(created.headers.get('location')).toBe(`/knowledge/articles/${a.articleId}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(a).toMatchObject({
      status: 'draft',
      visibility: 'internal',
      version: 1,
      tags: ['password', 'login'],
      publishedAt: null,
      createdBy: 'demo-agent',
    });
    expect(a).not.toHaveProperty('hash');

    const read = await call('agent', 'GET', `/knowledge/articles/${a.articleId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ title: 'Reset your password', stats: { shown: 0, clicked: 0, linked: 0, deflected: 0 } });

    const listed = await call('agent', 'GET', '/knowledge/articles?status=draft&category=login&tag=password');
    expect(idsOf(listed)).toContain(a.articleId);
    expect(idsOf(await call('agent', 'GET', '/knowledge/articles?category=billing'))).not.toContain(a.articleId);

    const saved = await call(
      'agent',
      'PATCH',
      `/knowledge/articles/${a.articleId}`,
      { title: 'Reset a forgotten password', reason: 'clearer' },
      { 'if-match': '"1"' },
    );
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"2"');
    expect(saved.body).toMatchObject({ title: 'Reset a forgotten password', version: 2 });

    const versions = await call('agent', 'GET', `/knowledge/articles/${a.articleId}/versions`);
    expect(versions.status).toBe(200);
    expect((versions.body.items as Body[]).map((v) => [v.seq, v.action, v.snapshot.title])).toEqual([
      [1, 'ArticleCreated', 'Reset your password'],
      [2, 'ArticleRevised', 'Reset a forgotten password'],
    ]);
    expect(versions.body.items[1]).toMatchObject({
      reason: 'clearer',
      changes: [{ field: 'title', before: 'Reset your password', after: 'Reset a forgotten password' }],
    });
    expect(versions.body.items[1].prevHash).toBe(versions.body.items[0].hash);

    const verified = await call('agent', 'GET', `/knowledge/articles/${a.articleId}/versions/verify`);
    expect(verified.body).toMatchObject({ valid: true, events: 2, head: { seq: 2 } });
  });

  it('pages through articles in several states, most recently changed first, each once', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push(String((await article({ title: `Paging ${i}`, body: 'b', category: 'paging' }, i % 2 === 0 ? 'internal' : undefined)).articleId));
    const seen: Body[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(
        'agent',
        'GET',
        `/knowledge/articles?category=paging&status=draft,published&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as Body[]));
      cursor = page.body.nextCursor as string | undefined;
    } while (cursor);
    expect(seen.map((a) => a.articleId).sort()).toEqual([...made].sort());
    const order = seen.map((a) => `${a.updatedAt}#${a.articleId}`);
    expect(order).toEqual([...order].sort().reverse());
  });

  it('refuses a stale or missing If-Match and writes nothing', async () => {
    const a = await article({ title: 'Export data', body: 'Use the export button.', category: 'data' });
    await call('agent', 'PATCH', `/knowledge/articles/${a.articleId}`, { body: 'Use **Export**.' }, { 'if-match': '"1"' });
    const before = await tableSnapshot(platform);
    const stale = await call('agent', 'PATCH', `/knowledge/articles/${a.articleId}`, { body: 'Lost update' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    const missing = await call('agent', 'PATCH', `/knowledge/articles/${a.articleId}`, { body: 'No version' });
    expect(missing.status).toBe(428);
    const staleMove = await call('supervisor', 'POST', `/knowledge/articles/${a.articleId}/status`, { to: 'published' }, { 'if-match': '"1"' });
    expect(staleMove.status).toBe(412);
    expect(await tableSnapshot(platform)).toBe(before);
  });

  it('lets exactly one of parallel saves of one version land', async () => {
    const a = await article({ title: 'Parallel', body: 'v1', category: 'data' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('agent', 'PATCH', `/knowledge/articles/${a.articleId}`, { body: `writer ${i}` }, { 'if-match': '"1"' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const versions = await call('agent', 'GET', `/knowledge/articles/${a.articleId}/versions`);
    expect(versions.body.items).toHaveLength(2);
  });

  it.each([
    ['a missing title', { body: 'b', category: 'general' }, 'body.title', 'required'],
    ['an empty body', { title: 't', body: '   ', category: 'general' }, 'body.body', 'too_small'],
    ['a category that is not a slug', { title: 't', body: 'b', category: 'Not A Slug' }, 'body.category', 'invalid_format'],
    ['an unknown visibility', { title: 't', body: 'b', category: 'general', visibility: 'secret' }, 'body.visibility', 'invalid_value'],
    ['a status on create', { title: 't', body: 'b', category: 'general', status: 'published' }, 'body.status', 'unrecognized_key'],
    ['a tag with a comma', { title: 't', body: 'b', category: 'general', tags: ['a,b'] }, 'body.tags.0', 'invalid_format'],
  ])('refuses %s with a problem naming the field, and writes nothing', async (_name, body, field, rule) => {
    const before = await tableSnapshot(platform);
    const refused = await call('agent', 'POST', '/knowledge/articles', body);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    expect(await tableSnapshot(platform)).toBe(before);
  });

  it('refuses malformed ids, lifecycle targets and feedback with 400', async () => {
    expect((await call('agent', 'GET', '/knowledge/articles/not-an-id')).status).toBe(400);
    expect((await call('agent', 'GET', '/knowledge/articles/KB-000000000000')).status).toBe(404);
    const a = await article({ title: 'Lifecycle input', body: 'b', category: 'general' });
    const bad = await call('supervisor', 'POST', `/knowledge/articles/${a.articleId}/status`, { to: 'live' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'body.to' });
    expect((await call('agent', 'GET', '/knowledge/search')).body.errors[0]).toMatchObject({ field: 'query.q', rule: 'required' });
    expect((await call('agent', 'POST', '/knowledge/feedback', { suggestionId: 'x', articleId: a.articleId, event: 'clicked' })).status).toBe(400);
  });
});

describe('the lifecycle', () => {
  it('goes draft -> in review -> published -> archived -> draft, with publishing kept for supervisors and admins', async () => {
    const a = await article({ title: 'Lifecycle', body: 'Text', category: 'general' });
    const to = (who: Who, status: string) => call(who, 'POST', `/knowledge/articles/${a.articleId}/status`, { to: status, reason: `to ${status}` });
    expect((await to('agent', 'inReview')).body).toMatchObject({ status: 'inReview', version: 2 });
    expect((await to('agent', 'published')).status).toBe(403);
    expect((await to('integration', 'draft')).status).toBe(403);
    const published = await to('supervisor', 'published');
    expect(published.body).toMatchObject({ status: 'published', version: 3 });
    expect(published.body.publishedAt).toEqual(expect.any(String));
    const refused = await to('supervisor', 'inReview');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ allowed: ['draft', 'archived'] });
    expect((await to('agent', 'archived')).status).toBe(403);
    expect((await to('admin', 'archived')).body.status).toBe('archived');
    const frozen = await call('agent', 'PATCH', `/knowledge/articles/${a.articleId}`, { body: 'edit' }, { 'if-match': '"4"' });
    expect(frozen.status).toBe(409);
    expect((await to('agent', 'draft')).body).toMatchObject({ status: 'draft', version: 5 });
    const versions = await call('supervisor', 'GET', `/knowledge/articles/${a.articleId}/versions`);
    expect((versions.body.items as Body[]).map((v) => v.snapshot.status)).toEqual(['draft', 'inReview', 'published', 'archived', 'draft']);
    expect((await call('agent', 'GET', `/knowledge/articles/${a.articleId}/versions/verify`)).body.valid).toBe(true);
  });
});

describe('lifecycle races', () => {
  it('publishes an article once when several publish it at the same moment; the rest learn it is already published', async () => {
    const a = await article({ title: 'Raced', body: 'b', category: 'general' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call(i % 2 ? 'supervisor' : 'admin', 'POST', `/knowledge/articles/${a.articleId}/status`, { to: 'published' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    const versions = await call('agent', 'GET', `/knowledge/articles/${a.articleId}/versions`);
    expect((versions.body.items as Body[]).map((v) => v.snapshot.status)).toEqual(['draft', 'published']);
  });
});

describe('what requesters see', () => {
  it('only published public articles, in reads, lists and search', async () => {
    const words = 'zephyr quokka';
    const publicOne = await article({ title: `Public ${words}`, body: `How to tame a ${words}.`, category: 'faq' }, 'public');
    const internalOne = await article({ title: `Internal ${words}`, body: `Staff notes on the ${words}.`, category: 'faq' }, 'internal');
    const draftOne = await article({ title: `Draft ${words}`, body: `Coming soon: ${words}.`, category: 'faq', visibility: 'public' });

    expect((await call('requester', 'GET', `/knowledge/articles/${publicOne.articleId}`)).body).not.toHaveProperty('stats');
    expect((await call('requester', 'GET', `/knowledge/articles/${internalOne.articleId}`)).status).toBe(404);
    expect((await call('requester', 'GET', `/knowledge/articles/${draftOne.articleId}`)).status).toBe(404);
    expect((await call('requester', 'GET', `/knowledge/articles/${publicOne.articleId}/versions`)).status).toBe(403);

    const listed = idsOf(await call('requester', 'GET', '/knowledge/articles?category=faq&status=draft'));
    expect(listed).toContain(publicOne.articleId);
    expect(listed).not.toContain(internalOne.articleId);
    expect(listed).not.toContain(draftOne.articleId);
    expect(idsOf(await call('requester', 'GET', '/knowledge/articles?visibility=internal'))).toEqual([]);

    const staffSees = await searchUntil('agent', words, (ids) => [publicOne, internalOne, draftOne].every((x) => ids.includes(x.articleId)));
    expect(staffSees.body.items.length).toBe(3);
    const requesterSees = idsOf(await search('requester', words));
    expect(requesterSees).toEqual([publicOne.articleId]);

    // Archiving takes it away from requesters as soon as the index follows.
    await call('admin', 'POST', `/knowledge/articles/${publicOne.articleId}/status`, { to: 'archived' });
    await searchUntil('requester', words, (ids) => ids.length === 0);
    expect((await call('requester', 'GET', `/knowledge/articles/${publicOne.articleId}`)).status).toBe(404);
  });
});

describe('search, suggestions and deflection', () => {
  let vpn: Body;
  beforeAll(async () => {
    vpn = await article(
      {
        title: 'VPN disconnects every few minutes',
        body: 'If the **VPN** drops, update the client and disable power saving on the network adapter.',
        category: 'network',
        tags: ['vpn'],
      },
      'public',
    );
    await searchUntil('requester', 'vpn', (ids) => ids.includes(vpn.articleId));
  });

  it('answers each hit with the article, its score, the terms that matched and highlights', async () => {
    const answer = await search('requester', 'vpn keeps dropping');
    expect(answer.body.suggestionId).toMatch(/^SG-[0-9a-f]{16}$/);
    const hit = (answer.body.items as Body[]).find((i) => i.articleId === vpn.articleId)!;
    expect(hit).toMatchObject({ title: 'VPN disconnects every few minutes', category: 'network', visibility: 'public', status: 'published' });
    expect(hit.score).toBeGreaterThan(0);
    expect(hit.matchedTerms).toContain('vpn');
    expect(hit.highlights).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'title', fragment: expect.stringContaining('<mark>VPN</mark>') })]),
    );
    // Markdown is not what readers see: no ** reaches the index.
    expect(JSON.stringify(hit.highlights)).not.toContain('**');
  });

  it("suggests articles for a case from its requester's words", async () => {
    const caseId = await openCase('requester', 'VPN dropping', 'My vpn disconnects all the time when working from home');
    const answer = await call('requester', 'GET', `/cases/${caseId}/suggestions`);
    expect(answer.status).toBe(200);
    expect(idsOf(answer)[0]).toBe(vpn.articleId);
    expect((await call('requester2', 'GET', `/cases/${caseId}/suggestions`)).status).toBe(404);
  });

  it('deflects a case before it is submitted', async () => {
    const answer = await call('requester', 'POST', '/knowledge/deflect', { subject: 'vpn problem', description: 'disconnects' });
    expect(answer.status).toBe(200);
    expect(idsOf(answer)).toContain(vpn.articleId);
    expect(answer.body.suggestionId).toMatch(/^SG-/);
  });
});

describe('linking and learning', () => {
  it('links the resolving article on the audit chain and teaches it the customer’s words, which lifts it in search', async () => {
    const customerWords = 'charged twice';
    const other = await article({ title: 'Invoices', body: 'You are charged on the first day of each month.', category: 'billing' }, 'public');
    const target = await article(
      {
        title: 'Pending authorisation holds',
        body: 'A card authorisation hold looks like a duplicate payment until it drops off.',
        category: 'billing',
      },
      'public',
    );
    const before = await searchUntil('agent', customerWords, (ids) => ids.includes(other.articleId));
    expect(idsOf(before)).not.toContain(target.articleId);

    const caseId = await openCase('requester', 'Charged twice this month', 'My card was charged twice for the same order, please refund one');
    const suggestions = await call('agent', 'GET', `/cases/${caseId}/suggestions`);
    const linked = await call('agent', 'POST', `/cases/${caseId}/articles`, {
      articleId: target.articleId,
      suggestionId: suggestions.body.suggestionId,
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ caseId, articleId: target.articleId, linkedBy: 'demo-agent', suggestionId: suggestions.body.suggestionId });
    const again = await call('agent', 'POST', `/cases/${caseId}/articles`, { articleId: target.articleId });
    expect(again.status).toBe(200);

    const history = await call('agent', 'GET', `/cases/${caseId}/history`);
    const events = (history.body.items as Body[]).filter((e) => e.action === 'ArticleLinked');
    expect(events).toEqual([
      expect.objectContaining({ target: { kind: 'article', id: target.articleId }, actor: expect.objectContaining({ sub: 'demo-agent' }) }),
    ]);
    expect((await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
    expect(((await call('requester', 'GET', `/cases/${caseId}/articles`)).body.items as Body[]).map((l) => l.articleId)).toEqual([target.articleId]);

    const after = await searchUntil('agent', customerWords, (ids) => ids[0] === target.articleId);
    const hit = (after.body.items as Body[])[0]!;
    expect(hit.matchedTerms).toEqual(expect.arrayContaining(['charged', 'twice']));
    expect(hit.highlights.map((h: Body) => h.field)).toContain('learned');
    // Another customer's words are matched for requesters but never shown to them.
    const asRequester = await searchUntil('requester2', customerWords, (ids) => ids[0] === target.articleId);
    expect((asRequester.body.items as Body[])[0]!.highlights.map((h: Body) => h.field)).not.toContain('learned');
  });

  it('links an article to a case once, however many agents link it at the same moment', async () => {
    const a = await article({ title: 'Parallel links', body: 'b', category: 'general' }, 'internal');
    const caseId = await openCase('requester', 'Parallel', 'links');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call('agent', 'POST', `/cases/${caseId}/articles`, { articleId: a.articleId })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 200, 200, 200, 200, 200, 200, 200, 200, 200].sort());
    const history = await call('agent', 'GET', `/cases/${caseId}/history`);
    expect((history.body.items as Body[]).filter((e) => e.action === 'ArticleLinked')).toHaveLength(1);
    expect((await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid).toBe(true);
    expect((await call('agent', 'GET', `/knowledge/articles/${a.articleId}`)).body.stats.linked).toBe(1);
  });

  it('links only published articles, and only for agents, supervisors and admins', async () => {
    const draft = await article({ title: 'Not ready', body: 'b', category: 'general' });
    const published = await article({ title: 'Ready', body: 'b', category: 'general' }, 'internal');
    const caseId = await openCase('requester', 'Something', 'Broken');
    const before = await tableSnapshot(platform);
    expect((await call('agent', 'POST', `/cases/${caseId}/articles`, { articleId: draft.articleId })).status).toBe(409);
    expect((await call('requester', 'POST', `/cases/${caseId}/articles`, { articleId: published.articleId })).status).toBe(403);
    expect((await call('integration', 'POST', `/cases/${caseId}/articles`, { articleId: published.articleId })).status).toBe(403);
    expect((await call('agent', 'POST', `/cases/${caseId}/articles`, { articleId: 'KB-000000000000' })).status).toBe(404);
    expect(await tableSnapshot(platform)).toBe(before);
  });

  it('links nothing to a case merged into another, and names the case to work on', async () => {
    const a = await article({ title: 'Merged away', body: 'b', category: 'general' }, 'internal');
    const [survivor, duplicate] = [await openCase('agent', 'Survivor', 'd'), await openCase('agent', 'Duplicate', 'd')];
    expect((await call('agent', 'POST', `/cases/${duplicate}/merge`, { survivorId: survivor, reason: 'dup' })).status).toBe(200);
    const before = await tableSnapshot(platform);
    const refused = await call('agent', 'POST', `/cases/${duplicate}/articles`, { articleId: a.articleId });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(survivor);
    expect(await tableSnapshot(platform)).toBe(before);
  });
});

describe('feedback', () => {
  it('counts shown, clicked, deflected and linked once per suggestion and shows the counts to staff', async () => {
    const a = await article({ title: 'Printer offline', body: 'Turn it off and on.', category: 'hardware' }, 'public');
    const caseId = await openCase('requester', 'printer', 'offline');
    const suggestionId = 'SG-00000000000000aa';
    const send = (who: Who, event: string, sid = suggestionId) =>
      call(who, 'POST', '/knowledge/feedback', { suggestionId: sid, articleId: a.articleId, event });
    expect((await send('requester', 'shown')).body).toEqual({ counted: true });
    expect((await send('requester', 'clicked')).body).toEqual({ counted: true });
    expect((await send('requester', 'clicked')).body).toEqual({ counted: false });
    expect((await send('requester', 'clicked', 'SG-00000000000000bb')).body).toEqual({ counted: true });
    expect((await send('requester', 'deflected')).body).toEqual({ counted: true });
    await call('agent', 'POST', `/cases/${caseId}/articles`, { articleId: a.articleId, suggestionId });
    const counted = await Promise.all(Array.from({ length: 6 }, () => send('requester', 'shown', 'SG-00000000000000cc')));
    expect(counted.filter((r) => r.body.counted).length).toBe(1);

    const read = await call('supervisor', 'GET', `/knowledge/articles/${a.articleId}`);
    expect(read.body.stats).toEqual({ shown: 2, clicked: 2, linked: 1, deflected: 1 });

    const internal = await article({ title: 'Internal only', body: 'b', category: 'general' }, 'internal');
    const hidden = await call('requester', 'POST', '/knowledge/feedback', { suggestionId, articleId: internal.articleId, event: 'clicked' });
    expect(hidden.status).toBe(404);
  });
});

describe('rebuilding the index', () => {
  it('indexes every article with what linked cases taught it, from the table alone', async () => {
    const a = await article({ title: 'Rebuild me', body: 'Nothing special here.', category: 'general' }, 'public');
    const caseId = await openCase('requester', 'Flux capacitor overheats', 'The flux capacitor gets hot');
    expect((await call('agent', 'POST', `/cases/${caseId}/articles`, { articleId: a.articleId })).status).toBe(201);
    const fresh = new EmbeddedSearchIndex();
    expect(await rebuildIndex(fresh)).toBeGreaterThanOrEqual(1);
    const hits = await fresh.search({ text: 'flux capacitor', limit: 5, filter: { status: ['published'] } });
    expect(hits.map((h) => h.id)).toEqual([a.articleId]);
    // Rebuilding again changes nothing: documents are replaced, not added.
    await rebuildIndex(fresh);
    expect(await fresh.search({ text: 'flux capacitor', limit: 5 })).toEqual(hits);
  });

  it('is what the indexer does when an operator invokes it with {"rebuild": true}', async () => {
    const { handler } = await import('#handlers/knowledge-indexer.js');
    const listed = await call('agent', 'GET', '/knowledge/articles?limit=100');
    const answer = await handler({ rebuild: true });
    expect(answer?.rebuilt).toBeGreaterThanOrEqual((listed.body.items as Body[]).length);
  });
});
