/** The agent's case view: the case, its history, comments and transitions, and the writes with If-Match. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../api/client';
import { ApiProblem } from '../../api/problem';
import type { components } from '../../api/schema';
import type { FieldValue } from '../../api/types';
import { useApi } from '../../app/providers';

/** Everything of one case lives under ['case', id], so one invalidation (a write, a live event) refreshes it all. */
export const caseKeys = {
  case: (id: string) => ['case', id] as const,
  history: (id: string) => ['case', id, 'history'] as const,
  allComments: (id: string) => ['case', id, 'comments', 'all'] as const,
  transitions: (id: string) => ['case', id, 'transitions'] as const,
  tasks: (id: string) => ['case', id, 'tasks'] as const,
  links: (id: string) => ['case', id, 'links'] as const,
  handoff: (id: string) => ['case', id, 'handoff'] as const,
  articles: (id: string) => ['case', id, 'articles'] as const,
  suggestions: (id: string) => ['case', id, 'suggestions'] as const,
};

/** The history endpoint's largest page. */
export const HISTORY_PAGE = 100;

export function useAgentCase(id: string) {
  const api = useApi();
  return useQuery({ queryKey: caseKeys.case(id), queryFn: () => data(api.GET('/cases/{id}', { params: { path: { id } } })) });
}

/** The audit trail a page at a time, oldest first (the API's order); the timeline asks for the next page as it scrolls near the end. */
export function useHistoryPages(id: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: caseKeys.history(id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(api.GET('/cases/{id}/history', { params: { path: { id }, query: { limit: HISTORY_PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (page) => page.nextCursor,
  });
}

/** Every comment of the case (the timeline's comment events carry only the comment's id). */
export function useAllComments(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: caseKeys.allComments(id),
    queryFn: async () => {
      const all: components['schemas']['Comment'][] = [];
      let cursor: string | undefined;
      do {
        const page = await data(api.GET('/cases/{id}/comments', { params: { path: { id }, query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return new Map(all.map((c) => [c.commentId, c] as const));
    },
  });
}

/** 404 is an answer for some reads (no brief yet): null, not an error. */
async function orAbsent<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return null;
    throw error;
  }
}

export function useTasks(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: caseKeys.tasks(id),
    queryFn: () => data(api.GET('/cases/{id}/tasks', { params: { path: { id }, query: { limit: 100 } } })).then((p) => p.items),
  });
}

export function useAddTask(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (task: components['schemas']['NewTask']) => data(api.POST('/cases/{id}/tasks', { params: { path: { id } }, body: task })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: caseKeys.case(id) }),
  });
}

export function useUpdateTask(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ taskId, patch }: { taskId: string; patch: components['schemas']['TaskPatch'] }) =>
      data(api.PATCH('/cases/{id}/tasks/{taskId}', { params: { path: { id, taskId } }, body: patch })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: caseKeys.case(id) }),
  });
}

export function useLinks(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: caseKeys.links(id),
    queryFn: () => data(api.GET('/cases/{id}/links', { params: { path: { id }, query: { limit: 100 } } })).then((p) => p.items),
  });
}

export function useHandoff(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: caseKeys.handoff(id),
    queryFn: () => orAbsent(data(api.GET('/cases/{id}/handoff', { params: { path: { id } } })).then((h) => h.handoff)),
  });
}

export function useCaseArticles(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: caseKeys.articles(id),
    queryFn: () => data(api.GET('/cases/{id}/articles', { params: { path: { id }, query: { limit: 100 } } })).then((p) => p.items),
  });
}

export function useCaseSuggestions(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: caseKeys.suggestions(id),
    staleTime: 60_000,
    queryFn: () => data(api.GET('/cases/{id}/suggestions', { params: { path: { id }, query: { limit: 5 } } })),
  });
}

/** Links a published article as the one that resolved the case (POST /cases/{id}/articles): audited as ArticleLinked. */
export function useLinkArticle(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: components['schemas']['LinkArticle']) => data(api.POST('/cases/{id}/articles', { params: { path: { id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: caseKeys.articles(id) });
      void queryClient.invalidateQueries({ queryKey: caseKeys.history(id) });
    },
  });
}

export function useTransitions(id: string) {
  const api = useApi();
  return useQuery({ queryKey: caseKeys.transitions(id), queryFn: () => data(api.GET('/cases/{id}/transitions', { params: { path: { id } } })) });
}

/**
 * PatchCase, except that a field may be null: the API removes it then ("null removes a field",
 * says its description), though the OpenAPI schema of `fields` does not list null.
 */
export type CasePatch = Omit<components['schemas']['PatchCase'], 'fields'> & { fields?: Record<string, FieldValue | null> };

/** Writes always carry the version they were made against (If-Match): a change in between is a 412, never an overwrite. */
export function usePatchCase(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ patch, version }: { patch: CasePatch; version: number }) =>
      data(
        api.PATCH('/cases/{id}', {
          params: { path: { id }, header: { 'If-Match': `"${version}"` } },
          body: patch as components['schemas']['PatchCase'],
        }),
      ),
    onSuccess: (kase) => {
      queryClient.setQueryData(caseKeys.case(id), kase);
      void queryClient.invalidateQueries({ queryKey: caseKeys.history(id) });
      void queryClient.invalidateQueries({ queryKey: caseKeys.transitions(id) });
    },
  });
}

export function useTransition(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ to, transition, reason, version }: { to: string; transition: string; reason?: string; version: number }) =>
      data(
        api.POST('/cases/{id}/transitions', {
          params: { path: { id }, header: { 'If-Match': `"${version}"` } },
          body: { to, transition, ...(reason ? { reason } : {}) },
        }),
      ),
    onSuccess: (kase) => {
      queryClient.setQueryData(caseKeys.case(id), kase);
      void queryClient.invalidateQueries({ queryKey: ['case', id] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
}
