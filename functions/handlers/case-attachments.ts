import { caseAttachments } from '#http/api/case-attachments.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import { fileStore } from '#adapters/files.js';
import { confirmUpload, downloadAttachment, listCaseAttachments, requestUpload, requestVersionUpload } from '#services/attachments.js';

// At cold start: a deployment without a file store fails its first request, not some later upload.
fileStore();

export const handler = serve(caseAttachments, {
  requestAttachmentUpload: async (request) => ({ status: 201, body: await requestUpload(request.params.id, request.body, changeContextOf(request)) }),
  listAttachments: async ({ params, query, caller }) => ({
    status: 200,
    body: await listCaseAttachments(params.id, caller, query.limit, query.cursor, query.includeMerged),
  }),
  downloadAttachment: async ({ params, query, caller }) => ({
    status: 200,
    body: await downloadAttachment(params.id, params.attachmentId, query.version, caller),
  }),
  requestAttachmentVersionUpload: async (request) => ({
    status: 201,
    body: await requestVersionUpload(request.params.id, request.params.attachmentId, request.body, changeContextOf(request)),
  }),
  completeAttachmentUpload: async (request) => {
    const { attachment, created } = await confirmUpload(
      request.params.id,
      request.params.attachmentId,
      request.body.uploadId,
      changeContextOf(request),
    );
    return {
      status: created ? 201 : 200,
      body: attachment,
      headers: { location: `/cases/${attachment.caseId}/attachments/${attachment.attachmentId}` },
    };
  },
});
