import { Center } from '@mantine/core';
import { isUnauthorized } from '../api/errors';
import { trpc } from '../api/trpc';
import { Shell } from '../shell/shell';
import { Loading, LoadError } from '../ui/states';
import { SignIn } from './sign-in';

/** Who is signed in decides what is shown: the sign-in form, or the app. */
export function AuthGate() {
  const me = trpc.auth.me.useQuery(undefined, { staleTime: Infinity });
  if (me.isPending) return <Loading label="Connecting…" />;
  if (me.error) {
    if (isUnauthorized(me.error)) return <SignIn />;
    return (
      <Center p="md" mih="100vh">
        <LoadError title="Cannot reach the server" error={me.error} onRetry={() => void me.refetch()} />
      </Center>
    );
  }
  // A different user (signed in from another tab) gets a fresh shell.
  return <Shell key={me.data.id} user={me.data} />;
}
