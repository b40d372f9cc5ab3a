/**
 * The TanStack Query keys other parts of the console refresh by: a feature's own queries
 * sit under these prefixes, and the live feed (`app/live.tsx`) invalidates them by prefix.
 * Features keep their finer keys (a case's history, tasks, links...) under these.
 */
export const queryKeys = {
  /** Everything of one case: the case, its history, comments, transitions, attachments. */
  case: (id: string) => ['case', id] as const,
  caseComments: (id: string) => ['case', id, 'comments'] as const,
  caseHistory: (id: string) => ['case', id, 'history'] as const,
  /** The agent's inbox views and their SLA index. */
  inbox: ['inbox'] as const,
  /** The requester's own cases. */
  portalCases: ['portal', 'cases'] as const,
  /** The supervisor board's open cases and queue depths (its agents' presence is not pushed: it polls). */
  boardOpen: ['board', 'open'] as const,
  boardQueues: ['board', 'queues'] as const,
  boardAgents: ['board', 'agents'] as const,
  /** Routing's reads: the agent's own record, their offers, a case's routing. */
  routing: ['routing'] as const,
  offers: ['routing', 'offers'] as const,
  routingCase: (id: string) => ['routing', 'cases', id] as const,
  /** The admin studio's look at one case (routing history, SLA). */
  adminCase: (id: string) => ['admin', 'case', id] as const,
};
