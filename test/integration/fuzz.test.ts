/**
 * Every operation of the OpenAPI document, fuzzed from its own schemas: request
 * values generated from the document's JSON Schemas (so most requests get past
 * the first check), with one hostile value put somewhere in each (numbers past
 * 2^53 or under 1e-130, NaN-like strings, long and odd unicode strings, deep
 * nesting, wrong types, odd path segments). Sent over real HTTP with a real token.
 *
 * The claim: no answer is a 5xx; every refusal is application/problem+json and
 * leaves the table exactly as it was. Fixed seed and a bounded number of runs per
 * operation, so the suite stays quick and a failure replays.
 *
 *   npx vitest run test/integration/fuzz.test.ts     (prints the figures at the end)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoUserKey } from '#lib/local/dev-issuer.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { scanTable, tableSnapshot } from '../support/table-snapshot.js';

const SEED = 20261203;
/** Runs per operation: more where a request can write. */
const RUNS = { read: Number(process.env.FUZZ_READ_RUNS ?? 4), write: Number(process.env.FUZZ_WRITE_RUNS ?? 14) };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;
interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly schema: Schema;
}
interface OperationDoc {
  readonly operationId: string;
  readonly parameters?: Parameter[];
  readonly requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Op {
  readonly method: string;
  readonly path: string;
  readonly doc: OperationDoc;
}

let platform: TestPlatform;
let operations: Op[] = [];
let components: Record<string, Schema> = {};
/** Ids of things that exist, offered wherever a generated string's pattern admits them, so requests reach the writes. */
const known: string[] = ['support', 'demo-agent', 'demo-requester', 'standard', 'business-hours'];
/** The same, by the name of the field or parameter that usually holds them. */
const knownByName: Record<string, string[]> = {};

const JSON_HEADERS = { 'content-type': 'application/json' };

async function created(who: DemoUserKey, path: string, body: unknown): Promise<Record<string, string>> {
  const response = await platform.fetchAs(who, path, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return (await response.json()) as Record<string, string>;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const document = (await (await fetch(`${platform.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, OperationDoc>>;
    components: { schemas: Record<string, Schema> };
  };
  components = document.components.schemas;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, doc]) => ({ method: method.toUpperCase(), path, doc })),
  );
  const first = await created('agent', '/cases', { subject: 'Fuzz target', description: 'x', requester: { id: 'demo-requester' } });
  const second = await created('agent', '/cases', { subject: 'Fuzz other', description: 'x', requester: { id: 'demo-requester' } });
  const task = await created('agent', `/cases/${first.caseId}/tasks`, { title: 'Fuzz task' });
  const article = await created('agent', '/knowledge/articles', { title: 'Fuzz article', body: 'Fuzz body', category: 'fuzz', visibility: 'public' });
  const asset = await created('admin', '/assets', {
    assetId: 'pump-fuzz',
    name: 'Pump',
    owner: { id: 'demo-requester' },
    thresholds: [{ metric: 'temperature', direction: 'above', value: 80 }],
  });
  known.push(first.caseId!, second.caseId!, task.taskId!, article.articleId!, asset.assetId!, 'temperature');
  const cases = [first.caseId!, second.caseId!];
  Object.assign(knownByName, {
    id: [...cases, asset.assetId!, 'demo-agent'],
    caseId: cases,
    targetId: cases,
    survivorId: cases,
    parentId: cases,
    taskId: [task.taskId!],
    articleId: [article.articleId!],
    assetId: [asset.assetId!],
    metric: ['temperature'],
    type: ['support'],
  });
});
afterAll(async () => {
  await platform?.stop();
});

// Hostile values

/** `depth` arrays inside each other. */
const nested = (depth: number): unknown => (depth === 0 ? 0 : [nested(depth - 1)]);
const hostileNumber = fc.constantFrom(1e200, -1e300, 2 ** 53 + 2, Number('12345678901234567890'), 1e-200, -5e-324, 9.9999e125, 1e126);
const hostileString = fc.oneof(
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '1e-400',
    '-0',
    '0x10',
    '',
    ' ',
    '\u0000',
    '\uD800',
    '#',
    'a#b',
    '../..',
    '%00',
    '%2F',
    'null',
    'true',
    '[]',
    '{}',
  ),
  fc.constantFrom(2_000, 5_000).chain((n) => fc.constantFrom('x'.repeat(n), 'é'.repeat(n), '🙂'.repeat(n / 2), `CASE-2026-${'1'.repeat(n)}`)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostileString,
  fc.constantFrom<unknown>(null, true, 0, -1, {}, [], nested(40), { a: nested(60) }, [[[[[[1e300]]]]]]),
  fc.jsonValue({ maxDepth: 3 }),
);

// Values from the document's schemas

const resolve = (schema: Schema): Schema => {
  let s = schema;
  while (s && typeof s.$ref === 'string') s = components[s.$ref.split('/').pop()!]!;
  return s ?? {};
};

function pattern(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

/** A value the schema accepts, as far as a schema says (the rules behind it may still refuse it). */
function valid(schema: Schema, depth = 0, name?: string): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (depth > 8) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, depth + 1, name)));
  if (Array.isArray(s.allOf)) return valid(Object.assign({}, ...s.allOf.map(resolve)), depth + 1, name);
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [s.type as string] : s.properties ? ['object'] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => valid({ ...s, type }, depth, name)));
  switch (types[0]) {
    case 'string': {
      const max = Math.min(s.maxLength ?? 30, 60);
      const min = Math.min(s.minLength ?? 0, max);
      if (s.format === 'date-time')
        return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'email') return fc.emailAddress();
      const re = typeof s.pattern === 'string' ? pattern(s.pattern) : undefined;
      if (re) {
        const fit = (list: string[]) => list.filter((k) => re.test(k) && k.length <= (s.maxLength ?? Infinity));
        const named = fit(knownByName[name ?? ''] ?? []);
        const fits = fit(known);
        const generated = fc.stringMatching(re).filter((v) => v.length >= min && v.length <= (s.maxLength ?? 200));
        if (named.length > 0) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...named) }, { weight: 1, arbitrary: generated });
        return fits.length > 0 ? fc.oneof(fc.constantFrom(...fits), generated) : generated;
      }
      return fc.string({ minLength: Math.max(min, 1), maxLength: Math.max(max, 1) });
    }
    case 'integer':
      return fc.integer({ min: Math.max(s.minimum ?? -1000, -1e6), max: Math.min(s.maximum ?? 1000, 1e6) });
    case 'number':
      // Ordinary numbers here (fc.double alone favours values next to zero): the hostile ones come by `implant`.
      return fc
        .double({ min: Math.max(s.minimum ?? -1000, -1e6), max: Math.min(s.maximum ?? 1000, 1e6), noNaN: true, noDefaultInfinity: true })
        .filter((n) => n === 0 || Math.abs(n) > 1e-3);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      return fc.array(valid(s.items ?? {}, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 3, 3)) });
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const record = fc.record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, valid(v, depth + 1, k)])), {
        requiredKeys: (s.required ?? []) as string[],
      });
      if (Object.keys(properties).length > 0 || !s.additionalProperties || s.additionalProperties === true) return record;
      const key =
        typeof s.propertyNames?.pattern === 'string'
          ? fc.stringMatching(pattern(s.propertyNames.pattern)!)
          : fc.string({ minLength: 1, maxLength: 10 });
      return fc.dictionary(key, valid(s.additionalProperties as Schema, depth + 1), { maxKeys: 3 });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * `value` in place of the `at`-th node of `tree` (depth first): one hostile value somewhere in a valid document.
 * A number's place gets a hostile number: that is where the table's limits bite.
 */
function implant(tree: unknown, at: number, value: unknown, number: number): unknown {
  const count = (node: unknown): number =>
    1 + (node !== null && typeof node === 'object' ? Object.values(node).reduce((n: number, v) => n + count(v), 0) : 0);
  let seen = 0;
  const target = at % count(tree);
  const walk = (node: unknown): unknown => {
    if (seen++ === target) return typeof node === 'number' ? number : value;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(tree);
}

/** Mostly a valid value with one hostile value inside; sometimes all valid, sometimes all hostile. */
const fuzzed = (schema: Schema): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(valid(schema), fc.nat(), hostile, hostileNumber).map(([v, at, h, n]) => implant(v, at, h, n)) },
    { weight: 2, arbitrary: valid(schema) },
    { weight: 1, arbitrary: hostile },
  );

const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
const fuzzedText = (schema: Schema, name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: valid(schema, 0, name).map(asText) },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: hostile.map(asText) },
  );

/** A file for the import route: rows with hostile values, as CSV or JSON Lines. */
function importFile(): fc.Arbitrary<{ type: string; text: string }> {
  const row = fuzzed(components.CreateCase ?? {});
  const csvCell = fc.oneof(
    fc.constantFrom('99999999999999999999999', `0.${'0'.repeat(200)}1`, '1e400', 'NaN', '"', '=1+1'),
    fc.string({ maxLength: 20 }),
  );
  return fc.oneof(
    fc
      .array(row, { minLength: 1, maxLength: 3 })
      .map((rows) => ({ type: 'application/x-ndjson', text: rows.map((r) => JSON.stringify(r)).join('\n') })),
    fc.array(fc.array(csvCell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 3 }).map((rows) => ({
      type: 'text/csv',
      text: [
        'subject,description,requester.id,fields.impact',
        ...rows.map((cells) => cells.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')),
      ].join('\n'),
    })),
  );
}

/** Every role, weighted to those that may write the most, so requests get past the permission checks to the writes. */
const role = fc.oneof(
  { weight: 3, arbitrary: fc.constant<DemoUserKey>('admin') },
  { weight: 2, arbitrary: fc.constantFrom<DemoUserKey>('integration', 'agent') },
  { weight: 1, arbitrary: fc.constantFrom<DemoUserKey>('supervisor', 'requester') },
);
const printable = (v: string) => /^[\x20-\x7e]*$/.test(v);

interface Request {
  role: DemoUserKey;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body?: { type: string; text: string };
}

function requestsFor(op: Op): fc.Arbitrary<Request> {
  const params = op.doc.parameters ?? [];
  const inside = (where: Parameter['in']) => params.filter((p) => p.in === where);
  const path = fc.record(
    Object.fromEntries(
      inside('path').map((p) => [
        p.name,
        fc.oneof({ weight: 3, arbitrary: valid(p.schema, 0, p.name).map(String) }, { weight: 1, arbitrary: hostileString }),
      ]),
    ),
  );
  const query = fc.record(Object.fromEntries(inside('query').map((p) => [p.name, fuzzedText(p.schema, p.name)])), {
    requiredKeys: inside('query')
      .filter((p) => p.required)
      .map((p) => p.name),
  });
  const headers = fc.record(
    Object.fromEntries(inside('header').map((p) => [p.name.toLowerCase(), fc.oneof(valid(p.schema).map(String), hostileString).filter(printable)])),
    { requiredKeys: [] },
  );
  const content = op.doc.requestBody?.content ?? {};
  const body: fc.Arbitrary<Request['body']> = content['application/json']
    ? fuzzed(content['application/json'].schema).map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' }))
    : Object.keys(content).length > 0
      ? importFile()
      : fc.constant(undefined);
  return fc.record({ role, path, query, headers, body });
}

// The table before and after

let settled: string | undefined;
const readTable = async () => JSON.stringify((await scanTable(platform)).map((i) => JSON.stringify(i)).sort());

/** What changed between two readings of the table, by key: for the failure message. */
function changedKeys(before: string, after: string): string[] {
  const a = new Set(JSON.parse(before) as string[]);
  const b = new Set(JSON.parse(after) as string[]);
  const keyOf = (item: string) => {
    const { pk, sk } = JSON.parse(item) as { pk: string; sk: string };
    return `${pk} | ${sk}`;
  };
  return [...new Set([...[...a].filter((i) => !b.has(i)), ...[...b].filter((i) => !a.has(i))].map(keyOf))];
}

const figures = { operations: 0, requests: 0, serverErrors: 0, refused: 0, accepted: 0, byStatus: {} as Record<number, number> };

describe('fuzzing every operation of the OpenAPI document', () => {
  it('gets no 5xx, and every refusal is a problem that wrote nothing', async () => {
    expect(operations.length).toBeGreaterThan(70);
    settled = await tableSnapshot(platform);
    for (const op of operations) {
      figures.operations++;
      await fc.assert(
        fc.asyncProperty(requestsFor(op), async (r) => {
          const url =
            op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(r.path[name] ?? '')) +
            (Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : '');
          const headers = Object.fromEntries(
            Object.entries({ ...r.headers, ...(r.body ? { 'content-type': r.body.type } : {}) }).filter(
              (e): e is [string, string] => e[1] !== undefined,
            ),
          );
          // A refusal is compared with the table as it stood after the last accepted request had settled.
          settled ??= await tableSnapshot(platform);
          const response = await platform.fetchAs(r.role, url, { method: op.method, headers, ...(r.body ? { body: r.body.text } : {}) });
          const text = await response.text();
          figures.requests++;
          figures.byStatus[response.status] = (figures.byStatus[response.status] ?? 0) + 1;
          if (response.status >= 500) figures.serverErrors++;
          const where = `${op.method} ${url.slice(0, 300)} as ${r.role} -> ${response.status} ${text.slice(0, 500)}`;
          expect(response.status, where).toBeLessThan(500);
          if (response.status >= 400) {
            figures.refused++;
            // 431: a URL past the HTTP server's header limit never reaches a handler (API Gateway's own limit answers it there).
            if (response.status !== 431) expect(response.headers.get('content-type'), where).toBe('application/problem+json');
            // The refused request's own writes would be in the table by the time it answered.
            const now = await readTable();
            expect(changedKeys(settled, now), where).toEqual([]);
          } else {
            figures.accepted++;
            settled = undefined;
          }
        }),
        { seed: SEED, numRuns: op.method === 'GET' ? RUNS.read : RUNS.write, endOnFailure: true },
      );
    }
    console.info(
      `Fuzz figures: ${figures.operations} operations, ${figures.requests} requests (${figures.accepted} accepted, ${figures.refused} refused), ${figures.serverErrors} answered 5xx; by status ${JSON.stringify(figures.byStatus)}`,
    );
    expect(figures.operations).toBe(operations.length);
    expect(figures.serverErrors).toBe(0);
  }, 240_000);
});
