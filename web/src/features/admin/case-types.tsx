/** Case types: the list, and one type's fields, intake form, workflow diagram, versions and the draft of the next one. */
import { useDeferredValue, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { mermaidOf } from '../../../../functions/core/workflow';
import type { CaseType as CoreCaseType } from '../../../../functions/core/case-type';
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../board/format';
import {
  useCaseType,
  useCaseTypes,
  useCaseTypeVersions,
  useCasesOfType,
  usePublishCaseType,
  useWorkflow,
  type CaseType,
  type CaseTypeInput,
} from './api';
import { MermaidDiagram } from './mermaid-diagram';
import { text } from './text';

export function CaseTypeList() {
  const types = useCaseTypes();
  if (types.isPending) return <Loading />;
  if (types.error) return <ErrorState error={types.error} onRetry={() => void types.refetch()} />;
  if (types.data.length === 0) return <Empty title={text.caseTypes.empty} />;
  return (
    <table className="responsive">
      <caption className="visually-hidden">{text.caseTypes.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{text.caseTypes.name}</th>
          <th scope="col">{text.caseTypes.id}</th>
          <th scope="col">{text.caseTypes.current}</th>
          <th scope="col">{text.caseTypes.updated}</th>
        </tr>
      </thead>
      <tbody>
        {types.data.map((t) => (
          <tr key={t.typeId}>
            <th scope="row">
              <Link to={`/admin/case-types/${encodeURIComponent(t.typeId)}`}>{t.name}</Link>
            </th>
            <td>
              <code>{t.typeId}</code>
            </td>
            <td>{t.version}</td>
            <td>
              <time dateTime={t.updatedAt}>{formatDateTime(t.updatedAt)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fields({ type }: { type: CaseType }) {
  if (type.fields.length === 0) return <Empty title={text.caseTypes.noFields} />;
  return (
    <table className="responsive">
      <caption className="visually-hidden">{text.caseTypes.fieldsCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{text.caseTypes.field}</th>
          <th scope="col">{text.caseTypes.label}</th>
          <th scope="col">{text.caseTypes.kind}</th>
          <th scope="col">{text.caseTypes.required}</th>
          <th scope="col">{text.caseTypes.sensitivity}</th>
        </tr>
      </thead>
      <tbody>
        {type.fields.map((f) => (
          <tr key={f.name}>
            <th scope="row">
              <code>{f.name}</code>
            </th>
            <td>{f.label}</td>
            <td>
              {f.type}
              {'options' in f ? <span className="muted"> ({f.options.map((o) => o.value).join(', ')})</span> : null}
            </td>
            <td>{f.required ? text.common.yes : f.requiredIf ? JSON.stringify(f.requiredIf) : text.common.no}</td>
            <td>{f.sensitivity}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Intake({ type }: { type: CaseType }) {
  const questions = type.intake.questions;
  if (questions.length === 0) return <Empty title={text.caseTypes.noQuestions} />;
  return (
    <>
      <p className="muted">{text.caseTypes.intakeIntro}</p>
      <ol>
        {questions.map((q) => {
          const field = type.fields.find((f) => f.name === q.field);
          const showIf = (q as { showIf?: unknown }).showIf;
          return (
            <li key={q.field}>
              {field?.label ?? q.field} <code className="muted">{q.field}</code>
              {field?.required ? <span className="required-mark"> *</span> : null}
              {showIf ? (
                <span className="muted">
                  {' '}
                  — {text.caseTypes.shownWhen} <code>{JSON.stringify(showIf)}</code>
                </span>
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}

function Workflow({ type }: { type: CaseType }) {
  const workflow = useWorkflow(type.typeId);
  if (workflow.isPending) return <Loading />;
  if (workflow.error) return <ErrorState error={workflow.error} onRetry={() => void workflow.refetch()} />;
  const map = workflow.data;
  return (
    <>
      <MermaidDiagram source={map.mermaid} label={text.caseTypes.workflowLabel(type.name)} />
      <table className="responsive">
        <caption className="visually-hidden">{text.caseTypes.transitionsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{text.caseTypes.transition}</th>
            <th scope="col">{text.caseTypes.from}</th>
            <th scope="col">{text.caseTypes.to}</th>
            <th scope="col">{text.caseTypes.roles}</th>
            <th scope="col">{text.caseTypes.guards}</th>
            <th scope="col">{text.caseTypes.effects}</th>
          </tr>
        </thead>
        <tbody>
          {map.transitions.map((t) => (
            <tr key={t.id}>
              <th scope="row">{t.label}</th>
              <td>{t.from.join(', ')}</td>
              <td>{t.to}</td>
              <td>{t.roles.join(', ')}</td>
              <td>{t.guards.map((g) => g.description).join('; ') || text.common.none}</td>
              <td>{t.effects.map((e) => e.description).join('; ') || text.common.none}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Versions({ type }: { type: CaseType }) {
  const versions = useCaseTypeVersions(type.typeId);
  // Every state any version has: the listing's status filter then covers open and closed cases alike.
  const states = useMemo(
    () => (versions.data ? [...new Set(versions.data.flatMap((v) => (v.workflow?.states ?? []).map((s) => s.id)))] : undefined),
    [versions.data],
  );
  const cases = useCasesOfType(type.typeId, states);
  if (versions.isPending) return <Loading />;
  if (versions.error) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  const count = (v: number) => (cases.data ? String(cases.data.items.filter((c) => c.typeVersion === v).length) : cases.error ? '?' : '…');
  return (
    <>
      {cases.error ? <ErrorState error={cases.error} /> : null}
      <table className="responsive" data-testid="type-versions">
        <caption className="visually-hidden">{text.caseTypes.versionsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{text.common.version}</th>
            <th scope="col">{text.common.publishedAt}</th>
            <th scope="col">{text.common.publishedBy}</th>
            <th scope="col">{text.caseTypes.cases}</th>
          </tr>
        </thead>
        <tbody>
          {[...versions.data].reverse().map((v) => (
            <tr key={v.version} data-version={v.version}>
              <th scope="row">{v.version}</th>
              <td>
                <time dateTime={v.publishedAt}>{formatDateTime(v.publishedAt)}</time>
              </td>
              <td>{v.publishedBy}</td>
              <td data-figure="cases">{count(v.version)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cases.data?.capped ? <p className="muted">{text.caseTypes.casesCapped(cases.data.items.length)}</p> : null}
    </>
  );
}

/** The next version's body: the current one without what the API sets on publishing. */
function draftOf(type: CaseType): string {
  const {
    typeId: _typeId,
    version: _version,
    publishedAt: _at,
    publishedBy: _by,
    migration: _migration,
    ...body
  } = type as CaseType & { migration?: unknown };
  return JSON.stringify(body, null, 2);
}

/** The draft's own diagram, drawn by the API's own Mermaid writer (functions/core/workflow), so it matches what publishing gives. */
function draftDiagram(type: CaseType, draft: string): { source?: string; error?: string } {
  try {
    const body = JSON.parse(draft) as CaseTypeInput;
    return { source: mermaidOf({ ...body, typeId: type.typeId, version: type.version + 1 } as unknown as CoreCaseType) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function Draft({ type, onPublished }: { type: CaseType; onPublished: (version: number) => void }) {
  const id = useId();
  const storageKey = `caseway.draft.case-type.${type.typeId}.${type.version}`;
  const [draft, setDraft] = useState(() => sessionStorage.getItem(storageKey) ?? draftOf(type));
  const deferred = useDeferredValue(draft);
  const diagram = useMemo(() => draftDiagram(type, deferred), [type, deferred]);
  const publish = usePublishCaseType(type.typeId);
  const [jsonError, setJsonError] = useState('');
  useEffect(() => sessionStorage.setItem(storageKey, draft), [storageKey, draft]);

  function submit(event: FormEvent) {
    event.preventDefault();
    let body: CaseTypeInput;
    try {
      body = JSON.parse(draft) as CaseTypeInput;
    } catch (error) {
      setJsonError(text.common.invalidJson(error instanceof Error ? error.message : String(error)));
      return;
    }
    setJsonError('');
    publish.mutate(
      { body, basedOn: type.version },
      {
        onSuccess: (published) => {
          sessionStorage.removeItem(storageKey);
          onPublished(published.version);
        },
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <p className="muted">{text.caseTypes.draftIntro}</p>
      <div className="field">
        <label htmlFor={id}>{text.caseTypes.draftLabel}</label>
        <textarea
          id={id}
          className="code"
          spellCheck={false}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          rows={16}
          aria-invalid={jsonError || diagram.error ? true : undefined}
          aria-describedby={jsonError || diagram.error ? `${id}-error` : undefined}
        />
        {jsonError || diagram.error ? (
          <p className="field-error" id={`${id}-error`}>
            {jsonError || text.common.invalidJson(diagram.error ?? '')}
          </p>
        ) : null}
      </div>
      <h4>{text.caseTypes.draftDiagram}</h4>
      {diagram.source ? <MermaidDiagram source={diagram.source} label={text.caseTypes.draftDiagram} /> : null}
      {publish.error ? <ErrorState error={publish.error} /> : null}
      <div className="row">
        <button type="submit" disabled={publish.isPending}>
          {publish.isPending ? text.common.publishing : text.caseTypes.publishDraft}
        </button>
        <button type="button" className="secondary" onClick={() => setDraft(draftOf(type))}>
          {text.caseTypes.reset}
        </button>
      </div>
    </form>
  );
}

export function CaseTypeDetail() {
  const { typeId = '' } = useParams();
  const type = useCaseType(typeId);
  const [published, setPublished] = useState('');
  if (type.isPending) return <Loading />;
  if (type.error) return <ErrorState error={type.error} onRetry={() => void type.refetch()} />;
  const t = type.data;
  return (
    <article>
      <p>
        <Link to="/admin/case-types">{text.caseTypes.back}</Link>
      </p>
      <h2>
        {t.name}{' '}
        <span className="muted">
          ({t.typeId}, {text.common.version.toLowerCase()} {t.version})
        </span>
      </h2>
      {t.description ? <p>{t.description}</p> : null}
      <p role="status">{published}</p>
      <h3>{text.caseTypes.workflow}</h3>
      <Workflow key={`wf-${t.version}`} type={t} />
      <h3>{text.caseTypes.fields}</h3>
      <Fields type={t} />
      <h3>{text.caseTypes.intake}</h3>
      <Intake type={t} />
      <h3>{text.caseTypes.versions}</h3>
      <Versions key={`v-${t.version}`} type={t} />
      <h3>{text.caseTypes.draft}</h3>
      <Draft key={`d-${t.version}`} type={t} onPublished={(v) => setPublished(text.caseTypes.published(v))} />
    </article>
  );
}
