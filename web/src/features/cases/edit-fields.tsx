/**
 * Editing a case's fields with If-Match. When someone else saved in between (412, or a 409
 * conflict), nothing is overwritten: the view shows, for each field this agent changed, their
 * value and the one now saved, and saves again only what the agent chooses to keep.
 */
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { data } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import type { Case, CaseType, FieldValue } from '../../api/types';
import { ErrorState } from '../../components/states';
import { useApi } from '../../app/providers';
import { FieldInput } from '../intake/field-input';
import { caseKeys, usePatchCase, type CasePatch } from './api';
import { text } from './text';

type Draft = Record<string, FieldValue | undefined>;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/** The editable values of a case, flat: subject, priority, and each custom field by name. */
function valuesOf(kase: Case): Draft {
  return { subject: kase.subject, priority: kase.priority, ...(kase.fields ?? {}) };
}

const same = (a: FieldValue | undefined, b: FieldValue | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function toPatch(names: readonly string[], values: Draft): CasePatch {
  const patch: CasePatch = {};
  for (const name of names) {
    const value = values[name];
    if (name === 'subject') patch.subject = String(value ?? '');
    else if (name === 'priority') patch.priority = (value as CasePatch['priority']) ?? null;
    else (patch.fields ??= {})[name] = value ?? null;
  }
  return patch;
}

function show(value: FieldValue | undefined): string {
  if (value === undefined || value === null || value === '') return text.conflict.empty;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

interface Conflict {
  readonly changed: string[];
  readonly mine: Draft;
  readonly theirs: Case;
}

export function EditFields({ kase, type, onDone }: { kase: Case; type: CaseType | undefined; onDone: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const patch = usePatchCase(kase.caseId);
  const [base] = useState(() => ({ values: valuesOf(kase), version: kase.version }));
  const [draft, setDraft] = useState<Draft>(() => valuesOf(kase));
  const [conflict, setConflict] = useState<Conflict | undefined>();
  const [choices, setChoices] = useState<Record<string, 'mine' | 'theirs'>>({});
  const editable = (type?.fields ?? []).filter((f) => f.type !== 'reference');
  const labelOf = (name: string) =>
    name === 'subject' ? text.subject : name === 'priority' ? text.priority : (type?.fields.find((f) => f.name === name)?.label ?? name);

  async function save(names: string[], values: Draft, version: number) {
    try {
      await patch.mutateAsync({ patch: toPatch(names, values), version });
      onDone();
    } catch (error) {
      const changedUnderneath =
        error instanceof ApiProblem &&
        (error.status === 412 ||
          (error.status === 409 && /version|changed|concurrent/i.test(`${error.problem.title} ${error.problem.detail ?? ''}`)));
      if (!changedUnderneath) return;
      const theirs = await data(api.GET('/cases/{id}', { params: { path: { id: kase.caseId } } }));
      queryClient.setQueryData(caseKeys.case(kase.caseId), theirs);
      setConflict({ changed: names, mine: values, theirs });
      setChoices(Object.fromEntries(names.map((n) => [n, 'theirs'])));
      patch.reset();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const changed = Object.keys({ ...base.values, ...draft }).filter((name) => !same(base.values[name], draft[name]));
    if (changed.length === 0) return onDone();
    void save(changed, draft, base.version);
  }

  if (conflict) {
    const theirs = valuesOf(conflict.theirs);
    const keep = conflict.changed.filter((name) => choices[name] === 'mine');
    return (
      <section className="conflict" role="alert" aria-labelledby="conflict-h">
        <h2 id="conflict-h">{text.conflict.title}</h2>
        <p>{text.conflict.intro}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">{text.conflict.field}</th>
              <th scope="col">{text.conflict.yours}</th>
              <th scope="col">{text.conflict.theirs}</th>
            </tr>
          </thead>
          <tbody>
            {conflict.changed.map((name) => (
              <tr key={name} data-testid="conflict-row">
                <th scope="row">{labelOf(name)}</th>
                <td>
                  <label style={{ fontWeight: 'normal' }}>
                    <input
                      type="radio"
                      style={{ width: 'auto' }}
                      name={`merge-${name}`}
                      checked={choices[name] === 'mine'}
                      onChange={() => setChoices((c) => ({ ...c, [name]: 'mine' }))}
                    />{' '}
                    <span data-testid="conflict-mine">{show(conflict.mine[name])}</span>
                    <span className="visually-hidden"> ({text.conflict.keepMine})</span>
                  </label>
                </td>
                <td>
                  <label style={{ fontWeight: 'normal' }}>
                    <input
                      type="radio"
                      style={{ width: 'auto' }}
                      name={`merge-${name}`}
                      checked={choices[name] === 'theirs'}
                      onChange={() => setChoices((c) => ({ ...c, [name]: 'theirs' }))}
                    />{' '}
                    <span data-testid="conflict-theirs">{show(theirs[name])}</span>
                    <span className="visually-hidden"> ({text.conflict.keepTheirs})</span>
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row" style={{ marginTop: '0.75rem' }}>
          <button
            type="button"
            disabled={patch.isPending}
            onClick={() => (keep.length ? void save(keep, conflict.mine, conflict.theirs.version) : onDone())}
          >
            {text.conflict.apply}
          </button>
          <button type="button" className="secondary" onClick={onDone}>
            {text.conflict.discard}
          </button>
        </div>
        {patch.isError ? <ErrorState error={patch.error} /> : null}
      </section>
    );
  }

  return (
    <form onSubmit={onSubmit} className="panel" aria-label={text.edit}>
      <div className="field">
        <label htmlFor="edit-subject">{text.subject}</label>
        <input
          id="edit-subject"
          value={String(draft.subject ?? '')}
          maxLength={200}
          onChange={(e) => setDraft((d) => ({ ...d, subject: e.target.value }))}
        />
      </div>
      <div className="field">
        <label htmlFor="edit-priority">{text.priority}</label>
        <select
          id="edit-priority"
          value={String(draft.priority ?? '')}
          onChange={(e) => setDraft((d) => ({ ...d, priority: e.target.value || undefined }))}
        >
          {PRIORITIES.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </div>
      {editable.map((field) => (
        <FieldInput
          key={field.name}
          field={field}
          required={false}
          value={draft[field.name]}
          errors={patch.error instanceof ApiProblem ? patch.error.errorsFor(field.name).map((e) => e.message) : []}
          onChange={(value) => setDraft((d) => ({ ...d, [field.name]: value }))}
        />
      ))}
      <div className="row">
        <button type="submit" disabled={patch.isPending}>
          {patch.isPending ? text.saving : text.save}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {text.cancel}
        </button>
      </div>
      {patch.isError ? <ErrorState error={patch.error} /> : null}
    </form>
  );
}
