/**
 * `npm run audit:verify -- [options] CASE-2026-000123 ...`: recompute each case's
 * audit hash chain straight from the table and say whether it is intact, for an
 * auditor who holds the table's credentials rather than an API token. The same
 * check as `GET /cases/{id}/history/verify`, by the same code.
 *
 *   --table NAME       the case table (default: $TABLE_NAME, else caseway-local)
 *   --endpoint URL     DynamoDB Local's endpoint, as `npm start` prints it (omit for AWS)
 *   --region REGION    AWS region (default: $AWS_REGION)
 *   --json             one JSON report per line instead of text
 *   -                  read case ids from standard input, one per line
 *
 * Exit status: 0 every chain is intact, 1 at least one is not (or a case is
 * missing), 2 the command line is wrong.
 */
import { parseArgs } from 'node:util';
import { text } from 'node:stream/consumers';
import { CASE_ID_PATTERN } from '#core/case-number.js';
import { targetTable } from './table-target.js';

const USAGE = 'Usage: npm run audit:verify -- [--table NAME] [--endpoint URL] [--region REGION] [--json] CASE-ID... | -';

function fail(message: string): never {
  console.error(`audit:verify: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: {
        table: { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const ids = positionals.includes('-') ? (await text(process.stdin)).split(/\s+/).filter(Boolean) : positionals;
if (ids.length === 0) fail('name at least one case id');
const bad = ids.filter((id) => !CASE_ID_PATTERN.test(id));
if (bad.length > 0) fail(`not case ids: ${bad.join(', ')}`);

// The repositories read their configuration from the environment at first use, as a Lambda does.
targetTable(values);
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';

const { verifyTrail } = await import('#services/history.js');

let intact = true;
for (const caseId of ids) {
  const report = await verifyTrail(caseId);
  const found = report.events > 0 || report.head !== null;
  intact &&= found && report.valid;
  if (values.json) {
    console.log(JSON.stringify({ ...report, found }));
  } else if (!found) {
    console.log(`${caseId}: NOT FOUND (no audit events and no chain head)`);
  } else if (report.valid) {
    console.log(`${caseId}: intact (${report.events} events, head ${report.head!.hash.slice(0, 12)}...)`);
  } else {
    console.log(`${caseId}: TAMPERED (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} in ${report.events} events)`);
    for (const problem of report.problems) console.log(`  event ${problem.seq}: ${problem.kind}: ${problem.detail}`);
  }
}
process.exit(intact ? 0 : 1);
