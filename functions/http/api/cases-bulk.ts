/** Bulk import and export: what the cases-bulk handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import { ExportQuery, IdempotencyKey, ImportQuery } from '../schemas.js';
import { DomainError, validationFailed } from '#core/errors.js';
import { EXPORT_FORMATS, IMPORT_FORMATS, readImport, writeExport, type ImportFormat } from '../bulk-rows.js';
import { changeContextOf } from '../change-context.js';
import { bodyText } from '../request.js';
import { config } from '#functions/config.js';
import { exportCases, importCases } from '#services/bulk.js';
import { currentTypeIfAny } from '#services/case-types.js';

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
    maxBodyBytes: () => config().MAX_IMPORT_BYTES,
    handle: async (request) => {
      const mediaType = (request.event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format: ImportFormat | undefined = IMPORT_FORMATS[mediaType as keyof typeof IMPORT_FORMATS];
      if (!format) {
        throw new DomainError('UnsupportedMediaType', 'Send the cases as text/csv or application/x-ndjson (JSON Lines).', [
          { field: 'header.content-type', rule: 'media_type', message: `Expected one of ${Object.keys(IMPORT_FORMATS).join(', ')}.` },
        ]);
      }
      const key = request.headers['idempotency-key'];
      if (key === undefined) {
        throw validationFailed([
          {
            field: 'header.idempotency-key',
            rule: 'required',
            message: 'Imports need an Idempotency-Key, so a retried import never opens a case twice.',
          },
        ]);
      }
      const text = bodyText(request.event);
      if (text.trim() === '') throw validationFailed([{ field: 'body', rule: 'required', message: 'The file is empty.' }]);
      const rows = await readImport(text, format, currentTypeIfAny);
      const report = await importCases(rows, { key, mode: request.query.mode, dryRun: request.query.dryRun }, changeContextOf(request));
      // All-or-nothing with a bad row wrote nothing: a problem naming each row's field, with the whole report beside it.
      if (report.mode === 'all-or-nothing' && report.rejected.length > 0 && !report.dryRun) {
        const issues = report.rejected.flatMap(({ row, errors }) => errors.map((e) => ({ ...e, field: `rows[${row}].${e.field}` })));
        const message = `${report.rejected.length} of ${report.rows} rows are not valid, so no case was opened; fix them and send the file again.`;
        throw new DomainError('RowsRejected', message, issues, { report });
      }
      return { status: 200, body: report };
    },
  }),
  exportCases: operation({
    operationId: 'exportCases',
    method: 'GET',
    path: '/cases/export',
    fn: 'cases-bulk',
    auth: 'jwt',
    summary: 'Export a filtered set of cases as CSV or JSON Lines, a page at a time (staff)',
    description:
      'Who: staff. A filtered set (the listing filters) as CSV or JSON Lines (`format`), up to 1,000 a page, next page in `X-Next-Cursor`.',
    query: ExportQuery,
    responses: {
      200: {
        description: 'A page of cases; restricted fields stay hidden from callers without clearance.',
        content: { 'text/csv': FILE, 'application/x-ndjson': FILE },
        headers: { 'X-Next-Cursor': 'Pass it back as `cursor` for the next page; absent on the last.' },
      },
    },
    problems: [400, 401, 403],
    handle: async (request) => {
      const { format, status, ...rest } = request.query;
      const page = await exportCases({ ...rest, ...(status ? { statuses: status } : {}) }, request);
      const headers: Record<string, string> = { 'content-type': EXPORT_FORMATS[format] };
      if (page.nextCursor) headers['x-next-cursor'] = page.nextCursor;
      return { status: 200, raw: writeExport(page.items, format), headers };
    },
  }),
};
