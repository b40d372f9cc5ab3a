import { caseAttachments } from '#http/api/case-attachments.js';
import { serve } from '#http/http-handler.js';
import { fileStore } from '#adapters/files.js';

// At cold start: a deployment without a file store fails its first request, not some later upload.
fileStore();

export const handler = serve(caseAttachments);
