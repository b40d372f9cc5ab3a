import { changeContextOf } from '../http/change-context.js';
import { etagOf, httpHandler, httpRoutes } from '../http/http-handler.js';
import { CaseIdParams, LinkBody, LinkParams, MergeBody, PageQuery } from '../http/schemas.js';
import { linkCase, listLinks, mergeCase, unlinkCase } from '../services/links.js';

export const handler = httpRoutes({
  'POST /cases/{id}/links': httpHandler({
    operation: 'LinkCase',
    params: CaseIdParams,
    body: LinkBody,
    handle: async (request) => {
      const link = await linkCase(request.params.id, request.body, changeContextOf(request));
      return { status: 201, body: link, headers: { location: `/cases/${link.caseId}/links/${link.targetId}` } };
    },
  }),
  'GET /cases/{id}/links': httpHandler({
    operation: 'ListLinks',
    params: CaseIdParams,
    query: PageQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await listLinks(params.id, caller, query.limit, query.cursor) }),
  }),
  'DELETE /cases/{id}/links/{targetId}': httpHandler({
    operation: 'UnlinkCase',
    params: LinkParams,
    handle: async (request) => {
      await unlinkCase(request.params.id, request.params.targetId, changeContextOf(request));
      return { status: 204 };
    },
  }),
  'POST /cases/{id}/merge': httpHandler({
    operation: 'MergeCase',
    params: CaseIdParams,
    body: MergeBody,
    handle: async (request) => {
      const merged = await mergeCase(request.params.id, request.body.survivorId, request.body.reason, changeContextOf(request));
      return { status: 200, body: merged, headers: { etag: etagOf(merged.version) } };
    },
  }),
});
