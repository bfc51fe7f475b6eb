import type { ReactNode } from 'react';
import { hasPermission, type SignedInUser } from '../auth/user';
import { Empty } from '../ui/states';

/** The admin screens' gate in the app; the server refuses their calls to anyone else anyway. */
export function AdminOnly({ user, children }: { user: SignedInUser; children: ReactNode }) {
  if (!hasPermission(user, 'admin')) {
    return <Empty title="Only administrators can see this page" description="Ask an administrator if you need something from it." />;
  }
  return children;
}
