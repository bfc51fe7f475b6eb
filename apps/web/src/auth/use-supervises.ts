import { trpc } from '../api/trpc';
import { hasPermission, type SignedInUser } from './user';

/**
 * Whether the user approves or assigns goals (and so sees the Team screen and reports): an
 * administrator (who approves the goals of people without a supervisor) or anyone with a
 * supervisee. undefined until the supervisees are known.
 */
export function useSupervises(user: SignedInUser): boolean | undefined {
  const supervisees = trpc.users.supervisees.useQuery();
  if (hasPermission(user, 'admin')) return true;
  return supervisees.data && supervisees.data.length > 0;
}
