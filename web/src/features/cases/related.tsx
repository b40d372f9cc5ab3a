/** Related and merged cases (the links endpoint), each a link to that case in the workspace. */
import { useId } from 'react';
import { Link } from 'react-router';
import { ErrorState, Loading } from '../../components/states';
import { useLinks } from './api';
import { text } from './text';

export function Related({ caseId }: { caseId: string }) {
  const links = useLinks(caseId);
  const id = useId();
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="related">
      <h2 id={`${id}-h`}>{text.related.title}</h2>
      {links.isPending ? (
        <Loading />
      ) : links.isError ? (
        <ErrorState error={links.error} onRetry={() => void links.refetch()} />
      ) : links.data.length === 0 ? (
        <p className="muted">{text.related.none}</p>
      ) : (
        <ul>
          {links.data.map((link) => (
            <li key={`${link.kind}-${link.targetId}`} data-testid="related-case">
              {text.related.kinds[link.kind] ?? link.kind} <Link to={`/inbox/cases/${link.targetId}`}>{link.targetId}</Link>
              {link.merged ? <span className="badge"> {text.related.merged}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
