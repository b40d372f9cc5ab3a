/** The agent's case view: the case, its history, comments and transitions, and the writes with If-Match. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../api/client';
import type { components } from '../../api/schema';
import type { FieldValue } from '../../api/types';
import { useApi } from '../../app/providers';

export const caseKeys = {
  case: (id: string) => ['case', id] as const,
  history: (id: string) => ['case', id, 'history'] as const,
  comments: (id: string) => ['case', id, 'comments'] as const,
  transitions: (id: string) => ['case', id, 'transitions'] as const,
};

export function useAgentCase(id: string) {
  const api = useApi();
  return useQuery({ queryKey: caseKeys.case(id), queryFn: () => data(api.GET('/cases/{id}', { params: { path: { id } } })) });
}

export function useHistory(id: string) {
  const api = useApi();
  return useQuery({ queryKey: caseKeys.history(id), queryFn: () => data(api.GET('/cases/{id}/history', { params: { path: { id }, query: { limit: 100 } } })) });
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
      data(api.PATCH('/cases/{id}', { params: { path: { id }, header: { 'If-Match': `"${version}"` } }, body: patch as components['schemas']['PatchCase'] })),
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
      data(api.POST('/cases/{id}/transitions', { params: { path: { id }, header: { 'If-Match': `"${version}"` } }, body: { to, transition, ...(reason ? { reason } : {}) } })),
    onSuccess: (kase) => {
      queryClient.setQueryData(caseKeys.case(id), kase);
      void queryClient.invalidateQueries({ queryKey: ['case', id] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
}
