/** The workflow's next steps from here: each allowed one as a button (confirmed in a dialog, with a reason where needed), each blocked one with the guards that block it. */
import { forwardRef, useState, type FormEvent } from 'react';
import { Dialog } from 'radix-ui';
import type { Case, TransitionOptions } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { useTransition, useTransitions } from './api';
import { text } from './text';

type Option = TransitionOptions['transitions'][number];

function TransitionDialog({ kase, option, onClose }: { kase: Case; option: Option; onClose: () => void }) {
  const move = useTransition(kase.caseId);
  const [reason, setReason] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    move.mutate({ to: option.to, transition: option.transition, reason: reason.trim() || undefined, version: kase.version }, { onSuccess: onClose });
  }
  return (
    <Dialog.Root open onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog-content">
          <Dialog.Title>{text.confirmTransition(option.label)}</Dialog.Title>
          <Dialog.Description>{text.moveTo(option.toLabel)}</Dialog.Description>
          <form onSubmit={submit}>
            <div className="field">
              <label htmlFor="transition-reason">
                {text.reason}
                {option.reasonRequired ? ' *' : ''}
              </label>
              {option.reasonRequired ? (
                <p className="help" id="transition-reason-help">
                  {text.reasonRequired}
                </p>
              ) : null}
              <textarea
                id="transition-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                aria-describedby={option.reasonRequired ? 'transition-reason-help' : undefined}
                maxLength={1000}
              />
            </div>
            {move.isError ? <ErrorState error={move.error} /> : null}
            <div className="row">
              <button type="submit" disabled={move.isPending}>
                {text.doTransition}
              </button>
              <Dialog.Close asChild>
                <button type="button" className="secondary">
                  {text.cancel}
                </button>
              </Dialog.Close>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

export const Transitions = forwardRef<HTMLElement, { kase: Case }>(function Transitions({ kase }, ref) {
  const options = useTransitions(kase.caseId);
  const [chosen, setChosen] = useState<Option | undefined>();
  return (
    <section className="panel" aria-labelledby="transitions-h" ref={ref} tabIndex={-1}>
      <h2 id="transitions-h">{text.transitions}</h2>
      {options.isPending ? <Loading /> : options.isError ? <ErrorState error={options.error} onRetry={() => void options.refetch()} /> : null}
      {options.data && options.data.transitions.length === 0 ? <p className="muted">{text.noTransitions}</p> : null}
      <ul style={{ listStyle: 'none', padding: 0 }}>
        {options.data?.transitions.map((option) => {
          const blockedId = `blocked-${option.transition}`;
          return (
            <li key={option.transition} style={{ marginBottom: '0.5rem' }}>
              <button
                type="button"
                className={option.allowed ? '' : 'secondary'}
                data-transition={option.transition}
                aria-disabled={!option.allowed || undefined}
                aria-describedby={option.allowed ? undefined : blockedId}
                onClick={() => option.allowed && setChosen(option)}
              >
                {option.label} → {option.toLabel}
              </button>
              {option.allowed ? null : (
                <p id={blockedId} className="muted" style={{ margin: '0.2rem 0 0' }} data-testid="blocked-by">
                  {text.blockedBy} {option.blockedBy.map((b) => b.message).join(' ')}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      {chosen ? <TransitionDialog kase={kase} option={chosen} onClose={() => setChosen(undefined)} /> : null}
    </section>
  );
});
