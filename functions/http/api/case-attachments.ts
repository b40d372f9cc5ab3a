/** Attachments of a case: upload and download URLs, confirmation, versions; what the case-attachments handler serves. */
import { NewAttachmentBody, NewVersionBody } from '#core/attachment-declaration.js';
import { AttachmentParams, AttachmentRecord, CompleteUploadBody, DownloadQuery, DownloadRecord, GrantedUploadRecord } from '../attachment-schemas.js';
import { operation } from '../operation.js';
import { CaseIdParams, MergedPageQuery, pageOf } from '../schemas.js';
import { changeContextOf } from '../change-context.js';
import { confirmUpload, downloadAttachment, listCaseAttachments, requestUpload, requestVersionUpload } from '#services/attachments.js';

export const caseAttachments = {
  requestAttachmentUpload: operation({
    operationId: 'requestAttachmentUpload',
    method: 'POST',
    path: '/cases/{id}/attachments',
    fn: 'case-attachments',
    auth: 'jwt',
    summary:
      'Declare a file (name, media type, exact size, retention class, optional SHA-256) and get a signed upload URL; requesters: public attachments on their own cases',
    description:
      "Who: own case / staff. Declare a file (`fileName`, `contentType`, exact `size`, optional `sha256`; staff only: `retentionClass` (default: the case type's `attachmentRetention`, else `standard`) and `visibility` `public`/`internal`) and get a signed upload URL (see Attachments).",
    params: CaseIdParams,
    body: NewAttachmentBody,
    responses: { 201: { description: 'Where to PUT the file, with the headers to send, and how to confirm it.', schema: GrantedUploadRecord } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => ({ status: 201, body: await requestUpload(request.params.id, request.body, changeContextOf(request)) }),
  }),
  listAttachments: operation({
    operationId: 'listAttachments',
    method: 'GET',
    path: '/cases/{id}/attachments',
    fn: 'case-attachments',
    auth: 'jwt',
    summary:
      'Attachments of the case with their versions, oldest first; requesters see public ones only; includeMerged adds those of the cases merged into it',
    description: "Who: own case / staff. The case's attachments with all their versions; requesters see public ones only.",
    params: CaseIdParams,
    query: MergedPageQuery,
    responses: { 200: { description: 'A page of attachments.', schema: pageOf(AttachmentRecord, 'AttachmentPage') } },
    problems: [400, 401, 404],
    handle: async ({ params, query, caller }) => ({
      status: 200,
      body: await listCaseAttachments(params.id, caller, query.limit, query.cursor, query.includeMerged),
    }),
  }),
  downloadAttachment: operation({
    operationId: 'downloadAttachment',
    method: 'GET',
    path: '/cases/{id}/attachments/{attachmentId}',
    fn: 'case-attachments',
    auth: 'jwt',
    summary: 'The attachment and a signed download URL for its current version (or ?version=)',
    description: 'Who: own case / staff. The attachment and a signed download URL for its current version, or `?version=`.',
    params: AttachmentParams,
    query: DownloadQuery,
    responses: { 200: { description: 'The attachment and where to GET the file.', schema: DownloadRecord } },
    problems: [400, 401, 404],
    handle: async ({ params, query, caller }) => ({
      status: 200,
      body: await downloadAttachment(params.id, params.attachmentId, query.version, caller),
    }),
  }),
  requestAttachmentVersionUpload: operation({
    operationId: 'requestAttachmentVersionUpload',
    method: 'POST',
    path: '/cases/{id}/attachments/{attachmentId}/versions',
    fn: 'case-attachments',
    auth: 'jwt',
    summary: 'Get a signed upload URL for a new version of an attachment (requesters: of their own attachments)',
    description: 'Who: own attachment / staff. A signed upload URL for a new version of the attachment.',
    params: AttachmentParams,
    body: NewVersionBody,
    responses: { 201: { description: 'Where to PUT the new version, and how to confirm it.', schema: GrantedUploadRecord } },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => ({
      status: 201,
      body: await requestVersionUpload(request.params.id, request.params.attachmentId, request.body, changeContextOf(request)),
    }),
  }),
  completeAttachmentUpload: operation({
    operationId: 'completeAttachmentUpload',
    method: 'POST',
    path: '/cases/{id}/attachments/{attachmentId}/complete',
    fn: 'case-attachments',
    auth: 'jwt',
    summary:
      'Confirm an upload: the stored file must match the declaration; the attachment (201) or its new version (200) joins the case with an audit event',
    description:
      'Who: whoever asked for the URL. Confirm the upload: the stored file must match the declaration; 201 (new attachment) or 200 (new version).',
    params: AttachmentParams,
    body: CompleteUploadBody,
    responses: {
      201: { description: 'The new attachment with its first version.', schema: AttachmentRecord, headers: { Location: 'URL of the attachment.' } },
      200: { description: 'The attachment with its new version.', schema: AttachmentRecord, headers: { Location: 'URL of the attachment.' } },
    },
    problems: [400, 401, 403, 404, 409, 413, 415],
    handle: async (request) => {
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
  }),
};
