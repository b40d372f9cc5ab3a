/**
 * The case's story, oldest first (the history endpoint's order): comments (public and internal,
 * with their @mentions), and every other audit event in words (audit-words.ts: owners by name,
 * tasks by title, files with their size, linked cases as links), SLA events, and routing
 * decisions with their why. A long case stays fast: history is read a page at a time as the reader scrolls
 * near the end, and only the rows in view (plus a few) are in the DOM (@tanstack/react-virtual).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useEffect, useMemo, useRef } from 'react';
import { Link } from 'react-router';
import type { AuditEvent, Comment } from '../../api/types';
import { useSession } from '../../app/auth/auth';
import { ErrorState, Loading } from '../../components/states';
import { DateTime } from '../../lib/dates';
import { useCaseType } from '../portal/api';
import { useAgents } from '../routing/api';
import { useAgentCase, useAllComments, useCaseSuggestions, useHistoryPages, useTasks } from './api';
import { eventWords, factsOf, type CaseTypeLike, type Fact, type Known, type Line } from './audit-words';
import { slaStory, type SlaStory } from './sla-events';
import { text } from './text';

/** What the console already knows that turns ids in events into names (each read once, shared with the panels). */
function useKnown(caseId: string): Known {
  const kase = useAgentCase(caseId);
  const type = useCaseType(kase.data?.type, kase.data?.typeVersion);
  const agents = useAgents();
  const tasks = useTasks(caseId);
  const suggestions = useCaseSuggestions(caseId);
  const session = useSession();
  return useMemo(() => {
    const names = new Map((agents.data ?? []).filter((a) => a.name).map((a) => [a.agentId, a.name!] as const));
    if (session.sub && session.name && !names.has(session.sub)) names.set(session.sub, session.name);
    return {
      type: type.data as CaseTypeLike | undefined,
      agents: names,
      tasks: new Map((tasks.data ?? []).map((t) => [t.taskId, t.title] as const)),
      articles: new Map((suggestions.data?.items ?? []).map((s) => [s.articleId, s.title] as const)),
    };
  }, [type.data, agents.data, tasks.data, suggestions.data, session.sub, session.name]);
}

/** A line of an event: words, links to the other cases it names, instants in the viewer's time zone. */
function LineView({ line }: { line: Line }) {
  return (
    <>
      {line.map((part, i) =>
        typeof part === 'string' ? (
          <Fragment key={i}>{part}</Fragment>
        ) : 'case' in part ? (
          <Link key={i} to={`/inbox/cases/${part.case}`} data-case={part.case}>
            {part.case}
          </Link>
        ) : (
          <DateTime key={i} iso={part.at} />
        ),
      )}
    </>
  );
}

/** Routing's why, item by item (nested where the record nests), in words. */
function Facts({ facts }: { facts: readonly Fact[] }) {
  return (
    <dl className="fields" style={{ fontSize: '0.85rem' }}>
      {facts.map((fact, i) => (
        <div key={`${fact.label}-${i}`} style={{ display: 'contents' }}>
          <dt>{fact.label}</dt>
          <dd style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {fact.facts ? <Facts facts={fact.facts} /> : fact.value !== undefined ? <LineView line={[fact.value]} /> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Why({ routing }: { routing: NonNullable<AuditEvent['routing']> }) {
  return (
    <details>
      <summary>{text.why}</summary>
      <Facts facts={factsOf(routing)} />
    </details>
  );
}

function CommentEntry({ event, comment }: { event: AuditEvent; comment: Comment | undefined }) {
  const visibility = comment?.visibility ?? event.visibility ?? 'public';
  const mentions = comment?.mentions ?? event.mentions ?? [];
  return (
    <div className={`comment ${visibility}`}>
      <div className="row muted">
        <strong>{comment?.author.name ?? event.actor?.name ?? event.actor?.sub}</strong>
        <span className={`badge ${visibility === 'internal' ? 'warn' : ''}`}>{visibility === 'internal' ? text.internal : text.public}</span>
        <DateTime iso={event.at} />
      </div>
      <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{comment ? comment.body : text.commentGone}</p>
      {mentions.length > 0 ? (
        <p className="muted" style={{ margin: 0 }} data-testid="mentions">
          {text.mentions} {mentions.map((m) => `@${m}`).join(', ')}
        </p>
      ) : null}
    </div>
  );
}

/** An SLA event in words: each clock that moved, with its deadline in the viewer's time zone. */
function SlaEntry({ story, reason }: { story: SlaStory; reason: string | undefined }) {
  const said = story.lines.length > 0 || story.escalatedTo !== undefined || story.policy !== undefined;
  return (
    <>
      <ul className="sla-lines" data-testid="sla-event" style={{ margin: 0, paddingLeft: '1.1rem' }}>
        {story.lines.map((line) => {
          const clock = text.sla.clocks[line.clock] ?? line.clock;
          return (
            <li key={`${line.clock}-${line.what}`} data-clock={line.clock} data-what={line.what}>
              {text.sla.happened[line.what](clock)}
              {line.due ? (
                <>
                  {line.what === 'breached' ? text.sla.wasDue : text.sla.due} <DateTime iso={line.due} />
                </>
              ) : null}
            </li>
          );
        })}
        {story.escalatedTo !== undefined ? <li data-what="escalated">{text.sla.escalated(story.escalatedTo)}</li> : null}
        {story.policy ? <li className="muted">{text.sla.policy(story.policy.id, story.policy.version)}</li> : null}
        {said ? null : <li className="muted">{text.sla.unchanged}</li>}
      </ul>
      {reason ? (
        <details>
          <summary>{text.sla.details}</summary>
          <p className="muted" style={{ margin: 0, overflowWrap: 'anywhere' }}>
            {reason}
          </p>
        </details>
      ) : null}
    </>
  );
}

function EventEntry({ event, known }: { event: AuditEvent; known: Known }) {
  const sla = slaStory(event);
  if (sla) {
    return (
      <>
        <div className="row muted">
          <strong>{event.actor?.name ?? event.actor?.sub ?? 'Caseway'}</strong>
          <DateTime iso={event.at} />
        </div>
        <SlaEntry story={sla} reason={event.reason} />
      </>
    );
  }
  const said = eventWords(event, known);
  const lines = said.lines;
  return (
    <>
      <div className="row muted">
        <strong>{event.actor?.name ?? event.actor?.sub ?? 'Caseway'}</strong>
        <DateTime iso={event.at} />
      </div>
      {lines.map((line, i) => (
        <p key={i} style={{ margin: 0 }} data-testid="event-line">
          <LineView line={line} />
        </p>
      ))}
      {said.reason ? (
        <p className="muted" style={{ margin: 0 }}>
          “{said.reason}”
        </p>
      ) : null}
      {event.routing ? <Why routing={event.routing} /> : null}
    </>
  );
}

/** A first guess at a row's height; each row is measured once drawn. */
const ESTIMATED_ROW_PX = 76;

export function Timeline({ caseId }: { caseId: string }) {
  const history = useHistoryPages(caseId);
  const comments = useAllComments(caseId);
  const known = useKnown(caseId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const events = history.data?.pages.flatMap((page) => page.items) ?? [];
  const more = history.hasNextPage;
  const virtualizer = useVirtualizer({
    count: events.length + (more ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: 6,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows[rows.length - 1]?.index ?? -1;

  // The loading row is in view: read the next page. Not while any fetch of the history runs (a
  // refetch would cancel it) and not again after a failure (the row offers a retry instead).
  const idle = !history.isFetching && !history.isFetchNextPageError;
  useEffect(() => {
    if (more && idle && lastShown >= events.length - 1) void history.fetchNextPage();
  }, [more, idle, lastShown, events.length, history]);

  // A comment event newer than the comments read: read the comments again, once per new page of events.
  const commentsById = comments.data;
  const missing =
    commentsById !== undefined && events.some((e) => e.action === 'CommentAdded' && e.target?.kind === 'comment' && !commentsById.has(e.target.id));
  const askedAt = useRef(-1);
  useEffect(() => {
    if (missing && !comments.isFetching && askedAt.current !== events.length) {
      askedAt.current = events.length;
      void comments.refetch();
    }
  }, [missing, comments, events.length]);

  /** The newest entry: read the remaining pages, then bring the last row into view. */
  async function toNewest() {
    let result: Awaited<ReturnType<typeof history.fetchNextPage>> = history;
    while (result.hasNextPage && !result.isError) result = await result.fetchNextPage();
    const last = (result.data?.pages ?? []).reduce((n, page) => n + page.items.length, 0) - 1;
    if (last >= 0) requestAnimationFrame(() => virtualizer.scrollToIndex(last, { align: 'end' }));
  }

  const nextPageError = history.isFetchNextPageError ? history.error : undefined;
  const retryNextPage = () => void history.fetchNextPage();
  if (history.isPending) return <Loading />;
  if (history.isError && !nextPageError) return <ErrorState error={history.error} onRetry={() => void history.refetch()} />;
  if (events.length === 0) return <p className="muted">{text.noTimeline}</p>;

  return (
    <>
      {comments.isError ? <ErrorState error={comments.error} onRetry={() => void comments.refetch()} /> : null}
      {more || events.length > 20 ? (
        <p style={{ margin: '0 0 0.5rem' }}>
          <button type="button" className="secondary" disabled={history.isFetching} onClick={() => void toNewest()}>
            {text.toNewest}
          </button>
        </p>
      ) : null}
      <div ref={scrollRef} className="timeline-scroll" tabIndex={0} role="region" aria-label={text.timelineScroll} data-testid="timeline-scroll">
        <ol className="timeline" aria-label={text.timeline} style={{ height: virtualizer.getTotalSize(), position: 'relative', margin: 0 }}>
          {rows.map((row) => {
            const event = events[row.index];
            const style = { position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${row.start}px)` } as const;
            if (!event) {
              return (
                <li key="more" ref={virtualizer.measureElement} data-index={row.index} style={style}>
                  {nextPageError ? <ErrorState error={nextPageError} onRetry={retryNextPage} /> : <Loading label={text.loadingOlder} />}
                </li>
              );
            }
            const isComment = event.action === 'CommentAdded' && event.target?.kind === 'comment';
            const comment = isComment ? commentsById?.get(event.target!.id) : undefined;
            const internal = isComment && (comment?.visibility ?? event.visibility) === 'internal';
            return (
              <li
                key={event.eventId}
                ref={virtualizer.measureElement}
                data-index={row.index}
                style={style}
                className={internal ? 'internal' : ''}
                data-testid={isComment ? 'timeline-comment' : 'timeline-event'}
                aria-posinset={row.index + 1}
                aria-setsize={more ? -1 : events.length}
              >
                {isComment ? <CommentEntry event={event} comment={comment} /> : <EventEntry event={event} known={known} />}
              </li>
            );
          })}
        </ol>
      </div>
      <p className="muted" aria-live="polite" data-testid="timeline-count">
        {more ? text.loadedSoFar(events.length) : text.entries(events.length)}
      </p>
    </>
  );
}
