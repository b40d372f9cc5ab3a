/**
 * The agent's inbox: four views (my work, my queues, due soon, waiting on customer), SLA
 * badges counting down, filters and sort kept in the URL, and j / k / Enter to move and open.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { Case } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/states';
import { ShortcutsHelp, useShortcuts } from '../../components/shortcuts';
import { useSession } from '../../app/auth/auth';
import { DateTime } from '../../lib/dates';
import { OffersPanel } from '../routing/offers-panel';
import { useAnswerOffer, useOffers } from '../routing/api';
import { rememberOrder, useInbox, useSlaIndex, VIEWS, type View } from './api';
import { SlaBadge } from './sla-badge';
import { text } from './text';

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };
type Sort = 'updated' | 'sla' | 'priority';

export default function InboxPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS as string[]).includes(params.get('view') ?? '') ? (params.get('view') as View) : 'mine';
  const q = params.get('q') ?? '';
  const queue = params.get('queue') ?? '';
  const priority = params.get('priority') ?? '';
  const sort = (params.get('sort') as Sort | null) ?? (view === 'dueSoon' ? 'sla' : 'updated');
  const cases = useInbox(view, session.sub);
  const slaIndex = useSlaIndex();
  // -1: nothing selected yet, so the first j lands on the first case.
  const [selected, setSelected] = useState(-1);
  const rowsRef = useRef<HTMLTableSectionElement>(null);
  const offers = useOffers();
  const answerOffer = useAnswerOffer();

  // react-router hands a functional update the params of the last render, so two changes before
  // the next one (clear the filter, then pick a sort) would lose the first: build on the last we set.
  const pending = useRef<URLSearchParams | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [params]);
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(pending.current ?? params);
    if (value) next.set(name, value);
    else next.delete(name);
    pending.current = next;
    setParams(next);
  };

  const slaOf = (c: Case) => c.sla ?? slaIndex.data?.get(c.caseId) ?? undefined;
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const dueOf = (c: Case) => Date.parse((c.sla ?? slaIndex.data?.get(c.caseId))?.nextDueAt ?? '') || Number.POSITIVE_INFINITY;
    const filtered = (cases.data ?? []).filter(
      (c) =>
        (!needle || c.subject.toLowerCase().includes(needle) || c.caseId.toLowerCase().includes(needle)) &&
        (!queue || c.queue === queue) &&
        (!priority || c.priority === priority),
    );
    const by: Record<Sort, (a: Case, b: Case) => number> = {
      updated: (a, b) => b.updatedAt.localeCompare(a.updatedAt),
      sla: (a, b) => dueOf(a) - dueOf(b),
      priority: (a, b) => (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9),
    };
    return [...filtered].sort(by[sort]);
  }, [cases.data, slaIndex.data, q, queue, priority, sort]);
  const queues = useMemo(() => [...new Set((cases.data ?? []).map((c) => c.queue))].sort(), [cases.data]);

  useEffect(() => rememberOrder(rows.map((c) => c.caseId)), [rows]);
  useEffect(() => setSelected((s) => Math.min(s, rows.length - 1)), [rows.length]);

  const focusRow = (index: number) => {
    setSelected(index);
    rowsRef.current?.querySelectorAll<HTMLAnchorElement>('a[data-case-link]')[index]?.focus();
  };
  const shortcuts = [
    { key: 'j', label: text.keys.next, run: () => focusRow(Math.min(rows.length - 1, selected + 1)) },
    { key: 'k', label: text.keys.prev, run: () => focusRow(Math.max(0, selected - 1)) },
    { key: 'o', label: text.keys.open, run: () => rows[selected] && navigate(`/inbox/cases/${rows[selected].caseId}`) },
    {
      key: 'a',
      label: text.keys.accept,
      run: () => {
        // The oldest open offer (the list is in the order they were made).
        const offer = offers.data?.[0];
        if (offer && !answerOffer.isPending) answerOffer.mutate({ offer, answer: 'accept' });
      },
    },
  ];
  const { helpOpen, setHelpOpen } = useShortcuts(shortcuts);

  return (
    <>
      <h1>{text.title}</h1>
      <nav aria-label={text.viewsLabel} className="row" style={{ marginBottom: '1rem' }}>
        {VIEWS.map((v) => (
          <Link key={v} to={`/inbox?view=${v}`} aria-current={v === view ? 'page' : undefined} className={`button ${v === view ? '' : 'secondary'}`}>
            {text.views[v]}
          </Link>
        ))}
      </nav>
      <p className="muted">
        {text.viewHelp[view]} {text.keyboardHint}
      </p>
      <OffersPanel me={session.sub} answer={answerOffer} />
      <div className="row panel" role="search">
        <div style={{ flex: '2 1 14rem' }}>
          <label htmlFor="inbox-q">{text.filter}</label>
          <input id="inbox-q" type="search" value={q} onChange={(e) => set('q', e.target.value)} />
        </div>
        <div style={{ flex: '1 1 8rem' }}>
          <label htmlFor="inbox-queue">{text.queue}</label>
          <select id="inbox-queue" value={queue} onChange={(e) => set('queue', e.target.value)}>
            <option value="">{text.any}</option>
            {queues.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </div>
        <div style={{ flex: '1 1 8rem' }}>
          <label htmlFor="inbox-priority">{text.priority}</label>
          <select id="inbox-priority" value={priority} onChange={(e) => set('priority', e.target.value)}>
            <option value="">{text.any}</option>
            {Object.keys(PRIORITY_RANK).map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </div>
        <div style={{ flex: '1 1 8rem' }}>
          <label htmlFor="inbox-sort">{text.sort}</label>
          <select id="inbox-sort" value={sort} onChange={(e) => set('sort', e.target.value)}>
            {(Object.keys(text.sorts) as Sort[]).map((s) => (
              <option key={s} value={s}>
                {text.sorts[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {cases.isPending ? (
        <Loading />
      ) : cases.isError ? (
        <ErrorState error={cases.error} onRetry={() => void cases.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title={text.empty}>
          <p>{text.emptyHint}</p>
        </Empty>
      ) : (
        <table className="responsive" aria-label={text.views[view]}>
          <thead>
            <tr>
              <th scope="col">{text.columns.subject}</th>
              <th scope="col">{text.columns.status}</th>
              <th scope="col">{text.columns.priority}</th>
              <th scope="col">{text.columns.queue}</th>
              <th scope="col">{text.columns.owner}</th>
              <th scope="col">{text.columns.sla}</th>
              <th scope="col">{text.columns.updated}</th>
            </tr>
          </thead>
          <tbody ref={rowsRef}>
            {rows.map((c, index) => (
              <tr key={c.caseId} aria-selected={index === selected} data-testid="inbox-row">
                <td>
                  <Link to={`/inbox/cases/${c.caseId}`} data-case-link onFocus={() => setSelected(index)}>
                    {c.subject}
                  </Link>
                  <div className="muted">{c.caseId}</div>
                </td>
                <td>{c.status}</td>
                <td>{c.priority}</td>
                <td>{c.queue}</td>
                <td>{c.owner === session.sub ? text.me : (c.owner ?? text.unassigned)}</td>
                <td>
                  <SlaBadge sla={slaOf(c)} />
                </td>
                <td>
                  <DateTime iso={c.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ShortcutsHelp open={helpOpen} onOpenChange={setHelpOpen} shortcuts={shortcuts} />
    </>
  );
}
