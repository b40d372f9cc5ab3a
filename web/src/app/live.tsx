/**
 * The live feed in the console: once signed in, and when /config.json names a `liveUrl`,
 * one connection per tab (web/src/live/live-client.ts) whose events mark the affected
 * queries stale (web/src/live/invalidations.ts), so open views read the API again.
 * Polling is the fallback only: `usePollingFallback` gives a feature's refetch interval
 * while the feed is off or down, and none while it is live.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { connectLive, type LiveEvent, type LiveStatus } from '../live/live-client';
import { invalidationsForAll } from '../live/invalidations';
import { useAuth } from './auth/auth';
import { useConfig } from './providers';

/** `off`: no live feed configured, or not signed in. */
export type LiveState = LiveStatus | 'off';

const LiveContext = createContext<LiveState>('off');

/** Events arriving this close together refresh each affected view once. */
const COALESCE_MS = 150;

/** A live id for "now": the first connection asks for what happened since the page started loading its data. */
const liveIdNow = (): string => `${String(Date.now()).padStart(13, '0')}-00000000`;

function invalidator(queryClient: QueryClient) {
  let pending: LiveEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const events = pending;
    pending = [];
    for (const queryKey of invalidationsForAll(events)) void queryClient.invalidateQueries({ queryKey });
  };
  return {
    add(event: LiveEvent) {
      pending.push(event);
      timer ??= setTimeout(flush, COALESCE_MS);
    },
    cancel: () => clearTimeout(timer),
  };
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const { liveUrl } = useConfig();
  const { manager, session } = useAuth();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('off');
  const signedIn = session?.sub;
  const idToken = session?.idToken;
  const [client, setClient] = useState<ReturnType<typeof connectLive>>();

  useEffect(() => {
    if (!liveUrl || !signedIn) return setState('off');
    const live = connectLive({
      url: liveUrl,
      after: liveIdNow(),
      // Read on every (re)connect, so a renewed sign-in is what the server sees.
      token: async () => {
        const user = await manager.getUser();
        if (!user?.id_token || user.expired) throw new Error('not signed in');
        return user.id_token;
      },
    });
    const pending = invalidator(queryClient);
    let wasLive = false;
    const offStatus = live.onStatus((status) => {
      setState(status);
      if (status !== 'live') return;
      // A resume replays what the log still holds; reading every open view once also covers a gap longer than it keeps.
      if (wasLive) void queryClient.invalidateQueries();
      wasLive = true;
    });
    const offEvents = live.subscribe((event) => pending.add(event));
    setState(live.status);
    setClient(live);
    return () => {
      offStatus();
      offEvents();
      pending.cancel();
      live.close();
      setClient(undefined);
    };
  }, [liveUrl, signedIn, manager, queryClient]);

  // A refused token stops the client; a new one (signed in again) starts it again.
  useEffect(() => {
    if (idToken && client?.status === 'unauthorized') client.reconnect();
  }, [idToken, client]);

  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

/** The live feed's state: `live` while events flow. */
export function useLiveStatus(): LiveState {
  return useContext(LiveContext);
}

/** A query's `refetchInterval`: `ms` while the live feed is off or down, none while it is live. */
export function usePollingFallback(ms: number): number | false {
  return useLiveStatus() === 'live' ? false : ms;
}
