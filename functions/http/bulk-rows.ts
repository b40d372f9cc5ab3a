/**
 * Cases as files: CSV and JSON Lines in for import, out for export. A row is read
 * into exactly the body `POST /cases` takes and checked by the same schema, so an
 * imported case meets the same rules as a posted one. CSV cells are text; a cell
 * under `fields.<name>` is read as the case type's field of that name is typed
 * (numbers, true/false, `a|b` lists), so `01234` stays text where the field is text.
 *
 * CSV columns: type, subject, description, priority, channel, owner, queue,
 * parentId, requester.id, requester.name, requester.email, externalId, fields.<name>.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CaseView } from '#core/case-view.js';
import { fieldOf, type CaseType } from '#core/case-type.js';
import { validationFailed, type FieldIssue } from '#core/errors.js';
import type { ImportRow } from '#services/bulk.js';
import { issuesOf } from './input-issues.js';
import { CreateCaseBody } from './schemas.js';

export const MAX_IMPORT_ROWS = 1000;

export const IMPORT_FORMATS = { 'text/csv': 'csv', 'application/x-ndjson': 'jsonl', 'application/jsonl': 'jsonl' } as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[keyof typeof IMPORT_FORMATS];

const CASE_COLUMNS = [
  'type',
  'subject',
  'description',
  'priority',
  'channel',
  'owner',
  'queue',
  'parentId',
  'requester.id',
  'requester.name',
  'requester.email',
  'externalId',
] as const;
const EXTERNAL_ID = /^[\x21-\x7e]{1,200}$/;

const fileProblem = (rule: string, message: string) => validationFailed([{ field: 'body', rule, message }], 'The file cannot be imported.');

/** The type a row's custom fields are read as: the current version of the row's type (default support). */
export type TypeLookup = (typeId: string) => Promise<CaseType | undefined>;

function cellValue(text: string, type: CaseType | undefined, field: string): unknown {
  const def = type && fieldOf(type, field);
  switch (def?.type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'boolean': {
      const lower = text.toLowerCase();
      return ['true', 'yes', '1'].includes(lower) ? true : ['false', 'no', '0'].includes(lower) ? false : text;
    }
    case 'multiEnum':
      return text
        .split('|')
        .map((v) => v.trim())
        .filter(Boolean);
    default:
      return text;
  }
}

/** One CSV record as a create body: empty cells are absent, dotted columns nest. */
async function csvBody(record: Record<string, string>, typeOf: TypeLookup): Promise<Record<string, unknown>> {
  const present = Object.entries(record).filter(([, v]) => v.trim() !== '');
  const typeId = record.type?.trim() || 'support';
  const type = await typeOf(typeId);
  const body: Record<string, unknown> = {};
  const requester: Record<string, string> = {};
  const fields: Record<string, unknown> = {};
  for (const [column, raw] of present) {
    const text = raw.trim();
    if (column.startsWith('requester.')) requester[column.slice('requester.'.length)] = text;
    else if (column.startsWith('fields.')) fields[column.slice('fields.'.length)] = cellValue(text, type, column.slice('fields.'.length));
    else body[column] = text;
  }
  if (Object.keys(requester).length > 0) body.requester = requester;
  if (Object.keys(fields).length > 0) body.fields = fields;
  return body;
}

/** A body as a row: checked by the create schema, its external id split off. */
function rowOf(row: number, raw: unknown): ImportRow {
  const { externalId, ...body } = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : { '': raw }) as Record<string, unknown>;
  const errors: FieldIssue[] = [];
  if (externalId !== undefined && (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId))) {
    errors.push({ field: 'externalId', rule: 'invalid_format', message: 'externalId is 1-200 printable characters without spaces.' });
  }
  const parsed = CreateCaseBody.safeParse(body);
  if (!parsed.success) errors.push(...issuesOf(parsed.error, 'body', body).map((i) => ({ ...i, field: i.field.replace(/^body\.?/, '') || 'row' })));
  const id = typeof externalId === 'string' && errors.every((e) => e.field !== 'externalId') ? { externalId } : {};
  return errors.length > 0 || !parsed.success ? { row, ...id, errors } : { row, ...id, input: parsed.data };
}

export async function readImport(text: string, format: ImportFormat, typeOf: TypeLookup): Promise<ImportRow[]> {
  if (format === 'jsonl') {
    const lines = text
      .split(/\r?\n/)
      .map((line, i) => ({ line, n: i + 1 }))
      .filter(({ line }) => line.trim() !== '');
    if (lines.length > MAX_IMPORT_ROWS) throw fileProblem('too_big', `At most ${MAX_IMPORT_ROWS} rows per request; split the file.`);
    return lines.map(({ line, n }) => {
      try {
        return rowOf(n, JSON.parse(line));
      } catch {
        return { row: n, errors: [{ field: 'row', rule: 'json', message: 'This line is not a JSON object.' }] };
      }
    });
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: false, relax_column_count: false }) as Record<string, string>[];
  } catch (error) {
    throw fileProblem('csv', `The CSV cannot be read: ${(error as Error).message}`);
  }
  const columns = Object.keys(records[0] ?? {});
  const unknown = columns.filter((c) => !(CASE_COLUMNS as readonly string[]).includes(c) && !/^fields\.[A-Za-z][A-Za-z0-9_]{0,63}$/.test(c));
  if (unknown.length > 0)
    throw fileProblem('unknown_column', `Unknown columns: ${unknown.join(', ')}. Use ${CASE_COLUMNS.join(', ')} and fields.<name>.`);
  if (records.length > MAX_IMPORT_ROWS) throw fileProblem('too_big', `At most ${MAX_IMPORT_ROWS} rows per request; split the file.`);
  return Promise.all(records.map(async (record, i) => rowOf(i + 1, await csvBody(record, typeOf))));
}

export const EXPORT_FORMATS = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson' } as const;

/** Cases as a file: one row each, custom fields as `fields.<name>` columns in the order their types define them. */
export function writeExport(cases: readonly CaseView[], format: keyof typeof EXPORT_FORMATS): string {
  if (format === 'jsonl') return cases.map((c) => JSON.stringify(c)).join('\n') + (cases.length ? '\n' : '');
  const fieldColumns = [...new Set(cases.flatMap((c) => Object.keys(c.fields)))];
  const header = [
    'caseId',
    'type',
    'typeVersion',
    'status',
    'statusCategory',
    'priority',
    'priorityScore',
    'owner',
    'queue',
    'requester.id',
    'requester.name',
    'requester.email',
    'channel',
    'subject',
    'description',
    'reopenCount',
    'parentId',
    'mergedInto',
    'createdAt',
    'updatedAt',
    'resolvedAt',
    ...fieldColumns.map((f) => `fields.${f}`),
  ];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join('|') : String(v));
  const rows = cases.map((c) =>
    [
      c.caseId,
      c.type,
      c.typeVersion,
      c.status,
      c.statusCategory,
      c.priority,
      c.priorityScore?.score,
      c.owner,
      c.queue,
      c.requester.id,
      c.requester.name,
      c.requester.email,
      c.channel,
      c.subject,
      c.description,
      c.reopenCount,
      c.parentId,
      c.mergedInto,
      c.createdAt,
      c.updatedAt,
      c.resolvedAt,
      ...fieldColumns.map((f) => c.fields[f]),
    ].map(cell),
  );
  return stringify([header, ...rows]);
}
