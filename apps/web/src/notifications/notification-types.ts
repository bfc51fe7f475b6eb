/**
 * The registered notification types (the server's registry: built-in ones and those other modules
 * registered), with their labels and categories, for labels, the history filter and preferences.
 */
import type { NotificationCategory } from '@pms/shared';
import { trpc } from '../api/trpc';

/** "INITIATIVE_ASSIGNED" → "Initiative assigned": a type's name as words, until the registry answered. */
export function spelledOut(type: string): string {
  const words = type.toLowerCase().replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Types change rarely (a module registering one): read once per few minutes. */
export function useNotificationTypes() {
  return trpc.notificationTypes.list.useQuery(undefined, { staleTime: 5 * 60_000 });
}

/** Each type's label: the registry's, or its name spelled out while it loads. */
export function useTypeLabel(): (type: string) => string {
  const types = useNotificationTypes().data;
  return (type) => types?.find((known) => known.type === type)?.label ?? spelledOut(type);
}

/** Each type's category, as the registry says; undefined while it loads. */
export function useTypeCategory(): (type: string) => NotificationCategory | undefined {
  const types = useNotificationTypes().data;
  return (type) => types?.find((known) => known.type === type)?.category;
}
