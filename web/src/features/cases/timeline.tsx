/** The case's story, oldest first: comments (public and internal) and every audit event, routing decisions with their why. */
import type { AuditEvent, Comment } from '../../api/types';
import { DateTime } from '../../lib/dates';
import { text } from './text';

type Entry = { at: string; kind: 'comment'; comment: Comment } | { at: string; kind: 'event'; event: AuditEvent };

function short(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function describe(event: AuditEvent): string {
  if (event.transition) return `${event.action}: ${event.transition.from} → ${event.transition.to}`;
  if (event.action === 'CaseCreated') return 'Opened the case';
  const changes = (event.changes ?? []).map((c) => `${c.field}: ${short(c.before)} → ${short(c.after)}`);
  return changes.length ? `${event.action}: ${changes.join('; ')}` : event.action;
}

export function Timeline({ events, comments }: { events: readonly AuditEvent[]; comments: readonly Comment[] }) {
  // A comment's own audit event says less than the comment: show the comment.
  const entries: Entry[] = [
    ...events.filter((e) => e.action !== 'CommentAdded').map((event) => ({ at: event.at, kind: 'event' as const, event })),
    ...comments.map((comment) => ({ at: comment.createdAt, kind: 'comment' as const, comment })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (entries.length === 0) return <p className="muted">{text.noTimeline}</p>;
  return (
    <ol className="timeline" aria-label={text.timeline}>
      {entries.map((entry) =>
        entry.kind === 'comment' ? (
          <li key={`c-${entry.comment.commentId}`} className={entry.comment.visibility === 'internal' ? 'internal' : ''} data-testid="timeline-comment">
            <div className={`comment ${entry.comment.visibility}`}>
              <div className="row muted">
                <strong>{entry.comment.author.name ?? entry.comment.author.sub}</strong>
                <span className={`badge ${entry.comment.visibility === 'internal' ? 'warn' : ''}`}>{entry.comment.visibility === 'internal' ? text.internal : text.public}</span>
                <DateTime iso={entry.comment.createdAt} />
              </div>
              <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{entry.comment.body}</p>
            </div>
          </li>
        ) : (
          <li key={`e-${entry.event.eventId}`} data-testid="timeline-event">
            <div className="row muted">
              <strong>{entry.event.actor?.name ?? entry.event.actor?.sub ?? 'Caseway'}</strong>
              <DateTime iso={entry.event.at} />
            </div>
            <p style={{ margin: 0 }}>{describe(entry.event)}</p>
            {entry.event.reason ? <p className="muted" style={{ margin: 0 }}>“{entry.event.reason}”</p> : null}
            {entry.event.routing ? (
              <details>
                <summary>{text.why}</summary>
                <pre style={{ whiteSpace: 'pre-wrap', fontSize: '0.85rem' }}>{JSON.stringify(entry.event.routing, null, 2)}</pre>
              </details>
            ) : null}
          </li>
        ),
      )}
    </ol>
  );
}
