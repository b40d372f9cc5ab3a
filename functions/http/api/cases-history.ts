/** The audit trail of a case, its verification, and the read-access log: what the cases-history handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import { ChainReportRecord } from '../chain-report-schema.js';
import { AuditRecord, CaseId, CaseIdParams, Cursor, Limit, MergedPageQuery, pageOf } from '../schemas.js';
import { history, verifyHistory } from '#services/history.js';
import { listReads } from '#services/read-log.js';

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
    fields: z.array(z.string()).meta({
      description: 'Fields of the case the answer could carry to this reader, their clearance applied (`fields.<name>` for custom fields).',
    }),
    correlationId: z.string().optional(),
  })
  .meta({ id: 'CaseRead' });

export const casesHistory = {
  caseHistory: operation({
    operationId: 'caseHistory',
    method: 'GET',
    path: '/cases/{id}/history',
    fn: 'cases-history',
    auth: 'jwt',
    summary: 'Audit history of a case, oldest first (staff only); includeMerged appends the trails of the cases merged into it',
    description:
      'Who: staff. Every change as an immutable, hash-chained audit event: who, when, channel, correlation id, field-level before/after, why; restricted values redacted without clearance.',
    params: CaseIdParams,
    query: MergedPageQuery,
    responses: { 200: { description: 'A page of audit events.', schema: pageOf(AuditRecord, 'AuditPage') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({
      status: 200,
      body: await history(params.id, caller, query.limit, query.cursor, query.includeMerged),
    }),
  }),
  verifyCaseHistory: operation({
    operationId: 'verifyCaseHistory',
    method: 'GET',
    path: '/cases/{id}/history/verify',
    fn: 'cases-history',
    auth: 'jwt',
    summary: "Recompute the case's audit hash chain and report any altered, removed or reordered event (staff only)",
    description: "Who: staff. Recompute the case's hash chain: `valid`, and every altered, missing, reordered event.",
    params: CaseIdParams,
    responses: { 200: { description: 'The verification report; `valid` is false when anything was tampered with.', schema: ChainReportRecord } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({ status: 200, body: await verifyHistory(params.id, caller) }),
  }),
  listCaseReads: operation({
    operationId: 'listCaseReads',
    method: 'GET',
    path: '/audit/reads',
    fn: 'cases-history',
    auth: 'jwt',
    summary: 'The read-access log: reads of restricted cases, by case or by reader, newest first (admin)',
    query: ReadLogQuery,
    responses: { 200: { description: 'A page of recorded reads.', schema: pageOf(CaseReadRecord, 'CaseReadPage') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => {
      const { limit, cursor, caseId, actor } = query;
      return { status: 200, body: await listReads(caseId !== undefined ? { caseId } : { actor: actor! }, caller, limit, cursor) };
    },
  }),
};
