import { casesGet } from '#http/api/cases-get.js';
import { etagOf, serve } from '#http/http-handler.js';
import { getCase } from '#services/case-reads.js';

export const handler = serve(casesGet, {
  getCase: async ({ params, caller }) => {
    const found = await getCase(params.id, caller);
    return { status: 200, body: found, headers: { etag: etagOf(found.version) } };
  },
});
