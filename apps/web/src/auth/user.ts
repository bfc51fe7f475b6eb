import type { RouterOutputs } from '../api/trpc';
import type { Permission } from '@pms/shared';

export type SignedInUser = RouterOutputs['auth']['me'];

export const hasPermission = (user: SignedInUser, permission: Permission) => user.permissions.includes(permission);
