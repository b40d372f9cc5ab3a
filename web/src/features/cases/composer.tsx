/** Public reply or internal note: one box, the choice always visible, so nothing internal reaches a requester by mistake. */
import { forwardRef, useState, type FormEvent } from 'react';
import { ErrorState } from '../../components/states';
import { useAddComment } from '../portal/api';
import { text } from './text';

export type Visibility = 'public' | 'internal';

export const Composer = forwardRef<HTMLTextAreaElement, { caseId: string; visibility: Visibility; onVisibility: (v: Visibility) => void }>(function Composer({ caseId, visibility, onVisibility }, ref) {
  const add = useAddComment(caseId);
  const [body, setBody] = useState('');
  const [sent, setSent] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(false);
    await add.mutateAsync({ body, visibility });
    setBody('');
    setSent(true);
  }
  return (
    <form className={`panel ${visibility === 'internal' ? 'conflict' : ''}`} onSubmit={(e) => void submit(e).catch(() => undefined)} aria-labelledby="composer-h">
      <h2 id="composer-h">{text.composer}</h2>
      <fieldset style={{ border: 'none', padding: 0, margin: '0 0 0.5rem' }}>
        <legend className="visually-hidden">{text.composer}</legend>
        {(['public', 'internal'] as const).map((v) => (
          <label key={v} style={{ fontWeight: 'normal', display: 'flex', gap: '0.4rem', alignItems: 'center' }}>
            <input type="radio" style={{ width: 'auto' }} name="visibility" checked={visibility === v} onChange={() => onVisibility(v)} />
            {v === 'public' ? text.publicReply : text.internalNote}
          </label>
        ))}
      </fieldset>
      <label htmlFor="composer-body">{text.message}</label>
      <textarea id="composer-body" ref={ref} value={body} onChange={(e) => setBody(e.target.value)} maxLength={10000} />
      <p>
        <button type="submit" disabled={add.isPending || body.trim() === ''}>
          {text.send}
        </button>
      </p>
      <div role="status" aria-live="polite">
        {sent ? text.sent : null}
      </div>
      {add.isError ? <ErrorState error={add.error} /> : null}
    </form>
  );
});
