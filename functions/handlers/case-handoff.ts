import { caseHandoff } from '#http/api/case-handoff.js';
import { changeContextOf } from '#http/change-context.js';
import { etagOf, requiredIfMatch, serve } from '#http/http-handler.js';
import { getHandoff, putHandoff } from '#services/handoff.js';

export const handler = serve(caseHandoff, {
  getHandoff: async ({ params, caller }) => {
    const { handoff, version } = await getHandoff(params.id, caller);
    return { status: 200, body: { handoff }, headers: { etag: etagOf(version) } };
  },
  editHandoff: async (request) => {
    // The brief's version is the case's: an edit without one could overwrite a newer brief.
    const ifMatch = requiredIfMatch(
      request.headers['if-match'],
      'Send If-Match with the ETag of the case version whose brief you are editing.',
      'If-Match is required for edits.',
    );
    const { handoff, version } = await putHandoff(request.params.id, request.body, ifMatch, changeContextOf(request));
    return { status: 200, body: { handoff }, headers: { etag: etagOf(version) } };
  },
});
