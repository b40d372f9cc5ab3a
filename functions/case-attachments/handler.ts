import { changeContextOf } from '../http/change-context.js';
import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { AttachmentParams, CompleteUploadBody, DownloadQuery, NewAttachmentBody, NewVersionBody } from '../http/attachment-schemas.js';
import { CaseIdParams, MergedPageQuery } from '../http/schemas.js';
import { fileStore } from '../adapters/files.js';
import { confirmUpload, downloadAttachment, listCaseAttachments, requestUpload, requestVersionUpload } from '../services/attachments.js';

// At cold start: a deployment without a file store fails its first request, not some later upload.
fileStore();

export const handler = httpRoutes({
  'POST /cases/{id}/attachments': httpHandler({
    operation: 'RequestAttachmentUpload',
    params: CaseIdParams,
    body: NewAttachmentBody,
    handle: async (request) => ({ status: 201, body: await requestUpload(request.params.id, request.body, changeContextOf(request)) }),
  }),
  'GET /cases/{id}/attachments': httpHandler({
    operation: 'ListAttachments',
    params: CaseIdParams,
    query: MergedPageQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await listCaseAttachments(params.id, caller, query.limit, query.cursor, query.includeMerged) }),
  }),
  'GET /cases/{id}/attachments/{attachmentId}': httpHandler({
    operation: 'DownloadAttachment',
    params: AttachmentParams,
    query: DownloadQuery,
    handle: async ({ params, query, caller }) => ({ status: 200, body: await downloadAttachment(params.id, params.attachmentId, query.version, caller) }),
  }),
  'POST /cases/{id}/attachments/{attachmentId}/versions': httpHandler({
    operation: 'RequestAttachmentVersionUpload',
    params: AttachmentParams,
    body: NewVersionBody,
    handle: async (request) => ({
      status: 201,
      body: await requestVersionUpload(request.params.id, request.params.attachmentId, request.body, changeContextOf(request)),
    }),
  }),
  'POST /cases/{id}/attachments/{attachmentId}/complete': httpHandler({
    operation: 'CompleteAttachmentUpload',
    params: AttachmentParams,
    body: CompleteUploadBody,
    handle: async (request) => {
      const { attachment, created } = await confirmUpload(request.params.id, request.params.attachmentId, request.body.uploadId, changeContextOf(request));
      return { status: created ? 201 : 200, body: attachment, headers: { location: `/cases/${attachment.caseId}/attachments/${attachment.attachmentId}` } };
    },
  }),
});
