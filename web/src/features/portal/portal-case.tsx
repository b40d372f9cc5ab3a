/** One of the requester's cases: what they asked, its status, the public replies, their reply, their files. */
import { useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import type { Case, CaseType } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { useSession } from '../../app/auth/auth';
import { DateTime } from '../../lib/dates';
import { useAddComment, useCase, useCaseType, useComments } from './api';
import { Attachments } from './attachments';
import { statusWords } from './status-words';
import { text } from './text';

function fieldText(value: unknown, field: CaseType['fields'][number] | undefined): string {
  const label = (v: unknown) => (field && 'options' in field ? (field.options.find((o) => o.value === v)?.label ?? String(v)) : String(v));
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return label(value);
}

function Details({ kase, type }: { kase: Case; type: CaseType | undefined }) {
  const entries = Object.entries(kase.fields ?? {}).filter(([, value]) => value !== null && value !== '');
  if (entries.length === 0) return null;
  return (
    <>
      <h2>{text.details}</h2>
      <dl className="fields">
        {entries.map(([name, value]) => {
          const field = type?.fields.find((f) => f.name === name);
          return (
            <div key={name} style={{ display: 'contents' }}>
              <dt>{field?.label ?? name}</dt>
              <dd>{fieldText(value, field)}</dd>
            </div>
          );
        })}
      </dl>
    </>
  );
}

function Replies({ caseId }: { caseId: string }) {
  const comments = useComments(caseId);
  const session = useSession();
  if (comments.isPending) return <Loading />;
  if (comments.isError) return <ErrorState error={comments.error} onRetry={() => void comments.refetch()} />;
  if (comments.data.items.length === 0) return <p className="muted">{text.noReplies}</p>;
  return (
    <ol className="timeline" aria-label={text.replies}>
      {comments.data.items.map((comment) => (
        <li key={comment.commentId} className="comment" data-testid="reply">
          <div className="row muted">
            <strong>{comment.author.sub === session.sub ? text.you : (comment.author.name ?? comment.author.sub)}</strong>
            <DateTime iso={comment.createdAt} />
          </div>
          <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{comment.body}</p>
        </li>
      ))}
    </ol>
  );
}

function ReplyForm({ caseId }: { caseId: string }) {
  const add = useAddComment(caseId);
  const [body, setBody] = useState('');
  const [sent, setSent] = useState(false);
  const id = useId();
  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(false);
    await add.mutateAsync({ body });
    setBody('');
    setSent(true);
  }
  return (
    <form onSubmit={(event) => void submit(event).catch(() => undefined)} className="panel">
      <div className="field">
        <label htmlFor={id}>{text.yourReply}</label>
        <textarea id={id} value={body} onChange={(event) => setBody(event.target.value)} required maxLength={10000} />
      </div>
      <button type="submit" disabled={add.isPending || body.trim() === ''}>
        {add.isPending ? text.sending : text.sendReply}
      </button>
      <div role="status" aria-live="polite">
        {sent ? <p>{text.replySent}</p> : null}
      </div>
      {add.isError ? <ErrorState error={add.error} /> : null}
    </form>
  );
}

export default function PortalCase() {
  const { caseId = '' } = useParams();
  const location = useLocation();
  const kase = useCase(caseId);
  const type = useCaseType(kase.data?.type, kase.data?.typeVersion);
  if (kase.isPending) return <Loading />;
  if (kase.isError) return <ErrorState error={kase.error} onRetry={() => void kase.refetch()} />;
  const status = statusWords(kase.data, type.data);
  const justOpened = (location.state as { opened?: boolean } | null)?.opened;
  return (
    <>
      <p>
        <Link to="/my">{text.backToMyCases}</Link>
      </p>
      {justOpened ? (
        <p role="status" className="panel">
          {text.caseOpened}
        </p>
      ) : null}
      <h1>{kase.data.subject}</h1>
      <div className="panel">
        <p className="row">
          <span className="badge" data-testid="status-words">
            {status.words}
            {status.label ? `: ${status.label}` : ''}
          </span>
          <span className="muted">
            {text.caseNumber} {kase.data.caseId} · {text.opened} <DateTime iso={kase.data.createdAt} />
          </span>
        </p>
        <p>{status.explained}</p>
        <h2>{text.description}</h2>
        <p style={{ whiteSpace: 'pre-wrap' }}>{kase.data.description}</p>
        <Details kase={kase.data} type={type.data} />
      </div>
      <div className="layout-2">
        <section aria-labelledby="replies-h">
          <h2 id="replies-h">{text.replies}</h2>
          <Replies caseId={caseId} />
          <ReplyForm caseId={caseId} />
        </section>
        <Attachments caseId={caseId} />
      </div>
    </>
  );
}
