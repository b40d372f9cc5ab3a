/** Agents and skills: list, create and edit (PUT /routing/agents/{id}: skills and capacity; load and presence are kept). */
import { useId, useState } from 'react';
import { ErrorState, Loading } from '../../components/states';
import { useAgentsAdmin, usePutAgent, type Agent, type AgentInput } from './api';
import { EditDialog, Field } from './edit-dialog';
import { EditableTable, SavedStatus, useEditor } from './editable-table';
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
  for (const line of source
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
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
    <EditDialog
      title={agent ? text.agents.editTitle(agent.name ?? agent.agentId) : text.agents.newTitle}
      onClose={onClose}
      onSubmit={submit}
      pending={put.isPending}
      error={put.error}
    >
      {agent ? null : (
        <Field id={`${id}-id`} label={text.agents.id}>
          <input id={`${id}-id`} value={agentId} onChange={(e) => setAgentId(e.target.value)} required />
        </Field>
      )}
      <Field id={`${id}-name`} label={text.agents.name}>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field id={`${id}-skills`} label={text.agents.skills} help={text.agents.skillsHelp}>
        <textarea
          id={`${id}-skills`}
          className="code"
          rows={4}
          aria-describedby={`${id}-skills-help${bad.skills.length ? ` ${id}-skills-error` : ''}`}
          aria-invalid={bad.skills.length ? true : undefined}
          value={skills}
          onChange={(e) => setSkills(e.target.value)}
        />
        {errorsOf('skills')}
      </Field>
      <Field id={`${id}-capacity`} label={text.agents.capacity} help={text.agents.capacityHelp}>
        <textarea
          id={`${id}-capacity`}
          className="code"
          rows={4}
          aria-describedby={`${id}-capacity-help${bad.capacity.length ? ` ${id}-capacity-error` : ''}`}
          aria-invalid={bad.capacity.length ? true : undefined}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
        />
        {errorsOf('capacity')}
      </Field>
    </EditDialog>
  );
}

const pairs = (record: Record<string, unknown>) =>
  Object.entries(record)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ') || text.common.none;

export function AgentsView() {
  const agents = useAgentsAdmin();
  const editor = useEditor<Agent | 'new'>();
  if (agents.isPending) return <Loading />;
  if (agents.error) return <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />;
  return (
    <>
      <SavedStatus message={editor.status} />
      <button type="button" onClick={() => editor.edit('new')}>
        {text.agents.add}
      </button>
      <EditableTable
        items={agents.data}
        testId="agents"
        caption={text.agents.caption}
        empty={text.agents.empty}
        header={text.agents.agent}
        rowHeader={(a) => (
          <>
            {a.name ?? a.agentId} {a.name ? <code className="muted">{a.agentId}</code> : null}
          </>
        )}
        columns={[
          { header: text.agents.skills, figure: 'skills', cell: (a) => pairs(a.skills) },
          { header: text.agents.capacity, cell: (a) => pairs(a.capacity) },
          { header: text.agents.presence, cell: (a) => a.presence },
        ]}
        keyOf={(a) => a.agentId}
        rowData={(a) => ({ 'data-agent': a.agentId })}
        editLabel={(a) => text.agents.editOf(a.name ?? a.agentId)}
        onEdit={editor.edit}
      />
      {editor.editing ? (
        <AgentDialog agent={editor.editing === 'new' ? undefined : editor.editing} onClose={editor.close} onSaved={editor.saved} />
      ) : null}
    </>
  );
}
