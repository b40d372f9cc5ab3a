/** OpenAPI descriptions of related cases: links, merges and handoff briefs. */
import * as z from 'zod';
import { CaseHeaders, json, type Operation } from './shared.js';
import { CaseIdParams, CaseRecord, HandoffBody, HandoffResponse, IfMatch, LinkBody, LinkParams, LinkRecord, MergeBody, pageOf, PageQuery } from '../schemas.js';

export const linkOperations: Record<string, Operation> = {
  'POST /cases/{id}/links': {
    operationId: 'linkCase',
    summary: 'Link two cases (staff): related, duplicateOf/hasDuplicate, causedBy/causes, parentOf/childOf; the target records the inverse',
    request: { params: CaseIdParams, body: { ...json(LinkBody), required: true } },
    ok: { status: 201, description: "This case's end of the new link.", schema: LinkRecord, headers: { Location: 'URL of the link.' } },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/links': {
    operationId: 'listLinks',
    summary: "A case's links (staff)",
    request: { params: CaseIdParams, query: PageQuery },
    ok: { status: 200, description: 'A page of links.', schema: pageOf(LinkRecord, 'LinkPage') },
    problems: [400, 401, 403, 404],
  },
  'DELETE /cases/{id}/links/{targetId}': {
    operationId: 'unlinkCase',
    summary: 'Remove the link between two cases, from both ends (staff); a parent link frees the child; a merge cannot be undone',
    request: { params: LinkParams },
    ok: { status: 204, description: 'Unlinked.' },
    problems: [400, 401, 403, 404, 409],
  },
  'POST /cases/{id}/merge': {
    operationId: 'mergeCase',
    summary: 'Merge this case into a survivor (staff): closed with a pointer; its comments and history stay and show from the survivor',
    request: { params: CaseIdParams, body: { ...json(MergeBody), required: true } },
    ok: { status: 200, description: 'The merged (closed) case.', schema: CaseRecord, headers: CaseHeaders },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/handoff': {
    operationId: 'getHandoff',
    summary: "The case's handoff brief (staff): what is asked, what was tried, what is pending",
    request: { params: CaseIdParams },
    ok: { status: 200, description: 'The brief.', schema: HandoffResponse, headers: CaseHeaders },
    problems: [400, 401, 403, 404],
  },
  'PUT /cases/{id}/handoff': {
    operationId: 'editHandoff',
    summary: 'Rewrite the handoff brief (staff; If-Match with the case ETag)',
    request: { params: CaseIdParams, headers: z.object({ 'If-Match': IfMatch }), body: { ...json(HandoffBody), required: true } },
    ok: { status: 200, description: 'The edited brief.', schema: HandoffResponse, headers: CaseHeaders },
    problems: [400, 401, 403, 404, 409, 412, 413, 415, 428],
  },
};
