/**
 * The embedded engine with its index in one stored object (functions/adapters/stored-search.ts),
 * on both stores it runs on: S3 through the real @aws-sdk/client-s3 over real HTTP to a
 * stand-in that honours S3's conditional requests (test/support/s3-conditional-server.ts),
 * and files on disk (the local store, whose lock makes writers race as on S3). The same
 * behaviour is asserted of both; the S3 requests' shapes (If-None-Match, If-Match, the
 * retry after 412) are asserted on the wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalSnapshotStore } from '#adapters/local-snapshot-store.js';
import { S3SnapshotStore } from '#adapters/s3-snapshot-store.js';
import type { KnowledgeDocument } from '#adapters/search.js';
import type { SnapshotStore } from '#adapters/snapshot-store.js';
import { decodeSnapshot, encodeSnapshot, LostUpdateError, SNAPSHOT_FORMAT, StoredSearchIndex } from '#adapters/stored-search.js';
import { conditionalS3, type ConditionalS3 } from '../support/s3-conditional-server.js';

const BUCKET = 'caseway-knowledge-index';
const KEY = 'knowledge/index.json.gz';

const article = (id: string, title: string, over: Partial<KnowledgeDocument> = {}): KnowledgeDocument => ({
  id,
  title,
  body: `${title}. Step by step.`,
  category: 'general',
  tags: [],
  visibility: 'public',
  status: 'published',
  learned: [],
  ...over,
});

let s3: ConditionalS3;
let dir: string;
let made = 0;
beforeAll(async () => {
  s3 = await conditionalS3();
  dir = mkdtempSync(join(tmpdir(), 'caseway-stored-search-'));
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh object per test: a key of its own. */
const stores: Record<string, () => () => SnapshotStore> = {
  s3: () => {
    const key = `t${++made}/${KEY}`;
    return () => new S3SnapshotStore(BUCKET, key, s3.client());
  },
  'local files': () => {
    const key = `t${++made}/${KEY}`;
    return () => new LocalSnapshotStore(dir, key);
  },
};

/** A clock the test moves; nothing waits. */
function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (seconds: number) => void (now += seconds * 1000) };
}
const noPause = () => Promise.resolve();
const ids = async (index: StoredSearchIndex, text: string) => (await index.search({ text, limit: 10 })).map((h) => h.id);

describe.each(Object.keys(stores))('stored index on %s', (kind) => {
  const open = (store: () => SnapshotStore, time = clock(), refreshSeconds = 5) =>
    new StoredSearchIndex(store(), { refreshSeconds, now: time.now, pause: noPause });

  it('is empty before anything was indexed, and a reader finds what a writer indexed once its refresh period has passed', async () => {
    const store = stores[kind]!();
    const time = clock();
    const reader = open(store, time);
    expect(await ids(reader, 'printer')).toEqual([]);

    const writer = open(store);
    await writer.upsert([article('printer-jam', 'Clearing a paper jam in the printer')]);
    // Within the period the reader keeps the copy it has: at most one request per period.
    expect(await ids(reader, 'printer')).toEqual([]);
    time.advance(5);
    expect(await ids(reader, 'printer')).toEqual(['printer-jam']);

    await writer.upsert([article('printer-jam', 'Replacing toner cartridges')]);
    await writer.remove(['unknown']);
    time.advance(5);
    expect(await ids(reader, 'printer')).toEqual([]);
    expect(await ids(reader, 'toner')).toEqual(['printer-jam']);

    await writer.remove(['printer-jam']);
    time.advance(5);
    expect(await ids(reader, 'toner')).toEqual([]);
    // A reader started now loads what is there at its cold start.
    expect(await ids(open(store), 'toner')).toEqual([]);
  });

  it('never loses an update of concurrent writers (each writer its own container, all starting from the same version)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        async (words, writers) => {
          const store = stores[kind]!();
          const seeded = open(store);
          await seeded.upsert([article('seed', 'seed article')]);
          const instances = Array.from(
            { length: writers },
            () => new StoredSearchIndex(store(), { refreshSeconds: 5, maxAttempts: 20, pause: noPause }),
          );
          // Every writer reads the seeded version first, as containers that each started before the others wrote.
          await Promise.all(instances.map((w) => w.remove(['not-there'])));
          await Promise.all(
            instances.map(async (w, i) => {
              for (const [n, word] of words.entries()) if (n % writers === i) await w.upsert([article(`kb-${word}`, `about ${word}`)]);
            }),
          );
          await Promise.all(instances.map((w) => w.remove(['seed'])));
          const read = await store().read();
          const stored = read.changed && read.snapshot ? decodeSnapshot(read.snapshot.body).map((d) => d.id) : [];
          expect(stored).toEqual(words.map((w) => `kb-${w}`).sort());
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('on S3', () => {
  it('loads with a plain GET, then asks with If-None-Match on the ETag it holds and keeps its copy on 304', async () => {
    const key = `shape-${++made}/${KEY}`;
    const time = clock();
    await new StoredSearchIndex(new S3SnapshotStore(BUCKET, key, s3.client()), { refreshSeconds: 5 }).upsert([
      article('vpn', 'Connecting to the VPN'),
    ]);
    const reader = new StoredSearchIndex(new S3SnapshotStore(BUCKET, key, s3.client()), { refreshSeconds: 5, now: time.now });
    const seen = s3.requests.length;
    expect(await ids(reader, 'vpn')).toEqual(['vpn']);
    time.advance(5);
    expect(await ids(reader, 'vpn')).toEqual(['vpn']);
    const gets = s3.requests.slice(seen);
    expect(gets.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', `/${BUCKET}/${key}`, 200],
      ['GET', `/${BUCKET}/${key}`, 304],
    ]);
    expect(gets[0]!.headers['if-none-match']).toBeUndefined();
    expect(gets[1]!.headers['if-none-match']).toBe(s3.objects.get(`/${BUCKET}/${key}`)!.etag);
  });

  it('creates the object with If-None-Match: *, replaces it with If-Match on the ETag read, and after a 412 reads again and retries', async () => {
    const key = `writes-${++made}/${KEY}`;
    const path = `/${BUCKET}/${key}`;
    const other = new StoredSearchIndex(new S3SnapshotStore(BUCKET, key, s3.client()), { refreshSeconds: 5, pause: noPause });
    // This writer's requests carry its own user agent, so they can be told from the other writer's.
    const store = new S3SnapshotStore(BUCKET, key, s3.client('racing-writer'));
    let interleave = 2;
    const racing = new StoredSearchIndex(
      {
        read: (known) => store.read(known),
        // The other writer lands between this writer's read and its PUT, twice.
        replace: async (body, expected) => {
          if (interleave-- > 0) await other.upsert([article(`other-${interleave}`, 'other writer')]);
          return store.replace(body, expected);
        },
      },
      { refreshSeconds: 5, pause: noPause },
    );
    interleave = 0;
    await racing.upsert([article('a', 'first')]);
    interleave = 2;
    await racing.upsert([article('b', 'second')]);

    const mine = s3.requests.filter((r) => r.path === path && String(r.headers['user-agent']).includes('racing-writer'));
    const etags = (status: number) => mine.filter((r) => r.status === status);
    expect(mine.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 404',
      'PUT 200',
      'GET 304',
      'PUT 412',
      'GET 200',
      'PUT 412',
      'GET 200',
      'PUT 200',
    ]);
    const [create, ...replaces] = mine.filter((r) => r.method === 'PUT');
    expect([create!.headers['if-none-match'], create!.headers['if-match']]).toEqual(['*', undefined]);
    // Each replace names the version its writer read last: the one before, or the one the last GET returned.
    const gets = mine.filter((r) => r.method === 'GET');
    expect(replaces.every((r) => r.headers['if-match'] !== undefined && r.headers['if-none-match'] === undefined)).toBe(true);
    expect(gets.slice(1).every((r) => r.headers['if-none-match'] !== undefined)).toBe(true);
    expect(etags(412)).toHaveLength(2);
    expect(replaces[0]!.headers['if-match']).toBe(gets[1]!.headers['if-none-match']);
    expect(decodeSnapshot(s3.objects.get(path)!.body).map((d) => d.id)).toEqual(['a', 'b', 'other-0', 'other-1']);
  });

  it('gives up after its attempts with an error that fails the batch (Lambda retries it)', async () => {
    const key = `give-up-${++made}/${KEY}`;
    const store = new S3SnapshotStore(BUCKET, key, s3.client());
    const losing: SnapshotStore = { read: (known) => store.read(known), replace: async () => undefined };
    const writer = new StoredSearchIndex(losing, { refreshSeconds: 5, maxAttempts: 3, pause: noPause });
    await expect(writer.upsert([article('a', 'first')])).rejects.toBeInstanceOf(LostUpdateError);
  });

  it('writes nothing for a change that changes nothing (a redelivered batch)', async () => {
    const key = `same-${++made}/${KEY}`;
    const writer = new StoredSearchIndex(new S3SnapshotStore(BUCKET, key, s3.client()), { refreshSeconds: 5 });
    await writer.upsert([article('a', 'first')]);
    const seen = s3.requests.length;
    await writer.upsert([article('a', 'first')]);
    await writer.remove(['b']);
    expect(s3.requests.slice(seen).map((r) => r.method)).toEqual(['GET', 'GET']);
  });
});

describe('when the store fails', () => {
  it('a search function that has loaded the index answers from its copy; one that has not fails the search', async () => {
    const key = `failing-${++made}/${KEY}`;
    const store = new S3SnapshotStore(BUCKET, key, s3.client());
    await new StoredSearchIndex(store, { refreshSeconds: 5 }).upsert([article('vpn', 'Connecting to the VPN')]);
    let down = false;
    const flaky: SnapshotStore = {
      read: (known) => (down ? Promise.reject(new Error('S3 unavailable')) : store.read(known)),
      replace: (body, expected) => store.replace(body, expected),
    };
    const time = clock();
    const loaded = new StoredSearchIndex(flaky, { refreshSeconds: 5, now: time.now });
    expect(await ids(loaded, 'vpn')).toEqual(['vpn']);
    down = true;
    time.advance(5);
    expect(await ids(loaded, 'vpn')).toEqual(['vpn']);
    await expect(new StoredSearchIndex(flaky, { refreshSeconds: 5, now: time.now }).search({ text: 'vpn', limit: 5 })).rejects.toThrow(
      /S3 unavailable/,
    );
    // Nor does a writer build on a copy it could not check: the batch fails and is retried.
    await expect(new StoredSearchIndex(flaky, { refreshSeconds: 5, pause: noPause }).upsert([article('b', 'b')])).rejects.toThrow(/S3 unavailable/);
  });
});

describe('the stored object', () => {
  it('is gzipped JSON of the documents in id order, named by its format, and refuses any other format', () => {
    const docs = [article('b', 'second'), article('a', 'first')];
    expect(decodeSnapshot(encodeSnapshot(docs)).map((d) => d.id)).toEqual(['a', 'b']);
    expect(decodeSnapshot(encodeSnapshot(docs))[0]).toEqual(docs[1]);
    expect(() => decodeSnapshot(Buffer.from(''))).toThrow();
    expect(SNAPSHOT_FORMAT).toMatch(/\/1$/);
  });
});

describe('chosen from configuration, as the handlers get it', () => {
  /** A fresh module graph: a new container, with its own cold start. */
  async function container(env: Record<string, string>) {
    vi.resetModules();
    const saved = process.env;
    process.env = { ...saved, TABLE_NAME: 'caseway', ...env };
    try {
      const choice = await import('#adapters/search-choice.js');
      return { searchIndex: await choice.searchIndex(), writable: await choice.writableSearchIndex() };
    } finally {
      process.env = saved;
    }
  }

  it('SEARCH_MODE=embedded with SEARCH_INDEX_DIR: the indexer in one container writes, a search function in another finds it', async () => {
    const env = { SEARCH_MODE: 'embedded', SEARCH_INDEX_DIR: join(dir, `choice-${++made}`), SEARCH_INDEX_REFRESH_SECONDS: '1' };
    const indexer = await container(env);
    const search = await container(env);
    // Each container has its own module graph, so its classes are its own: compared by name.
    expect([indexer.writable.constructor.name, search.searchIndex.constructor.name]).toEqual(['StoredSearchIndex', 'StoredSearchIndex']);
    await indexer.writable.upsert([article('vpn', 'Connecting to the VPN from home')]);
    expect((await search.searchIndex.search({ text: 'vpn', limit: 5 })).map((h) => h.id)).toEqual(['vpn']);
  });

  it('without a bucket or a directory the index stays in the process (npm start, tests)', async () => {
    const { searchIndex } = await container({ SEARCH_MODE: 'embedded' });
    expect(searchIndex.constructor.name).toBe('EmbeddedSearchIndex');
  });
});
