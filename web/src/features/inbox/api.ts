/** The inbox's server state: the four views, and the SLA clocks the due listing carries. */
import { useQuery } from '@tanstack/react-query';
import { data } from '../../api/client';
import type { Case } from '../../api/types';
import { useApi } from '../../app/providers';

export type View = 'mine' | 'queues' | 'dueSoon' | 'waiting';
export const VIEWS: readonly View[] = ['mine', 'queues', 'dueSoon', 'waiting'];

const DAY_MS = 86_400_000;
/** How far ahead the SLA listing looks for the badges of every view (its clocks are the only ones a listing carries). */
const SLA_HORIZON_MS = 400 * DAY_MS;

export function useInbox(view: View, me: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['inbox', view, me],
    refetchInterval: 60_000,
    queryFn: async (): Promise<Case[]> => {
      const list = (query: Record<string, string | number>) =>
        data(api.GET('/cases', { params: { query: { limit: 100, ...query } } })).then((page) => page.items);
      const open = (c: Case) => c.statusCategory === 'active' || c.statusCategory === 'waiting';
      switch (view) {
        case 'mine':
          return (await list({ owner: me })).filter(open);
        case 'queues':
          return list({});
        case 'dueSoon':
          return list({ slaDueBefore: new Date(Date.now() + DAY_MS).toISOString() });
        case 'waiting':
          return (await list({})).filter((c) => c.statusCategory === 'waiting');
      }
    },
  });
}

/** caseId -> SLA, from the one listing that carries clocks. */
export function useSlaIndex() {
  const api = useApi();
  return useQuery({
    queryKey: ['inbox', 'sla-index'],
    refetchInterval: 60_000,
    queryFn: async () => {
      const page = await data(
        api.GET('/cases', { params: { query: { limit: 100, slaDueBefore: new Date(Date.now() + SLA_HORIZON_MS).toISOString() } } }),
      );
      return new Map(page.items.map((c) => [c.caseId, c.sla] as const));
    },
  });
}

/** The order of the last inbox list, for j / k on a case page. */
const ORDER_KEY = 'caseway.inbox.order';
export function rememberOrder(ids: readonly string[]): void {
  sessionStorage.setItem(ORDER_KEY, JSON.stringify(ids));
}
export function neighbour(id: string, step: 1 | -1): string | undefined {
  const ids = JSON.parse(sessionStorage.getItem(ORDER_KEY) ?? '[]') as string[];
  const at = ids.indexOf(id);
  return at < 0 ? undefined : ids[at + step];
}
