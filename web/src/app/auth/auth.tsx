/**
 * Sign-in with OpenID Connect authorization code + PKCE (oidc-client-ts), against the
 * authority /config.json names: the Cognito user pool in AWS, the dev issuer locally.
 * The ID token is the API's bearer: it is what the API's JWT authorizer checks.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import { CONSOLE_SIGN_IN_CALLBACK_PATH, CONSOLE_SIGN_OUT_PATH } from '../../../../functions/topology/console-paths';
import type { ConsoleConfig } from '../config';
import { rolesOf, type Role } from './roles';

export const CALLBACK_PATH = CONSOLE_SIGN_IN_CALLBACK_PATH;

/** Cognito's /logout, asked to end its session and send the browser back to the (registered) sign-out URL. */
export function providerLogoutUrl(logoutUrl: string, clientId: string, origin: string): string {
  const url = new URL(logoutUrl);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('logout_uri', `${origin}${CONSOLE_SIGN_OUT_PATH}`);
  return url.toString();
}

export function createUserManager(config: ConsoleConfig): UserManager {
  return new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    scope: config.auth.scope,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}${CONSOLE_SIGN_OUT_PATH}`,
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
  /** Set from sign-out until the browser has left: a missing session then is no reason to sign in again. */
  readonly signingOut: boolean;
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

/** `logoutUrl`: the provider's sign-out endpoint outside discovery (config.json's auth.logoutUrl: Cognito's /logout). */
export function AuthProvider({ manager, logoutUrl, children }: { manager: UserManager; logoutUrl?: string; children: ReactNode }) {
  const [session, setSession] = useState<SignedIn | null | undefined>(undefined);
  const [signingOut, setSigningOut] = useState(false);
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
      signingOut,
      refresh,
      signIn: (returnTo) => manager.signinRedirect({ state: { returnTo: returnTo ?? window.location.pathname + window.location.search } }),
      signOut: async () => {
        setSigningOut(true);
        // Cognito's discovery names no end_session_endpoint: its /logout (from config.json) ends its session.
        if (logoutUrl) {
          await manager.removeUser();
          window.location.assign(providerLogoutUrl(logoutUrl, manager.settings.client_id, window.location.origin));
          return;
        }
        const metadata = await manager.metadataService.getMetadata().catch(() => undefined);
        if (metadata?.end_session_endpoint) await manager.signoutRedirect();
        else {
          // A provider with no way to end its session: forgetting the tab's tokens is all there is.
          await manager.removeUser();
          window.location.assign(CONSOLE_SIGN_OUT_PATH);
        }
      },
    }),
    [manager, logoutUrl, session, signingOut, refresh],
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
