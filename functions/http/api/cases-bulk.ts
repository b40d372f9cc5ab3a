/** Bulk import and export: what the cases-bulk handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import { ExportQuery, IdempotencyKey, ImportQuery } from '../schemas.js';

const RowError = z.object({ field: z.string(), rule: z.string(), message: z.string() });

export const ImportReportRecord = z
  .object({
    mode: z.enum(['valid-rows', 'all-or-nothing']),
    dryRun: z.boolean(),
    rows: z.number().int(),
    created: z.number().int(),
    replayed: z.number().int().meta({ description: 'Rows whose case an earlier attempt (or an earlier import of the same externalId) opened.' }),
    accepted: z.number().int(),
    rejected: z.array(z.object({ row: z.number().int(), externalId: z.string().optional(), errors: z.array(RowError) })),
    cases: z.array(z.object({ row: z.number().int(), caseId: z.string(), replayed: z.boolean() })),
  })
  .meta({ id: 'ImportReport' });

const FILE = z.string().meta({ description: 'The file.' });

export const casesBulk = {
  importCases: operation({
    operationId: 'importCases',
    method: 'POST',
    path: '/cases/import',
    fn: 'cases-bulk',
    auth: 'jwt',
    summary: 'Import up to 1,000 cases from CSV or JSON Lines, each checked as POST /cases checks it (staff)',
    description:
      'CSV columns: type, subject, description, priority, channel, owner, queue, parentId, requester.id, requester.name, requester.email, externalId, fields.<name> (lists as a|b). ' +
      'JSON Lines: one POST /cases body per line, plus an optional externalId. Each row is created in its own transaction; a retried import, or a re-import of an externalId, never opens a second case.',
    headers: { 'Idempotency-Key': { schema: IdempotencyKey, required: true } },
    query: ImportQuery,
    rawBody: { 'text/csv': FILE, 'application/x-ndjson': FILE },
    responses: {
      200: {
        description:
          'What was created, replayed and rejected, row by row (all-or-nothing with a rejected row answers 422 problem+json: `errors` names the field of each rejected row as rows[n].field, `report` holds this report).',
        schema: ImportReportRecord,
      },
    },
    problems: [400, 401, 403, 413, 415, 422],
  }),
  exportCases: operation({
    operationId: 'exportCases',
    method: 'GET',
    path: '/cases/export',
    fn: 'cases-bulk',
    auth: 'jwt',
    summary: 'Export a filtered set of cases as CSV or JSON Lines, a page at a time (staff)',
    query: ExportQuery,
    responses: {
      200: {
        description: 'A page of cases; restricted fields stay hidden from callers without clearance.',
        content: { 'text/csv': FILE, 'application/x-ndjson': FILE },
        headers: { 'X-Next-Cursor': 'Pass it back as `cursor` for the next page; absent on the last.' },
      },
    },
    problems: [400, 401, 403],
  }),
};
