import { Center } from '@mantine/core';
import { Suspense, useEffect } from 'react';
import { useApi } from '../api/api-provider';
import { isUnauthorized } from '../api/errors';
import { trpc } from '../api/trpc';
import { ErrorBoundary } from '../ui/error-boundary';
import { lazyNamed } from '../ui/lazy-named';
import { Loading, LoadError } from '../ui/states';
import { SignIn } from './sign-in';

// The signed-in app is a chunk of its own, so the sign-in form does not wait for it. Its
// download starts at once, alongside the session check, rather than after it.
const Shell = lazyNamed(import('../shell/shell'), 'Shell');

/** Who is signed in decides what is shown: the sign-in form, or the app. */
export function AuthGate() {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity });
  const { connection, restart } = useApi();
  const userId = me.data?.id;
  // Live updates come through the tab that leads this user's tabs; another user needs a new connection.
  useEffect(() => {
    if (userId !== undefined && !connection.share(userId)) restart();
  }, [connection, restart, userId]);
  // One loading state from the first paint until the app is on screen.
  const starting = <Loading label="Connecting…" />;
  if (me.isPending) return starting;
  if (me.error) {
    if (isUnauthorized(me.error)) return <SignIn />;
    return (
      <Center p="md" mih="100vh">
        <LoadError title="Cannot reach the server" error={me.error} onRetry={() => void me.refetch()} />
      </Center>
    );
  }
  return (
    <ErrorBoundary>
      <Suspense fallback={starting}>
        {/* A different user (signed in from another tab) gets a fresh shell. */}
        <Shell key={me.data.id} user={me.data} />
      </Suspense>
    </ErrorBoundary>
  );
}
