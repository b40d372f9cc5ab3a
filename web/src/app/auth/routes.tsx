import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ErrorState, Loading } from '../../components/states';
import { text } from '../text';
import { useAuth } from './auth';

/** Children only for a signed-in user; anyone else is sent to sign in, and back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { session, signingOut, signIn } = useAuth();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    // Signing out forgets the session before the browser leaves for the provider's logout: no sign-in in between.
    if (session === null && !signingOut) signIn().catch(setError);
  }, [session, signingOut, signIn]);
  if (error) return <ErrorState error={error} />;
  if (!session) return <Loading label={signingOut ? text.signingOut : text.signingIn} />;
  return <>{children}</>;
}

/** Where the authority sends the browser back with the code: exchange it (PKCE), then go where the user was going. */
export function SignInCallback() {
  const { manager, refresh } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // the code is single-use: StrictMode's second effect must not spend it again
    started.current = true;
    manager
      .signinRedirectCallback()
      .then(async (user) => {
        await refresh();
        const state = user.state as { returnTo?: string } | undefined;
        const returnTo = state?.returnTo && state.returnTo.startsWith('/') && !state.returnTo.startsWith('//') ? state.returnTo : '/';
        navigate(returnTo === '/auth/callback' ? '/' : returnTo, { replace: true });
      })
      .catch(setError);
  }, [manager, navigate, refresh]);
  if (error) return <ErrorState error={error} />;
  return <Loading label={text.signingIn} />;
}
