/** The portal's server state: the requester's cases, one case, its public replies and files. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../api/client';
import { useApi } from '../../app/providers';

export const portalKeys = {
  myCases: ['portal', 'cases'] as const,
  case: (id: string) => ['case', id] as const,
  comments: (id: string) => ['case', id, 'comments'] as const,
  attachments: (id: string) => ['case', id, 'attachments'] as const,
  caseType: (type: string, version?: number) => ['case-type', type, version ?? 'current'] as const,
};

export function useMyCases() {
  const api = useApi();
  // A requester's listing is their own cases (the API scopes it by the token), newest first.
  return useQuery({ queryKey: portalKeys.myCases, queryFn: () => data(api.GET('/cases', { params: { query: { limit: 100 } } })) });
}

export function useCase(id: string) {
  const api = useApi();
  return useQuery({ queryKey: portalKeys.case(id), queryFn: () => data(api.GET('/cases/{id}', { params: { path: { id } } })) });
}

/** A case type as published (a version pinned by the case, or the current one). */
export function useCaseType(type: string | undefined, version?: number) {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.caseType(type ?? '', version),
    enabled: Boolean(type),
    staleTime: 5 * 60_000,
    queryFn: () => data(api.GET('/case-types/{type}', { params: { path: { type: type! }, query: version ? { version } : {} } })),
  });
}

export function useComments(id: string) {
  const api = useApi();
  return useQuery({ queryKey: portalKeys.comments(id), queryFn: () => data(api.GET('/cases/{id}/comments', { params: { path: { id } } })) });
}

export function useAttachments(id: string) {
  const api = useApi();
  return useQuery({ queryKey: portalKeys.attachments(id), queryFn: () => data(api.GET('/cases/{id}/attachments', { params: { path: { id } } })) });
}

export function useAddComment(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { body: string; visibility?: 'public' | 'internal' }) =>
      data(api.POST('/cases/{id}/comments', { params: { path: { id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: portalKeys.case(id) });
    },
  });
}
