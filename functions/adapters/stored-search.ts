/**
 * The embedded engine with its index kept in one stored object (S3 in AWS, a file
 * locally: `snapshot-store.ts`), for tenants too small to pay for an OpenSearch
 * collection's idle floor (docs/deploy.md#knowledge-search-floor).
 *
 * The object holds the documents, gzipped JSON, not the engine's internal state: the
 * engine's own export would tie stored indexes to a MiniSearch version, and documents
 * let a reader apply a change as the difference it is (re-indexing only the articles
 * that changed) instead of loading everything again.
 *
 * Writers (the indexer) read, change and replace the object conditionally (If-Match on
 * the entity tag read) and on a lost race read again and retry, so concurrent batches
 * (one per stream shard, or a rebuild invoked by hand beside them) never lose an update.
 * Readers (every function that searches) load it at cold start and then ask at most
 * every `refreshSeconds` whether it changed (If-None-Match: no body when it did not).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedSearchIndex } from './embedded-search.js';
import type { KnowledgeDocument, SearchHit, SearchIndex, SearchQuery } from './search.js';
import type { SnapshotStore } from './snapshot-store.js';

/** Names what the object holds, so a reader never mistakes another format for an empty index. */
export const SNAPSHOT_FORMAT = 'caseway-knowledge-documents/1';

export interface StoredSearchOptions {
  /** How stale a reader's index may be, at most, in seconds. */
  readonly refreshSeconds: number;
  /** Replace attempts per change before giving up (the batch then fails and Lambda retries it). */
  readonly maxAttempts?: number;
  /** The clock, in ms (tests move it). */
  readonly now?: () => number;
  /** Waits between attempts (tests pass one that does not wait). */
  readonly pause?: (ms: number) => Promise<unknown>;
}

export function encodeSnapshot(documents: Iterable<KnowledgeDocument>): Uint8Array {
  const sorted = [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return gzipSync(JSON.stringify({ format: SNAPSHOT_FORMAT, documents: sorted }));
}

export function decodeSnapshot(body: Uint8Array): KnowledgeDocument[] {
  const parsed = JSON.parse(gunzipSync(body).toString('utf8')) as { format?: unknown; documents?: unknown };
  if (parsed.format !== SNAPSHOT_FORMAT || !Array.isArray(parsed.documents))
    throw new Error(`The knowledge index object is not ${SNAPSHOT_FORMAT} (format: ${String(parsed.format)})`);
  return parsed.documents as KnowledgeDocument[];
}

export class LostUpdateError extends Error {}

export class StoredSearchIndex implements SearchIndex {
  /** Each document, as its JSON: what a change is compared by. */
  private documents = new Map<string, string>();
  private etag: string | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | undefined;
  /** When this container first read the store: from then on it has an index to answer from. */
  private loadedAt: number | undefined;
  /** Built on the first search, then given each change: writers that never search never build it. */
  private engine: EmbeddedSearchIndex | undefined;
  /** What the engine holds. */
  private engineDocuments = new Map<string, string>();
  private readonly now: () => number;
  private readonly pause: (ms: number) => Promise<unknown>;

  constructor(
    private readonly store: SnapshotStore,
    private readonly options: StoredSearchOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.pause = options.pause ?? sleep;
  }

  async upsert(documents: readonly KnowledgeDocument[]): Promise<void> {
    await this.change((next) => {
      for (const doc of documents) next.set(doc.id, JSON.stringify(doc));
    });
  }

  async remove(ids: readonly string[]): Promise<void> {
    await this.change((next) => {
      for (const id of ids) next.delete(id);
    });
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    if (this.now() - this.checkedAt >= this.options.refreshSeconds * 1000) {
      // Concurrent searches in one process share one check.
      this.checking ??= this.refresh().finally(() => (this.checking = undefined));
      try {
        await this.checking;
      } catch (error) {
        // A container that has loaded the index answers from it, a period staler, rather than fail the search.
        if (this.loadedAt === undefined) throw error;
        this.checkedAt = this.now();
      }
    }
    this.engine ??= new EmbeddedSearchIndex();
    await this.catchUp(this.engine);
    return this.engine.search(query);
  }

  /** Read, change, replace if still the version read; on a lost race, all again from a fresh read. */
  private async change(apply: (next: Map<string, string>) => void): Promise<void> {
    const attempts = this.options.maxAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      await this.refresh();
      const next = new Map(this.documents);
      apply(next);
      if (sameDocuments(next, this.documents)) return;
      const etag = await this.store.replace(encodeSnapshot([...next.values()].map((json) => JSON.parse(json) as KnowledgeDocument)), this.etag);
      if (etag !== undefined) {
        this.adopt(next, etag);
        return;
      }
      if (attempt >= attempts) throw new LostUpdateError(`The knowledge index changed under each of ${attempts} attempts to update it`);
      // Jittered, so writers that lost to each other do not meet again.
      await this.pause(Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }

  private async refresh(): Promise<void> {
    const read = await this.store.read(this.etag);
    this.checkedAt = this.now();
    this.loadedAt ??= this.checkedAt;
    if (!read.changed) return;
    const next = new Map<string, string>();
    for (const doc of read.snapshot ? decodeSnapshot(read.snapshot.body) : []) next.set(doc.id, JSON.stringify(doc));
    this.adopt(next, read.snapshot?.etag);
  }

  private adopt(next: Map<string, string>, etag: string | undefined): void {
    this.documents = next;
    this.etag = etag;
  }

  /** Give the engine only what changed since it last caught up: a published article re-indexes one document, not all. */
  private async catchUp(engine: EmbeddedSearchIndex): Promise<void> {
    const from = this.engineDocuments;
    const to = this.documents;
    if (from === to) return;
    // Taken before any await, so a search overlapping this one applies only the difference after it.
    this.engineDocuments = to;
    const changed = [...to].filter(([id, json]) => from.get(id) !== json).map(([, json]) => JSON.parse(json) as KnowledgeDocument);
    await engine.upsert(changed);
    await engine.remove([...from.keys()].filter((id) => !to.has(id)));
  }
}

function sameDocuments(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, json] of a) if (b.get(id) !== json) return false;
  return true;
}
