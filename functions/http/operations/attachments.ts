/** OpenAPI descriptions of attachments: upload URLs, confirmation, versions, downloads. */
import { AttachmentParams, AttachmentRecord, CompleteUploadBody, DownloadQuery, DownloadRecord, GrantedUploadRecord, NewAttachmentBody, NewVersionBody } from '../attachment-schemas.js';
import { CaseIdParams, MergedPageQuery, pageOf } from '../schemas.js';
import { json, type Operation } from './shared.js';

export const attachmentOperations: Record<string, Operation> = {
  'POST /cases/{id}/attachments': {
    operationId: 'requestAttachmentUpload',
    summary: 'Declare a file (name, media type, exact size, retention class, optional SHA-256) and get a signed upload URL; requesters: public attachments on their own cases',
    request: { params: CaseIdParams, body: { ...json(NewAttachmentBody), required: true } },
    ok: { status: 201, description: 'Where to PUT the file, with the headers to send, and how to confirm it.', schema: GrantedUploadRecord },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'GET /cases/{id}/attachments': {
    operationId: 'listAttachments',
    summary: 'Attachments of the case with their versions, oldest first; requesters see public ones only; includeMerged adds those of the cases merged into it',
    request: { params: CaseIdParams, query: MergedPageQuery },
    ok: { status: 200, description: 'A page of attachments.', schema: pageOf(AttachmentRecord, 'AttachmentPage') },
    problems: [400, 401, 404],
  },
  'GET /cases/{id}/attachments/{attachmentId}': {
    operationId: 'downloadAttachment',
    summary: 'The attachment and a signed download URL for its current version (or ?version=)',
    request: { params: AttachmentParams, query: DownloadQuery },
    ok: { status: 200, description: 'The attachment and where to GET the file.', schema: DownloadRecord },
    problems: [400, 401, 404],
  },
  'POST /cases/{id}/attachments/{attachmentId}/versions': {
    operationId: 'requestAttachmentVersionUpload',
    summary: 'Get a signed upload URL for a new version of an attachment (requesters: of their own attachments)',
    request: { params: AttachmentParams, body: { ...json(NewVersionBody), required: true } },
    ok: { status: 201, description: 'Where to PUT the new version, and how to confirm it.', schema: GrantedUploadRecord },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
  'POST /cases/{id}/attachments/{attachmentId}/complete': {
    operationId: 'completeAttachmentUpload',
    summary: 'Confirm an upload: the stored file must match the declaration; the attachment (201) or its new version (200) joins the case with an audit event',
    request: { params: AttachmentParams, body: { ...json(CompleteUploadBody), required: true } },
    ok: { status: 201, description: 'The attachment with its versions.', schema: AttachmentRecord, headers: { Location: 'URL of the attachment.' } },
    problems: [400, 401, 403, 404, 409, 413, 415],
  },
};
