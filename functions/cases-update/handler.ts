import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { etagOf, httpHandler, requiredIfMatch } from '../http/http-handler.js';
import { CaseIdParams, IfMatch, PatchCaseBody } from '../http/schemas.js';
import { updateCase } from '../services/cases.js';

export const UpdateCaseHeaders = z.looseObject({ 'if-match': IfMatch.optional() });

export const handler = httpHandler({
  operation: 'UpdateCase',
  params: CaseIdParams,
  headers: UpdateCaseHeaders,
  body: PatchCaseBody,
  handle: async (request) => {
    const ifMatch = requiredIfMatch(request.headers['if-match'], 'Send If-Match with the ETag of the case version you are changing.', 'If-Match is required for updates.');
    const updated = await updateCase(request.params.id, request.body, ifMatch, changeContextOf(request));
    return { status: 200, body: updated, headers: { etag: etagOf(updated.version) } };
  },
});
