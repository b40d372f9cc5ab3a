/**
 * Listings end: following `nextCursor` visits every matching case exactly once,
 * newest first, and stops, for any filter (including one nothing matches) and
 * any page size. Real HTTP against DynamoDB Local, checked against a plain
 * filter over the cases as read one by one; the export pages the same way.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLabType, labType } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;
const cases: Body[] = [];
const STATUSES = ['open', 'working', 'parked', 'done'] as const;
const CASES = 36;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, who: 'supervisor' | 'admin' = 'supervisor') {
  const init =
    body === undefined ? { method, headers } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
  const response = await platform.fetchAs(who, path, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text && /^application\/(problem\+)?json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined) as Body,
  };
}

beforeAll(async () => {
  platform = await startTestPlatform();
  await ensureLabType(platform);
  expect((await call('POST', '/case-types', { ...labType, typeId: 'lab2', name: 'Lab 2', defaultQueue: 'lab2' }, {}, 'admin')).status).toBe(201);
  const ids: string[] = [];
  for (let n = 0; n < CASES; n++) {
    const made = await call('POST', '/cases', {
      type: n % 3 === 0 ? 'lab2' : 'lab',
      subject: `Paging ${n}`,
      description: 'A case to page through.',
      requester: { id: `cust-${n % 4}` },
      ...(n % 5 === 0 ? { queue: 'side' } : {}),
    });
    expect(made.status, made.text).toBe(201);
    ids.push(made.body.caseId as string);
    if (n % 2 === 0) {
      const owned = await call(
        'PATCH',
        `/cases/${made.body.caseId}`,
        { owner: n % 4 === 0 ? 'demo-agent' : 'demo-supervisor' },
        { 'if-match': `"${made.body.version}"` },
      );
      expect(owned.status, owned.text).toBe(200);
    }
    const path = [[], ['working'], ['parked'], ['working', 'done']][n % 4]!;
    for (const to of path) expect((await call('POST', `/cases/${made.body.caseId}/transitions`, { to })).status).toBe(200);
  }
  for (const id of ids) cases.push((await call('GET', `/cases/${id}`)).body);
});
afterAll(async () => {
  await platform?.stop();
});

interface Selector {
  status?: string[];
  owner?: string;
  requester?: string;
  type?: string;
  queue?: string;
}

/** The oracle: what the API documents, as a plain filter. Without status, owner or requester: open work. */
function expected(s: Selector): string[] {
  return cases
    .filter((c) =>
      s.status
        ? s.status.includes(c.status)
        : s.owner !== undefined || s.requester !== undefined || c.statusCategory === 'active' || c.statusCategory === 'waiting',
    )
    .filter((c) => (s.owner === undefined || c.owner === s.owner) && (s.requester === undefined || c.requester.id === s.requester))
    .filter((c) => (s.type === undefined || c.type === s.type) && (s.queue === undefined || c.queue === s.queue))
    .sort((a, b) => (`${a.createdAt}#${a.caseId}` < `${b.createdAt}#${b.caseId}` ? 1 : -1))
    .map((c) => c.caseId as string);
}

/** Optional, absent more often than not: the default listing (open work over 8 shards) is where short pages bite. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const selector = fc
  .record({
    status: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.subarray([...STATUSES], { minLength: 1 }) }),
    owner: maybe(fc.constantFrom('demo-agent', 'demo-supervisor', 'nobody')),
    requester: maybe(fc.constantFrom('cust-0', 'cust-1', 'cust-3', 'cust-x')),
    type: maybe(fc.constantFrom('lab', 'lab2', 'device-alert')),
    queue: maybe(fc.constantFrom('lab', 'lab2', 'side', 'nowhere')),
  })
  .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as Selector);
/** Small pages most often: a page smaller than a shard is what a filter can leave empty. */
const limits = fc.oneof(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 7 }));

/** Follow the cursors, refusing to go on past any bound a finite listing could need. */
async function follow(path: string, s: Selector, limit: number, page: (url: string) => Promise<{ ids: string[]; next?: string }>) {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(s)) query.set(k, Array.isArray(v) ? v.join(',') : v);
  const seen: string[] = [];
  const cursors = new Set<string>();
  // Each page moves some partition on by at least one key: never more pages than keys plus partitions.
  const bound = CASES * 4 + 40;
  let cursor: string | undefined;
  for (let n = 0; n < bound; n++) {
    const { ids, next } = await page(`${path}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(ids.length).toBeLessThanOrEqual(limit);
    seen.push(...ids);
    if (next === undefined) return seen;
    expect(cursors.has(next), `cursor repeated after ${n + 1} pages`).toBe(false);
    cursors.add(next);
    cursor = next;
  }
  throw new Error(`${path} ${JSON.stringify(s)} limit ${limit}: still a next cursor after ${bound} pages`);
}

describe('following cursors', () => {
  it('a filter nothing matches ends at once (GET /cases?type=device-alert)', async () => {
    const listed = await follow('/cases', { type: 'device-alert' }, 1, async (url) => {
      const r = await call('GET', url);
      expect(r.status, r.text).toBe(200);
      return { ids: r.body.items.map((c: Body) => c.caseId), next: r.body.nextCursor };
    });
    expect(listed).toEqual([]);
  });

  it('GET /cases visits every match once, in order, and ends: any filter, any limit', async () => {
    await fc.assert(
      fc.asyncProperty(selector, limits, async (s, limit) => {
        const listed = await follow('/cases', s, limit, async (url) => {
          const r = await call('GET', url);
          expect(r.status, r.text).toBe(200);
          return { ids: r.body.items.map((c: Body) => c.caseId), next: r.body.nextCursor };
        });
        expect(listed).toEqual(expected(s));
      }),
      { numRuns: 40 },
    );
  });

  it('GET /cases/export pages the same way', async () => {
    await fc.assert(
      fc.asyncProperty(selector, limits, async (s, limit) => {
        const exported = await follow('/cases/export', { ...s }, limit, async (url) => {
          const r = await call('GET', `${url}&format=jsonl`);
          expect(r.status, r.text).toBe(200);
          const ids = r.text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line).caseId as string);
          return { ids, next: r.headers.get('x-next-cursor') ?? undefined };
        });
        expect(exported).toEqual(expected(s));
      }),
      { numRuns: 15 },
    );
  });
});
