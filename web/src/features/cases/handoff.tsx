/** The handoff brief written when the case last changed queue or owner: where it came from, what was asked, tried and is pending. */
import { useId } from 'react';
import { ErrorState, Loading } from '../../components/states';
import { DateTime } from '../../lib/dates';
import { useHandoff } from './api';
import { text } from './text';

function Items({ items }: { items: readonly string[] }) {
  if (items.length === 0) return <span className="muted">{text.handoff.nothing}</span>;
  return (
    <ul style={{ margin: 0, paddingLeft: '1.1rem' }}>
      {items.map((item, i) => (
        <li key={i}>{item}</li>
      ))}
    </ul>
  );
}

export function Handoff({ caseId }: { caseId: string }) {
  const handoff = useHandoff(caseId);
  const id = useId();
  const brief = handoff.data;
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="handoff">
      <h2 id={`${id}-h`}>{text.handoff.title}</h2>
      {handoff.isPending ? (
        <Loading />
      ) : handoff.isError ? (
        <ErrorState error={handoff.error} onRetry={() => void handoff.refetch()} />
      ) : !brief ? (
        <p className="muted">{text.handoff.none}</p>
      ) : (
        <dl className="fields">
          <dt>{text.handoff.from}</dt>
          <dd>{text.handoff.place(brief.from.queue, brief.from.owner)}</dd>
          <dt>{text.handoff.to}</dt>
          <dd>{text.handoff.place(brief.to.queue, brief.to.owner)}</dd>
          <dt>{text.handoff.asked}</dt>
          <dd data-testid="handoff-asked">{brief.asked || <span className="muted">{text.handoff.nothing}</span>}</dd>
          <dt>{text.handoff.tried}</dt>
          <dd>
            <Items items={brief.tried} />
          </dd>
          <dt>{text.handoff.pending}</dt>
          <dd>
            <Items items={brief.pending} />
          </dd>
          <dt>{text.handoff.generated}</dt>
          <dd>
            <DateTime iso={brief.editedAt ?? brief.generatedAt} />
            {brief.editedBy ? ` (${text.handoff.edited(brief.editedBy)})` : ''}
          </dd>
        </dl>
      )}
    </section>
  );
}
