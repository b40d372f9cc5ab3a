/**
 * SLA policies and calendars, each edited as JSON and published as its next version; a preview
 * of where a policy's deadlines fall under a calendar, asked of the API (POST /sla/preview) because
 * business-time maths done again in the browser could disagree with the clocks that count; and the
 * deadlines the API set on open cases.
 */
import { useId, useState, type FormEvent } from 'react';
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../board/format';
import {
  useCasesWithDeadlines,
  usePublishSla,
  useSlaCalendars,
  useSlaPolicies,
  useSlaPreview,
  type Case,
  type SlaCalendar,
  type SlaCalendarInput,
  type SlaPolicy,
  type SlaPolicyInput,
  type SlaPreview,
} from './api';
import { EditDialog, Field } from './edit-dialog';
import { EditableTable, SavedStatus, useEditor } from './editable-table';
import { text } from './text';

type Editing = { kind: 'policy'; item: SlaPolicy } | { kind: 'calendar'; item: SlaCalendar };

/** The next version of a policy or calendar, edited as JSON and published; the API checks it and names what is wrong. */
function PublishDialog({ editing, onClose, onSaved }: { editing: Editing; onClose: () => void; onSaved: (m: string) => void }) {
  const id = useId();
  const publish = usePublishSla();
  const { item } = editing;
  const itemId = editing.kind === 'policy' ? editing.item.policyId : editing.item.calendarId;
  const [source, setSource] = useState(() => {
    const { version: _v, publishedAt: _a, publishedBy: _b, ...rest } = item as SlaPolicy & SlaCalendar;
    const { policyId: _p, calendarId, ...body } = rest;
    return JSON.stringify(editing.kind === 'policy' ? { ...body, calendarId } : body, null, 2);
  });
  const [jsonError, setJsonError] = useState('');
  const submit = () => {
    let body: unknown;
    try {
      body = JSON.parse(source);
    } catch (error) {
      setJsonError(text.common.invalidJson(error instanceof Error ? error.message : String(error)));
      return;
    }
    setJsonError('');
    const onSuccess = (published: { version: number }) => onSaved(text.sla.published(item.name, published.version));
    if (editing.kind === 'policy') publish.mutate({ kind: 'policy', id: itemId, basedOn: item.version, body: body as SlaPolicyInput }, { onSuccess });
    else publish.mutate({ kind: 'calendar', id: itemId, basedOn: item.version, body: body as SlaCalendarInput }, { onSuccess });
  };
  return (
    <EditDialog title={text.sla.editTitle(item.name)} onClose={onClose} onSubmit={submit} pending={publish.isPending} error={publish.error}>
      <Field id={id} label={text.sla.nextVersion(item.version + 1)}>
        <textarea
          id={id}
          className="code"
          rows={14}
          spellCheck={false}
          value={source}
          onChange={(e) => setSource(e.target.value)}
          aria-invalid={jsonError ? true : undefined}
          aria-describedby={jsonError ? `${id}-error` : undefined}
        />
        {jsonError ? (
          <p className="field-error" id={`${id}-error`}>
            {jsonError}
          </p>
        ) : null}
      </Field>
    </EditDialog>
  );
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function Policies({ policies, calendars, onEdit }: { policies: SlaPolicy[]; calendars: SlaCalendar[]; onEdit: (e: Editing) => void }) {
  return (
    <EditableTable
      items={policies}
      testId="sla-policies"
      caption={text.sla.policiesCaption}
      empty={text.sla.noPolicies}
      header={text.sla.policy}
      rowHeader={(p) => (
        <>
          {p.name} <code className="muted">{p.policyId}</code> <span className="muted">v{p.version}</span>
        </>
      )}
      columns={[
        {
          header: text.sla.match,
          cell: (p) =>
            Object.entries(p.match)
              .map(([k, v]) => `${k} ${String(v)}`)
              .join(', ') || text.sla.any,
        },
        {
          header: text.sla.targets,
          cell: (p) =>
            Object.entries(p.targets)
              .map(([k, v]) => `${k} ${String(v)}`)
              .join(', '),
        },
        { header: text.sla.warning, cell: (p) => `${p.warningPercent} %` },
        { header: text.sla.calendar, cell: (p) => calendars.find((c) => c.calendarId === p.calendarId)?.name ?? p.calendarId },
        {
          header: text.sla.escalation,
          cell: (p) =>
            p.escalation
              .map((r) => `+${r.afterMinutes} min: ${r.action}${r.queue ? ` → ${r.queue}` : ''}${r.priority ? ` → ${r.priority}` : ''}`)
              .join('; ') || text.common.none,
        },
      ]}
      keyOf={(p) => p.policyId}
      editLabel={(p) => text.sla.editOf(p.name)}
      onEdit={(p) => onEdit({ kind: 'policy', item: p })}
    />
  );
}

function Calendars({ calendars, onEdit }: { calendars: SlaCalendar[]; onEdit: (e: Editing) => void }) {
  return (
    <EditableTable
      items={calendars}
      testId="sla-calendars"
      caption={text.sla.calendarsCaption}
      empty={text.sla.noCalendars}
      header={text.sla.calendar}
      rowHeader={(c) => (
        <>
          {c.name} <code className="muted">{c.calendarId}</code> <span className="muted">v{c.version}</span>
        </>
      )}
      columns={[
        { header: text.sla.timeZone, cell: (c) => c.timeZone },
        {
          header: text.sla.week,
          cell: (c) =>
            DAYS.filter((d) => c.week[d].length > 0)
              .map((d) => `${d} ${c.week[d].map((p) => `${p.start}–${p.end}`).join(', ')}`)
              .join('; '),
        },
        {
          header: text.sla.holidays,
          cell: (c) =>
            c.holidays
              ? `${c.holidays.country}${c.holidays.region ? `-${c.holidays.region}` : ''} (${c.holidays.types.join(', ')})`
              : text.common.none,
        },
        {
          header: text.sla.closures,
          cell: (c) => c.closures.map((x) => `${x.name ?? ''} ${x.from}${x.to ? `–${x.to}` : ''}`.trim()).join('; ') || text.common.none,
        },
      ]}
      keyOf={(c) => c.calendarId}
      editLabel={(c) => text.sla.editOf(c.name)}
      onEdit={(c) => onEdit({ kind: 'calendar', item: c })}
    />
  );
}

const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
/** "2026-11-28" as the viewer reads a date, without moving it to another day by a time zone. */
const calendarDate = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** Now, to the minute, as a datetime-local value in the viewer's time zone. */
function localNow(): string {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function PreviewResult({ preview }: { preview: SlaPreview }) {
  const zone = viewerZone();
  const clocks = Object.entries(preview.clocks).filter(([, c]) => c !== undefined);
  const periodsOf = (day: SlaPreview['days'][number]) => day.periods.map((p) => `${p.start}–${p.end}`).join(', ');
  return (
    <div data-testid="sla-preview-result" aria-live="polite">
      <table className="responsive">
        <caption>{text.sla.previewResultCaption(preview.policy.name ?? preview.policy.policyId ?? '', preview.calendar.name, zone)}</caption>
        <thead>
          <tr>
            <th scope="col">{text.sla.clock}</th>
            <th scope="col">{text.sla.target}</th>
            <th scope="col">{text.sla.warning}</th>
            <th scope="col">{text.sla.due}</th>
          </tr>
        </thead>
        <tbody>
          {clocks.map(([name, clock]) => (
            <tr key={name} data-clock={name}>
              <th scope="row">{text.sla.clockNames[name] ?? name}</th>
              <td>
                {text.sla.minutes(clock!.targetMinutes)}
                {clock!.pausedMinutes > 0 ? <span className="muted"> ({text.sla.pausedNote(clock!.pausedMinutes)})</span> : null}
              </td>
              <td data-figure="warn">
                <time dateTime={clock!.warnAt}>{formatDateTime(clock!.warnAt)}</time>
              </td>
              <td data-figure="due">
                <time dateTime={clock!.dueAt}>{formatDateTime(clock!.dueAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>{text.sla.why(preview.calendar.timeZone)}</summary>
        <ul data-testid="sla-preview-days">
          {preview.days.map((day) => (
            <li key={day.date} data-date={day.date}>
              <strong>{calendarDate.format(new Date(`${day.date}T00:00:00Z`))}</strong>:{' '}
              {day.closed
                ? text.sla.dayClosed(day.closed.kind, day.closed.name)
                : day.periods.length === 0
                  ? text.sla.dayOff
                  : day.businessMinutes > 0
                    ? text.sla.dayWorking(day.businessMinutes, periodsOf(day))
                    : text.sla.dayNothing(periodsOf(day))}
            </li>
          ))}
        </ul>
        {preview.daysTruncated ? <p className="muted">{text.sla.daysTruncated}</p> : null}
      </details>
    </div>
  );
}

/** Pick a policy, a calendar and a start in the viewer's time zone; the API answers when each clock warns and falls due. */
function DeadlinePreview({ policies, calendars }: { policies: SlaPolicy[]; calendars: SlaCalendar[] }) {
  const id = useId();
  const preview = useSlaPreview();
  const [policyId, setPolicyId] = useState(policies[0]?.policyId ?? '');
  const [calendarId, setCalendarId] = useState('');
  const [start, setStart] = useState(localNow);
  const policy = policies.find((p) => p.policyId === policyId);
  const policyCalendar = calendars.find((c) => c.calendarId === policy?.calendarId)?.name ?? policy?.calendarId ?? '';
  const zone = viewerZone();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A datetime-local value has no offset: the browser reads it in the viewer's time zone.
    const instant = new Date(start);
    preview.mutate({
      policyId,
      ...(calendarId ? { calendarId } : {}),
      start: Number.isNaN(instant.getTime()) ? start : instant.toISOString(),
      pauses: [],
    });
  };
  if (policies.length === 0) return <Empty title={text.sla.noPolicies} />;
  return (
    <>
      <p className="muted">{text.sla.previewIntro}</p>
      <form onSubmit={submit} noValidate data-testid="sla-preview">
        <div className="row">
          <Field id={`${id}-policy`} label={text.sla.previewPolicy}>
            <select id={`${id}-policy`} value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
              {policies.map((p) => (
                <option key={p.policyId} value={p.policyId}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-calendar`} label={text.sla.previewCalendar}>
            <select id={`${id}-calendar`} value={calendarId} onChange={(e) => setCalendarId(e.target.value)}>
              <option value="">{text.sla.previewPolicyCalendar(policyCalendar)}</option>
              {calendars.map((c) => (
                <option key={c.calendarId} value={c.calendarId}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-start`} label={text.sla.previewStart} help={text.sla.previewStartHelp(zone)}>
            <input
              id={`${id}-start`}
              type="datetime-local"
              aria-describedby={`${id}-start-help`}
              value={start}
              onChange={(e) => setStart(e.target.value)}
            />
          </Field>
        </div>
        <button type="submit" disabled={preview.isPending || !policyId}>
          {text.sla.previewRun}
        </button>
      </form>
      {preview.error ? <ErrorState error={preview.error} /> : null}
      {preview.data && !preview.isPending ? <PreviewResult preview={preview.data} /> : null}
    </>
  );
}

function Deadlines({ policies, cases }: { policies: SlaPolicy[]; cases: Case[] }) {
  return (
    <>
      <p className="muted">{text.sla.openCasesIntro}</p>
      {policies.map((p) => {
        const rows = cases
          .filter((c) => c.sla?.policyId === p.policyId)
          .flatMap((c) =>
            Object.entries(c.sla?.clocks ?? {})
              .filter(([, clock]) => clock?.dueAt)
              .map(([name, clock]) => ({ caseId: c.caseId, name, clock: clock! })),
          );
        return (
          <section key={p.policyId}>
            <h4>{p.name}</h4>
            {rows.length === 0 ? (
              <Empty title={text.sla.previewEmpty} />
            ) : (
              <table className="responsive">
                <caption className="visually-hidden">{text.sla.previewCaption(p.name)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{text.sla.case}</th>
                    <th scope="col">{text.sla.clock}</th>
                    <th scope="col">{text.sla.warning}</th>
                    <th scope="col">{text.sla.due}</th>
                    <th scope="col">{text.sla.status}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.caseId}-${r.name}`}>
                      <th scope="row">{r.caseId}</th>
                      <td>{r.name}</td>
                      <td>{formatDateTime(r.clock.warnAt)}</td>
                      <td>
                        <time dateTime={r.clock.dueAt ?? undefined}>{formatDateTime(r.clock.dueAt)}</time>
                      </td>
                      <td>{r.clock.status}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </>
  );
}

export function SlaView() {
  const policies = useSlaPolicies();
  const calendars = useSlaCalendars();
  const deadlines = useCasesWithDeadlines();
  const editor = useEditor<Editing>();
  return (
    <>
      <SavedStatus message={editor.status} />
      {editor.editing ? <PublishDialog editing={editor.editing} onClose={editor.close} onSaved={editor.saved} /> : null}
      <h3>{text.sla.policies}</h3>
      {policies.isPending || calendars.isPending ? (
        <Loading />
      ) : policies.error || calendars.error ? (
        <ErrorState error={policies.error ?? calendars.error} onRetry={() => void Promise.all([policies.refetch(), calendars.refetch()])} />
      ) : (
        <>
          <Policies policies={policies.data} calendars={calendars.data} onEdit={editor.edit} />
          <h3>{text.sla.calendars}</h3>
          <Calendars calendars={calendars.data} onEdit={editor.edit} />
          <h3>{text.sla.preview}</h3>
          <DeadlinePreview policies={policies.data} calendars={calendars.data} />
          <h3>{text.sla.openCases}</h3>
          {deadlines.isPending ? (
            <Loading />
          ) : deadlines.error ? (
            <ErrorState error={deadlines.error} onRetry={() => void deadlines.refetch()} />
          ) : (
            <Deadlines policies={policies.data} cases={deadlines.data} />
          )}
        </>
      )}
    </>
  );
}
