import { casesUpdate } from '#http/api/cases-update.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, requiredIfMatch, serve } from '#http/http-handler.js';
import { updateCase } from '#services/cases.js';

export const handler = serve(casesUpdate, {
  updateCase: async (request) => {
    const ifMatch = requiredIfMatch(
      request.headers['if-match'],
      'Send If-Match with the ETag of the case version you are changing.',
      'If-Match is required for updates.',
    );
    const updated = await updateCase(request.params.id, request.body, ifMatch, changeContextOf(request));
    return { status: 200, body: updated, headers: { etag: etagOf(updated.version) } };
  },
});
