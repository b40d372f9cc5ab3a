/**
 * A file straight to the attachment store, as the API grants it: ask for an upload (the API
 * checks name, type and size), send the bytes to the presigned URL with exactly the signed
 * headers (XMLHttpRequest, for upload progress, which fetch cannot report), then confirm.
 * The bytes never pass through the API.
 */
import type { ApiClient } from '../../api/client';
import { data } from '../../api/client';
import { ApiProblem, toProblem } from '../../api/problem';
import type { GrantedUpload } from '../../api/types';

export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

function put(upload: GrantedUpload['upload'], file: File, onProgress: (progress: UploadProgress) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = { message: request.responseText || `The file store answered ${request.status}` };
      }
      reject(toProblem(body, new Response(null, { status: request.status, statusText: request.statusText })));
    };
    request.onerror = () => reject(new ApiProblem({ type: 'about:blank', title: 'The upload did not reach the file store', status: 0 }));
    request.send(file);
  });
}

export async function uploadAttachment(api: ApiClient, caseId: string, file: File, onProgress: (progress: UploadProgress) => void): Promise<string> {
  const granted = await data(
    api.POST('/cases/{id}/attachments', {
      params: { path: { id: caseId } },
      // The API says which types it takes (a problem naming contentType otherwise); the console does not guess.
      body: { fileName: file.name, contentType: (file.type || 'application/octet-stream') as never, size: file.size },
    }),
  );
  await put(granted.upload, file, onProgress);
  await data(
    api.POST('/cases/{id}/attachments/{attachmentId}/complete', {
      params: { path: { id: caseId, attachmentId: granted.attachmentId } },
      body: { uploadId: granted.uploadId },
    }),
  );
  return granted.attachmentId;
}
