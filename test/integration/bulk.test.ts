/**
 * Bulk import and export over real HTTP against DynamoDB Local: rows are checked
 * as POST /cases checks a case, reported one by one, never half written and never
 * duplicated; exports honour the caller's clearance and page with a cursor.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { requesterIndexItems, tableSnapshot } from '../support/table-snapshot.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

const CSV = 'text/csv';
const JSONL = 'application/x-ndjson';

function importFile(body: string, contentType: string, key: string | null, query = '', as: 'agent' | 'integration' | 'requester' = 'integration') {
  return platform.fetchAs(as, `/cases/import${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, ...(key ? { 'idempotency-key': key } : {}) },
  });
}

const snapshot = () => tableSnapshot(platform);

/** Every item a requester's cases hold, straight from the table. */
const casesOf = (requester: string): Promise<Body[]> => requesterIndexItems(platform, requester);

const rows = (requester: string) =>
  [
    'type,subject,description,requester.id,requester.name,externalId,fields.product,fields.impact,fields.policyNumber,fields.claimType,fields.incidentDate,fields.estimatedLoss,fields.injuries,fields.propertyDamage',
    `support,Printer jam,Tray 2 jams,${requester},Pat,,web-app,team,,,,,,`,
    `insurance-claim,Storm damage,Roof tiles gone,${requester},Pat,CLM-${requester}-1,,,HO-123456,home,2026-11-01,4200,no,structure|garden`,
    `support,Bad row,Unknown product,${requester},Pat,,toaster,,,,,,,`,
    `insurance-claim,Missing policy,No policy number,${requester},Pat,,,,,home,2026-11-01,100,no,`,
    `,,No subject,${requester},,,,,,,,,,`,
  ].join('\n');

describe('importing cases', () => {
  it('opens every valid row, reports every rejected one by row and field, and writes nothing for those', async () => {
    const requester = `imp-${Date.now()}`;
    const response = await importFile(rows(requester), CSV, `batch-${requester}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as Body;
    expect(report).toMatchObject({ mode: 'valid-rows', dryRun: false, rows: 5, created: 2, replayed: 0, accepted: 2 });
    expect(report.cases.map((c: Body) => c.row)).toEqual([1, 2]);
    expect(report.rejected.map((r: Body) => [r.row, r.errors.map((e: Body) => `${e.field} ${e.rule}`)])).toEqual([
      [3, ['fields.product invalid_option']],
      [4, ['fields.policyNumber required']],
      [5, ['subject required']],
    ]);
    // Cells were read as their fields are typed.
    const claim = (await (await platform.fetchAs('agent', `/cases/${report.cases[1].caseId}`)).json()) as Body;
    expect(claim.fields).toEqual({
      policyNumber: 'HO-123456',
      claimType: 'home',
      incidentDate: '2026-11-01',
      propertyDamage: ['structure', 'garden'],
      estimatedLoss: 4200,
      injuries: false,
    });
    expect(claim.channel).toBe('api');
    // Exactly two cases in storage, each with its chain intact.
    expect((await casesOf(requester)).map((c) => c.subject).sort()).toEqual(['Printer jam', 'Storm damage']);
    for (const { caseId } of report.cases)
      expect(((await (await platform.fetchAs('agent', `/cases/${caseId}/history/verify`)).json()) as Body).valid).toBe(true);
  });

  it('never duplicates: a retried import replays, and an externalId imported again (under any key) is the same case', async () => {
    const requester = `retry-${Date.now()}`;
    const first = (await (await importFile(rows(requester), CSV, `retry-${requester}`)).json()) as Body;
    const again = (await (await importFile(rows(requester), CSV, `retry-${requester}`)).json()) as Body;
    expect(again).toMatchObject({ created: 0, replayed: 2 });
    expect(again.cases).toEqual(first.cases.map((c: Body) => ({ ...c, replayed: true })));

    const claimOnly = rows(requester)
      .split('\n')
      .filter((line, i) => i === 0 || line.includes('CLM-'));
    const reimported = (await (await importFile(claimOnly.join('\n'), CSV, `another-batch-${requester}`)).json()) as Body;
    expect(reimported).toMatchObject({ created: 0, replayed: 1, cases: [{ row: 1, caseId: first.cases[1].caseId, replayed: true }] });

    const changed = claimOnly.map((line) => line.replace('Roof tiles gone', 'Roof tiles and chimney gone')).join('\n');
    const refused = (await (await importFile(changed, CSV, `third-batch-${requester}`)).json()) as Body;
    expect(refused.rejected).toEqual([
      { row: 1, externalId: `CLM-${requester}-1`, errors: [expect.objectContaining({ field: 'externalId', rule: 'imported_differently' })] },
    ]);
    expect(await casesOf(requester)).toHaveLength(2);
  });

  it('parallel retries of one import open each case once', async () => {
    const requester = `para-${Date.now()}`;
    const reports = (await Promise.all(
      Array.from({ length: 6 }, () => importFile(rows(requester), CSV, `para-${requester}`).then((r) => r.json())),
    )) as Body[];
    expect(new Set(reports.map((r) => JSON.stringify(r.cases.map((c: Body) => c.caseId)))).size).toBe(1);
    expect(reports.reduce((sum, r) => sum + r.created, 0)).toBe(2);
    expect(await casesOf(requester)).toHaveLength(2);
  });

  it('all-or-nothing writes nothing when any row fails, and a dry run writes nothing at all', async () => {
    const requester = `aon-${Date.now()}`;
    const before = await snapshot();
    const strict = await importFile(rows(requester), CSV, `aon-${requester}`, '?mode=all-or-nothing');
    expect(strict.status).toBe(422);
    expect(strict.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await strict.json()) as Body;
    expect(problem).toMatchObject({
      status: 422,
      title: 'Some rows are not valid',
      report: { created: 0, accepted: 2, rejected: [{ row: 3 }, { row: 4 }, { row: 5 }] },
    });
    // Every rejected row's errors are named at the row, so a form or a script can point at the cell.
    const rowsNamed = new Set((problem.errors as Body[]).map((e) => /^rows\[(\d+)\]\./.exec(e.field as string)?.[1]));
    expect(rowsNamed).toEqual(new Set(['3', '4', '5']));
    const dry = await importFile(rows(requester), CSV, `dry-${requester}`, '?dryRun=true');
    expect(dry.status).toBe(200);
    expect((await dry.json()) as Body).toMatchObject({ dryRun: true, accepted: 2, created: 0, cases: [] });
    expect(await snapshot()).toBe(before);

    const good = rows(requester).split('\n').slice(0, 3).join('\n');
    const all = (await (await importFile(good, CSV, `aon-good-${requester}`, '?mode=all-or-nothing')).json()) as Body;
    expect(all).toMatchObject({ created: 2, rejected: [] });
  });

  it('reads JSON Lines as POST /cases bodies, one per line', async () => {
    const requester = `jsonl-${Date.now()}`;
    const lines = [
      JSON.stringify({ subject: 'From a partner', description: 'Line one', requester: { id: requester }, externalId: `P-${requester}` }),
      '{not json',
      '',
      JSON.stringify({ subject: 'Wrong', description: 'Line four', requester: { id: requester }, colour: 'red' }),
    ].join('\n');
    const report = (await (await importFile(lines, JSONL, `jsonl-${requester}`)).json()) as Body;
    expect(report).toMatchObject({ rows: 3, created: 1 });
    expect(report.rejected.map((r: Body) => [r.row, r.errors[0].field, r.errors[0].rule])).toEqual([
      [2, 'row', 'json'],
      [4, 'colour', 'unrecognized_key'],
    ]);
  });

  it.each([
    { name: 'no Idempotency-Key', body: rows('x'), type: CSV, key: null, status: 400, field: 'header.idempotency-key', rule: 'required' },
    { name: 'not CSV or JSON Lines', body: '{}', type: 'application/json', key: 'k1', status: 415, field: 'header.content-type', rule: 'media_type' },
    {
      name: 'an unknown column',
      body: 'subject,description,colour\nA,B,red',
      type: CSV,
      key: 'k2',
      status: 400,
      field: 'body',
      rule: 'unknown_column',
    },
    { name: 'a broken CSV', body: 'subject,description\n"A,B', type: CSV, key: 'k3', status: 400, field: 'body', rule: 'csv' },
    {
      name: 'over 1,000 rows',
      body: ['subject,description', ...Array.from({ length: 1001 }, (_, n) => `S${n},D`)].join('\n'),
      type: CSV,
      key: 'k4',
      status: 400,
      field: 'body',
      rule: 'too_big',
    },
    { name: 'an empty file', body: '  ', type: CSV, key: 'k5', status: 400, field: 'body', rule: 'required' },
  ])('refuses a file with $name ($status), and writes nothing', async (bad) => {
    const before = await snapshot();
    const response = await importFile(bad.body, bad.type, bad.key);
    expect(response.status).toBe(bad.status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as Body).errors).toContainEqual(expect.objectContaining({ field: bad.field, rule: bad.rule }));
    expect(await snapshot()).toBe(before);
  });

  it('is for staff and integrations', async () => {
    expect((await importFile(rows('me'), CSV, 'mine', '', 'requester')).status).toBe(403);
  });
});

describe('exporting cases', () => {
  it('writes the selected cases as CSV, fields as columns, restricted values only for those cleared', async () => {
    const requester = `exp-${Date.now()}`;
    const imported = (await (await importFile(rows(requester), CSV, `exp-${requester}`)).json()) as Body;
    const claimId = imported.cases[1].caseId;
    const claim = (await (await platform.fetchAs('supervisor', `/cases/${claimId}`)).json()) as Body;
    await platform.fetchAs('supervisor', `/cases/${claimId}`, {
      method: 'PATCH',
      body: JSON.stringify({ fields: { fraudScore: 12 } }),
      headers: { 'content-type': 'application/json', 'if-match': `"${claim.version}"` },
    });

    const exportAs = async (role: 'agent' | 'supervisor') => {
      const response = await platform.fetchAs(role, `/cases/export?requester=${requester}&type=insurance-claim`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      return parse(await response.text(), { columns: true }) as Record<string, string>[];
    };
    const agentRows = await exportAs('agent');
    expect(agentRows).toHaveLength(1);
    expect(agentRows[0]).toMatchObject({
      caseId: claimId,
      type: 'insurance-claim',
      status: 'submitted',
      'fields.propertyDamage': 'structure|garden',
      'requester.id': requester,
    });
    expect(agentRows[0]).not.toHaveProperty('fields.fraudScore');
    expect((await exportAs('supervisor'))[0]!['fields.fraudScore']).toBe('12');
  });

  it('pages with X-Next-Cursor, in JSON Lines too', async () => {
    const requester = `page-${Date.now()}`;
    const lines = Array.from({ length: 7 }, (_, n) => JSON.stringify({ subject: `Case ${n}`, description: 'D', requester: { id: requester } })).join(
      '\n',
    );
    await importFile(lines, JSONL, `page-${requester}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: Response = await platform.fetchAs(
        'agent',
        `/cases/export?format=jsonl&requester=${requester}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.headers.get('content-type')).toBe('application/x-ndjson');
      const text = await response.text();
      seen.push(
        ...text
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as Body).subject as string),
      );
      cursor = response.headers.get('x-next-cursor');
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, n) => `Case ${n}`).sort());
    expect((await platform.fetchAs('requester', '/cases/export')).status).toBe(403);
  });
});
