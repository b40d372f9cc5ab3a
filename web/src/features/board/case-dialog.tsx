/** Reassign (owner, queue) or re-prioritise one case, through PATCH /cases/{id} with the version shown. */
import { useId, useState, type FormEvent } from 'react';
import { Dialog } from 'radix-ui';
import { ErrorState } from '../../components/states';
import { useUpdateCase, type CasePatch } from './api';
import type { Agent, Case, Queue } from './figures';
import { text } from './text';

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
type Priority = (typeof PRIORITIES)[number];
/** The select's value for "no override: the type's formula decides". */
const COMPUTED = '';

export function CaseDialog({
  item,
  agents,
  queues,
  onClose,
}: {
  item: Case;
  agents: readonly Agent[];
  queues: readonly Queue[];
  onClose: (saved?: string) => void;
}) {
  const id = useId();
  const overridden = item.priorityScore?.override?.priority;
  const [owner, setOwner] = useState(item.owner ?? '');
  const [queue, setQueue] = useState(item.queue);
  const [priority, setPriority] = useState<string>(overridden ?? (item.priorityScore ? COMPUTED : item.priority));
  const [reason, setReason] = useState('');
  const [nothing, setNothing] = useState(false);
  const update = useUpdateCase();

  const queueIds = [...new Set([item.queue, ...queues.map((q) => q.queueId)])];
  const agentIds = [...new Set([...(item.owner ? [item.owner] : []), ...agents.map((a) => a.agentId)])];
  const agentName = (agentId: string) => agents.find((a) => a.agentId === agentId)?.name ?? agentId;

  function submit(event: FormEvent) {
    event.preventDefault();
    const patch: CasePatch = {};
    if ((owner || null) !== item.owner) patch.owner = owner || null;
    if (queue !== item.queue) patch.queue = queue;
    const wasPriority = overridden ?? (item.priorityScore ? COMPUTED : item.priority);
    if (priority !== wasPriority) patch.priority = priority === COMPUTED ? null : (priority as Priority);
    if (Object.keys(patch).length === 0) {
      setNothing(true);
      return;
    }
    if (reason.trim()) patch.reason = reason.trim();
    update.mutate({ caseId: item.caseId, version: item.version, patch }, { onSuccess: () => onClose(text.dialog.saved(item.caseId)) });
  }

  return (
    <Dialog.Root open onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog-content">
          <Dialog.Title>{text.dialog.title(item.caseId)}</Dialog.Title>
          <Dialog.Description className="muted">{text.dialog.description}</Dialog.Description>
          <p>
            <strong>{item.subject}</strong>
          </p>
          <form onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor={`${id}-owner`}>{text.dialog.owner}</label>
              <select id={`${id}-owner`} value={owner} onChange={(e) => setOwner(e.target.value)}>
                <option value="">{text.dialog.unassigned}</option>
                {agentIds.map((agentId) => (
                  <option key={agentId} value={agentId}>
                    {agentName(agentId)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-queue`}>{text.dialog.queue}</label>
              <select id={`${id}-queue`} value={queue} onChange={(e) => setQueue(e.target.value)}>
                {queueIds.map((queueId) => (
                  <option key={queueId} value={queueId}>
                    {queues.find((q) => q.queueId === queueId)?.name ?? queueId}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-priority`}>{text.dialog.priority}</label>
              <select id={`${id}-priority`} value={priority} onChange={(e) => setPriority(e.target.value)}>
                {item.priorityScore ? (
                  <option value={COMPUTED}>{text.dialog.computed(text.priorities[item.priorityScore.band] ?? item.priorityScore.band)}</option>
                ) : null}
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {text.priorities[p]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-reason`}>{text.dialog.reason}</label>
              <p className="help" id={`${id}-reason-help`}>
                {text.dialog.reasonHelp}
              </p>
              <input
                id={`${id}-reason`}
                aria-describedby={`${id}-reason-help`}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                maxLength={500}
              />
            </div>
            {nothing ? (
              <p className="field-error" role="alert">
                {text.dialog.nothingChanged}
              </p>
            ) : null}
            {update.error ? <ErrorState error={update.error} /> : null}
            <div className="row">
              <button type="submit" disabled={update.isPending}>
                {update.isPending ? text.dialog.saving : text.dialog.save}
              </button>
              <Dialog.Close asChild>
                <button type="button" className="secondary">
                  {text.dialog.cancel}
                </button>
              </Dialog.Close>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
