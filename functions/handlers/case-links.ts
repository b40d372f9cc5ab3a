import { caseLinks } from '#http/api/case-links.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, serve } from '#http/http-handler.js';
import { linkCase, listLinks, mergeCase, unlinkCase } from '#services/links.js';

export const handler = serve(caseLinks, {
  linkCase: async (request) => {
    const link = await linkCase(request.params.id, request.body, changeContextOf(request));
    return { status: 201, body: link, headers: { location: `/cases/${link.caseId}/links/${link.targetId}` } };
  },
  listLinks: async ({ params, query, caller }) => ({ status: 200, body: await listLinks(params.id, caller, query.limit, query.cursor) }),
  unlinkCase: async (request) => {
    await unlinkCase(request.params.id, request.params.targetId, changeContextOf(request));
    return { status: 204 };
  },
  mergeCase: async (request) => {
    const merged = await mergeCase(request.params.id, request.body.survivorId, request.body.reason, changeContextOf(request));
    return { status: 200, body: merged, headers: { etag: etagOf(merged.version) } };
  },
});
