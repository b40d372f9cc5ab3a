/** The supervisor's board: queues, agents, escalations and open cases, with reassign and re-prioritise. */
import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useAgents, useOpenCases, useQueues, useSetPresence } from './api';
import { CaseDialog } from './case-dialog';
import {
  agentLoad,
  breachedClocks,
  byUrgency,
  escalations,
  queueFigures,
  slaStanding,
  soonClocks,
  type Agent,
  type Case,
  type Queue,
  type SlaStanding,
} from './figures';
import { formatAge, formatDateTime } from './format';
import { text } from './text';

const PRESENCES = ['available', 'busy', 'away', 'offline'] as const;

/** Each section shows its own loading, error and empty state: one failing listing does not blank the board. */
function Section<T>({
  query,
  heading,
  children,
}: {
  query: { data?: T; error: unknown; isPending: boolean; refetch: () => unknown };
  heading: string;
  children: (data: T) => ReactNode;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{heading}</h2>
      {query.isPending ? (
        <Loading />
      ) : query.error ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        children(query.data as T)
      )}
    </section>
  );
}

const standingBadge: Record<SlaStanding, string> = { none: '', ok: 'ok', soon: 'warn', breached: 'bad' };

function SlaBadge({ item, now }: { item: Case; now: number }) {
  const standing = slaStanding(item, now);
  const clocks = standing === 'breached' ? breachedClocks(item, now) : standing === 'soon' ? soonClocks(item, now) : [];
  const which = clocks.map((c) => text.clocks[c] ?? c).join(', ');
  return (
    <span className={`badge ${standingBadge[standing]}`}>
      {text.sla[standing]}
      {which ? `: ${which}` : ''}
    </span>
  );
}

function QueuesTable({ queues, cases, now }: { queues: Queue[]; cases: Case[]; now: number }) {
  const rows = queueFigures(queues, cases, now);
  if (rows.length === 0) return <Empty title={text.queues.empty} />;
  return (
    <table className="responsive" data-testid="queue-figures">
      <caption className="visually-hidden">{text.queues.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{text.queues.queue}</th>
          <th scope="col">{text.queues.backlog}</th>
          <th scope="col">{text.queues.unassigned}</th>
          <th scope="col">{text.queues.oldest}</th>
          <th scope="col">{text.queues.breachingSoon}</th>
          <th scope="col">{text.queues.breached}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.queueId} data-queue={row.queueId}>
            <th scope="row">{row.name}</th>
            <td data-figure="backlog">{row.backlog}</td>
            <td data-figure="unassigned">{row.unassigned}</td>
            <td data-figure="oldest">
              {row.oldestCreatedAt ? (
                <time dateTime={row.oldestCreatedAt} title={formatDateTime(row.oldestCreatedAt)}>
                  {formatAge(row.oldestCreatedAt, now)}
                </time>
              ) : (
                text.queues.none
              )}
            </td>
            <td data-figure="soon">{row.breachingSoon > 0 ? <span className="badge warn">{row.breachingSoon}</span> : 0}</td>
            <td data-figure="breached">{row.breached > 0 ? <span className="badge bad">{row.breached}</span> : 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PresenceSelect({ agent }: { agent: Agent }) {
  const id = useId();
  const setPresence = useSetPresence();
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {text.agents.setPresence(agent.name ?? agent.agentId)}
      </label>
      <select
        id={id}
        value={agent.presence}
        disabled={setPresence.isPending}
        onChange={(e) => setPresence.mutate({ agentId: agent.agentId, presence: e.target.value as Agent['presence'] })}
      >
        {PRESENCES.map((p) => (
          <option key={p} value={p}>
            {text.agents.presences[p]}
          </option>
        ))}
      </select>
      {setPresence.error ? <ErrorState error={setPresence.error} /> : null}
    </>
  );
}

function AgentsTable({ agents }: { agents: Agent[] }) {
  if (agents.length === 0) return <Empty title={text.agents.empty} />;
  return (
    <table className="responsive" data-testid="agent-load">
      <caption className="visually-hidden">{text.agents.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{text.agents.agent}</th>
          <th scope="col">{text.agents.presence}</th>
          <th scope="col">{text.agents.load}</th>
          <th scope="col">{text.agents.free}</th>
          <th scope="col">{text.agents.byChannel}</th>
          <th scope="col">{text.agents.idleSince}</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((agent) => {
          const load = agentLoad(agent);
          return (
            <tr key={agent.agentId} data-agent={agent.agentId}>
              <th scope="row">{agent.name ?? agent.agentId}</th>
              <td>
                <PresenceSelect agent={agent} />
              </td>
              <td data-figure="load">
                <meter min={0} max={Math.max(load.capacity, 1)} value={load.used} aria-label={text.agents.ofCapacity(load.used, load.capacity)} />{' '}
                {text.agents.ofCapacity(load.used, load.capacity)}
              </td>
              <td data-figure="free">{load.free}</td>
              <td>{load.channels.map((c) => `${c.channel} ${c.used}/${c.capacity}`).join(', ')}</td>
              <td>
                <time dateTime={agent.idleSince}>{formatDateTime(agent.idleSince)}</time>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ActButton({ item, onAct }: { item: Case; onAct: (c: Case) => void }) {
  return (
    <button type="button" className="secondary" aria-label={text.cases.actOn(item.caseId)} onClick={() => onAct(item)}>
      {text.cases.act}
    </button>
  );
}

function Escalations({ cases, now, onAct }: { cases: Case[]; now: number; onAct: (c: Case) => void }) {
  const items = escalations(cases, now);
  if (items.length === 0) return <Empty title={text.escalations.empty} />;
  return (
    <>
      <p className="muted">{text.escalations.intro}</p>
      <ul className="case-list" data-testid="escalations">
        {items.map((item) => (
          <li key={item.caseId} className="row">
            <span>
              <Link to={`/inbox/cases/${encodeURIComponent(item.caseId)}`}>
                <strong>{item.caseId}</strong>
              </Link>{' '}
              {item.subject}{' '}
              <span className="muted">
                ({item.queue}, {item.owner ?? text.cases.unassigned}, {text.priorities[item.priority]})
              </span>{' '}
              {breachedClocks(item, now).map((clock) => (
                <span key={clock} className="badge bad">
                  {text.escalations.breachedClock(text.clocks[clock] ?? clock)}
                </span>
              ))}{' '}
              {(item.sla?.escalationLevel ?? 0) > 0 ? <span className="badge warn">{text.escalations.level(item.sla!.escalationLevel)}</span> : null}
            </span>
            <ActButton item={item} onAct={onAct} />
          </li>
        ))}
      </ul>
    </>
  );
}

function CasesTable({ cases, queues, now, onAct }: { cases: Case[]; queues: Queue[]; now: number; onAct: (c: Case) => void }) {
  const id = useId();
  const [queue, setQueue] = useState('');
  const queueIds = [...new Set([...queues.map((q) => q.queueId), ...cases.map((c) => c.queue)])];
  const shown = byUrgency(queue ? cases.filter((c) => c.queue === queue) : cases);
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{text.cases.filterQueue}</label>
        <select id={id} value={queue} onChange={(e) => setQueue(e.target.value)} style={{ maxWidth: '20rem' }}>
          <option value="">{text.cases.allQueues}</option>
          {queueIds.map((q) => (
            <option key={q} value={q}>
              {queues.find((x) => x.queueId === q)?.name ?? q}
            </option>
          ))}
        </select>
      </div>
      {shown.length === 0 ? (
        <Empty title={text.cases.empty} />
      ) : (
        <table className="responsive" data-testid="open-cases">
          <caption className="visually-hidden">{text.cases.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.cases.case}</th>
              <th scope="col">{text.cases.subject}</th>
              <th scope="col">{text.cases.queue}</th>
              <th scope="col">{text.cases.owner}</th>
              <th scope="col">{text.cases.priority}</th>
              <th scope="col">{text.cases.age}</th>
              <th scope="col">{text.cases.sla}</th>
              <th scope="col">{text.cases.actions}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((item) => (
              <tr key={item.caseId} data-case={item.caseId}>
                <th scope="row">
                  <Link to={`/inbox/cases/${encodeURIComponent(item.caseId)}`}>{item.caseId}</Link>
                </th>
                <td>{item.subject}</td>
                <td>{item.queue}</td>
                <td>{item.owner ?? <span className="muted">{text.cases.unassigned}</span>}</td>
                <td>{text.priorities[item.priority] ?? item.priority}</td>
                <td>
                  <time dateTime={item.createdAt} title={formatDateTime(item.createdAt)}>
                    {formatAge(item.createdAt, now)}
                  </time>
                </td>
                <td>
                  <SlaBadge item={item} now={now} />
                </td>
                <td>
                  <ActButton item={item} onAct={onAct} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export default function BoardPage() {
  const queues = useQueues();
  const agents = useAgents();
  const open = useOpenCases();
  const [acting, setActing] = useState<Case | undefined>();
  const [saved, setSaved] = useState('');
  // The figures' "now" is when the open cases were read, so ages and SLA standings agree with each other.
  const now = open.dataUpdatedAt || Date.now();
  const refresh = () => {
    void queues.refetch();
    void agents.refetch();
    void open.refetch();
  };
  const withQueues = {
    ...open,
    data: open.data && queues.data ? { open: open.data, queues: queues.data } : undefined,
    isPending: open.isPending || queues.isPending,
    error: open.error ?? queues.error,
  };

  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{text.title}</h1>
        <div className="row">
          {open.dataUpdatedAt ? (
            <span className="muted">
              {text.updatedAt}{' '}
              <time dateTime={new Date(open.dataUpdatedAt).toISOString()}>{formatDateTime(new Date(open.dataUpdatedAt).toISOString())}</time>
            </span>
          ) : null}
          <button type="button" className="secondary" onClick={refresh} disabled={open.isFetching}>
            {text.refresh}
          </button>
        </div>
      </div>
      <p role="status" className="muted">
        {saved}
      </p>
      {open.data?.capped ? <p className="muted">{text.cases.capped(open.data.cases.length)}</p> : null}
      <Section query={withQueues} heading={text.queues.heading}>
        {({ open: o, queues: q }) => <QueuesTable queues={q} cases={o.cases} now={now} />}
      </Section>
      <Section query={agents} heading={text.agents.heading}>
        {(items) => <AgentsTable agents={items} />}
      </Section>
      <Section query={open} heading={text.escalations.heading}>
        {(o) => <Escalations cases={o.cases} now={now} onAct={setActing} />}
      </Section>
      <Section query={withQueues} heading={text.cases.heading}>
        {({ open: o, queues: q }) => <CasesTable cases={o.cases} queues={q} now={now} onAct={setActing} />}
      </Section>
      {acting ? (
        <CaseDialog
          item={acting}
          agents={agents.data ?? []}
          queues={queues.data ?? []}
          onClose={(message) => {
            setActing(undefined);
            if (message) setSaved(message);
          }}
        />
      ) : null}
    </>
  );
}
