import { DomainError, validationFailed } from '#core/errors.js';
import { casesBulk } from '#http/api/cases-bulk.js';
import { EXPORT_FORMATS, IMPORT_FORMATS, readImport, writeExport, type ImportFormat } from '#http/bulk-rows.js';
import { changeContextOf } from '#http/change-context.js';
import { bodyText, serve } from '#http/http-handler.js';
import { config } from '../config.js';
import { exportCases, importCases } from '#services/bulk.js';
import { currentTypeIfAny } from '#services/case-types.js';

export const handler = serve(casesBulk, {
  importCases: {
    maxBodyBytes: config().MAX_IMPORT_BYTES,
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
  },
  exportCases: async (request) => {
    const { format, status, ...rest } = request.query;
    const page = await exportCases({ ...rest, ...(status ? { statuses: status } : {}) }, request);
    const headers: Record<string, string> = { 'content-type': EXPORT_FORMATS[format] };
    if (page.nextCursor) headers['x-next-cursor'] = page.nextCursor;
    return { status: 200, raw: writeExport(page.items, format), headers };
  },
});
