/** Queues: list, create and edit (PUT /routing/queues/{id} replaces the queue). */
import { useId, useState } from 'react';
import { ErrorState, Loading } from '../../components/states';
import { usePutQueue, useQueuesAdmin, type Queue, type QueueInput } from './api';
import { EditDialog, Field } from './edit-dialog';
import { EditableTable, SavedStatus, useEditor } from './editable-table';
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
    <EditDialog
      title={queue ? text.queues.editTitle(queue.queueId) : text.queues.newTitle}
      onClose={onClose}
      onSubmit={submit}
      pending={put.isPending}
      error={put.error}
    >
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
  const editor = useEditor<Queue | 'new'>();
  if (queues.isPending) return <Loading />;
  if (queues.error) return <ErrorState error={queues.error} onRetry={() => void queues.refetch()} />;
  return (
    <>
      <SavedStatus message={editor.status} />
      <button type="button" onClick={() => editor.edit('new')}>
        {text.queues.add}
      </button>
      <EditableTable
        items={queues.data}
        testId="queues"
        caption={text.queues.caption}
        empty={text.queues.empty}
        header={text.queues.queue}
        rowHeader={(q) => (
          <>
            {q.name ?? q.queueId} {q.name ? <code className="muted">{q.queueId}</code> : null}
          </>
        )}
        columns={[
          { header: text.queues.offerTimeout, figure: 'timeout', cell: (q) => q.offerTimeoutSeconds },
          { header: text.queues.optionalWait, cell: (q) => q.optionalSkillWaitSeconds ?? text.common.none },
          { header: text.queues.overflowTo, cell: (q) => (q.overflow ? `${q.overflow.queue} (${q.overflow.afterSeconds} s)` : text.common.none) },
          { header: text.queues.version, figure: 'version', cell: (q) => q.version },
        ]}
        keyOf={(q) => q.queueId}
        rowData={(q) => ({ 'data-queue': q.queueId })}
        editLabel={(q) => text.queues.editOf(q.queueId)}
        onEdit={editor.edit}
      />
      {editor.editing ? (
        <QueueDialog queue={editor.editing === 'new' ? undefined : editor.editing} onClose={editor.close} onSaved={editor.saved} />
      ) : null}
    </>
  );
}
