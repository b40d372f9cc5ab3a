/**
 * Knowledge for the case: the API's suggestions (GET /cases/{id}/suggestions) and "link as
 * resolving" (POST /cases/{id}/articles with the suggestion it came from, which also teaches
 * the article the case's words), and the articles already linked.
 */
import { useId } from 'react';
import { ErrorState, Loading } from '../../components/states';
import { useCaseArticles, useCaseSuggestions, useLinkArticle } from './api';
import { text } from './text';

export function Knowledge({ caseId }: { caseId: string }) {
  const suggestions = useCaseSuggestions(caseId);
  const linked = useCaseArticles(caseId);
  const link = useLinkArticle(caseId);
  const id = useId();
  const linkedIds = new Set((linked.data ?? []).map((l) => l.articleId));
  const titleOf = (articleId: string) => suggestions.data?.items.find((s) => s.articleId === articleId)?.title ?? articleId;

  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="knowledge">
      <h2 id={`${id}-h`}>{text.knowledge.title}</h2>
      <h3>{text.knowledge.linked}</h3>
      {linked.isPending ? (
        <Loading />
      ) : linked.isError ? (
        <ErrorState error={linked.error} onRetry={() => void linked.refetch()} />
      ) : linked.data.length === 0 ? (
        <p className="muted">{text.knowledge.noneLinked}</p>
      ) : (
        <ul>
          {linked.data.map((l) => (
            <li key={l.articleId} data-testid="linked-article">
              {titleOf(l.articleId)} <span className="muted">{l.articleId}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>{text.knowledge.suggested}</h3>
      {suggestions.isPending ? (
        <Loading />
      ) : suggestions.isError ? (
        <ErrorState error={suggestions.error} onRetry={() => void suggestions.refetch()} />
      ) : suggestions.data.items.length === 0 ? (
        <p className="muted">{text.knowledge.none}</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0 }}>
          {suggestions.data.items.map((item) => (
            <li key={item.articleId} data-testid="suggested-article" style={{ marginBottom: '0.5rem' }}>
              <strong>{item.title}</strong> <span className="muted">{text.knowledge.score(item.score)}</span>
              <div>
                {linkedIds.has(item.articleId) ? (
                  <span className="badge">{text.knowledge.linkedMark}</span>
                ) : (
                  <button
                    type="button"
                    className="secondary"
                    disabled={link.isPending}
                    onClick={() => link.mutate({ articleId: item.articleId, suggestionId: suggestions.data.suggestionId })}
                  >
                    {text.knowledge.link}
                    <span className="visually-hidden"> ({item.title})</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {link.isError ? <ErrorState error={link.error} /> : null}
    </section>
  );
}
