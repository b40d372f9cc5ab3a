/**
 * The agent's case view: the case and its SLA, editable fields (If-Match, with a merge on
 * conflict), the next steps and what blocks them, the timeline, the composer for a public
 * reply or an internal note (with @mentions), the handoff brief, tasks, files, related cases,
 * knowledge with "link as resolving", the case's routing, and the main loop by keyboard (j k r n t ?).
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Case } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { ShortcutsHelp, useShortcuts } from '../../components/shortcuts';
import { useSession } from '../../app/auth/auth';
import { DateTime } from '../../lib/dates';
import { neighbour } from '../inbox/api';
import { SlaBadge } from '../inbox/sla-badge';
import { useCaseType } from '../portal/api';
import { Attachments } from '../portal/attachments';
import { CaseRouting } from '../routing/case-routing';
import { useAgentCase, usePatchCase } from './api';
import { Composer, type Visibility } from './composer';
import { EditFields } from './edit-fields';
import { Handoff } from './handoff';
import { Knowledge } from './knowledge';
import { Related } from './related';
import { Tasks } from './tasks';
import { Timeline } from './timeline';
import { Transitions } from './transitions';
import { text } from './text';

/** Words for an SLA row the badge would leave blank: no clocks at all, or none left running. */
function slaWords(sla: Case['sla'] | undefined): string | undefined {
  const clocks = Object.values(sla?.clocks ?? {}).filter((clock) => clock !== undefined);
  if (clocks.length === 0) return text.noSla;
  return clocks.some((clock) => clock.status === 'running' || clock.status === 'paused' || clock.status === 'breached')
    ? undefined
    : text.noSlaRunning;
}

export default function CasePage() {
  const { caseId = '' } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const kase = useAgentCase(caseId);
  const type = useCaseType(kase.data?.type, kase.data?.typeVersion);
  const assign = usePatchCase(caseId);
  const [editing, setEditing] = useState(false);
  const [visibility, setVisibility] = useState<Visibility>('public');
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const transitionsRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // A new case (j / k) starts with the keyboard at its title, not left on the previous page's control.
  useEffect(() => {
    setEditing(false);
    headingRef.current?.focus();
  }, [caseId, kase.isSuccess]);

  const go = (step: 1 | -1) => {
    const next = neighbour(caseId, step);
    if (next) navigate(`/inbox/cases/${next}`);
  };
  const write = (v: Visibility) => {
    setVisibility(v);
    // At once, in the key's own event: a focus left to a later task could miss the first letters typed.
    composerRef.current?.focus();
  };
  const shortcuts = [
    { key: 'j', label: text.keys.next, run: () => go(1) },
    { key: 'k', label: text.keys.prev, run: () => go(-1) },
    { key: 'r', label: text.keys.reply, run: () => write('public') },
    { key: 'n', label: text.keys.note, run: () => write('internal') },
    {
      key: 't',
      label: text.keys.transition,
      run: () => (transitionsRef.current?.querySelector<HTMLButtonElement>('button:not([aria-disabled])') ?? transitionsRef.current)?.focus(),
    },
  ];
  const { helpOpen, setHelpOpen } = useShortcuts(shortcuts);

  if (kase.isPending) return <Loading />;
  if (kase.isError) return <ErrorState error={kase.error} onRetry={() => void kase.refetch()} />;
  const c = kase.data;
  const statusLabel = type.data?.workflow?.states.find((s) => s.id === c.status)?.label ?? c.status;

  return (
    <>
      <p>
        <Link to="/inbox">{text.backToInbox}</Link> <span className="muted">· {text.keyboardHint}</span>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {c.subject} <span className="muted">{c.caseId}</span>
      </h1>
      <div className="panel">
        <dl className="fields">
          <dt>{text.status}</dt>
          <dd data-testid="case-status">{statusLabel}</dd>
          <dt>{text.priority}</dt>
          <dd data-testid="case-priority">{c.priority}</dd>
          <dt>{text.queue}</dt>
          <dd>{c.queue}</dd>
          <dt>{text.owner}</dt>
          <dd className="row">
            <span data-testid="case-owner">{c.owner === session.sub ? session.name : (c.owner ?? text.unassigned)}</span>
            {c.owner !== session.sub ? (
              <button
                type="button"
                className="secondary"
                disabled={assign.isPending}
                onClick={() => assign.mutate({ patch: { owner: session.sub }, version: c.version })}
              >
                {text.assignToMe}
              </button>
            ) : null}
          </dd>
          <dt>{text.requester}</dt>
          <dd>{c.requester?.name ?? c.requester?.id}</dd>
          <dt>SLA</dt>
          <dd data-testid="case-sla">{slaWords(c.sla) ?? <SlaBadge sla={c.sla} />}</dd>
        </dl>
        {assign.isError ? <ErrorState error={assign.error} /> : null}
        <p style={{ whiteSpace: 'pre-wrap' }}>{c.description}</p>
        {editing ? null : (
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            {text.edit}
          </button>
        )}
      </div>
      {editing ? <EditFields key={c.caseId} kase={c} type={type.data} onDone={() => setEditing(false)} /> : null}
      <div className="layout-2">
        <div>
          <section aria-labelledby="timeline-h">
            <h2 id="timeline-h">{text.timeline}</h2>
            <Timeline key={caseId} caseId={caseId} />
          </section>
          <Composer ref={composerRef} caseId={caseId} visibility={visibility} onVisibility={setVisibility} />
        </div>
        <div>
          <Transitions ref={transitionsRef} kase={c} />
          <Handoff caseId={caseId} />
          <Tasks caseId={caseId} />
          <Attachments caseId={caseId} />
          <Related caseId={caseId} />
          <Knowledge caseId={caseId} />
          <CaseRouting caseId={caseId} />
          <p className="muted">
            <DateTime iso={c.createdAt} />
          </p>
        </div>
      </div>
      <ShortcutsHelp open={helpOpen} onOpenChange={setHelpOpen} shortcuts={shortcuts} />
    </>
  );
}
