/** The board's server state: routing's queues and agents, and the open cases with their SLA clocks. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../api/client';
import type { components } from '../../api/schema';
import { usePollingFallback } from '../../app/live';
import { useApi } from '../../app/providers';
import type { Case } from './figures';

/** Pages of open work read at most (100 a page): past this the board says it shows a part. */
export const MAX_OPEN_CASES = 300;
/** The board reads again on its own this often while the live feed is down; live, case events refresh it (agents' presence is not pushed: always polled). */
const REFRESH_MS = 60_000;

export const boardKeys = {
  all: ['board'] as const,
  queues: ['board', 'queues'] as const,
  agents: ['board', 'agents'] as const,
  open: ['board', 'open'] as const,
};

export function useQueues() {
  const api = useApi();
  const refetchInterval = usePollingFallback(REFRESH_MS);
  return useQuery({ queryKey: boardKeys.queues, refetchInterval, queryFn: async () => (await data(api.GET('/routing/queues'))).items });
}

export function useAgents() {
  const api = useApi();
  return useQuery({ queryKey: boardKeys.agents, refetchInterval: REFRESH_MS, queryFn: async () => (await data(api.GET('/routing/agents'))).items });
}

/** Runs `work` over `items`, `width` at a time: a board of 300 cases must not open 300 requests at once. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return out;
}

export interface OpenCases {
  readonly cases: Case[];
  readonly capped: boolean;
}

/**
 * Open work (the staff default of GET /cases: active and waiting), each case then read on its own:
 * only single-case reads carry every SLA clock (the slaDueBefore listing holds running clocks only,
 * so a breached case whose clocks all stopped would be missing from it).
 */
export function useOpenCases() {
  const api = useApi();
  const refetchInterval = usePollingFallback(REFRESH_MS);
  return useQuery({
    queryKey: boardKeys.open,
    refetchInterval,
    queryFn: async (): Promise<OpenCases> => {
      const listed: Case[] = [];
      let cursor: string | undefined;
      do {
        const page = await data(api.GET('/cases', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        listed.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && listed.length < MAX_OPEN_CASES);
      const cases = await inBatches(listed.slice(0, MAX_OPEN_CASES), 8, (c) => data(api.GET('/cases/{id}', { params: { path: { id: c.caseId } } })));
      return { cases, capped: cursor !== undefined || listed.length > MAX_OPEN_CASES };
    },
  });
}

export type CasePatch = components['schemas']['PatchCase'];

/** PATCH with the version the supervisor saw: a case changed meanwhile answers 412 rather than being overwritten. */
export function useUpdateCase() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ caseId, version, patch }: { caseId: string; version: number; patch: CasePatch }) =>
      data(api.PATCH('/cases/{id}', { params: { path: { id: caseId }, header: { 'If-Match': `"${version}"` } }, body: patch })),
    // Not awaited: the caller's own onSuccess must run before a refetch remounts the form that asked.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: boardKeys.all }),
  });
}

export function useSetPresence() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ agentId, presence }: { agentId: string; presence: components['schemas']['PresenceInput']['presence'] }) =>
      data(api.PUT('/routing/agents/{id}/presence', { params: { path: { id: agentId } }, body: { presence } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: boardKeys.agents }),
  });
}
