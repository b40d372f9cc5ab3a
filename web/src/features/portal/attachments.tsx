/** A case's files and an upload with progress; shared by the portal and the agent's case view. */
import { useId, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../components/states';
import { data } from '../../api/client';
import { useApi } from '../../app/providers';
import { DateTime } from '../../lib/dates';
import { portalKeys, useAttachments } from './api';
import { text } from './text';
import { uploadAttachment, type UploadProgress } from './upload';

const sizeFormat = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 1 });

export function Attachments({ caseId }: { caseId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const attachments = useAttachments(caseId);
  const inputId = useId();
  const [progress, setProgress] = useState<{ name: string; value: UploadProgress } | undefined>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | undefined>();

  /** The API grants a short-lived GET to the file store; the browser fetches the bytes from there, not through the API. */
  async function download(attachmentId: string) {
    setError(undefined);
    try {
      const granted = await data(api.GET('/cases/{id}/attachments/{attachmentId}', { params: { path: { id: caseId, attachmentId } } }));
      window.open(granted.download.url, '_blank', 'noopener');
    } catch (e) {
      setError(e);
    }
  }

  async function onFile(file: File | undefined) {
    if (!file) return;
    setError(undefined);
    setDone(undefined);
    setProgress({ name: file.name, value: { loaded: 0, total: file.size } });
    try {
      await uploadAttachment(api, caseId, file, (value) => setProgress({ name: file.name, value }));
      setDone(file.name);
      await queryClient.invalidateQueries({ queryKey: portalKeys.attachments(caseId) });
    } catch (e) {
      setError(e);
    } finally {
      setProgress(undefined);
    }
  }

  return (
    <section className="panel" aria-labelledby={`${inputId}-h`}>
      <h2 id={`${inputId}-h`}>{text.attachments}</h2>
      {attachments.isPending ? (
        <Loading />
      ) : attachments.isError ? (
        <ErrorState error={attachments.error} onRetry={() => void attachments.refetch()} />
      ) : null}
      {attachments.data && attachments.data.items.length === 0 ? <p className="muted">{text.noAttachments}</p> : null}
      {attachments.data && attachments.data.items.length > 0 ? (
        <ul>
          {attachments.data.items.map((attachment) => {
            const current = attachment.versions[attachment.versions.length - 1];
            return current ? (
              <li key={attachment.attachmentId} data-testid="attachment">
                {current.fileName} ({sizeFormat.format(current.size / 1024)}), <DateTime iso={current.uploadedAt} />{' '}
                <button type="button" className="secondary" onClick={() => void download(attachment.attachmentId)}>
                  {text.download}
                  <span className="visually-hidden"> {current.fileName}</span>
                </button>
              </li>
            ) : null;
          })}
        </ul>
      ) : null}
      <div className="field">
        <label htmlFor={inputId}>{text.addFile}</label>
        <input
          id={inputId}
          type="file"
          disabled={progress !== undefined}
          onChange={(event) => void onFile(event.target.files?.[0]).finally(() => (event.target.value = ''))}
        />
      </div>
      {progress ? (
        <div>
          <label htmlFor={`${inputId}-p`}>{text.uploading(progress.name)}</label>
          <progress id={`${inputId}-p`} max={progress.value.total || 1} value={progress.value.loaded} data-testid="upload-progress" />
        </div>
      ) : null}
      <div role="status" aria-live="polite">
        {done ? <p>{text.uploaded(done)}</p> : null}
      </div>
      {error ? <ErrorState error={error} /> : null}
    </section>
  );
}
