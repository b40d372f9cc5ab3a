/**
 * The signed-in agent's routing at a glance, beside the inbox: presence (set it), load against
 * capacity per channel, and the open offers with accept and decline. Offers poll (OFFER_POLL_MS)
 * until a live push invalidates `routingKeys.offers` instead.
 */
import type { UseMutationResult } from '@tanstack/react-query';
import { useId } from 'react';
import { Empty, ErrorState, Loading } from '../../components/states';
import { DateTime } from '../../lib/dates';
import { PRESENCES, useMyAgent, useOffers, useSetPresence, type Agent, type Offer, type Presence } from './api';
import { text } from './text';

export type AnswerOffer = UseMutationResult<{ offer: Offer; answer: 'accept' | 'decline' }, Error, { offer: Offer; answer: 'accept' | 'decline' }>;

function Capacity({ agent }: { agent: Agent }) {
  const channels = Object.entries(agent.capacity).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0);
  if (channels.length === 0) return <p className="muted">{text.noCapacity}</p>;
  return (
    <ul data-testid="agent-capacity" style={{ margin: 0, paddingLeft: '1.1rem' }}>
      {channels.map(([channel, of]) => {
        const used = (agent.load as Record<string, number | undefined>)[channel] ?? 0;
        return (
          <li key={channel}>
            <label style={{ fontWeight: 'normal' }}>
              {text.load(channel, used, of)} <meter min={0} max={of} value={used} high={of} style={{ width: '5rem' }} />
            </label>
          </li>
        );
      })}
    </ul>
  );
}

export function OffersPanel({ me, answer }: { me: string; answer: AnswerOffer }) {
  const agent = useMyAgent(me);
  const offers = useOffers();
  const setPresence = useSetPresence(me);
  const id = useId();
  const answered = answer.isSuccess ? answer.data : undefined;

  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="offers-panel">
      <h2 id={`${id}-h`}>{text.title}</h2>
      {agent.isPending ? (
        <Loading />
      ) : agent.isError ? (
        <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />
      ) : agent.data === null ? (
        <Empty title={text.notRouted}>
          <p>{text.notRoutedHint}</p>
        </Empty>
      ) : (
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div style={{ flex: '1 1 10rem' }}>
            <label htmlFor={`${id}-presence`}>{text.presence}</label>
            <select
              id={`${id}-presence`}
              value={agent.data.presence}
              disabled={setPresence.isPending}
              onChange={(e) => setPresence.mutate(e.target.value as Presence)}
            >
              {PRESENCES.map((p) => (
                <option key={p} value={p}>
                  {text.presences[p]}
                </option>
              ))}
            </select>
          </div>
          <div style={{ flex: '2 1 14rem' }}>
            <p style={{ margin: '0 0 0.25rem', fontWeight: 600 }}>{text.capacity}</p>
            <Capacity agent={agent.data} />
          </div>
        </div>
      )}
      {setPresence.isError ? <ErrorState error={setPresence.error} /> : null}
      <h3>{text.offers}</h3>
      {offers.isPending ? (
        <Loading />
      ) : offers.isError ? (
        <ErrorState error={offers.error} onRetry={() => void offers.refetch()} />
      ) : offers.data.length === 0 ? (
        <Empty title={text.noOffers}>
          <p>{text.noOffersHint}</p>
        </Empty>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={text.offers}>
          {offers.data.map((offer) => (
            <li key={offer.offerId} data-testid="offer" data-case={offer.caseId} className="row" style={{ marginBottom: '0.5rem' }}>
              <span style={{ flex: '1 1 12rem' }}>
                <strong>{text.offer(offer.caseId, offer.queue)}</strong>{' '}
                <span className="muted">
                  {text.until} <DateTime iso={offer.deadline} />
                </span>
              </span>
              <button type="button" disabled={answer.isPending} onClick={() => answer.mutate({ offer, answer: 'accept' })}>
                {text.accept}
                <span className="visually-hidden"> {text.ofCase(offer.caseId)}</span>
              </button>
              <button type="button" className="secondary" disabled={answer.isPending} onClick={() => answer.mutate({ offer, answer: 'decline' })}>
                {text.decline}
                <span className="visually-hidden"> {text.ofCase(offer.caseId)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div role="status" aria-live="polite">
        {answered ? <p>{answered.answer === 'accept' ? text.accepted(answered.offer.caseId) : text.declined(answered.offer.caseId)}</p> : null}
      </div>
      {answer.isError ? <ErrorState error={answer.error} /> : null}
    </section>
  );
}
