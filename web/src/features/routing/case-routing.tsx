/** A case's routing read model (GET /routing/cases/{id}): where routing holds it and, while it waits, why no agent has it. */
import { useId } from 'react';
import { ErrorState, Loading } from '../../components/states';
import { DateTime } from '../../lib/dates';
import { useCaseRouting } from './api';
import { text } from './text';

export function CaseRouting({ caseId }: { caseId: string }) {
  const routing = useCaseRouting(caseId);
  const id = useId();
  const r = routing.data;
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="case-routing">
      <h2 id={`${id}-h`}>{text.routing}</h2>
      {routing.isPending ? (
        <Loading />
      ) : routing.isError ? (
        <ErrorState error={routing.error} onRetry={() => void routing.refetch()} />
      ) : !r ? (
        <p className="muted">{text.notRoutedCase}</p>
      ) : (
        <>
          <p style={{ margin: 0 }}>
            <strong data-testid="routing-state">{text.routingStates[r.state] ?? r.state}</strong>, {r.queue}{' '}
            <span className="muted">
              (<DateTime iso={r.since} />)
            </span>
          </p>
          {r.reason ? <p data-testid="routing-reason">{text.routingReasons[r.reason] ?? r.reason}</p> : null}
          {r.agentId ? (
            <p style={{ margin: 0 }}>
              {text.offeredTo} {r.agentId}
            </p>
          ) : null}
          {r.declinedBy.length > 0 ? (
            <p style={{ margin: 0 }}>
              {text.declinedBy} {r.declinedBy.join(', ')}
            </p>
          ) : null}
          {r.placement ? <p className="muted">{text.placedBy(r.placement.by, r.placement.actor)}</p> : null}
        </>
      )}
    </section>
  );
}
