/** OpenAPI description of the read-access log: who read restricted cases. */
import * as z from 'zod';
import { CaseId, Cursor, Limit, pageOf } from '../schemas.js';
import type { Operation } from './shared.js';

export const ReadLogQuery = z
  .object({
    caseId: CaseId.optional().meta({ description: 'Reads of this case, newest first.' }),
    actor: z.string().min(1).max(256).optional().meta({ description: 'Reads by this person (their token subject), newest first.' }),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if ((q.caseId === undefined) === (q.actor === undefined)) {
      ctx.addIssue({ code: 'custom', path: [q.caseId === undefined ? 'caseId' : 'actor'], message: 'Give exactly one of caseId and actor.' });
    }
  });

export const CaseReadRecord = z
  .object({
    readId: z.string(),
    caseId: CaseId,
    caseType: z.string().meta({ description: 'The case type whose access rule made the read worth recording.' }),
    actor: z.object({ sub: z.string(), roles: z.array(z.string()), teams: z.array(z.string()) }),
    at: z.iso.datetime(),
    operation: z.string().meta({ description: 'The API operation that read the case (GetCase, ListCases, CaseHistory, ...).', example: 'GetCase' }),
    fields: z.array(z.string()).meta({ description: 'Fields of the case the answer could carry to this reader, their clearance applied (`fields.<name>` for custom fields).' }),
    correlationId: z.string().optional(),
  })
  .meta({ id: 'CaseRead' });

export const auditOperations: Record<string, Operation> = {
  'GET /audit/reads': {
    operationId: 'listCaseReads',
    summary: 'The read-access log: reads of restricted cases, by case or by reader, newest first (admin)',
    request: { query: ReadLogQuery },
    ok: { status: 200, description: 'A page of recorded reads.', schema: pageOf(CaseReadRecord, 'CaseReadPage') },
    problems: [400, 401, 403],
  },
};
