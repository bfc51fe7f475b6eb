import { MutationCache, QueryCache, QueryClient, QueryClientProvider, replaceEqualDeep } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { createContext, Fragment, useCallback, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { ApiConnection, ApiSession } from './connection';
import { errorCode, isUnauthorized } from './errors';
import { trpc } from './trpc';

interface ApiContextValue {
  connection: ApiConnection;
  /** Drops every cached answer and opens a new connection, e.g. after login or logout. */
  restart(): void;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}

/** Errors that another try cannot fix. */
const FINAL_ERRORS = new Set(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PRECONDITION_FAILED']);

/** Starts over with a new connection and an empty cache. */
function restartSession(queryClient: QueryClient, session: ApiSession) {
  queryClient.clear();
  session.restart();
}

function createQueryClient(session: ApiSession): QueryClient {
  // A session that ended while we were signed in (logout in another tab, expiry) surfaces
  // as UNAUTHORIZED on any call; a failed sign-in does not, as nobody is signed in yet.
  const handle = (error: unknown) => {
    const signedIn = queryClient.getQueryData(getQueryKey(trpc.auth.me, undefined, 'query')) !== undefined;
    if (signedIn && isUnauthorized(error)) restartSession(queryClient, session);
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: handle }),
    mutationCache: new MutationCache({ onError: handle }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => failures < 3 && !FINAL_ERRORS.has(errorCode(error) ?? ''),
      },
    },
  });
  // Counts read before events this tab has already folded in (a refetch after a reconnect racing
  // a live event) would undo them, and nothing would fold them in again: keep the newer.
  queryClient.setQueryDefaults(getQueryKey(trpc.notifications.stats), {
    structuralSharing: (previous: unknown, next: unknown) =>
      streamPosition(previous) > streamPosition(next) ? previous : replaceEqualDeep(previous, next),
  });
  return queryClient;
}

/** The `lastEventId` an answer reflects, or -1 without one. */
function streamPosition(data: unknown): number {
  const id = (data as { lastEventId?: string } | undefined)?.lastEventId;
  return id === undefined ? -1 : Number(id);
}

export function ApiProvider({ session, children }: { session: ApiSession; children: ReactNode }) {
  const connection = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const [queryClient] = useState(() => createQueryClient(session));
  // Several parts may notice the end of a session at once: the first restart wins.
  const restart = useCallback(() => {
    if (session.getSnapshot() === connection) restartSession(queryClient, session);
  }, [queryClient, session, connection]);

  // After a drop, refetch what is on screen: live events resume by themselves, but
  // queries that failed or went stale while we were away should show server truth.
  useEffect(() => connection.status.onReconnected(() => void queryClient.invalidateQueries()), [connection, queryClient]);

  return (
    <trpc.Provider client={connection.client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <ApiContext.Provider value={{ connection, restart }}>
          {/* A new connection remounts everything under it, subscriptions included. */}
          <Fragment key={connection.id}>{children}</Fragment>
        </ApiContext.Provider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
