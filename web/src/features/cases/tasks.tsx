/** The case's tasks: list, add, complete (and reopen). A task is done only with its checklist done: the API says so, shown as its problem. */
import { useId, useState, type FormEvent } from 'react';
import { ErrorState, Loading } from '../../components/states';
import { DateTime } from '../../lib/dates';
import { useAddTask, useTasks, useUpdateTask } from './api';
import { text } from './text';

export function Tasks({ caseId }: { caseId: string }) {
  const tasks = useTasks(caseId);
  const add = useAddTask(caseId);
  const update = useUpdateTask(caseId);
  const id = useId();
  const [title, setTitle] = useState('');
  const [mandatory, setMandatory] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    const task = title.trim();
    if (!task) return;
    add.mutate({ title: task, mandatory }, { onSuccess: () => (setTitle(''), setMandatory(false)) });
  }

  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="tasks">
      <h2 id={`${id}-h`}>{text.tasks.title}</h2>
      {tasks.isPending ? (
        <Loading />
      ) : tasks.isError ? (
        <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : tasks.data.length === 0 ? (
        <p className="muted">{text.tasks.none}</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0 }}>
          {tasks.data.map((task) => {
            const done = task.status === 'done';
            return (
              <li key={task.taskId} data-testid="task" data-status={task.status} className="row" style={{ marginBottom: '0.4rem' }}>
                <span style={{ flex: '1 1 8rem', textDecoration: done ? 'line-through' : undefined }}>
                  {task.title} <span className={`badge ${done ? '' : 'warn'}`}>{text.tasks.status[task.status] ?? task.status}</span>
                  {task.dueAt ? (
                    <span className="muted">
                      {' '}
                      {text.tasks.due} <DateTime iso={task.dueAt} />
                    </span>
                  ) : null}
                </span>
                <button
                  type="button"
                  className="secondary"
                  disabled={update.isPending}
                  onClick={() => update.mutate({ taskId: task.taskId, patch: { status: done ? 'open' : 'done' } })}
                >
                  {done ? text.tasks.reopen : text.tasks.complete}
                  <span className="visually-hidden">{text.tasks.completeLabel(task.title)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {update.isError ? <ErrorState error={update.error} /> : null}
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-title`}>{text.tasks.newTitle}</label>
          <input id={`${id}-title`} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <label style={{ fontWeight: 'normal', display: 'flex', gap: '0.4rem', alignItems: 'center' }}>
          <input type="checkbox" style={{ width: 'auto' }} checked={mandatory} onChange={(e) => setMandatory(e.target.checked)} />
          {text.tasks.mandatory}
        </label>
        <p>
          <button type="submit" disabled={add.isPending || title.trim() === ''}>
            {text.tasks.add}
          </button>
        </p>
        <div role="status" aria-live="polite">
          {add.isSuccess ? text.tasks.added(add.data.title) : null}
        </div>
        {add.isError ? <ErrorState error={add.error} /> : null}
      </form>
    </section>
  );
}
