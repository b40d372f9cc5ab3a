/** The admin studio's server state, all through the typed client. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { ApiProblem } from '../../api/problem';
import { useApi } from '../../app/providers';

export type CaseType = components['schemas']['CaseType'];
export type CaseTypeInput = components['schemas']['CaseTypeVersion'];
export type TransitMap = components['schemas']['TransitMap'];
export type RoutingRules = components['schemas']['RoutingRules'];
export type RoutingRulesInput = components['schemas']['RoutingRulesInput'];
export type Queue = components['schemas']['Queue'];
export type QueueInput = components['schemas']['QueueInput'];
export type Agent = components['schemas']['Agent'];
export type AgentInput = components['schemas']['AgentInput'];
export type SlaPolicy = components['schemas']['SlaPolicy'];
export type SlaCalendar = components['schemas']['SlaCalendar'];
export type Case = components['schemas']['Case'];

const keys = {
  caseTypes: ['admin', 'case-types'] as const,
  caseType: (typeId: string, version?: number) => ['admin', 'case-types', typeId, 'version', version ?? 'current'] as const,
  versions: (typeId: string) => ['admin', 'case-types', typeId, 'versions'] as const,
  workflow: (typeId: string) => ['admin', 'case-types', typeId, 'workflow'] as const,
  casesOfType: (typeId: string) => ['admin', 'case-types', typeId, 'cases'] as const,
  rules: ['admin', 'routing-rules'] as const,
  queues: ['admin', 'queues'] as const,
  agents: ['admin', 'agents'] as const,
  policies: ['admin', 'sla-policies'] as const,
  calendars: ['admin', 'sla-calendars'] as const,
};

export function useCaseTypes() {
  const api = useApi();
  return useQuery({ queryKey: keys.caseTypes, queryFn: async () => (await data(api.GET('/case-types'))).items });
}

export function useCaseType(typeId: string) {
  const api = useApi();
  return useQuery({ queryKey: keys.caseType(typeId), queryFn: () => data(api.GET('/case-types/{type}', { params: { path: { type: typeId } } })) });
}

export function useCaseTypeVersions(typeId: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.versions(typeId),
    queryFn: async () => (await data(api.GET('/case-types/{type}/versions', { params: { path: { type: typeId } } }))).items,
  });
}

export function useWorkflow(typeId: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.workflow(typeId),
    queryFn: () => data(api.GET('/case-types/{type}/workflow', { params: { path: { type: typeId } } })),
  });
}

/** Cases of a type in every state, to count which version each runs (up to `cap`). */
export function useCasesOfType(typeId: string, states: readonly string[] | undefined, cap = 500) {
  const api = useApi();
  return useQuery({
    queryKey: [...keys.casesOfType(typeId), states?.join(',')],
    enabled: states !== undefined,
    queryFn: async () => {
      const items: Case[] = [];
      let cursor: string | undefined;
      do {
        const page = await data(
          api.GET('/cases', { params: { query: { type: typeId, status: states!.join(','), limit: 100, ...(cursor ? { cursor } : {}) } } }),
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && items.length < cap);
      return { items, capped: cursor !== undefined };
    },
  });
}

export function usePublishCaseType(typeId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, basedOn }: { body: CaseTypeInput; basedOn: number }) =>
      data(api.POST('/case-types/{type}/versions', { params: { path: { type: typeId }, header: { 'If-Match': `"${basedOn}"` } }, body })),
    // Not awaited: the caller's own onSuccess must run before a refetch remounts the form that asked.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.caseTypes }),
  });
}

export function useRoutingRules() {
  const api = useApi();
  return useQuery({
    queryKey: keys.rules,
    // 404 is an answer here: nothing is published yet, and the first ruleset is the draft.
    queryFn: async (): Promise<{ rules: RoutingRules; etag: string | null } | null> => {
      try {
        const { data: rules, response } = await unwrap(api.GET('/routing/rules'));
        return { rules, etag: response.headers.get('etag') };
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function usePublishRules() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, ifMatch }: { body: RoutingRulesInput; ifMatch: string | null }) =>
      data(api.POST('/routing/rules', { params: { header: ifMatch ? { 'If-Match': ifMatch } : {} }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.rules }),
  });
}

export function useQueuesAdmin() {
  const api = useApi();
  return useQuery({ queryKey: keys.queues, queryFn: async () => (await data(api.GET('/routing/queues'))).items });
}

export function usePutQueue() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ queueId, body }: { queueId: string; body: QueueInput }) =>
      data(api.PUT('/routing/queues/{id}', { params: { path: { id: queueId } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.queues }),
  });
}

export function useAgentsAdmin() {
  const api = useApi();
  return useQuery({ queryKey: keys.agents, queryFn: async () => (await data(api.GET('/routing/agents'))).items });
}

export function usePutAgent() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ agentId, body }: { agentId: string; body: AgentInput }) =>
      data(api.PUT('/routing/agents/{id}', { params: { path: { id: agentId } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function useSlaPolicies() {
  const api = useApi();
  return useQuery({ queryKey: keys.policies, queryFn: async () => (await data(api.GET('/sla/policies'))).items });
}

export function useSlaCalendars() {
  const api = useApi();
  return useQuery({ queryKey: keys.calendars, queryFn: async () => (await data(api.GET('/sla/calendars'))).items });
}

/** A case, read whole (with its SLA clocks), for the tester and the SLA view. */
export function useCase(caseId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['admin', 'case', caseId],
    enabled: !!caseId,
    retry: false,
    queryFn: () => data(api.GET('/cases/{id}', { params: { path: { id: caseId! } } })),
  });
}

/** The case's routing decisions (RoutingDecided audit events), newest first: what the API recorded, with its why. */
export function useRoutingHistory(caseId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['admin', 'case', caseId, 'routing-history'],
    enabled: !!caseId,
    retry: false,
    queryFn: async () =>
      (await data(api.GET('/cases/{id}/history', { params: { path: { id: caseId! } } }))).items.filter((e) => e.routing !== undefined).reverse(),
  });
}

/** Open cases with a running clock, soonest deadline first (the slaDueBefore listing carries `sla`). */
export function useCasesWithDeadlines() {
  const api = useApi();
  return useQuery({
    queryKey: ['admin', 'sla-deadlines'],
    queryFn: async () => {
      // Far enough ahead to hold every running clock: the listing needs an instant.
      const before = new Date(Date.now() + 400 * 86_400_000).toISOString();
      return (await data(api.GET('/cases', { params: { query: { slaDueBefore: before, limit: 100 } } }))).items;
    },
  });
}

export type SlaPreview = components['schemas']['SlaPreview'];
export type SlaPreviewRequest = components['schemas']['SlaPreviewRequest'];

/** When each clock of a policy warns and falls due under a calendar: the API's own maths (POST /sla/preview), never the browser's. */
export function useSlaPreview() {
  const api = useApi();
  return useMutation({ mutationFn: async (body: SlaPreviewRequest) => data(api.POST('/sla/preview', { body })) });
}

export type SlaPolicyInput = components['schemas']['SlaPolicyVersion'];
export type SlaCalendarInput = components['schemas']['SlaCalendarVersion'];

/** Publish the next version of a policy or calendar, based on the version shown (412 if someone published meanwhile). */
export function usePublishSla() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (
      change:
        | { kind: 'policy'; id: string; basedOn: number; body: SlaPolicyInput }
        | { kind: 'calendar'; id: string; basedOn: number; body: SlaCalendarInput },
    ) =>
      change.kind === 'policy'
        ? await data(
            api.POST('/sla/policies/{policyId}/versions', {
              params: { path: { policyId: change.id }, header: { 'If-Match': `"${change.basedOn}"` } },
              body: change.body,
            }),
          )
        : ((await data(
            api.POST('/sla/calendars/{calendarId}/versions', {
              params: { path: { calendarId: change.id }, header: { 'If-Match': `"${change.basedOn}"` } },
              body: change.body,
            }),
          )) as SlaPolicy | SlaCalendar),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
}
