import { etagOf, httpHandler } from '../http/http-handler.js';
import { CaseIdParams } from '../http/schemas.js';
import { getCase } from '../services/cases.js';

export const handler = httpHandler({
  operation: 'GetCase',
  params: CaseIdParams,
  handle: async ({ params, caller }) => {
    const found = await getCase(params.id, caller);
    return { status: 200, body: found, headers: { etag: etagOf(found.version) } };
  },
});
