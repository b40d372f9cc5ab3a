/**
 * Routing's server state for the agent: their own agent record (presence, capacity, load), their
 * open offers, and a case's routing read model. Offers live under one query key
 * (`routingKeys.offers`) so a live push can refresh them with one invalidation; until then they poll.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import { usePollingFallback } from '../../app/live';
import { useApi } from '../../app/providers';

export type Agent = components['schemas']['Agent'];
export type Offer = components['schemas']['Offer'];
export type Presence = Agent['presence'];
export const PRESENCES: readonly Presence[] = ['available', 'busy', 'away', 'offline'];

/** How often offers are polled while there is no live push. */
export const OFFER_POLL_MS = 3_000;

export const routingKeys = {
  all: ['routing'] as const,
  offers: ['routing', 'offers'] as const,
  agents: ['routing', 'agents'] as const,
  agent: (id: string) => ['routing', 'agents', id] as const,
  case: (id: string) => ['routing', 'cases', id] as const,
};

/** 404 is an answer here (not an agent yet, not routed): undefined, not an error. */
async function orAbsent<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return null;
    throw error;
  }
}

export function useMyAgent(me: string) {
  const api = useApi();
  return useQuery({
    queryKey: routingKeys.agent(me),
    refetchInterval: OFFER_POLL_MS * 5,
    queryFn: () => orAbsent(data(api.GET('/routing/agents/{id}', { params: { path: { id: me } } }))),
  });
}

export function useAgents(enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: routingKeys.agents,
    enabled,
    staleTime: 60_000,
    queryFn: () => data(api.GET('/routing/agents')).then((list) => list.items),
  });
}

export function useOffers() {
  const api = useApi();
  // The live feed's CaseOffered and Assigned events refresh offers; polling only stands in while it is down.
  const poll = usePollingFallback(OFFER_POLL_MS);
  return useQuery({
    queryKey: routingKeys.offers,
    refetchInterval: poll,
    queryFn: () => data(api.GET('/routing/offers')).then((list) => [...list.items].sort((a, b) => a.offeredAt.localeCompare(b.offeredAt))),
  });
}

export function useCaseRouting(caseId: string) {
  const api = useApi();
  return useQuery({
    queryKey: routingKeys.case(caseId),
    queryFn: () => orAbsent(data(api.GET('/routing/cases/{id}', { params: { path: { id: caseId } } }))),
  });
}

export function useSetPresence(me: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (presence: Presence) => data(api.PUT('/routing/agents/{id}/presence', { params: { path: { id: me } }, body: { presence } })),
    onSuccess: (agent) => {
      queryClient.setQueryData(routingKeys.agent(me), agent);
      // Becoming available dispatches at once: offers may be waiting already.
      void queryClient.invalidateQueries({ queryKey: routingKeys.offers });
    },
  });
}

export function useAnswerOffer() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ offer, answer }: { offer: Offer; answer: 'accept' | 'decline' }) => {
      const path = { params: { path: { id: offer.offerId } } };
      if (answer === 'accept') await data(api.POST('/routing/offers/{id}/accept', path));
      else await data(api.POST('/routing/offers/{id}/decline', path));
      return { offer, answer };
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: routingKeys.all });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
}
