/**
 * SLA policies and calendars, read-only here (publishing them is the API's POST .../versions). The
 * deadline "preview" shows deadlines the API itself set on open cases: there is no preview endpoint,
 * and business-time maths done again in the browser could disagree with the clocks that count.
 */
import { Empty, ErrorState, Loading } from '../../components/states';
import { formatDateTime } from '../board/format';
import { useCasesWithDeadlines, useSlaCalendars, useSlaPolicies, type Case, type SlaCalendar, type SlaPolicy } from './api';
import { text } from './text';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function Policies({ policies, calendars }: { policies: SlaPolicy[]; calendars: SlaCalendar[] }) {
  if (policies.length === 0) return <Empty title={text.sla.noPolicies} />;
  return (
    <table className="responsive" data-testid="sla-policies">
      <caption className="visually-hidden">{text.sla.policiesCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{text.sla.policy}</th>
          <th scope="col">{text.sla.match}</th>
          <th scope="col">{text.sla.targets}</th>
          <th scope="col">{text.sla.warning}</th>
          <th scope="col">{text.sla.calendar}</th>
          <th scope="col">{text.sla.escalation}</th>
        </tr>
      </thead>
      <tbody>
        {policies.map((p) => (
          <tr key={p.policyId}>
            <th scope="row">
              {p.name} <code className="muted">{p.policyId}</code> <span className="muted">v{p.version}</span>
            </th>
            <td>
              {Object.entries(p.match)
                .map(([k, v]) => `${k} ${String(v)}`)
                .join(', ') || text.sla.any}
            </td>
            <td>
              {Object.entries(p.targets)
                .map(([k, v]) => `${k} ${String(v)}`)
                .join(', ')}
            </td>
            <td>{p.warningPercent} %</td>
            <td>{calendars.find((c) => c.calendarId === p.calendarId)?.name ?? p.calendarId}</td>
            <td>{p.escalation.map((r) => `+${r.afterMinutes} min: ${r.action}${r.queue ? ` → ${r.queue}` : ''}${r.priority ? ` → ${r.priority}` : ''}`).join('; ') || text.common.none}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Calendars({ calendars }: { calendars: SlaCalendar[] }) {
  if (calendars.length === 0) return <Empty title={text.sla.noCalendars} />;
  return (
    <table className="responsive" data-testid="sla-calendars">
      <caption className="visually-hidden">{text.sla.calendarsCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{text.sla.calendar}</th>
          <th scope="col">{text.sla.timeZone}</th>
          <th scope="col">{text.sla.week}</th>
          <th scope="col">{text.sla.holidays}</th>
          <th scope="col">{text.sla.closures}</th>
        </tr>
      </thead>
      <tbody>
        {calendars.map((c) => (
          <tr key={c.calendarId}>
            <th scope="row">
              {c.name} <code className="muted">{c.calendarId}</code> <span className="muted">v{c.version}</span>
            </th>
            <td>{c.timeZone}</td>
            <td>
              {DAYS.filter((d) => c.week[d].length > 0)
                .map((d) => `${d} ${c.week[d].map((p) => `${p.start}–${p.end}`).join(', ')}`)
                .join('; ')}
            </td>
            <td>{c.holidays ? `${c.holidays.country}${c.holidays.region ? `-${c.holidays.region}` : ''} (${c.holidays.types.join(', ')})` : text.common.none}</td>
            <td>{c.closures.map((x) => `${x.name ?? ''} ${x.from}${x.to ? `–${x.to}` : ''}`.trim()).join('; ') || text.common.none}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Deadlines({ policies, cases }: { policies: SlaPolicy[]; cases: Case[] }) {
  return (
    <>
      <p className="muted">{text.sla.previewIntro}</p>
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
  return (
    <>
      <h3>{text.sla.policies}</h3>
      {policies.isPending || calendars.isPending ? (
        <Loading />
      ) : policies.error || calendars.error ? (
        <ErrorState error={policies.error ?? calendars.error} onRetry={() => void Promise.all([policies.refetch(), calendars.refetch()])} />
      ) : (
        <>
          <Policies policies={policies.data} calendars={calendars.data} />
          <h3>{text.sla.calendars}</h3>
          <Calendars calendars={calendars.data} />
          <h3>{text.sla.preview}</h3>
          {deadlines.isPending ? <Loading /> : deadlines.error ? <ErrorState error={deadlines.error} onRetry={() => void deadlines.refetch()} /> : <Deadlines policies={policies.data} cases={deadlines.data} />}
        </>
      )}
    </>
  );
}
