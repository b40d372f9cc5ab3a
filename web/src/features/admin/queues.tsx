/** Queues: list, create and edit (PUT /routing/queues/{id} replaces the queue). */
import { useId, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../components/states';
import { usePutQueue, useQueuesAdmin, type Queue, type QueueInput } from './api';
import { EditDialog, Field } from './edit-dialog';
import { text } from './text';

const numberOrUndefined = (v: string) => (v.trim() === '' ? undefined : Number(v));

function QueueDialog({ queue, onClose, onSaved }: { queue: Queue | undefined; onClose: () => void; onSaved: (m: string) => void }) {
  const id = useId();
  const put = usePutQueue();
  const [queueId, setQueueId] = useState(queue?.queueId ?? '');
  const [name, setName] = useState(queue?.name ?? '');
  const [timeout, setTimeout_] = useState(String(queue?.offerTimeoutSeconds ?? 60));
  const [wait, setWait] = useState(queue?.optionalSkillWaitSeconds === undefined ? '' : String(queue.optionalSkillWaitSeconds));
  const [overflowTo, setOverflowTo] = useState(queue?.overflow?.queue ?? '');
  const [overflowAfter, setOverflowAfter] = useState(queue?.overflow ? String(queue.overflow.afterSeconds) : '');
  const submit = () => {
    const body: QueueInput = {
      ...(name.trim() ? { name: name.trim() } : {}),
      offerTimeoutSeconds: Number(timeout),
      ...(numberOrUndefined(wait) !== undefined ? { optionalSkillWaitSeconds: numberOrUndefined(wait) } : {}),
      ...(overflowTo.trim() ? { overflow: { queue: overflowTo.trim(), afterSeconds: Number(overflowAfter) } } : {}),
    };
    put.mutate({ queueId: queueId.trim(), body }, { onSuccess: (q) => onSaved(text.queues.saved(q.queueId)) });
  };
  return (
    <EditDialog title={queue ? text.queues.editTitle(queue.queueId) : text.queues.newTitle} onClose={onClose} onSubmit={submit} pending={put.isPending} error={put.error}>
      {queue ? null : (
        <Field id={`${id}-id`} label={text.queues.id}>
          <input id={`${id}-id`} value={queueId} onChange={(e) => setQueueId(e.target.value)} required />
        </Field>
      )}
      <Field id={`${id}-name`} label={text.queues.name}>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id={`${id}-timeout`} label={text.queues.offerTimeout}>
        <input id={`${id}-timeout`} type="number" min={1} value={timeout} onChange={(e) => setTimeout_(e.target.value)} />
      </Field>
      <Field id={`${id}-wait`} label={text.queues.optionalWait}>
        <input id={`${id}-wait`} type="number" min={0} value={wait} onChange={(e) => setWait(e.target.value)} />
      </Field>
      <Field id={`${id}-overflow`} label={text.queues.overflowTo}>
        <input id={`${id}-overflow`} value={overflowTo} onChange={(e) => setOverflowTo(e.target.value)} />
      </Field>
      <Field id={`${id}-after`} label={text.queues.overflowAfter}>
        <input id={`${id}-after`} type="number" min={1} value={overflowAfter} onChange={(e) => setOverflowAfter(e.target.value)} />
      </Field>
    </EditDialog>
  );
}

export function QueuesView() {
  const queues = useQueuesAdmin();
  const [editing, setEditing] = useState<Queue | 'new' | undefined>();
  const [saved, setSaved] = useState('');
  if (queues.isPending) return <Loading />;
  if (queues.error) return <ErrorState error={queues.error} onRetry={() => void queues.refetch()} />;
  return (
    <>
      <p role="status">{saved}</p>
      <button type="button" onClick={() => setEditing('new')}>
        {text.queues.add}
      </button>
      {queues.data.length === 0 ? (
        <Empty title={text.queues.empty} />
      ) : (
        <table className="responsive" data-testid="queues">
          <caption className="visually-hidden">{text.queues.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.queues.queue}</th>
              <th scope="col">{text.queues.offerTimeout}</th>
              <th scope="col">{text.queues.optionalWait}</th>
              <th scope="col">{text.queues.overflowTo}</th>
              <th scope="col">{text.queues.version}</th>
              <th scope="col">
                <span className="visually-hidden">{text.common.edit}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {queues.data.map((q) => (
              <tr key={q.queueId} data-queue={q.queueId}>
                <th scope="row">
                  {q.name ?? q.queueId} {q.name ? <code className="muted">{q.queueId}</code> : null}
                </th>
                <td data-figure="timeout">{q.offerTimeoutSeconds}</td>
                <td>{q.optionalSkillWaitSeconds ?? text.common.none}</td>
                <td>{q.overflow ? `${q.overflow.queue} (${q.overflow.afterSeconds} s)` : text.common.none}</td>
                <td data-figure="version">{q.version}</td>
                <td>
                  <button type="button" className="secondary" aria-label={text.queues.editOf(q.queueId)} onClick={() => setEditing(q)}>
                    {text.common.edit}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <QueueDialog
          queue={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={(m) => {
            setEditing(undefined);
            setSaved(m);
          }}
        />
      ) : null}
    </>
  );
}
