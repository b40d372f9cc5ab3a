/**
 * Public reply or internal note: one box, the choice always visible, so nothing internal reaches
 * a requester by mistake. In an internal note, "@" and a few letters offer the agents routing
 * knows (GET /routing/agents); picking one writes `@agentId`, the handle the API reads as a
 * mention (NewComment.body: "@handle mentions a person").
 */
import { forwardRef, useId, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { ErrorState } from '../../components/states';
import { useAddComment } from '../portal/api';
import { useAgents } from '../routing/api';
import { text } from './text';

export type Visibility = 'public' | 'internal';

/** The "@partial" just before the caret, by the API's own mention rule (an @ not inside a word or address). */
const MENTION_AT_CARET = /(?:^|[^\w@.])@([A-Za-z0-9._:-]{0,128})$/;

export const Composer = forwardRef<HTMLTextAreaElement, { caseId: string; visibility: Visibility; onVisibility: (v: Visibility) => void }>(
  function Composer({ caseId, visibility, onVisibility }, ref) {
    const add = useAddComment(caseId);
    const [body, setBody] = useState('');
    const [caret, setCaret] = useState(0);
    const [sent, setSent] = useState(false);
    const box = useRef<HTMLTextAreaElement>(null);
    useImperativeHandle(ref, () => box.current as HTMLTextAreaElement);
    const id = useId();
    const partial = visibility === 'internal' ? MENTION_AT_CARET.exec(body.slice(0, caret))?.[1] : undefined;
    const agents = useAgents(partial !== undefined);
    const needle = (partial ?? '').toLowerCase();
    const candidates =
      partial === undefined ? [] : (agents.data ?? []).filter((a) => `${a.agentId} ${a.name ?? ''}`.toLowerCase().includes(needle)).slice(0, 6);

    async function submit(event: FormEvent) {
      event.preventDefault();
      setSent(false);
      await add.mutateAsync({ body, visibility });
      setBody('');
      setCaret(0);
      setSent(true);
    }

    function mention(handle: string) {
      const start = caret - (partial ?? '').length;
      const next = `${body.slice(0, start)}${handle} ${body.slice(caret)}`;
      const at = start + handle.length + 1;
      setBody(next);
      setCaret(at);
      requestAnimationFrame(() => {
        box.current?.focus();
        box.current?.setSelectionRange(at, at);
      });
    }

    return (
      <form
        className={`panel ${visibility === 'internal' ? 'conflict' : ''}`}
        onSubmit={(e) => void submit(e).catch(() => undefined)}
        aria-labelledby="composer-h"
      >
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
        {visibility === 'internal' ? (
          <p className="help" id={`${id}-hint`}>
            {text.mention.hint}
          </p>
        ) : null}
        <textarea
          id="composer-body"
          ref={box}
          value={body}
          aria-describedby={visibility === 'internal' ? `${id}-hint` : undefined}
          onChange={(e) => {
            setBody(e.target.value);
            setCaret(e.target.selectionStart);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          maxLength={10000}
        />
        {partial !== undefined ? (
          <div aria-live="polite">
            {candidates.length === 0 ? (
              agents.isSuccess ? (
                <p className="muted">{text.mention.none}</p>
              ) : null
            ) : (
              <ul
                aria-label={text.mention.suggestions}
                className="row"
                style={{ listStyle: 'none', padding: 0, margin: '0.4rem 0' }}
                data-testid="mention-suggestions"
              >
                {candidates.map((agent) => (
                  <li key={agent.agentId}>
                    <button type="button" className="secondary" onClick={() => mention(agent.agentId)}>
                      {text.mention.pick(agent.name ?? agent.agentId, agent.agentId)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
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
  },
);
