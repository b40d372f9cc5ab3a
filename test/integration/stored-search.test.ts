/**
 * The local platform with the knowledge index kept as one stored object
 * (`searchIndexDir`): the code path `-c searchEngine=embedded` runs in AWS, less S3.
 * The indexer, fed from DynamoDB Local's stream, replaces the object conditionally; the
 * search handler answers from it; and the object on disk is what a new search container
 * would load at its cold start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalSnapshotStore } from '#adapters/local-snapshot-store.js';
import { decodeSnapshot, StoredSearchIndex } from '#adapters/stored-search.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

const KEY = 'knowledge/index.json.gz';
let platform: TestPlatform;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'caseway-search-index-'));
  platform = await startTestPlatform({ searchIndexDir: dir });
});
afterAll(async () => {
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(who: 'agent' | 'supervisor' | 'requester', method: string, path: string, body?: unknown) {
  const response = await platform.fetchAs(
    who,
    path,
    body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

const searchIds = async (q: string) => {
  const answer = await call('requester', 'GET', `/knowledge/search?q=${encodeURIComponent(q)}`);
  expect(answer.status).toBe(200);
  return (answer.body.items as Body[]).map((i) => i.articleId as string);
};

describe('the knowledge index as a stored object', () => {
  it('holds a published article, which the search API and a newly started search container both find', async () => {
    const created = await call('agent', 'POST', '/knowledge/articles', {
      title: 'Pairing the conference room speakerphone',
      body: 'Hold the pairing button for five seconds until the light blinks blue.',
      category: 'hardware',
      visibility: 'public',
    });
    expect(created.status).toBe(201);
    const id = created.body.articleId as string;
    expect((await call('supervisor', 'POST', `/knowledge/articles/${id}/status`, { to: 'published' })).status).toBe(200);

    await vi.waitFor(
      async () => {
        if (!(await searchIds('speakerphone pairing')).includes(id)) throw new Error('not indexed yet');
      },
      { timeout: 15_000, interval: 100 },
    );

    const store = new LocalSnapshotStore(dir, KEY);
    const read = await store.read();
    const stored = read.changed && read.snapshot ? decodeSnapshot(read.snapshot.body) : [];
    expect(stored.find((d) => d.id === id)).toMatchObject({ status: 'published', visibility: 'public' });
    const coldContainer = new StoredSearchIndex(store, { refreshSeconds: 5 });
    expect((await coldContainer.search({ text: 'speakerphone', limit: 5 })).map((h) => h.id)).toEqual([id]);
  });
});
