/**
 * Knowledge suggestions while the requester writes (POST /knowledge/deflect), and "this solved
 * it", which tells the API the suggestion deflected the case (POST /knowledge/feedback, event
 * `deflected`): the deflection counting is the API's, the console only reports what happened.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { data } from '../../api/client';
import { ErrorState } from '../../components/states';
import { useApi } from '../../app/providers';
import { text } from './text';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** A highlight fragment with its <mark>s as elements; everything else stays text (never HTML). */
function Highlighted({ fragment }: { fragment: string }) {
  const parts: ReactNode[] = [];
  fragment.split(/(<mark>.*?<\/mark>)/g).forEach((part, i) => {
    const marked = /^<mark>(.*)<\/mark>$/.exec(part);
    parts.push(marked ? <mark key={i}>{marked[1]}</mark> : part);
  });
  return <>{parts}</>;
}

function Article({ articleId, suggestionId }: { articleId: string; suggestionId: string }) {
  const api = useApi();
  const article = useQuery({
    queryKey: ['article', articleId],
    queryFn: () => data(api.GET('/knowledge/articles/{articleId}', { params: { path: { articleId } } })),
  });
  useEffect(() => {
    void api.POST('/knowledge/feedback', { body: { suggestionId, articleId, event: 'clicked' } });
  }, [api, articleId, suggestionId]);
  if (article.isError) return <ErrorState error={article.error} />;
  return <p style={{ whiteSpace: 'pre-wrap' }}>{article.data?.body}</p>;
}

export function KnowledgeSuggestions({ subject, description }: { subject: string; description: string }) {
  const api = useApi();
  const query = useDebounced({ subject: subject.trim(), description: description.trim() }, 350);
  const [open, setOpen] = useState<string | undefined>();
  const suggestions = useQuery({
    queryKey: ['deflect', query.subject, query.description],
    enabled: query.subject.length >= 3,
    placeholderData: keepPreviousData,
    queryFn: () =>
      data(
        api.POST('/knowledge/deflect', {
          body: { subject: query.subject, ...(query.description ? { description: query.description } : {}), limit: 3 },
        }),
      ),
  });
  const solved = useMutation({
    mutationFn: (input: { suggestionId: string; articleId: string }) =>
      data(api.POST('/knowledge/feedback', { body: { ...input, event: 'deflected' } })),
  });

  if (solved.isSuccess) {
    return (
      <section className="panel suggestions" aria-labelledby="kb-h">
        <h2 id="kb-h">{text.title}</h2>
        <p role="status">{text.solvedThanks}</p>
        <Link to="/my">{text.backToMyCases}</Link>
      </section>
    );
  }
  const items = suggestions.data?.items ?? [];
  return (
    <section className="panel suggestions" aria-labelledby="kb-h" aria-live="polite">
      <h2 id="kb-h">{text.title}</h2>
      <p className="muted">{text.intro}</p>
      {suggestions.isError ? <ErrorState error={suggestions.error} /> : null}
      {suggestions.data && items.length === 0 ? <p className="muted">{text.none}</p> : null}
      <ul className="case-list">
        {items.map((item) => (
          <li key={item.articleId} data-testid="suggestion">
            <strong>{item.title}</strong>
            {item.highlights[0] ? (
              <p className="muted" style={{ margin: '0.25rem 0' }}>
                <Highlighted fragment={item.highlights[0].fragment} />
              </p>
            ) : null}
            {open === item.articleId && suggestions.data ? <Article articleId={item.articleId} suggestionId={suggestions.data.suggestionId} /> : null}
            <div className="row">
              <button
                type="button"
                className="secondary"
                aria-expanded={open === item.articleId}
                onClick={() => setOpen(open === item.articleId ? undefined : item.articleId)}
              >
                {open === item.articleId ? text.hide : text.read}
                <span className="visually-hidden"> {item.title}</span>
              </button>
              <button
                type="button"
                disabled={solved.isPending}
                onClick={() => suggestions.data && solved.mutate({ suggestionId: suggestions.data.suggestionId, articleId: item.articleId })}
              >
                {text.solved}
                <span className="visually-hidden"> ({item.title})</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      {solved.isError ? <ErrorState error={solved.error} /> : null}
    </section>
  );
}
