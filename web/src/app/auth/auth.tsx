/**
 * Sign-in with OpenID Connect authorization code + PKCE (oidc-client-ts), against the
 * authority /config.json names: the Cognito user pool in AWS, the dev issuer locally.
 * The ID token is the API's bearer: it is what the API's JWT authorizer checks.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { ConsoleConfig } from '../config';
import { rolesOf, type Role } from './roles';

export const CALLBACK_PATH = '/auth/callback';

export function createUserManager(config: ConsoleConfig): UserManager {
  return new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    scope: config.auth.scope,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/`,
    response_type: 'code',
    // Per tab: a shared computer keeps no session once the tab is closed.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
    loadUserInfo: false,
  });
}

export interface SignedIn {
  readonly user: User;
  readonly sub: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly idToken: string;
}

interface AuthState {
  readonly manager: UserManager;
  /** undefined while loading, null when signed out. */
  readonly session: SignedIn | null | undefined;
  signIn(returnTo?: string): Promise<void>;
  signOut(): Promise<void>;
  /** After the callback: the user is in the store now. */
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

function toSession(user: User | null): SignedIn | null {
  if (!user || user.expired || !user.id_token) return null;
  const profile = user.profile as Record<string, unknown>;
  return {
    user,
    sub: user.profile.sub,
    name: typeof profile.name === 'string' ? profile.name : user.profile.sub,
    roles: rolesOf(profile),
    idToken: user.id_token,
  };
}

export function AuthProvider({ manager, children }: { manager: UserManager; children: ReactNode }) {
  const [session, setSession] = useState<SignedIn | null | undefined>(undefined);
  const refresh = useCallback(async () => setSession(toSession(await manager.getUser())), [manager]);
  useEffect(() => {
    void refresh();
    const onUnloaded = () => setSession(null);
    manager.events.addUserUnloaded(onUnloaded);
    manager.events.addAccessTokenExpired(onUnloaded);
    return () => {
      manager.events.removeUserUnloaded(onUnloaded);
      manager.events.removeAccessTokenExpired(onUnloaded);
    };
  }, [manager, refresh]);

  const value = useMemo<AuthState>(
    () => ({
      manager,
      session,
      refresh,
      signIn: (returnTo) => manager.signinRedirect({ state: { returnTo: returnTo ?? window.location.pathname + window.location.search } }),
      signOut: async () => {
        const metadata = await manager.metadataService.getMetadata().catch(() => undefined);
        // Cognito's discovery names no end_session_endpoint: forgetting the tokens here is the sign-out then.
        if (metadata?.end_session_endpoint) await manager.signoutRedirect();
        else {
          await manager.removeUser();
          window.location.assign('/');
        }
      },
    }),
    [manager, session, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** The signed-in user; only under RequireAuth. */
export function useSession(): SignedIn {
  const { session } = useAuth();
  if (!session) throw new Error('useSession outside RequireAuth');
  return session;
}
