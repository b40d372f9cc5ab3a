import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { UserManager } from 'oidc-client-ts';
import { createApi, type ApiClient } from '../api/client';
import { ApiProblem } from '../api/problem';
import { AuthProvider, useAuth } from './auth/auth';
import type { ConsoleConfig } from './config';
import { LiveProvider } from './live';

const ApiContext = createContext<ApiClient | undefined>(undefined);
const ConfigContext = createContext<ConsoleConfig | undefined>(undefined);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside the providers');
  return api;
}

export function useConfig(): ConsoleConfig {
  const config = useContext(ConfigContext);
  if (!config) throw new Error('useConfig outside the providers');
  return config;
}

/** `onUnauthorized`: the API refused the token (expired, signed out elsewhere): sign in again rather than show an error. */
export function createQueryClient(onUnauthorized: () => void): QueryClient {
  const onError = (error: unknown) => {
    if (error instanceof ApiProblem && error.status === 401) onUnauthorized();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A problem the API answered (4xx) will not change by asking again; a network fault or 5xx may.
        retry: (count, error) => count < 2 && !(error instanceof ApiProblem && error.status >= 400 && error.status < 500),
      },
    },
  });
}

function ApiProvider({ config, children }: { config: ConsoleConfig; children: ReactNode }) {
  const { session } = useAuth();
  const token = session?.idToken;
  const api = useMemo(() => createApi(config.apiUrl, () => token), [config.apiUrl, token]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function Providers({
  config,
  manager,
  queryClient,
  children,
}: {
  config: ConsoleConfig;
  manager: UserManager;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  return (
    <ConfigContext.Provider value={config}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider manager={manager} logoutUrl={config.auth.logoutUrl}>
          <ApiProvider config={config}>
            <LiveProvider>{children}</LiveProvider>
          </ApiProvider>
        </AuthProvider>
      </QueryClientProvider>
    </ConfigContext.Provider>
  );
}
