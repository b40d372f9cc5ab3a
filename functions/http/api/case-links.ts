/** Links between cases, parent and child, and merging duplicates: what the case-links handler serves. */
import { CaseHeaders, operation } from '../operation.js';
import { CaseIdParams, CaseRecord, LinkBody, LinkParams, LinkRecord, MergeBody, pageOf, PageQuery } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { etagOf } from '../preconditions.js';
import { linkCase, listLinks, mergeCase, unlinkCase } from '#services/links.js';

export const caseLinks = {
  linkCase: operation({
    operationId: 'linkCase',
    method: 'POST',
    path: '/cases/{id}/links',
    fn: 'case-links',
    auth: 'jwt',
    summary: 'Link two cases (staff): related, duplicateOf/hasDuplicate, causedBy/causes, parentOf/childOf; the target records the inverse',
    description:
      'Who: staff. Link to `targetId` as `related`, `duplicateOf`/`hasDuplicate`, `causedBy`/`causes`, `parentOf`/`childOf` (the target records the inverse); one link per pair; 409 names the rule (`one_link_per_pair`, `one_parent`, `no_cycles`, `max_depth`).',
    params: CaseIdParams,
    body: LinkBody,
    responses: { 201: { description: "This case's end of the new link.", schema: LinkRecord, headers: { Location: 'URL of the link.' } } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const link = await linkCase(request.params.id, request.body, changeContextOf(request));
      return { status: 201, body: link, headers: { location: `/cases/${link.caseId}/links/${link.targetId}` } };
    },
  }),
  listLinks: operation({
    operationId: 'listLinks',
    method: 'GET',
    path: '/cases/{id}/links',
    fn: 'case-links',
    auth: 'jwt',
    summary: "A case's links (staff)",
    description: "Who: staff. The case's links (`merged: true` on a merge's link).",
    params: CaseIdParams,
    query: PageQuery,
    responses: { 200: { description: 'A page of links.', schema: pageOf(LinkRecord, 'LinkPage') } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, query, caller }) => ({ status: 200, body: await listLinks(params.id, caller, query.limit, query.cursor) }),
  }),
  unlinkCase: operation({
    operationId: 'unlinkCase',
    method: 'DELETE',
    path: '/cases/{id}/links/{targetId}',
    fn: 'case-links',
    auth: 'jwt',
    summary: 'Remove the link between two cases, from both ends (staff); a parent link frees the child; a merge cannot be undone',
    description: "Who: staff. Remove a link from both ends (a parent link frees the child); a merge's link stays (409).",
    params: LinkParams,
    responses: { 204: { description: 'Unlinked.' } },
    problems: [400, 401, 403, 404, 409],
    handle: async (request) => {
      await unlinkCase(request.params.id, request.params.targetId, changeContextOf(request));
      return { status: 204 };
    },
  }),
  mergeCase: operation({
    operationId: 'mergeCase',
    method: 'POST',
    path: '/cases/{id}/merge',
    fn: 'case-links',
    auth: 'jwt',
    summary: 'Merge this case into a survivor (staff): closed with a pointer; its comments and history stay and show from the survivor',
    description:
      'Who: staff. Merge this case into `survivorId` with a `reason`: closed, `mergedInto` set, both trails record it; writes to it then answer 409 naming the survivor.',
    params: CaseIdParams,
    body: MergeBody,
    responses: { 200: { description: 'The merged (closed) case.', schema: CaseRecord, headers: CaseHeaders } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
      const merged = await mergeCase(request.params.id, request.body.survivorId, request.body.reason, changeContextOf(request));
      return { status: 200, body: merged, headers: { etag: etagOf(merged.version) } };
    },
  }),
};
