/** OpenAPI descriptions of the case slice: cases, comments, history. */
import * as z from 'zod';
import { CaseHeaders, json, type Operation } from './shared.js';
import {
  AuditRecord,
  CaseIdParams,
  CaseRecord,
  CommentBody,
  CommentRecord,
  CreateCaseBody,
  IdempotencyKey,
  IfMatch,
  ListCasesQuery,
  MergedPageQuery,
  pageOf,
  PatchCaseBody,
} from '../schemas.js';
import { ChainReportRecord } from '../workflow-schemas.js';

export const caseOperations: Record<string, Operation> = {
  'POST /cases': {
    operationId: 'createCase',
    summary: 'Open a case',
    description:
      'With `Prefer: dedup`, a near-identical repeat (subject and description) of the same requester\'s open case within the intake window opens nothing: it joins that case as the requester\'s comment, with a DuplicateIntake event (score, window) in its history, and answers 200 with that case and Caseway-Duplicate-Of.',
    request: {
      headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional(), Prefer: z.string().optional().meta({ description: '`dedup`: join a near-identical open case instead of opening another.' }) }),
      body: { ...json(CreateCaseBody), required: true },
    },
    ok: {
      status: 201,
      description: 'Created, or the first result replayed for a repeated Idempotency-Key (200 with Caseway-Duplicate-Of when a repeat joined an open case).',
      schema: CaseRecord,
      headers: { ...CaseHeaders, Location: 'URL of the case.' },
    },
    problems: [400, 401, 403, 409, 413, 415, 422],
  },
  'GET /cases': {
    operationId: 'listCases',
    summary: 'List cases newest first, by status, owner, requester, type or queue (staff default: open work)',
    request: { query: ListCasesQuery },
    ok: { status: 200, description: 'A page of cases.', schema: pageOf(CaseRecord, 'CasePage') },
    problems: [400, 401, 403],
  },
  'GET /cases/{id}': {
    operationId: 'getCase',
    summary: 'Read a case',
    request: { params: CaseIdParams },
    ok: { status: 200, description: 'The case.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404],
  },
  'PATCH /cases/{id}': {
    operationId: 'updateCase',
    summary: 'Change a case, except its state (optimistic concurrency with If-Match)',
    request: { params: CaseIdParams, headers: z.object({ 'If-Match': IfMatch }), body: { ...json(PatchCaseBody), required: true } },
    ok: { status: 200, description: 'The changed case.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 422, 428],
  },
  'POST /cases/{id}/comments': {
    operationId: 'addComment',
    summary: 'Comment on a case, or reply in a thread (public, or internal for staff; @mentions)',
    request: { params: CaseIdParams, body: { ...json(CommentBody), required: true } },
    ok: { status: 201, description: 'The comment.', schema: CommentRecord },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/comments': {
    operationId: 'listComments',
    summary: 'Comments of a case, oldest first (requesters see public ones only); includeMerged adds those of the cases merged into it',
    request: { params: CaseIdParams, query: MergedPageQuery },
    ok: { status: 200, description: 'A page of comments.', schema: pageOf(CommentRecord, 'CommentPage') },
    problems: [400, 401, 403, 404],
  },
  'GET /cases/{id}/history': {
    operationId: 'caseHistory',
    summary: 'Audit history of a case, oldest first (staff only); includeMerged appends the trails of the cases merged into it',
    request: { params: CaseIdParams, query: MergedPageQuery },
    ok: { status: 200, description: 'A page of audit events.', schema: pageOf(AuditRecord, 'AuditPage') },
    problems: [400, 401, 403, 404],
  },
  'GET /cases/{id}/history/verify': {
    operationId: 'verifyCaseHistory',
    summary: "Recompute the case's audit hash chain and report any altered, removed or reordered event (staff only)",
    request: { params: CaseIdParams },
    ok: { status: 200, description: 'The verification report; `valid` is false when anything was tampered with.', schema: ChainReportRecord },
    problems: [400, 401, 403, 404],
  },
  'GET /openapi.json': {
    operationId: 'openApiDocument',
    summary: 'This document',
    security: [],
    ok: { status: 200, description: 'The OpenAPI 3.1 document.' },
    problems: [],
  },
};

