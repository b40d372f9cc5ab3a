/** Agents and skills: list, create and edit (PUT /routing/agents/{id}: skills and capacity; load and presence are kept). */
import { useId, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useAgentsAdmin, usePutAgent, type Agent, type AgentInput } from './api';
import { EditDialog, Field } from './edit-dialog';
import { text } from './text';

const linesOf = (map: Record<string, number | undefined>) =>
  Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n');

/** "name = number" per line; the lines that are not, to show at the field. */
function parseLines(source: string): { map: Record<string, number>; bad: string[] } {
  const map: Record<string, number> = {};
  const bad: string[] = [];
  for (const line of source.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const match = /^([^=]+?)\s*=\s*(-?\d+(?:\.\d+)?)$/.exec(line);
    if (match) map[match[1]!.trim()] = Number(match[2]);
    else bad.push(line);
  }
  return { map, bad };
}

function AgentDialog({ agent, onClose, onSaved }: { agent: Agent | undefined; onClose: () => void; onSaved: (m: string) => void }) {
  const id = useId();
  const put = usePutAgent();
  const [agentId, setAgentId] = useState(agent?.agentId ?? '');
  const [name, setName] = useState(agent?.name ?? '');
  const [skills, setSkills] = useState(agent ? linesOf(agent.skills) : '');
  const [capacity, setCapacity] = useState(agent ? linesOf(agent.capacity as Record<string, number | undefined>) : 'web = 2\nemail = 2');
  const [bad, setBad] = useState<{ skills: string[]; capacity: string[] }>({ skills: [], capacity: [] });
  const submit = () => {
    const s = parseLines(skills);
    const c = parseLines(capacity);
    setBad({ skills: s.bad, capacity: c.bad });
    if (s.bad.length || c.bad.length) return;
    const body: AgentInput = { ...(name.trim() ? { name: name.trim() } : {}), skills: s.map, capacity: c.map as AgentInput['capacity'] };
    put.mutate({ agentId: agentId.trim(), body }, { onSuccess: (a) => onSaved(text.agents.saved(a.name ?? a.agentId)) });
  };
  const errorsOf = (key: 'skills' | 'capacity') =>
    bad[key].length ? (
      <p className="field-error" id={`${id}-${key}-error`}>
        {bad[key].map(text.agents.badLine).join(' ')}
      </p>
    ) : null;
  return (
    <EditDialog title={agent ? text.agents.editTitle(agent.name ?? agent.agentId) : text.agents.newTitle} onClose={onClose} onSubmit={submit} pending={put.isPending} error={put.error}>
      {agent ? null : (
        <Field id={`${id}-id`} label={text.agents.id}>
          <input id={`${id}-id`} value={agentId} onChange={(e) => setAgentId(e.target.value)} required />
        </Field>
      )}
      <Field id={`${id}-name`} label={text.agents.name}>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id={`${id}-skills`} label={text.agents.skills} help={text.agents.skillsHelp}>
        <textarea id={`${id}-skills`} className="code" rows={4} aria-describedby={`${id}-skills-help${bad.skills.length ? ` ${id}-skills-error` : ''}`} aria-invalid={bad.skills.length ? true : undefined} value={skills} onChange={(e) => setSkills(e.target.value)} />
        {errorsOf('skills')}
      </Field>
      <Field id={`${id}-capacity`} label={text.agents.capacity} help={text.agents.capacityHelp}>
        <textarea id={`${id}-capacity`} className="code" rows={4} aria-describedby={`${id}-capacity-help${bad.capacity.length ? ` ${id}-capacity-error` : ''}`} aria-invalid={bad.capacity.length ? true : undefined} value={capacity} onChange={(e) => setCapacity(e.target.value)} />
        {errorsOf('capacity')}
      </Field>
    </EditDialog>
  );
}

export function AgentsView() {
  const agents = useAgentsAdmin();
  const [editing, setEditing] = useState<Agent | 'new' | undefined>();
  const [saved, setSaved] = useState('');
  if (agents.isPending) return <Loading />;
  if (agents.error) return <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />;
  return (
    <>
      <p role="status">{saved}</p>
      <button type="button" onClick={() => setEditing('new')}>
        {text.agents.add}
      </button>
      {agents.data.length === 0 ? (
        <Empty title={text.agents.empty} />
      ) : (
        <table className="responsive" data-testid="agents">
          <caption className="visually-hidden">{text.agents.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.agents.agent}</th>
              <th scope="col">{text.agents.skills}</th>
              <th scope="col">{text.agents.capacity}</th>
              <th scope="col">{text.agents.presence}</th>
              <th scope="col">
                <span className="visually-hidden">{text.common.edit}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.data.map((a) => (
              <tr key={a.agentId} data-agent={a.agentId}>
                <th scope="row">
                  {a.name ?? a.agentId} {a.name ? <code className="muted">{a.agentId}</code> : null}
                </th>
                <td data-figure="skills">
                  {Object.entries(a.skills)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || text.common.none}
                </td>
                <td>
                  {Object.entries(a.capacity)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || text.common.none}
                </td>
                <td>{a.presence}</td>
                <td>
                  <button type="button" className="secondary" aria-label={text.agents.editOf(a.name ?? a.agentId)} onClick={() => setEditing(a)}>
                    {text.common.edit}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? (
        <AgentDialog
          agent={editing === 'new' ? undefined : editing}
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
