/** The admin studio: one page per concern under /admin, with its own navigation. */
import type { ReactNode } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { AgentsView } from './agents';
import { CaseTypeDetail, CaseTypeList } from './case-types';
import { QueuesView } from './queues';
import { RoutingRulesView } from './routing';
import { SlaView } from './sla';
import { text } from './text';

const SECTIONS = [
  { path: 'case-types', label: text.nav.caseTypes },
  { path: 'sla', label: text.nav.sla },
  { path: 'routing', label: text.nav.routing },
  { path: 'queues', label: text.nav.queues },
  { path: 'agents', label: text.nav.agents },
] as const;

function Section({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <section aria-label={heading}>
      <h2>{heading}</h2>
      {children}
    </section>
  );
}

export default function AdminPage() {
  return (
    <>
      <h1>{text.title}</h1>
      <nav aria-label={text.nav.label} className="subnav">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.path}>
              <NavLink to={`/admin/${s.path}`}>{s.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to="case-types" replace />} />
        <Route
          path="case-types"
          element={
            <Section heading={text.caseTypes.heading}>
              <CaseTypeList />
            </Section>
          }
        />
        <Route path="case-types/:typeId" element={<CaseTypeDetail />} />
        <Route
          path="sla"
          element={
            <Section heading={text.sla.heading}>
              <SlaView />
            </Section>
          }
        />
        <Route
          path="routing"
          element={
            <Section heading={text.routing.heading}>
              <RoutingRulesView />
            </Section>
          }
        />
        <Route
          path="queues"
          element={
            <Section heading={text.queues.heading}>
              <QueuesView />
            </Section>
          }
        />
        <Route
          path="agents"
          element={
            <Section heading={text.agents.heading}>
              <AgentsView />
            </Section>
          }
        />
      </Routes>
    </>
  );
}
