/**
 * Bulk import and export of cases. An import is checked row by row with exactly
 * the rules a single `POST /cases` meets (it goes through the same `prepareCase`
 * and `admitCase`); every row is created in its own transaction with its audit
 * event and its idempotency record, so no row is ever half written, and a retried
 * import (or a re-import of a row with the same external id) never duplicates a case.
 */
import { isStaff } from '#core/caller.js';
import type { ChangeContext } from '#core/audit-event.js';
import type { NewCase } from '#core/case-lifecycle.js';
import type { CaseType } from '#core/case-type.js';
import { forbidden, isDomainError, type FieldIssue } from '#core/errors.js';
import { sha256 } from '#core/fingerprint.js';
import { config } from '../config.js';
import { listCases, type ListRequest } from './case-reads.js';
import { admitCase, currentType, prepareCase, type PreparedCase } from './cases.js';

/** A row of an import as the HTTP layer read it: a case to open, or why the row could not be read. */
export interface ImportRow {
  /** 1-based row (CSV data row or JSON Lines line). */
  readonly row: number;
  /** The caller's own id for the record: re-importing it never makes a second case. */
  readonly externalId?: string;
  readonly input?: NewCase;
  readonly errors?: FieldIssue[];
}

export interface ImportOptions {
  /** The import's Idempotency-Key: rows without an external id are keyed by it and their row number. */
  readonly key: string;
  /** `valid-rows` writes every row that passes; `all-or-nothing` writes nothing if any row fails. */
  readonly mode: 'valid-rows' | 'all-or-nothing';
  /** Check every row, write none. */
  readonly dryRun: boolean;
}

export interface ImportReport {
  readonly mode: ImportOptions['mode'];
  readonly dryRun: boolean;
  readonly rows: number;
  /** Cases opened by this request. */
  readonly created: number;
  /** Rows whose case an earlier import (or an earlier attempt of this one) had opened. */
  readonly replayed: number;
  /** Rows that passed every check (in a dry run: would be written). */
  readonly accepted: number;
  readonly rejected: { readonly row: number; readonly externalId?: string; readonly errors: FieldIssue[] }[];
  readonly cases: { readonly row: number; readonly caseId: string; readonly replayed: boolean }[];
}

/** Rows written at once: enough to keep a Lambda busy, few enough to stay far from DynamoDB's limits. */
const WRITE_CONCURRENCY = 8;

/** A domain refusal as row errors, with paths relative to the row (`fields.product`, not `body.fields.product`). */
function rowErrors(error: unknown, row: ImportRow): FieldIssue[] {
  if (!isDomainError(error)) throw error;
  if (error.kind === 'IdempotencyKeyReused') {
    return row.externalId
      ? [
          {
            field: 'externalId',
            rule: 'imported_differently',
            message: `${row.externalId} was imported before with other content; give changed records a new externalId, or change the case itself.`,
          },
        ]
      : [
          {
            field: 'row',
            rule: 'imported_differently',
            message: 'This import key was used before with other content in this row; use a new Idempotency-Key for a new import.',
          },
        ];
  }
  const relative = (field: string) => field.replace(/^body\./, '');
  if (error.issues.length > 0) return error.issues.map((i) => ({ ...i, field: relative(i.field) }));
  return [{ field: 'row', rule: error.kind === 'Forbidden' ? 'not_permitted' : 'rejected', message: error.message }];
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function importCases(rows: readonly ImportRow[], options: ImportOptions, ctx: ChangeContext): Promise<ImportReport> {
  if (!isStaff(ctx.caller)) throw forbidden('Bulk import is for staff and integrations.');
  const types = new Map<string, Promise<CaseType>>();
  const typeOf = (typeId: string) => {
    if (!types.has(typeId)) types.set(typeId, currentType(typeId));
    return types.get(typeId)!;
  };

  // Phase 1: every check, no writes.
  const rejected: ImportReport['rejected'][number][] = [];
  const ready: { row: ImportRow & { input: NewCase }; type: CaseType; prepared: PreparedCase }[] = [];
  for (const row of rows) {
    const reject = (errors: FieldIssue[]) => rejected.push({ row: row.row, ...(row.externalId ? { externalId: row.externalId } : {}), errors });
    if (!row.input) {
      reject(row.errors ?? []);
      continue;
    }
    try {
      const type = await typeOf(row.input.type);
      ready.push({ row: row as ImportRow & { input: NewCase }, type, prepared: await prepareCase(row.input, type, ctx) });
    } catch (error) {
      reject(rowErrors(error, row));
    }
  }
  const report = (extra: Partial<ImportReport>): ImportReport => ({
    mode: options.mode,
    dryRun: options.dryRun,
    rows: rows.length,
    created: 0,
    replayed: 0,
    accepted: ready.length,
    rejected: rejected.sort((a, b) => a.row - b.row),
    cases: [],
    ...extra,
  });
  if (options.dryRun || (options.mode === 'all-or-nothing' && rejected.length > 0)) return report({});

  // Phase 2: each row in its own transaction, idempotently.
  const cases: ImportReport['cases'][number][] = [];
  const ttl = config().IMPORT_KEY_TTL_SECONDS;
  await pool(ready, WRITE_CONCURRENCY, async ({ row, type, prepared }) => {
    const rowKey = row.externalId ? `import:external:${row.externalId}` : `import:${options.key}#${row.row}`;
    try {
      const { case: created, replayed } = await admitCase(row.input, type, ctx, sha256(`${ctx.caller.sub}\n${rowKey}`), ttl, prepared);
      cases.push({ row: row.row, caseId: created.caseId, replayed });
    } catch (error) {
      rejected.push({ row: row.row, ...(row.externalId ? { externalId: row.externalId } : {}), errors: rowErrors(error, row) });
    }
  });
  cases.sort((a, b) => a.row - b.row);
  return report({
    accepted: cases.length,
    created: cases.filter((c) => !c.replayed).length,
    replayed: cases.filter((c) => c.replayed).length,
    cases,
  });
}

/** A page of cases for export: the same selection and the same views as listing, in bigger pages. */
export function exportCases(request: ListRequest, ctx: Pick<ChangeContext, 'caller'>) {
  if (!isStaff(ctx.caller)) throw forbidden('Export is for staff and integrations.');
  return listCases(request, ctx.caller);
}
